"""Monitoring pages: providers' returns, commissioners' reviews, reach roll-ups, late and missing returns.

Providers see only their own organisation's projects (``services.scope``): another provider's project
answers 404, never 403, so its existence is not revealed.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from commissioning.models import Project
from core.access import allow
from core.downloads import table_response
from core.models import AuditEntry
from core.problems import InputRejected
from core.render import form_page
from core.request_limits import accepts_uploads
from core.roles import ANALYSTS_AND_COMMISSIONERS, COMMISSIONERS, PROVIDERS_AND_COMMISSIONERS
from monitoring.forms import ReturnForm, ReviewForm, UploadForm
from monitoring.models import MonitoringReturn
from monitoring.services import reach
from monitoring.services.periods import (
    due_date,
    financial_year_label,
    financial_year_of,
    period_containing,
    project_periods,
)
from monitoring.services.returns import (
    CSV_COLUMNS,
    ReturnFigures,
    ReturnNotEditable,
    figures_of,
    return_csv_rows,
    review_return,
    save_return,
    submit_return,
    upload_returns,
)
from monitoring.services.scope import may_edit, may_review, projects_in_scope


def _project(request: HttpRequest, identifier: str) -> Project:
    return get_object_or_404(projects_in_scope(request.user), identifier=identifier)


def _period_start(project: Project, text: str) -> date:
    try:
        start = date.fromisoformat(text)
    except ValueError:
        raise Http404("Not a period.") from None
    if period_containing(start, project.return_period_months)[0] != start:
        raise Http404("Not one of this project's periods.")
    return start


@allow(PROVIDERS_AND_COMMISSIONERS)
def home(request: HttpRequest) -> HttpResponse:
    """Providers: their projects and what is due. Commissioners: returns awaiting review, and what is late."""
    today = timezone.localdate()
    projects = list(projects_in_scope(request.user).exclude(status=Project.Status.CANCELLED))
    returns = MonitoringReturn.objects.filter(project__in=projects)
    by_project: dict[int, dict[str, int]] = {}
    for r in returns:
        by_project.setdefault(r.project_id, {}).setdefault(r.status, 0)
        by_project[r.project_id][r.status] += 1
    rows = [{"project": p, "periods": len(project_periods(p, today)), "counts": by_project.get(p.pk, {}),
             "open": sum(by_project.get(p.pk, {}).get(s, 0) for s in ("draft", "sent_back"))} for p in projects]
    awaiting = returns.filter(status=MonitoringReturn.Status.SUBMITTED).select_related("project") \
        if may_review(request.user) else []
    late = reach.late_and_missing(today, projects)
    return render(request, "monitoring/home.html", {"rows": rows, "awaiting": awaiting, "late": late[:50],
                                                    "late_count": len(late), "reviewer": may_review(request.user)})


@allow(PROVIDERS_AND_COMMISSIONERS)
def project_returns(request: HttpRequest, identifier: str) -> HttpResponse:
    """A project's reporting periods, each with its return's status and due date."""
    project = _project(request, identifier)
    today = timezone.localdate()
    existing = {r.period_start: r for r in project.returns.all()}
    periods = [{"start": start, "end": end, "due": due_date(end), "return": existing.get(start),
                "overdue": start not in existing and due_date(end) < today}
               for start, end in reversed(project_periods(project, today))]
    return render(request, "monitoring/project.html", {
        "project": project, "periods": periods, "measures": project.outcome_measures.all(),
        "can_edit": may_edit(request.user, project), "reviewer": may_review(request.user)})


@allow(PROVIDERS_AND_COMMISSIONERS)
def return_page(request: HttpRequest, identifier: str, period: str) -> HttpResponse:
    """One return: providers draft and submit it; commissioners accept it or send it back."""
    project = _project(request, identifier)
    start = _period_start(project, period)
    monitoring_return = project.returns.filter(period_start=start).first()
    editable = may_edit(request.user, project) and (monitoring_return is None or monitoring_return.is_editable)
    measures = list(project.outcome_measures.all())
    figures = figures_of(monitoring_return) if monitoring_return else None
    form = ReturnForm(request.POST if request.method == "POST" and "save" in request.POST else None,
                      measures=measures, figures=figures, disabled=not editable)
    review = ReviewForm(request.POST if request.method == "POST" and "review" in request.POST else None)
    problems: list = []
    if request.method == "POST":
        try:
            if "save" in request.POST:
                if not editable:
                    raise PermissionDenied
                if form.is_valid():
                    saved = save_return(request.user, project, start, form.figures())
                    if request.POST.get("save") == "submit":
                        submit_return(request.user, saved)
                        messages.success(request, "Return submitted for review.")
                    else:
                        messages.success(request, "Draft saved.")
                    return redirect("monitoring:return", identifier=identifier, period=start.isoformat())
            elif "review" in request.POST:
                if not may_review(request.user) or monitoring_return is None:
                    raise PermissionDenied
                if review.is_valid():
                    accept = review.cleaned_data["decision"] == "accept"
                    review_return(request.user, monitoring_return, accept, review.cleaned_data["comment"])
                    messages.success(request, "Return accepted." if accept else "Return sent back to the provider.")
                    return redirect("monitoring:return", identifier=identifier, period=start.isoformat())
        except (ReturnNotEditable, InputRejected) as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
    history = AuditEntry.objects.filter(object_type="monitoring.MonitoringReturn",
                                        object_id=str(monitoring_return.pk)) if monitoring_return else []
    status = 400 if problems or form.errors or review.errors else 200
    return render(request, "monitoring/return.html", {
        "project": project, "start": start, "end": period_containing(start, project.return_period_months)[1],
        "monitoring_return": monitoring_return, "form": form, "review": review, "editable": editable,
        "can_review": may_review(request.user) and monitoring_return is not None
        and monitoring_return.status == MonitoringReturn.Status.SUBMITTED,
        "problems": problems, "history": history}, status=status)


@allow(PROVIDERS_AND_COMMISSIONERS)
def return_download(request: HttpRequest, identifier: str, period: str) -> HttpResponse:
    """The return in the upload CSV's form (every cell, zeros included): fill it in and upload it."""
    project = _project(request, identifier)
    start = _period_start(project, period)
    monitoring_return = project.returns.filter(period_start=start).first()
    rows = return_csv_rows(project, start, figures_of(monitoring_return) if monitoring_return else ReturnFigures())
    return table_response(rows, CSV_COLUMNS, "csv", f"return-{identifier}-{start.isoformat()}")


