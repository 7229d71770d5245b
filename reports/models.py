"""Report jobs started from the analysts' page: what was asked, how far it has got, where the files are."""

from django.conf import settings
from django.db import models


class ReportJob(models.Model):
    class Kind(models.TextChoices):
        SNA = "sna", "Strategic Needs Assessment"
        ANNUAL = "annual", "Annual report"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField()
    financial = models.BooleanField(default=False, help_text="April to March rather than a calendar year.")
    area = models.CharField(max_length=9, blank=True)
    edition = models.CharField(max_length=10, default="public")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    files = models.JSONField(default=list, blank=True, help_text="Names of the files written, in the job folder.")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The queue: a worker (``vrp worker``) claims a queued job and beats while it runs; a running job whose
    # beat stops (its worker was restarted) is queued again.
    worker = models.CharField(max_length=100, blank=True, help_text="The worker running the job (host:pid).")
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A public-edition report an analyst has published: listed for everyone at /reports/published/.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} ({self.status})"

    @property
    def data_files(self) -> list[str]:
        """The job's CSV files (``data/<figure>.csv``), one per figure."""
        return [name for name in self.files if name.startswith("data/")]
