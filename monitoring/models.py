"""Providers' periodic monitoring returns: reach by age band and sex, activity, and outcome measures.

Only counts are held: no names, dates of birth or other personal data about the young people reached.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from commissioning.models import Project
from core.age_bands import YOUNG_PEOPLE_BANDS, AgeBand  # noqa: F401 - shared, re-exported here


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER_OR_UNKNOWN = "other_unknown", "Other or not known"


class Participation(models.TextChoices):
    NEW = "new", "New this period"
    CONTINUING = "continuing", "Continuing from an earlier period"


class OutcomeMeasure(models.Model):
    """A project-specific measure the commissioner asks for (e.g. "school exclusions avoided")."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="outcome_measures")
    name = models.CharField(max_length=120)
    unit = models.CharField(max_length=60, help_text="e.g. young people, sessions, per cent")
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True,
                                 help_text="Target for the whole project, if one was agreed.")

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="outcome_measure_unique_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class MonitoringReturn(models.Model):
    """One provider's return for one project and one period: drafted, submitted, then accepted or sent back."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        SENT_BACK = "sent_back", "Sent back"

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="returns")
    period_start = models.DateField()
    period_end = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    professionals_trained = models.PositiveIntegerField(default=0)
    sessions_delivered = models.PositiveIntegerField(default=0)
    referrals_made = models.PositiveIntegerField(default=0)
    provider_notes = models.TextField(blank=True)
    review_comment = models.TextField(blank=True, help_text="The commissioner's comment when accepting or "
                                                            "sending back.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["project__identifier", "period_start"]
        constraints = [models.UniqueConstraint(fields=["project", "period_start"], name="one_return_per_period")]

    def __str__(self) -> str:
        return f"{self.project.identifier} {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.SENT_BACK)


class ReachCount(models.Model):
    """How many people of one age band and sex a return reports, new or continuing."""

    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="reach")
    age_band = models.CharField(max_length=10, choices=AgeBand.choices)
    sex = models.CharField(max_length=15, choices=Sex.choices)
    participation = models.CharField(max_length=12, choices=Participation.choices)
    count = models.PositiveIntegerField(validators=[MinValueValidator(0)])

    class Meta:
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "age_band", "sex", "participation"],
                                               name="one_reach_count_per_cell")]

    def __str__(self) -> str:
        return f"{self.age_band} {self.sex} {self.participation}: {self.count}"


class OutcomeValue(models.Model):
    monitoring_return = models.ForeignKey(MonitoringReturn, on_delete=models.CASCADE, related_name="outcomes")
    measure = models.ForeignKey(OutcomeMeasure, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(max_digits=12, decimal_places=2)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["monitoring_return", "measure"], name="one_value_per_measure")]

    def __str__(self) -> str:
        return f"{self.measure.name}: {self.value}"
