"""Report jobs: asked for on the analysts' page, queued in the database, run by ``vrp worker``.

The job's row is the queue. ``request_job`` queues it; a worker claims the oldest queued job (one
conditional UPDATE, so two workers never take the same job), runs it and writes its progress to the row,
which the page polls. While a job runs its worker beats every few seconds; a running job whose beat has
stopped (the worker was restarted or killed) is queued again and run afresh, up to ``MAX_ATTEMPTS`` times,
so a restart delays a report rather than losing it.
"""

import os
import shutil
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import DatabaseError, close_old_connections, transaction
from django.db.models import F
from django.utils import timezone

from core import audit
from reports.models import ReportJob

#: How often a worker beats while it runs a job, and how long a silence means the worker is gone.
BEAT_SECONDS = 5
STALE_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 3


def job_folder(job: ReportJob) -> Path:
    return Path(settings.VRP_DATA_DIR) / "reports" / f"job-{job.pk}"


@transaction.atomic
def request_job(actor: AbstractBaseUser | str | None, *, kind: str, year: int, financial: bool = False,
                area: str = "", edition: str = "public") -> ReportJob:
    """Queue a report (already validated by the page's form) and audit the request; a worker runs it."""
    job = ReportJob.objects.create(kind=kind, year=year, financial=financial, area=area, edition=edition,
                                   requested_by=actor if getattr(actor, "pk", None) else None)
    audit.record(actor, "request", job, summary=str(job))
    return job


class NotPublishable(Exception):  # noqa: N818 - read as "this report is not publishable"
    """Only a finished report of the public edition (through the public release) may be published."""


@transaction.atomic
def set_published(actor: AbstractBaseUser | str | None, job: ReportJob, published: bool) -> ReportJob:
    """Publish a finished public-edition report (everyone may then read it at /reports/published/), or
    withdraw it; audited. A partner edition, or a report not finished, raises NotPublishable."""
    job = ReportJob.objects.select_for_update().get(pk=job.pk)
    if published and (job.edition != "public" or job.status != ReportJob.Status.DONE):
        raise NotPublishable("Only a finished report of the public edition can be published: the partner "
                             "edition is not disclosure-controlled.")
    job.published_at = timezone.now() if published else None
    job.save(update_fields=["published_at"])
    audit.record(actor, "publish" if published else "withdraw", job, summary=str(job))
    return job


def published_jobs():
    """Published reports, newest first (only finished public editions can be)."""
    return ReportJob.objects.filter(published_at__isnull=False, edition="public",
                                    status=ReportJob.Status.DONE).order_by("-published_at")


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


def requeue_abandoned() -> int:
    """Queue again the running jobs whose worker stopped beating; fail those tried ``MAX_ATTEMPTS`` times.

    Returns how many jobs were queued again.
    """
    cutoff = timezone.now() - STALE_AFTER
    stale = ReportJob.objects.filter(status=ReportJob.Status.RUNNING, heartbeat_at__lt=cutoff)
    stale.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=ReportJob.Status.FAILED, finished_at=timezone.now(),
        message=f"Stopped {MAX_ATTEMPTS} times with its worker; ask for the report again or ask an administrator.")
    return stale.filter(attempts__lt=MAX_ATTEMPTS).update(
        status=ReportJob.Status.QUEUED, progress=0, worker="",
        message="Queued again: the worker running it stopped")


def claim_next(worker: str) -> ReportJob | None:
    """Take the oldest queued job for ``worker``; None when the queue is empty."""
    while True:
        candidate = (ReportJob.objects.filter(status=ReportJob.Status.QUEUED).order_by("created_at", "pk")
                     .values_list("pk", flat=True).first())
        if candidate is None:
            return None
        # Only one worker's UPDATE finds the job still queued; the others look again.
        taken = ReportJob.objects.filter(pk=candidate, status=ReportJob.Status.QUEUED).update(
            status=ReportJob.Status.RUNNING, worker=worker, heartbeat_at=timezone.now(), progress=0,
            message="Starting", attempts=F("attempts") + 1)
        if taken:
            return ReportJob.objects.get(pk=candidate)


def run(job_id: int) -> ReportJob:
    """Build and write the job's report, recording progress; a failure is recorded, never raised."""
    from reports.services.annual import build_annual_edition
    from reports.services.sna import ReportPeriod, build_sna, write_report

    job = ReportJob.objects.get(pk=job_id)

    def progress(percent: int, message: str) -> None:
        ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.RUNNING, progress=percent,
                                                   message=message[:300], heartbeat_at=timezone.now())

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


def _beat_while(job_id: int, running: threading.Event) -> None:
    # Its own thread (and so its own database connection): a long step of the report still beats.
    try:
        while not running.wait(BEAT_SECONDS):
            try:
                ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.RUNNING).update(
                    heartbeat_at=timezone.now())
            except DatabaseError:
                continue  # SQLite busy with the report's own writes: the next beat will do

    finally:
        close_old_connections()


def work(*, once: bool = False, poll_seconds: float = 1.0, worker: str | None = None) -> int:
    """Run queued jobs one after another; ``once`` stops when the queue is empty. Returns the jobs run.

    Between jobs, whenever the data have changed, it warms the figure cache (``insights.query.warm``), so the
    first visitors after an ingest find the region's counts already computed."""
    from insights.query.warm import warm_if_changed

    worker = worker or worker_name()
    done = 0
    warmed = None
    while True:
        requeue_abandoned()
        job = claim_next(worker)
        if job is None:
            warmed = warm_if_changed(warmed)
            if once:
                return done
            time.sleep(poll_seconds)
            continue
        finished = threading.Event()
        beat = threading.Thread(target=_beat_while, args=(job.pk, finished), name=f"beat-{job.pk}", daemon=True)
        beat.start()
        try:
            run(job.pk)
        finally:
            finished.set()
            beat.join()
        done += 1
