"""Analysts' report page: queue a report (``vrp worker`` runs it), watch its progress, open its files."""

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.access import allow
from core.render import error_response, form_page
from core.roles import ANALYSTS, EVERYONE
from reports.forms import JobForm
from reports.models import ReportJob
from reports.services.jobs import NotPublishable, job_folder, published_jobs, request_job, set_published


@allow(ANALYSTS)
def jobs(request: HttpRequest) -> HttpResponse:
    form = JobForm(request.POST or None, initial={"kind": "sna", "edition": "public"})
    if request.method == "POST" and form.is_valid():
        job = request_job(request.user, **form.cleaned_data)
        return redirect("reports:job", job_id=job.pk)
    return form_page(request, "reports/jobs.html", {"form": form, "jobs": ReportJob.objects.all()[:30]}, form)


@allow(ANALYSTS)
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """One job's progress (the page polls this while it runs) and, when done, its files."""
    found = get_object_or_404(ReportJob, pk=job_id)
    return render(request, "reports/job.html", {"job": found})


@allow(ANALYSTS)
def publish(request: HttpRequest, job_id: int) -> HttpResponse:
    """Publish (or, with ``withdraw``, take back) a finished public-edition report."""
    found = get_object_or_404(ReportJob, pk=job_id)
    if request.method != "POST":
        return render(request, "reports/job.html", {"job": found})
    try:
        set_published(request.user, found, "withdraw" not in request.POST)
    except NotPublishable as exc:
        return error_response(request, [("", str(exc))], 400)
    return redirect("reports:job", job_id=found.pk)


@allow(EVERYONE)
def published(request: HttpRequest) -> HttpResponse:
    """The reports the partnership has published (public editions, through the public release)."""
    return render(request, "reports/published.html", {"jobs": published_jobs()})


@allow(EVERYONE)
def published_file(request: HttpRequest, job_id: int, name: str) -> FileResponse:
    """A file of a published report; any other job is not found."""
    return _file(get_object_or_404(published_jobs(), pk=job_id), name)


@allow(ANALYSTS)
def job_file(request: HttpRequest, job_id: int, name: str) -> FileResponse:
    return _file(get_object_or_404(ReportJob, pk=job_id), name)


def _file(found: ReportJob, name: str) -> FileResponse:
    if name not in found.files:
        raise Http404("No such file in this job.")
    path = job_folder(found) / Path(name)
    if not path.is_file():
        raise Http404("The file is no longer there.")
    response = FileResponse(path.open("rb"), as_attachment=not name.endswith(".html"))
    response["X-Content-Type-Options"] = "nosniff"
    if name.endswith(".html"):
        # The report is written as UTF-8; say so, or browsers guess (and "£" and "–" come out garbled).
        response["Content-Type"] = "text/html; charset=utf-8"
        # The report is one self-contained file with one inline stylesheet: allow exactly that stylesheet.
        import re

        from core.security import policy_with_style_hash

        found = re.search(r"<style>(.*?)</style>", path.read_text(encoding="utf-8"), re.S)
        if found:
            response["Content-Security-Policy"] = policy_with_style_hash(found.group(1))
    return response
