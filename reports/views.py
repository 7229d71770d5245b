"""Analysts' report page: queue a report (``vrp worker`` runs it), watch its progress, open its files."""

from pathlib import Path

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.access import allow
from core.render import form_page
from core.roles import ANALYSTS
from reports.forms import JobForm
from reports.models import ReportJob
from reports.services.jobs import job_folder, request_job


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
def job_file(request: HttpRequest, job_id: int, name: str) -> FileResponse:
    found = get_object_or_404(ReportJob, pk=job_id)
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
