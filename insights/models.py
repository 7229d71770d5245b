"""The warehouse manifest: every ingest batch, each file in it, and the Parquet partitions it made current.

The database is the commit point of the warehouse. Parquet files are written under new names first; one
transaction then makes them current and retires the ones they replace. Readers query only current
partitions, so a crash before that commit leaves the previous state exactly as it was.
"""

from django.db import models


class IngestBatch(models.Model):
    class Status(models.TextChoices):
        LANDED = "landed", "Landed"
        PARTIAL = "partial", "Landed without rejected rows"
        REJECTED = "rejected", "Rejected, nothing landed"
        UNCHANGED = "unchanged", "Already ingested, nothing changed"

    source = models.CharField(max_length=20)
    format = models.CharField(max_length=30)
    status = models.CharField(max_length=20, choices=Status.choices)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(auto_now_add=True)
    by = models.CharField(max_length=150)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    report_path = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "ingest batches"

    def __str__(self) -> str:
        return f"{self.source} batch {self.pk} ({self.status})"


class IngestFile(models.Model):
    batch = models.ForeignKey(IngestBatch, on_delete=models.CASCADE, related_name="files")
    file_name = models.CharField(max_length=500)
    checksum = models.CharField(max_length=64, db_index=True)
    size_bytes = models.PositiveBigIntegerField(default=0, db_index=True,
                                                help_text="A file of another size cannot be one already ingested.")
    rows_read = models.PositiveIntegerField(default=0)
    rows_accepted = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    rows_without_location = models.PositiveIntegerField(default=0)
    rows_without_crime_id = models.PositiveIntegerField(default=0)
    months = models.JSONField(default=list)
    providers = models.JSONField(default=list)

    def __str__(self) -> str:
        return self.file_name


class WarehousePartition(models.Model):
    """One Parquet file: a source's rows for one month from one provider (police force or ED site)."""

    source = models.CharField(max_length=20)
    month = models.CharField(max_length=7)
    provider = models.CharField(max_length=100)
    path = models.CharField(max_length=500, help_text="Relative to the warehouse folder.")
    rows = models.PositiveIntegerField()
    ingest_file = models.ForeignKey(IngestFile, on_delete=models.PROTECT, related_name="partitions")
    is_current = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "month", "provider"],
                                               condition=models.Q(is_current=True),
                                               name="one_current_partition")]
        indexes = [models.Index(fields=["source", "is_current"])]

    def __str__(self) -> str:
        return f"{self.source} {self.month} {self.provider}"


class HarmWeight(models.Model):
    """The harm weight of one police.uk crime type under one scheme (ONS Crime Severity Score or Cambridge CHI).

    The platform ships no weights: the published tables are loaded by an analyst with ``vrp harm_weights
    import`` (see ``insights.query.harm``), and ``source`` says where they came from.
    """

    class Scheme(models.TextChoices):
        CSS = "css", "ONS Crime Severity Score"
        CHI = "chi", "Cambridge Crime Harm Index"

    scheme = models.CharField(max_length=3, choices=Scheme.choices)
    crime_type = models.CharField(max_length=100)
    weight = models.FloatField()
    offences = models.PositiveIntegerField(null=True, blank=True,
                                           help_text="Recorded offences the weight was averaged over, if derived.")
    source = models.CharField(max_length=300)

    class Meta:
        ordering = ["scheme", "crime_type"]
        constraints = [models.UniqueConstraint(fields=["scheme", "crime_type"], name="one_weight_per_type")]

    def __str__(self) -> str:
        return f"{self.scheme} {self.crime_type}: {self.weight}"
