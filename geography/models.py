"""ONS areas, the links between them, boundaries, population and deprivation."""

from django.db import models


class Area(models.Model):
    """An ONS area by GSS code (LSOA, MSOA, ward, local authority, CSP, police force area, region)."""

    code = models.CharField(max_length=9, primary_key=True)
    name = models.CharField(max_length=200, blank=True)
    level = models.CharField(max_length=20, db_index=True)
    vintage = models.CharField(max_length=4, blank=True, help_text="Year of the code set, e.g. 2021.")
    centroid_lon = models.FloatField(null=True, blank=True)
    centroid_lat = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})" if self.name else self.code


class AreaLink(models.Model):
    """``child_code`` lies in ``parent_code`` (e.g. an LSOA in a ward), as a published lookup says."""

    child_code = models.CharField(max_length=9, db_index=True)
    parent_code = models.CharField(max_length=9, db_index=True)
    parent_level = models.CharField(max_length=20)
    parent_vintage = models.CharField(max_length=4, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["child_code", "parent_level", "parent_vintage"],
                                               name="one_parent_per_level_and_vintage")]

    def __str__(self) -> str:
        return f"{self.child_code} in {self.parent_code} ({self.parent_level} {self.parent_vintage})"


class LsoaChange(models.Model):
    """ONS LSOA 2011 → LSOA 2021 lookup row. change_code: U unchanged, S split, M merged, X complex."""

    lsoa11_code = models.CharField(max_length=9, db_index=True)
    lsoa21_code = models.CharField(max_length=9, db_index=True)
    change_code = models.CharField(max_length=1, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["lsoa11_code", "lsoa21_code"], name="unique_lsoa_change")]

    def __str__(self) -> str:
        return f"{self.lsoa11_code} → {self.lsoa21_code} ({self.change_code})"


class Boundary(models.Model):
    """An area's boundary: as imported (WKB, EPSG:4326) and simplified once for web maps (GeoJSON)."""

    area_code = models.CharField(max_length=9, primary_key=True)
    level = models.CharField(max_length=20, db_index=True)
    geometry_wkb = models.BinaryField()
    map_geojson = models.TextField(help_text="Simplified geometry, 5 decimal places, ready to serve.")
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    def __str__(self) -> str:
        return f"boundary of {self.area_code}"


class PopulationRecord(models.Model):
    """Residents of an area in one year, by age band as the source gives them."""

    area_code = models.CharField(max_length=9, db_index=True)
    year = models.PositiveSmallIntegerField()
    source = models.CharField(max_length=200)
    total = models.FloatField()
    aged_24_and_under = models.FloatField(
        null=True, blank=True, help_text="Residents aged 0–24 (the partnership's young people); "
        "empty when the source's bands do not split at 24.")
    bands = models.JSONField(default=dict, help_text='Band label → count, e.g. {"16-24": 512}.')

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_code", "year"], name="one_population_per_area_year")]

    def __str__(self) -> str:
        return f"population of {self.area_code} in {self.year}"


class DeprivationRecord(models.Model):
    """English Indices of Deprivation for one area and edition (2019, 2025).

    ``values`` maps ``<measure>_<statistic>`` to a number, e.g. ``imd_rank``, ``imd_decile``, ``crime_score``,
    and underlying indicators as ``<indicator>_value``.
    """

    area_code = models.CharField(max_length=9, db_index=True)
    edition = models.PositiveSmallIntegerField()
    values = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["area_code", "edition"], name="one_deprivation_per_edition")]

    def __str__(self) -> str:
        return f"IoD {self.edition} for {self.area_code}"


class GeographyImport(models.Model):
    """Manifest of geography imports: what file, what it held, when and by whom."""

    kind = models.CharField(max_length=20)
    file_name = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64)
    options = models.JSONField(default=dict)
    rows = models.PositiveIntegerField(default=0)
    at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.kind} import of {self.file_name}"
