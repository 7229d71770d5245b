"""Running a report job in the background and recording its progress, so the page can show it.

The job runs in a thread of the web process (``start``): reports take seconds, not hours, and this keeps
the platform free of a task queue. Progress and the outcome are written to the job's row, which the page
polls. A job interrupted by a restart stays "running"; the page offers to start it again.
"""

import shutil
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from core import audit
from reports.models import ReportJob
from reports.services.annual import build_annual_edition
from reports.services.sna import ReportPeriod, build_sna, write_report


def job_folder(job: ReportJob) -> Path:
    return Path(settings.VRP_DATA_DIR) / "reports" / f"job-{job.pk}"


def run(job_id: int) -> ReportJob:
    """Build and write the job's report, recording progress; a failure is recorded, never raised."""
    job = ReportJob.objects.get(pk=job_id)

    def progress(percent: int, message: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.RUNNING, progress=percent,
                                                   message=message[:300])

    progress(1, "Starting")
    folder = job_folder(job)
    try:
        if job.kind == ReportJob.Kind.SNA:
            period = ReportPeriod(job.year, job.financial)
            report = build_sna(period, job.area or None, job.edition, progress)
            report["stem"] = f"sna-{period.label.replace('/', '-')}-{job.edition}"
        else:
            report = build_annual_edition(job.year, job.edition)
        progress(95, "Writing HTML and PDF")
        if folder.exists():
            shutil.rmtree(folder)
        written = write_report(report, folder)
        files = [p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*")) if p.is_file()]
        ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.DONE, progress=100, message="Done",
                                                   files=files, finished_at=timezone.now())
        audit.record(job.requested_by, "generate", job, summary=f"{job} → {written['html'].name}")
    except Exception as exc:  # noqa: BLE001 - the job page must say what went wrong
        ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.FAILED, message=str(exc)[:300],
                                                   finished_at=timezone.now())
    return ReportJob.objects.get(pk=job_id)


def start(job: ReportJob) -> threading.Thread:
    """Run the job in a background thread of this process."""

    def target() -> None:
        try:
            run(job.pk)
        finally:
            close_old_connections()

    thread = threading.Thread(target=target, name=f"report-job-{job.pk}", daemon=True)
    thread.start()
    return thread