@allow(PROVIDERS_AND_COMMISSIONERS)
@accepts_uploads
def upload(request: HttpRequest) -> HttpResponse:
    """Upload returns as CSV: every row checked, then all saved as drafts (or submitted), or none."""
    form = UploadForm(request.POST or None, request.FILES or None)
    problems, saved = [], None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        projects = [p for p in projects_in_scope(request.user) if may_edit(request.user, p)]
        try:
            saved = upload_returns(request.user, upload_file.read(), upload_file.name, projects,
                                   submit=form.cleaned_data["submit_now"])
        except InputRejected as exc:
            problems = exc.problems
    return form_page(request, "monitoring/upload.html", {"form": form, "problems": problems, "saved": saved,
                                                         "columns": CSV_COLUMNS}, form, problems=problems)


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    if not text:
        return None
    if not text.isdecimal() or not 2000 <= int(text) <= 2100:
        raise Http404("A year is written like 2024 (for 2024/25).")
    return int(text)


@allow(ANALYSTS_AND_COMMISSIONERS)
def reach_page(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Reach by theme, programme, funder, area, period or project, for a financial year or all time."""
    year = _year(request)
    grouping = request.GET.get("by", "theme")
    if grouping not in reach.GROUPINGS:
        raise Http404("Unknown grouping.")
    rows = reach.reach_by(grouping, year)
    columns = [grouping, "name", *reach.MEASURES]
    if fmt:
        return table_response(rows, columns, fmt, f"reach-by-{grouping}", {
            "year": financial_year_label(year) if year else "all years", "definitions": reach.MEASURE_LABELS,
            "rules": "accepted returns only; new participants only; a project serving several areas counts in each"})
    today = timezone.localdate()
    return render(request, "monitoring/reach.html", {
        "rows": rows, "grouping": grouping, "groupings": reach.GROUPINGS, "year": year,
        "years": list(range(financial_year_of(today), financial_year_of(today) - 6, -1)),
        "year_label": financial_year_label(year) if year else "all years", "headline": reach.headline(year),
        "labels": reach.MEASURE_LABELS, "query_string": request.GET.urlencode()})


@allow(COMMISSIONERS)
def late_page(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Returns that are missing, overdue or were submitted late."""
    rows = reach.late_and_missing(timezone.localdate())
    columns = ["project", "title", "provider", "period_start", "period_end", "due", "state", "days_late"]
    if fmt:
        return table_response(rows, columns, fmt, "late-and-missing-returns")
    return render(request, "monitoring/late.html", {"rows": rows})


IMPACT_TABLES = ("estimates", "event_study", "synthetic", "treated", "matched", "balance", "panel")


@allow(ANALYSTS_AND_COMMISSIONERS)
def impact_page(request: HttpRequest, identifier: str, fmt: str | None = None) -> HttpResponse:
    """Did violence change where the project works? DiD, event study and synthetic control (police.uk data)."""
    from monitoring.forms import ImpactForm
    from monitoring.services.impact import DEFAULT_RADIUS_M, evaluate_project, event_study_chart

    project = get_object_or_404(Project.objects.select_related("provider"), identifier=identifier)
    form = ImpactForm(request.GET or None)
    radius, types = DEFAULT_RADIUS_M, ("Violence and sexual offences",)
    if form.is_bound and form.is_valid():
        radius = float(form.cleaned_data["radius"] or DEFAULT_RADIUS_M)
        types = (form.cleaned_data["crime_type"] or types[0],)
    elif form.is_bound:
        return form_page(request, "monitoring/impact.html", {"project": project, "form": form}, form)
    try:
        evaluation = evaluate_project(project, radius, types)
    except ValueError as exc:
        return render(request, "monitoring/impact.html", {"project": project, "form": form, "problem": str(exc)})
    if fmt:
        table = request.GET.get("table", "estimates")
        if table not in IMPACT_TABLES:
            raise Http404("No such table.")
        rows = getattr(evaluation, table)
        return table_response(rows, list(rows[0]) if rows else [], fmt, f"impact-{project.identifier}-{table}",
                              {"project": project.identifier, "radius_m": radius, "types": list(types)})
    return render(request, "monitoring/impact.html", {
        "project": project, "form": form, "evaluation": evaluation, "query_string": request.GET.urlencode(),
        "chart": event_study_chart(evaluation.event_study, f"Event study for {project.title}")})
