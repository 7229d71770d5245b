"""Sessions: the list, the facilitator's form, a session's page, its professionals and its feedback.

Providers and partners see and record their own organisation's sessions only (another's answers 404).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.access import allow, role_of
from core.downloads import table_response
from core.problems import InputRejected
from core.render import form_page
from core.roles import PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS, PROVIDERS_PARTNERS_AND_COMMISSIONERS
from engagement.figures import HEADLINE_LABELS, headline
from engagement.forms import FeedbackForm, ProfessionalsForm, SessionForm, requested_rows
from engagement.models import Audience, ParticipantCount, Session
from engagement.services.feedback import change_by_competency, course_competencies, record_response
from engagement.services.scope import (
    events_in_scope,
    may_edit,
    organisations_for,
    sessions_in_scope,
)
from engagement.services.sessions import add_professionals, record_session, remove_professional, update_session
from monitoring.services.periods import financial_year_label, financial_year_of

SESSION_COLUMNS = ["reference", "date", "title", "theme", "organisation", "local_authority", "facilitator_team",
                   "professionals", "young_people", "other_adults"]


def object_id(text: str | None) -> int | None:
    """A row id from a form or query string, or None when it is not one (so a stray value answers 404, not
    a database error)."""
    return int(text) if text and text.isdecimal() and len(text) < 12 else None


def _session(request: HttpRequest, session_id: int) -> Session:
    return get_object_or_404(sessions_in_scope(request.user), pk=session_id)


def _editable(request: HttpRequest, session_id: int) -> Session:
    session = _session(request, session_id)
    if not may_edit(request.user, session):
        raise PermissionDenied
    return session


def _list_rows(sessions, limit: int | None = None) -> list[dict]:
    """A row per session with who attended (two aggregate queries, whatever the number of sessions)."""
    chosen = list(sessions.annotate(n_professionals=Count("professionals"))[:limit])
    within = [s.pk for s in chosen] if limit is not None else sessions
    counts: dict[int, dict[str, int]] = {}
    for row in ParticipantCount.objects.filter(session__in=within).values(
            "session_id", "audience").annotate(n=Sum("count")):
        entry = counts.setdefault(row["session_id"], {"young_people": 0, "other_adults": 0})
        entry["young_people" if row["audience"] == Audience.YOUNG_PEOPLE else "other_adults"] += row["n"] or 0
    return [{"session": s, "reference": s.reference, "date": s.date, "title": s.title,
             "theme": s.get_theme_display(), "organisation": s.organisation.name, "local_authority": s.lad_code,
             "facilitator_team": s.facilitator_team.name if s.facilitator_team else "",
             "professionals": s.n_professionals, **counts.get(s.pk, {"young_people": 0, "other_adults": 0})}
            for s in chosen]


@allow(PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS)
def home(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """The sessions this user may see (latest first, 200 on the page; every one in the download), and
    this year's totals for them."""
    sessions = sessions_in_scope(request.user)
    if fmt:
        return table_response(_list_rows(sessions), SESSION_COLUMNS, fmt, "sessions")
    year = financial_year_of(timezone.localdate())
    totals = {r["measure"]: r["value"] for r in headline(year, sessions)}
    return render(request, "engagement/home.html", {
        "rows": _list_rows(sessions, 200), "total_sessions": sessions.count(), "totals": totals,
        "labels": HEADLINE_LABELS, "year_label": financial_year_label(year),
        "can_record": role_of(request.user) in PROVIDERS_PARTNERS_AND_COMMISSIONERS})


