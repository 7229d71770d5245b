"""Funders, programmes and the projects (grants and contracts) the partnership commissions.

Field names follow the 360Giving Data Standard where one exists (amount awarded, award date, planned
dates, beneficiary location), so export and import map one field to one field.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from core.models import Organisation, validate_area_codes


class Theme(models.TextChoices):
    """The themes the West Midlands VRP annual report groups its work by."""

    PLACE_BASED = "place_based", "Place-based"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    EXPLOITATION = "exploitation", "Exploitation"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice and policing"
    FAITH_AND_COMMUNITIES = "faith_communities", "Faith and communities"
    SPORT = "sport", "Sport"
    VAWG = "vawg", "Violence against women and girls"


identifier_validator = RegexValidator(r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
                                      "Use letters, digits, dots, hyphens and underscores only.")


class Funder(models.Model):
    """Who pays: the VRP, the Office of the Police and Crime Commissioner, others."""

    name = models.CharField(max_length=200, unique=True)
    org_identifier = models.CharField(
        max_length=100, blank=True,
        help_text="Organisation identifier from org-id.guide (e.g. GB-GOR-PC000123); blank: one is made "
                  "from the platform's 360Giving prefix.")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="funder_roles")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A funding programme (e.g. "Community Initiatives Fund 2024/25")."""

    code = models.CharField(max_length=60, unique=True, validators=[identifier_validator])
    title = models.CharField(max_length=200)
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="programmes")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Project(models.Model):
    """One grant or contract: who delivers what, for whom, where, with how much money."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    identifier = models.CharField(
        max_length=80, unique=True, validators=[identifier_validator],
        help_text="The partnership's own reference; the 360Giving identifier is the prefix plus this.")
    external_id = models.CharField(
        max_length=200, blank=True,
        help_text="The 360Giving identifier of a grant imported from another publisher; kept as it was.")
    title = models.CharField(max_length=200)
    description = models.TextField()
    provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="projects")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="projects")
    programme = models.ForeignKey(Programme, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="projects")
    amount_awarded = models.DecimalField(max_digits=12, decimal_places=2,
                                         validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3, default="GBP")
    award_date = models.DateField()
    planned_start = models.DateField(null=True, blank=True)
    planned_end = models.DateField(null=True, blank=True)
    theme = models.CharField(max_length=30, choices=Theme.choices)
    target_cohort = models.CharField(max_length=300, blank=True,
                                     help_text="Who the work is for, e.g. 'young people at risk of exclusion'.")
    age_from = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    age_to = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    area_codes = models.JSONField(default=list, blank=True, validators=[validate_area_codes],
                                  help_text="ONS codes of the areas served (local authorities, wards, LSOAs).")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    is_published = models.BooleanField(default=False, help_text="Shown on the public dashboard and in 360Giving.")
    return_period_months = models.PositiveSmallIntegerField(
        default=3, choices=[(1, "Monthly"), (3, "Quarterly"), (6, "Half-yearly"), (12, "Yearly")],
        help_text="How often the provider submits a monitoring return (periods follow the financial year).")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-award_date", "identifier"]

    def __str__(self) -> str:
        return f"{self.title} ({self.identifier})"

    def clean(self) -> None:
        problems = {}
        if self.planned_start and self.planned_end and self.planned_end < self.planned_start:
            problems["planned_end"] = "The planned end is before the planned start."
        if self.age_from is not None and self.age_to is not None and self.age_to < self.age_from:
            problems["age_to"] = "The upper age is below the lower age."
        if self.currency != "GBP" and not (len(self.currency) == 3 and self.currency.isalpha()
                                            and self.currency.isupper()):
            problems["currency"] = "Use a three-letter ISO 4217 code such as GBP."
        if problems:
            raise ValidationError(problems)


class DeliveryLocation(models.Model):
    """A place where a project delivers (a school, a youth centre, a street): a point, never a home address."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    latitude = models.FloatField(validators=[MinValueValidator(49.0), MaxValueValidator(61.0)])
    longitude = models.FloatField(validators=[MinValueValidator(-8.7), MaxValueValidator(2.0)])
    lsoa_code = models.CharField(max_length=9, blank=True, help_text="Found from the point at save.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
