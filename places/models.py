"""Schools and their prevention plans, Step Together walking routes, and the directory of services.

The directory follows the Open Referral UK profile of the Human Services Data Specification (HSDS 3.0):
organisations, services, locations, schedules and taxonomy terms, with UUIDs as their identifiers, so the
``/openreferral/`` API serves them as the standard describes.
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class School(models.Model):
    """An open school or college from Get Information About Schools (GIAS), by URN."""

    urn = models.PositiveIntegerField(primary_key=True)
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=60, blank=True)
    establishment_type = models.CharField(max_length=100, blank=True)
    type_group = models.CharField(max_length=100, blank=True)
    pupils = models.PositiveIntegerField(null=True, blank=True)
    free_school_meals_percent = models.FloatField(null=True, blank=True)
    gias_la_code = models.CharField(max_length=4, blank=True, help_text="GIAS's three-digit local authority code.")
    la_name = models.CharField(max_length=100, blank=True)
    lsoa_code = models.CharField(max_length=9, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"


class Intervention(models.TextChoices):
    ASSEMBLIES = "assemblies", "Whole-year assemblies"
    MVP = "mvp", "Mentors in Violence Prevention"
    KNIFE_ARCH = "knife_arch", "Knife arch with mentoring"
    LIVED_EXPERIENCE = "lived_experience", "Lived-experience mentors"
    PARENTS_EXPLOITATION = "parents_exploitation", "Exploitation awareness for parents"
    VAWG_TRAINING = "vawg_training", "VAWG training for staff"
    STEP_TOGETHER = "step_together", "Step Together route"
    OTHER = "other", "Other"


class PreventionPlan(models.Model):
    """A school's year-long prevention plan: interventions by term, rather than one-off events."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="plans")
    academic_year = models.PositiveSmallIntegerField(help_text="The year it starts: 2025 = 2025/26.")
    incident = models.ForeignKey("incidents.Incident", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="prevention_plans", help_text="The incident the plan responds to.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-academic_year", "school__name"]
        constraints = [models.UniqueConstraint(fields=["school", "academic_year"], name="one_plan_per_school_year")]

    def __str__(self) -> str:
        return f"{self.school.name} {self.academic_year}/{(self.academic_year + 1) % 100:02d}"


class PlanItem(models.Model):
    class Term(models.TextChoices):
        AUTUMN = "autumn", "Autumn"
        SPRING = "spring", "Spring"
        SUMMER = "summer", "Summer"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    plan = models.ForeignKey(PreventionPlan, on_delete=models.CASCADE, related_name="items")
    intervention = models.CharField(max_length=30, choices=Intervention.choices)
    term = models.CharField(max_length=10, choices=Term.choices)
    audience = models.CharField(max_length=200, help_text="e.g. year 9, parents, staff")
    project = models.ForeignKey("commissioning.Project", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="plan_items", help_text="The commissioned project delivering it.")
    provider_name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["plan", "term", "intervention"]

    def __str__(self) -> str:
        return f"{self.get_intervention_display()} ({self.get_term_display()})"