def _form_context(request: HttpRequest) -> dict:
    return {"organisations": organisations_for(request.user), "events": events_in_scope(request.user)}


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
def session_new(request: HttpRequest) -> HttpResponse:
    """The facilitator's form: the session, the children and young people counted, the professionals."""
    problems: list = []
    initial = {}
    if object_id(request.GET.get("event")):
        initial["event"] = events_in_scope(request.user).filter(pk=object_id(request.GET["event"])).first()
    if request.method == "POST" and "more" in request.POST:
        # More rows for professionals: the same values again, unvalidated, with five blank rows added.
        form = SessionForm(initial=request.POST.dict(), rows=requested_rows(request.POST), **_form_context(request))
        return render(request, "engagement/session_form.html", {"form": form, "title": "Record a session"})
    form = SessionForm(request.POST or None, rows=requested_rows(request.POST) if request.method == "POST" else 3,
                       initial=initial, **_form_context(request))
    if request.method == "POST" and form.is_valid():
        details = form.details()
        details.facilitator = request.user
        try:
            session = record_session(request.user, details, form.professionals(), form.counts())
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, f"Session {session.reference} recorded.")
            return redirect("engagement:session", session_id=session.pk)
    return form_page(request, "engagement/session_form.html", {"form": form, "problems": problems,
                                                               "title": "Record a session"},
                     form, problems=problems)


@allow(PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS)
def session_page(request: HttpRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    counts = {(c.audience, c.age_band, c.sex): c.count for c in session.participant_counts.all()}
    return render(request, "engagement/session.html", {
        "session": session, "counts": sorted(session.participant_counts.all(),
                                             key=lambda c: (c.audience, c.age_band, c.sex)),
        "total_counted": sum(counts.values()), "professionals": session.professionals.all(),
        "feedback": change_by_competency(session.feedback.all()), "can_edit": may_edit(request.user, session),
        "competencies": course_competencies(session), "today": timezone.localdate()})


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    """Change a session's details and its counts (professionals are added on their own page)."""
    session = _editable(request, session_id)
    counts = {(c.audience, c.age_band, c.sex): c.count for c in session.participant_counts.all()}
    form = SessionForm(request.POST or None, rows=0, session=session, counts=counts, **_form_context(request))
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            update_session(request.user, session, form.details(), form.counts())
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Session updated.")
            return redirect("engagement:session", session_id=session.pk)
    return form_page(request, "engagement/session_form.html", {"form": form, "problems": problems, "session": session,
                                                               "title": f"Change session {session.reference}"},
                     form, problems=problems)


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
def session_professionals(request: HttpRequest, session_id: int) -> HttpResponse:
    """Add professionals to a session, or remove one recorded by mistake."""
    session = _editable(request, session_id)
    if request.method == "POST" and "remove" in request.POST:
        attendance = get_object_or_404(session.professionals, pk=object_id(request.POST["remove"]))
        remove_professional(request.user, attendance)
        messages.success(request, "Professional removed from the session.")
        return redirect("engagement:professionals", session_id=session.pk)
    if request.method == "POST" and "more" in request.POST:
        form = ProfessionalsForm(initial=request.POST.dict(), rows=requested_rows(request.POST))
    else:
        form = ProfessionalsForm(request.POST or None,
                                 rows=requested_rows(request.POST) if request.method == "POST" else 3)
    problems: list = []
    if request.method == "POST" and "more" not in request.POST and form.is_valid():
        try:
            added = add_professionals(request.user, session, form.professionals())
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, f"{added} professional{'s' if added != 1 else ''} added.")
            return redirect("engagement:session", session_id=session.pk)
    return form_page(request, "engagement/professionals.html", {
        "session": session, "form": form, "problems": problems, "professionals": session.professionals.all()},
        form, problems=problems)


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
def session_feedback(request: HttpRequest, session_id: int) -> HttpResponse:
    """Enter one respondent's feedback form (confidence before and after, per competency)."""
    session = _editable(request, session_id)
    competencies = course_competencies(session)
    form = FeedbackForm(request.POST or None, competencies=competencies)
    problems: list = []
    if request.method == "POST" and form.is_valid():
        try:
            respondent = record_response(request.user, session, form.answers())
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, f"Feedback from respondent {respondent} saved.")
            return redirect("engagement:feedback", session_id=session.pk)
    return form_page(request, "engagement/feedback_form.html", {
        "session": session, "form": form, "problems": problems, "responses": session.feedback.values(
            "respondent").distinct().count()}, form, problems=problems)
