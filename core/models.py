"""Organisations, users with roles and area scopes, the region, the audit log."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from core.area_codes import validate_area_code
from core.roles import SCOPED_ROLES, Role


def validate_area_codes(codes: list[str]) -> None:
    """Every entry of ``codes`` must be an ONS area code."""
    if not isinstance(codes, list):
        raise ValidationError("Enter a list of ONS area codes.")
    for code in codes:
        validate_area_code(code)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        PARTNERSHIP = "partnership", "Violence Reduction Partnership"
        LOCAL_AUTHORITY = "local_authority", "Local authority"
        POLICE = "police", "Police"
        NHS = "nhs", "NHS trust or health body"
        SCHOOL = "school", "School or college"
        PROVIDER = "provider", "Commissioned provider"
        PCC = "pcc", "Office of the Police and Crime Commissioner"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    org_identifier = models.CharField(
        max_length=100, blank=True,
        help_text="Organisation identifier from org-id.guide (GB-CHC-…, GB-COH-…), used in 360Giving data.",
    )
    area_codes = models.JSONField(
        default=list, blank=True, validators=[validate_area_codes],
        help_text="ONS codes of the areas this organisation works in; its partners see these areas only.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=30, choices=Role.choices, default=Role.PUBLIC)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )

    def clean(self) -> None:
        super().clean()
        if self.role in SCOPED_ROLES and self.organisation_id is None:
            raise ValidationError({"organisation": "Providers and partners must belong to an organisation."})

    @property
    def area_codes(self) -> list[str]:
        """The ONS codes this user may see finer figures for; empty means the whole region."""
        if self.role in SCOPED_ROLES and self.organisation is not None:
            return list(self.organisation.area_codes)
        return []


class Region(models.Model):
    """The partnership's region: which forces and local authorities its pages show by default.

    Ingest takes any force's files; the region only chooses the default view.
    """

    name = models.CharField(max_length=200)
    force_slugs = models.JSONField(default=list, help_text="police.uk force slugs, e.g. west-midlands.")
    lad_codes = models.JSONField(default=list, validators=[validate_area_codes],
                                 help_text="ONS local authority codes (E06/E07/E08/E09/W06).")
    is_current = models.BooleanField(default=True)
    is_synthetic = models.BooleanField(default=False, help_text="True for the generated demo region.")

    def __str__(self) -> str:
        return self.name


class AuditEntry(models.Model):
    """One change to operational data, or one view of a restricted record. Append-only."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL)
    actor_label = models.CharField(max_length=150, help_text="Who, kept when the user is deleted.")
    action = models.CharField(max_length=40)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=100, blank=True)
    summary = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"


class DataVersion(models.Model):
    """One row counting changes to the platform's data: cached public pages are keyed on it, so any change
    (a form saved, an import, an ingest) retires every cached page at once, in every worker."""

    number = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"data version {self.number}"


class PublicRelease(models.Model):
    """The public release of one controlled source for one version of its data (``core.release``): every
    published cell (None where withheld) and a manifest naming the rule, the data version and what it holds."""

    source = models.CharField(max_length=50)
    data_version = models.CharField(max_length=64, help_text="SHA-256 of the records and region it was built from.")
    rule = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    manifest = models.JSONField(default=dict)
    cells = models.JSONField(default=list, help_text="[measure, breakdown, category, period, area, count or null]")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source", "data_version", "rule"],
                                               name="one_release_per_version")]

    def __str__(self) -> str:
        return f"{self.source} release {self.data_version[:12]}"
