"""Partners' published tables (indicators), the files they came from, and hot spot alerts.

An **indicator** is one measure a partner publishes by area and period: a Fingertips indicator
("Hospital admissions for violence (including sexual violence)", id 11201), or a tidy table a partner sends
(HES sharp-object admissions, the Homicide Index, ambulance call-outs, exclusions, first-time entrants…).
Each **value** is one cell: area, period, age band, sex and category, with its count, denominator, value (in
the indicator's unit) and confidence limits as published. Values are upserted by that key, so loading the same
file again changes nothing.
"""

from django.conf import settings
from django.db import models


class Indicator(models.Model):
    class Measure(models.TextChoices):
        """The Home Office success measure an indicator gives, if any."""

        NONE = "", "None"
        HOSPITAL_ADMISSIONS = "hospital_admissions", "Hospital admissions for assault with a knife or sharp object"
        KNIFE_VIOLENCE = "knife_violence", "Knife-enabled serious violence recorded by the police"
        HOMICIDE = "homicide", "Non-domestic homicides"

    key = models.SlugField(max_length=100, unique=True,
                           help_text="The indicator's key: fingertips-<Indicator ID>, or the tidy file's measure.")
    name = models.CharField(max_length=300)
    fingertips_id = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=100, blank=True, help_text="The unit of the value, e.g. 'per 100,000'.")
    publisher = models.CharField(max_length=300, blank=True)
    success_measure = models.CharField(max_length=30, choices=Measure.choices, blank=True, default="")

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def source_name(self) -> str:
        """The name the source registry knows this indicator by (``VRP_SOURCE_DISCLOSURE`` can open it)."""
        return f"indicator.{self.key}"


class IndicatorFile(models.Model):
    """One file loaded: its checksum (a file already loaded is not read again) and what it held."""

    file_name = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64, unique=True)
    format = models.CharField(max_length=20)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    by = models.CharField(max_length=150)
    loaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.file_name


class IndicatorValue(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    area_code = models.CharField(max_length=9)
    area_name = models.CharField(max_length=200, blank=True)
    area_type = models.CharField(max_length=100, blank=True)
    period = models.CharField(max_length=30, help_text="The period's canonical label (partners.services.periods).")
    period_kind = models.CharField(max_length=20)
    first_month = models.CharField(max_length=7)
    last_month = models.CharField(max_length=7)
    age_band = models.CharField(max_length=50, default="All ages")
    sex = models.CharField(max_length=20, default="Persons")
    category = models.CharField(max_length=200, blank=True, default="")
    count = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    lower_ci95 = models.FloatField(null=True, blank=True)
    upper_ci95 = models.FloatField(null=True, blank=True)
    lower_ci998 = models.FloatField(null=True, blank=True)
    upper_ci998 = models.FloatField(null=True, blank=True)
    value_note = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=300, blank=True)
    file = models.ForeignKey(IndicatorFile, on_delete=models.PROTECT, related_name="values")

    class Meta:
        ordering = ["indicator", "area_code", "first_month", "age_band", "sex", "category"]
        constraints = [models.UniqueConstraint(fields=["indicator", "area_code", "period", "age_band", "sex",
                                                       "category"], name="one_indicator_value")]
        indexes = [models.Index(fields=["indicator", "area_code"])]

    def __str__(self) -> str:
        return f"{self.indicator.key} {self.area_code} {self.period}"


class SuccessSettings(models.Model):
    """The partnership's choices for the success measures: the baseline year trends are measured against."""

    baseline_year = models.CharField(max_length=7, default="2019/20",
                                     help_text="A financial (2019/20) or calendar (2019) year.")

    def __str__(self) -> str:
        return f"baseline {self.baseline_year}"


class HotspotAlert(models.Model):
    """An LSOA that became a hot spot or an emerging hot spot, for one partner organisation's area."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.CASCADE, related_name="hotspot_alerts")
    lsoa_code = models.CharField(max_length=9)
    pattern = models.CharField(max_length=50)
    through_month = models.CharField(max_length=7)
    created_at = models.DateTimeField(auto_now_add=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "lsoa_code"]
        constraints = [models.UniqueConstraint(fields=["organisation", "lsoa_code", "pattern"],
                                               name="one_alert_per_pattern")]

    def __str__(self) -> str:
        return f"{self.lsoa_code} {self.pattern}"


class AlertSubscription(models.Model):
    """A person who asked to be emailed when their area gets a new hot spot."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hotspot_alerts")

    def __str__(self) -> str:
        return str(self.user)


class SimilarArea(models.Model):
    """A published most-similar group, as an analyst loaded it: ``similar_code`` is the ``rank``-th most similar
    area to ``area_code`` according to ``source`` (e.g. CIPFA nearest neighbours, the Home Office's most similar
    groups)."""

    area_code = models.CharField(max_length=9)
    similar_code = models.CharField(max_length=9)
    rank = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["area_code", "rank"]
        constraints = [models.UniqueConstraint(fields=["area_code", "similar_code"], name="one_similar_pair")]

    def __str__(self) -> str:
        return f"{self.area_code} ~ {self.similar_code} ({self.rank})"
