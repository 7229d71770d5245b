"""The response strategy (priorities, commitments, measures, updates), governance (boards, meetings,
attendance, decisions, actions) and community voice (consultations and the ideas they raised).

A measure's status is never stored: it is computed from the data each time it is shown
(``strategy.services.status``). Consultations hold counts by age band, never names.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

from core.actions import OwnedAction
from core.age_bands import AgeBand
from core.models import Organisation

month_validator = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", "Enter a month as YYYY-MM.")


class Strategy(models.Model):
    """The partnership's response strategy for one financial year (2025 = April 2025 to March 2026)."""

    year = models.PositiveSmallIntegerField(unique=True, help_text="The financial year by its first year.")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    sna_reference = models.CharField(max_length=200, blank=True,
                                     help_text="The Strategic Needs Assessment it answers, e.g. 'SNA 2024'.")
    is_published = models.BooleanField(default=False, help_text="Shown on the public strategy page.")

    class Meta:
        ordering = ["-year"]
        verbose_name_plural = "strategies"

    def __str__(self) -> str:
        return self.title

    @property
    def label(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"


class Priority(models.Model):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    sna_findings = models.JSONField(default=list, blank=True,
                                    help_text="The SNA findings this priority answers, one sentence each.")

    class Meta:
        ordering = ["strategy", "order", "id"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.title


class WithdrawableQuerySet(models.QuerySet):
    """Commitments and measures are withdrawn, never deleted: ``current()`` leaves the withdrawn out."""

    def current(self) -> "WithdrawableQuerySet":
        return self.filter(withdrawn_at=None)


class Commitment(models.Model):
    """What the partnership will do under a priority: who owns it, by when, and what delivers it. A withdrawn
    commitment is kept (with when and why) but left out of the public strategy and of every status roll-up."""

    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="commitments")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="commitments")
    due_date = models.DateField()
    projects = models.ManyToManyField("commissioning.Project", blank=True, related_name="commitments")
    school_plans = models.ManyToManyField("places.PreventionPlan", blank=True, related_name="commitments")
    incident_follow_ups = models.ManyToManyField("incidents.Action", blank=True, related_name="commitments",
                                                 limit_choices_to={"is_follow_up": True},
                                                 help_text="Follow-up work from incident responses.")
    evidence = models.ManyToManyField("evidence.EvidenceItem", blank=True, related_name="commitments")
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, help_text="Why the partnership withdrew it.")

    objects = WithdrawableQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "due_date", "id"]

    def __str__(self) -> str:
        return self.title


class Measure(models.Model):
    """A figure that shows a commitment's progress: a baseline period, a target for the measured period, and
    which way is better. ``figure`` names one of ``strategy.services.figures.FIGURES``. A withdrawn measure is
    kept but no longer counts towards its commitment's status or shows to the public."""

    class Direction(models.TextChoices):
        DOWN = "down", "Lower is better"
        UP = "up", "Higher is better"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="measures")
    figure = models.CharField(max_length=40)
    area_code = models.CharField(max_length=9, blank=True, help_text="An ONS area code; blank for the region.")
    subject = models.CharField(max_length=60, blank=True,
                               help_text="A theme for reach and training; an outcome measure's id for outcomes.")
    baseline_from = models.CharField(max_length=7, validators=[month_validator])
    baseline_to = models.CharField(max_length=7, validators=[month_validator])
    period_from = models.CharField(max_length=7, validators=[month_validator])
    period_to = models.CharField(max_length=7, validators=[month_validator])
    target = models.DecimalField(max_digits=14, decimal_places=3)
    direction = models.CharField(max_length=4, choices=Direction.choices)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True, help_text="Why the partnership withdrew it.")

    objects = WithdrawableQuerySet.as_manager()

    class Meta:
        ordering = ["commitment", "id"]

    def __str__(self) -> str:
        return f"{self.figure} {self.area_code or 'region'} {self.period_from} to {self.period_to}"

    def clean(self) -> None:
        problems = {}
        if self.baseline_from and self.baseline_to and self.baseline_to < self.baseline_from:
            problems["baseline_to"] = "The baseline ends before it starts."
        if self.period_from and self.period_to and self.period_to < self.period_from:
            problems["period_to"] = "The period ends before it starts."
        if problems:
            raise ValidationError(problems)


class Update(models.Model):
    """An owner's narrative update on a commitment. Append-only."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_label = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.created_at:%Y-%m-%d}"


class Board(models.Model):
    """A board or group the partnership answers to (Steering Group, Young People Board)."""

    name = models.CharField(max_length=200, unique=True)
    purpose = models.TextField(blank=True)
    members = models.ManyToManyField(Organisation, blank=True, related_name="boards")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Meeting(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    held_on = models.DateField()
    summary = models.TextField(blank=True, help_text="What was discussed (no personal details).")

    class Meta:
        ordering = ["-held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["board", "held_on"], name="one_meeting_per_board_day")]

    def __str__(self) -> str:
        return f"{self.board} {self.held_on:%d %b %Y}"


class Attendance(models.Model):
    """Whether a member organisation was represented at a meeting, and by how many people (a count)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    present = models.BooleanField(default=True)
    people = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="one_attendance_per_org")]

    def __str__(self) -> str:
        return f"{self.organisation} {'present' if self.present else 'absent'}"


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField()
    commitment = models.ForeignKey(Commitment, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="decisions")

    class Meta:
        ordering = ["meeting", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class BoardAction(OwnedAction):
    """An action agreed at a meeting, owned by an organisation (the incident action machinery: core.actions)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="board_actions")

    class Meta(OwnedAction.Meta):
        pass


class Consultation(models.Model):
    """A community consultation (Youth Assembly, Hope Hack, a parent forum): who took part, as counts."""

    name = models.CharField(max_length=200)
    held_on = models.DateField()
    area_code = models.CharField(max_length=9, blank=True)
    participants = models.JSONField(default=dict, blank=True,
                                    help_text="Participants by age band: {'10_17': 40, '18_24': 12}; no names.")
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-held_on", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%b %Y})"

    def clean(self) -> None:
        bands = set(AgeBand.values)
        if not isinstance(self.participants, dict) or any(
                k not in bands or not isinstance(v, int) or isinstance(v, bool) or v < 0
                for k, v in self.participants.items()):
            raise ValidationError({"participants": f"Give whole-number counts by age band ({', '.join(bands)})."})

    @property
    def participants_by_band(self) -> list[tuple[str, int]]:
        """(age band label, count) in the bands' order, for display."""
        counts = self.participants if isinstance(self.participants, dict) else {}
        return [(band.label.lower(), counts[band.value]) for band in AgeBand if counts.get(band.value)]

    @property
    def total_participants(self) -> int:
        return sum(self.participants.values()) if isinstance(self.participants, dict) else 0


class Idea(models.Model):
    """"You said": an idea raised at a consultation; "we did": the commitments that answer it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="ideas")
    text = models.TextField()
    raised_by = models.PositiveIntegerField(default=1, help_text="How many participants raised it (a count).")
    response = models.TextField(blank=True, help_text="What the partnership did, in plain words.")
    commitments = models.ManyToManyField(Commitment, blank=True, related_name="ideas")

    class Meta:
        ordering = ["consultation", "-raised_by", "id"]

    def __str__(self) -> str:
        return self.text[:80]