class Route(models.Model):
    """A Step Together walking route (a line in WGS84), or a comparison route with no chaperones."""

    name = models.CharField(max_length=200)
    school = models.ForeignKey(School, null=True, blank=True, on_delete=models.SET_NULL, related_name="routes")
    line_geojson = models.TextField(help_text="A GeoJSON LineString in longitude, latitude.")
    start_date = models.DateField(help_text="When chaperones started walking it (for comparison routes: the "
                                            "matched route's start).")
    is_comparison = models.BooleanField(default=False)
    days = models.CharField(max_length=60, blank=True, help_text="e.g. Monday to Friday")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    chaperone_shifts_per_week = models.PositiveSmallIntegerField(default=0)
    children_walking = models.PositiveIntegerField(default=0, help_text="A count, never names.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TaxonomyTerm(models.Model):
    """A term of the directory's activity taxonomy (Open Referral UK ``taxonomy_term``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120)
    description = models.CharField(max_length=300, blank=True)
    vocabulary = models.CharField(max_length=60, default="vrp-activity")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DirectoryOrganisation(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    source = models.CharField(max_length=200, blank=True, help_text="The feed it was imported from, if any.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_faith_alliance_member(self) -> bool:
        """A confirmed member of the Faith Alliance network today (membership lives in ``engagement``; the
        directory's listing prefetches it as ``faith_alliance_now``)."""
        prefetched = getattr(self, "faith_alliance_now", None)
        if prefetched is not None:
            return bool(prefetched)
        from django.utils import timezone

        from engagement.services.networks import is_faith_alliance_member

        return is_faith_alliance_member(self, timezone.localdate())

    @property
    def faith_alliance_declared(self) -> bool:
        """It said, submitting a service, that it is a Faith Alliance member, and the network's coordinator has
        not yet confirmed it (moderators see it; the public do not)."""
        from engagement.services.networks import faith_alliance

        return faith_alliance().memberships.filter(directory_organisation=self, is_confirmed=False,
                                                   left_on__isnull=True).exists()


class Service(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DEFUNCT = "defunct", "Defunct"
        TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"

    class Moderation(models.TextChoices):
        PENDING = "pending", "Awaiting review"
        PUBLISHED = "published", "Published"
        REJECTED = "rejected", "Rejected"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(DirectoryOrganisation, on_delete=models.CASCADE, related_name="services")
    name = models.CharField(max_length=200)
    description = models.TextField()
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True, validators=[MaxValueValidator(120)])
    cost = models.CharField(max_length=200, blank=True, help_text="e.g. free, £2 a session")
    contact_name = models.CharField(max_length=120, blank=True, help_text="A role, e.g. 'youth worker on duty'.")
    contact_phone = models.CharField(max_length=40, blank=True)
    terms = models.ManyToManyField(TaxonomyTerm, blank=True, related_name="services")
    moderation = models.CharField(max_length=10, choices=Moderation.choices, default=Moderation.PENDING)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    review_note = models.CharField(max_length=300, blank=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ServiceLocation(models.Model):
    """Where a service is delivered (Open Referral UK ``service_at_location`` with its ``location``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="locations")
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    latitude = models.FloatField(validators=[MinValueValidator(49.0), MaxValueValidator(61.0)])
    longitude = models.FloatField(validators=[MinValueValidator(-8.7), MaxValueValidator(2.0)])
    lsoa_code = models.CharField(max_length=9, blank=True)

    def __str__(self) -> str:
        return self.name


class Schedule(models.Model):
    """A weekly session (Open Referral UK ``schedule``): day, times, and whether in term time or holidays."""

    class Season(models.TextChoices):
        ALL_YEAR = "all_year", "All year"
        TERM_TIME = "term_time", "Term time"
        HOLIDAYS = "holidays", "School holidays"

    DAYS = [("MO", "Monday"), ("TU", "Tuesday"), ("WE", "Wednesday"), ("TH", "Thursday"), ("FR", "Friday"),
            ("SA", "Saturday"), ("SU", "Sunday")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="schedules")
    byday = models.CharField(max_length=2, choices=DAYS)
    opens_at = models.TimeField()
    closes_at = models.TimeField()
    season = models.CharField(max_length=10, choices=Season.choices, default=Season.ALL_YEAR)

    class Meta:
        ordering = ["byday", "opens_at"]

    def __str__(self) -> str:
        return f"{self.get_byday_display()} {self.opens_at:%H:%M}–{self.closes_at:%H:%M}"


class Postcode(models.Model):
    """A postcode's centroid, for "near me" searches (loaded with ``vrp places postcodes FILE``)."""

    postcode = models.CharField(max_length=8, primary_key=True, help_text="Upper case, one space: B12 9QT.")
    latitude = models.FloatField()
    longitude = models.FloatField()

    def __str__(self) -> str:
        return self.postcode


# Story maps keep their own module (one concept per module); Django finds models through this one.
from places.stories.models import Chapter, Story, StoryArea  # noqa: E402, F401
