"""Serious violence incidents and the partnership's response: protocols, actions, an append-only timeline.

Restricted records. No names, addresses or dates of birth of anyone involved: a location is an LSOA and a
point rounded to about 100 m, people are age bands, and free text is checked for obvious identifiers
(``incidents.services.identifiers``) before it is saved.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from core.actions import OwnedAction
from core.age_bands import AgeBand  # noqa: F401 - shared, re-exported here
from core.models import Organisation


class Incident(models.Model):
    class Type(models.TextChoices):
        STABBING = "stabbing", "Stabbing"
        SHOOTING = "shooting", "Shooting"
        ASSAULT = "assault", "Assault"
        HOMICIDE = "homicide", "Homicide"
        DISORDER = "disorder", "Disorder"
        OTHER = "other", "Other"

    class Severity(models.TextChoices):
        SERIOUS = "serious", "Serious injury"
        LIFE_THREATENING = "life_threatening", "Life-threatening"
        FATAL = "fatal", "Fatal"
        NO_INJURY = "no_injury", "No physical injury (community impact)"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MONITORING = "monitoring", "Monitoring"
        CLOSED = "closed", "Closed"

    reference = models.CharField(max_length=20, unique=True)
    occurred_at = models.DateTimeField()
    incident_type = models.CharField(max_length=20, choices=Type.choices)
    lsoa_code = models.CharField(max_length=9, blank=True)
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(49.0), MaxValueValidator(61.0)],
                                 help_text="Approximate: rounded to 3 decimal places (about 100 m).")
    longitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-8.7), MaxValueValidator(2.0)])
    settings_affected = models.CharField(max_length=300, blank=True,
                                         help_text="Schools, colleges, estates or venues affected, by name of place.")
    age_bands = models.JSONField(default=list, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    summary = models.TextField(help_text="Short and pseudonymous: no names, addresses or dates of birth.")
    invited = models.ManyToManyField(Organisation, blank=True, related_name="incidents")
    schools = models.ManyToManyField("places.School", blank=True, related_name="incidents",
                                     help_text="Schools and colleges affected (from Get Information About Schools).")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at"]

    def __str__(self) -> str:
        return self.reference


class ResponseProtocol(models.Model):
    """A template of actions started when the partnership responds to an incident."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.name


class ProtocolStep(models.Model):
    """One action of a protocol, with its default owner and when it is due.

    ``due_after_hours`` is elapsed time (2 hours means 2 hours, even across a clock change);
    ``due_after_days`` is calendar days in Europe/London, at ``due_time`` if given (so a daily 09:00 update
    stays at 09:00 when the clocks change). ``repeat`` makes that many actions, one per ``repeat_every_days``.
    """

    protocol = models.ForeignKey(ResponseProtocol, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_kind = models.CharField(max_length=30, choices=Organisation.Kind.choices,
                                  help_text="The kind of invited organisation that owns it by default.")
    due_after_hours = models.PositiveIntegerField(null=True, blank=True)
    due_after_days = models.PositiveIntegerField(null=True, blank=True)
    due_time = models.TimeField(null=True, blank=True)
    repeat = models.PositiveSmallIntegerField(default=1)
    repeat_every_days = models.PositiveSmallIntegerField(default=1)
    is_first_contact = models.BooleanField(default=False, help_text="Counts as first contact in response times.")

    class Meta:
        ordering = ["protocol", "order"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Action(OwnedAction):
    """One action of an incident response (title, owner, due time, status, evidence: ``core.actions``)."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    step = models.ForeignKey(ProtocolStep, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="incident_actions")
    is_follow_up = models.BooleanField(default=False, help_text="Work that continues after the incident closes.")

    class Meta(OwnedAction.Meta):
        pass


class TimelineEntry(models.Model):
    """One event in an incident's history. Append-only: entries are never changed or deleted.

    Each entry has an audience, fixed when it is written: everyone who may see the incident, or the
    coordinators and one organisation (an action's owner; the writer's organisation for a note it keeps to
    itself). An entry about an unassigned action is for the coordinators alone (no organisation).
    """

    class Audience(models.TextChoices):
        INCIDENT = "incident", "Everyone working on the incident"
        ORGANISATION = "organisation", "Coordinators and one organisation"

    class Kind(models.TextChoices):
        CREATED = "created", "Incident recorded"
        UPDATE = "update", "Update"
        MEETING = "meeting", "Meeting note"
        STATUS = "status", "Status change"
        RESPONSE = "response", "Response started"
        INVITATION = "invitation", "Organisation invited"
        ACTION = "action", "Action change"

    incident = models.ForeignKey(Incident, on_delete=models.PROTECT, related_name="timeline")
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_label = models.CharField(max_length=150)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    text = models.TextField()
    audience = models.CharField(max_length=12, choices=Audience.choices, default=Audience.ORGANISATION)
    audience_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="With the organisation audience: the one organisation (besides coordinators) that sees it; "
                  "none means coordinators only.")

    class Meta:
        ordering = ["at", "id"]
        verbose_name_plural = "timeline entries"

    def __str__(self) -> str:
        return f"{self.incident} {self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise ValueError("Timeline entries are append-only; add a new entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs) -> None:
        raise ValueError("Timeline entries are append-only and cannot be deleted.")
