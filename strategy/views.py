"""Strategy pages: the response strategy and its progress, governance, consultations, spend against need, and
the public version. Thin views over ``strategy.services``; a partner sees its own organisation's commitments and
actions, and asking for another's answers 404."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.access import allow
from core.downloads import table_response
from core.problems import InputRejected
from core.public_cache import public_page
from core.render import form_page, refuse
from core.roles import ANALYSTS_AND_COMMISSIONERS, COMMISSIONERS, EVERYONE, PARTNERS_AND_STAFF
from strategy.forms import (
    BoardActionForm,
    BoardActionUpdateForm,
    BoardForm,
    CommitmentEditForm,
    CommitmentForm,
    ConsultationForm,
    DecisionForm,
    IdeaForm,
    LinksForm,
    MeasureForm,
    MeetingForm,
    PriorityForm,
    SpendYearForm,
    StrategyForm,
    UpdateForm,
    WithdrawForm,
)
from strategy.models import Board, BoardAction, Consultation, Measure, Meeting, Priority, Strategy
from strategy.services import plan, public, spend
from strategy.services.status import LABELS

PROGRESS_COLUMNS = ["strategy", "priority", "commitment", "owner", "due_date", "commitment_status", "figure",
                    "area", "period", "baseline", "value", "target", "direction", "measure_status", "reason"]


def progress_rows(commitments: list, today=None, viewer=None) -> list[dict]:
    """One row per measure (or per commitment without measures), with the computed statuses, as ``viewer`` may
    see them: the CSV's rows."""
    rows = []
    for commitment in commitments:
        progress = plan.commitment_progress(commitment, today, viewer)
        base = {"strategy": commitment.priority.strategy.label, "priority": commitment.priority.title,
                "commitment": commitment.title, "owner": commitment.owner.name, "due_date": commitment.due_date,
                "commitment_status": progress["status"].label}
        if not progress["measures"]:
            rows.append({**base, "reason": progress["status"].reason})
        for m in progress["measures"]:
            measure, status = m["measure"], m["status"]
            rows.append({**base, "figure": m["label"], "area": measure.area_code or "region",
                         "period": f"{measure.period_from} to {measure.period_to}", "baseline": status.baseline,
                         "value": m["reading"].value, "target": measure.target, "direction": measure.direction,
                         "measure_status": status.label, "reason": status.reason})
    return rows


def _strategy(year: int | None) -> Strategy | None:
    strategies = Strategy.objects.all()
    return get_object_or_404(strategies, year=year) if year else strategies.first()


@allow(PARTNERS_AND_STAFF)
def home(request: HttpRequest, year: int | None = None) -> HttpResponse:
    """The strategy by priority, each visible commitment with its computed status."""
    strategy = _strategy(year)
    visible = plan.visible_commitments(request.user)
    priorities = []
    if strategy:
        for priority in strategy.priorities.all():
            commitments = [plan.commitment_progress(c, viewer=request.user)
                           for c in visible.current().filter(priority=priority)]
            priorities.append({"priority": priority, "commitments": commitments,
                               "withdrawn": list(visible.filter(priority=priority).exclude(withdrawn_at=None))})
    return render(request, "strategy/home.html", {
        "strategy": strategy, "strategies": Strategy.objects.all(), "priorities": priorities,
        "manager": plan.may_manage(request.user), "actions": plan.visible_board_actions(request.user).filter(
            status__in=["open", "in_progress"])[:20], "labels": LABELS})


@allow(PARTNERS_AND_STAFF)
def progress_download(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    strategy = get_object_or_404(Strategy, year=year)
    commitments = list(plan.visible_commitments(request.user).current().filter(priority__strategy=strategy))
    return table_response(progress_rows(commitments, viewer=request.user), PROGRESS_COLUMNS, fmt,
                          f"strategy-{year}-progress",
                          {"definitions": {"measure_status": "computed from the data (strategy.services.status); "
                                                             "controlled figures as you may see them: in full, "
                                                             "or from the public release"}})


def _form_page(request: HttpRequest, form, title: str, status: int = 200, problems=None,
               button: str = "Save") -> HttpResponse:
    return form_page(request, "strategy/form.html", {"form": form, "title": title, "problems": problems or [],
                                                     "button": button},
                     form, problems=problems or (), status=status)


@allow(COMMISSIONERS)
def strategy_new(request: HttpRequest) -> HttpResponse:
    form = StrategyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        strategy = plan.save_strategy(request.user, form.save(commit=False))
        return redirect("strategy:year", year=strategy.year)
    return _form_page(request, form, "New response strategy")


@allow(COMMISSIONERS)
def priority_new(request: HttpRequest, year: int) -> HttpResponse:
    strategy = get_object_or_404(Strategy, year=year)
    form = PriorityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        plan.add_priority(request.user, strategy, data["title"], data["description"],
                          data["sna_findings"].splitlines())
        return redirect("strategy:year", year=year)
    return _form_page(request, form, f"New priority for {strategy.label}")


@allow(COMMISSIONERS)
def commitment_new(request: HttpRequest, priority_id: int) -> HttpResponse:
    priority = get_object_or_404(Priority, pk=priority_id)
    form = CommitmentForm(request.POST or None, viewer=request.user)
    problems = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            commitment = plan.add_commitment(request.user, priority, data["title"], data["owner"], data["due_date"],
                                             data["description"], {k: data[k] for k in (
                                                 "projects", "school_plans", "incident_follow_ups", "evidence")})
        except InputRejected as exc:
            problems = exc.problems
        else:
            return redirect("strategy:commitment", commitment_id=commitment.pk)
    return _form_page(request, form, f"New commitment: {priority.title}", problems=problems)


@allow(PARTNERS_AND_STAFF)
def commitment_page(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """A commitment: its measures with computed status, what delivers it, updates; owners add updates."""
    commitment = get_object_or_404(plan.visible_commitments(request.user), pk=commitment_id)
    form = UpdateForm(request.POST or None) if plan.may_update(request.user, commitment) else None
    problems = []
    if request.method == "POST":
        if form is None:
            return refuse(request, "Only the owning organisation or a commissioner can add updates.")
        if form.is_valid():
            try:
                plan.add_update(request.user, commitment, form.cleaned_data["text"])
            except InputRejected as exc:
                problems = exc.problems
            else:
                messages.success(request, "Update added.")
                return redirect("strategy:commitment", commitment_id=commitment.pk)
    return form_page(request, "strategy/commitment.html", {
        "progress": plan.commitment_progress(commitment, viewer=request.user), "commitment": commitment,
        "form": form,
        "problems": problems, "manager": plan.may_manage(request.user), "updates": commitment.updates.all(),
        "follow_ups": plan.follow_ups_shown(request.user, commitment),
        "withdrawn_measures": commitment.measures.exclude(withdrawn_at=None)},
        form, problems=problems)


LINKS = ("projects", "school_plans", "incident_follow_ups", "evidence")


@allow(COMMISSIONERS)
def commitment_links(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """Change what delivers a commitment: its projects, school plans, incident follow-up work and evidence."""
    commitment = get_object_or_404(plan.visible_commitments(request.user), pk=commitment_id)
    form = LinksForm(request.POST or None, initial={name: list(getattr(commitment, name).all()) for name in LINKS},
                     viewer=request.user)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            plan.update_links(request.user, commitment, {name: list(form.cleaned_data[name]) for name in LINKS})
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Links saved.")
            return redirect("strategy:commitment", commitment_id=commitment.pk)
    return _form_page(request, form, f"What delivers it: {commitment.title}", problems=problems)


@allow(COMMISSIONERS)
def measure_new(request: HttpRequest, commitment_id: int) -> HttpResponse:
    commitment = get_object_or_404(plan.visible_commitments(request.user), pk=commitment_id)
    form = MeasureForm(request.POST or None, instance=Measure(commitment=commitment))
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            plan.add_measure(request.user, commitment, form.save(commit=False))
        except InputRejected as exc:
            problems = exc.problems
        else:
            return redirect("strategy:commitment", commitment_id=commitment.pk)
    return _form_page(request, form, f"New measure: {commitment.title}", problems=problems)


@allow(COMMISSIONERS)
def commitment_edit(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """Change a commitment's title, description, owner organisation or due date."""
    commitment = get_object_or_404(plan.visible_commitments(request.user), pk=commitment_id)
    form = CommitmentEditForm(request.POST or None, initial={name: getattr(commitment, name)
                                                             for name in plan.COMMITMENT_FIELDS})
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            plan.edit_commitment(request.user, commitment, {name: form.cleaned_data[name]
                                                            for name in plan.COMMITMENT_FIELDS})
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Commitment saved.")
            return redirect("strategy:commitment", commitment_id=commitment.pk)
    return _form_page(request, form, f"Change the commitment: {commitment.title}", problems=problems)


@allow(COMMISSIONERS)
def commitment_withdraw(request: HttpRequest, commitment_id: int) -> HttpResponse:
    """Withdraw a commitment: kept with the reason, left out of the public strategy and the statuses."""
    commitment = get_object_or_404(plan.visible_commitments(request.user), pk=commitment_id)
    return _withdraw_page(request, commitment, plan.withdraw_commitment, commitment.pk,
                          f"Withdraw the commitment: {commitment.title}")


def _visible_measure(request: HttpRequest, measure_id: int) -> Measure:
    return get_object_or_404(Measure.objects.select_related("commitment").filter(
        commitment__in=plan.visible_commitments(request.user)), pk=measure_id)


@allow(COMMISSIONERS)
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Change a measure's figure, area, periods, target or direction."""
    measure = _visible_measure(request, measure_id)
    form = MeasureForm(request.POST or None, instance=measure)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            plan.edit_measure(request.user, form.save(commit=False))
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Measure saved.")
            return redirect("strategy:commitment", commitment_id=measure.commitment_id)
    return _form_page(request, form, f"Change a measure: {measure.commitment.title}", problems=problems)


@allow(COMMISSIONERS)
def measure_withdraw(request: HttpRequest, measure_id: int) -> HttpResponse:
    """Withdraw a measure: kept with the reason; its commitment's status and the public page leave it out."""
    measure = _visible_measure(request, measure_id)
    return _withdraw_page(request, measure, plan.withdraw_measure, measure.commitment_id,
                          f"Withdraw a measure of {measure.commitment.title}")


def _withdraw_page(request: HttpRequest, record, withdraw, commitment_id: int, title: str) -> HttpResponse:
    form = WithdrawForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            withdraw(request.user, record, form.cleaned_data["reason"])
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Withdrawn.")
            return redirect("strategy:commitment", commitment_id=commitment_id)
    return _form_page(request, form, title, problems=problems, button="Withdraw")


# Governance ---------------------------------------------------------------------------------------------------


@allow(PARTNERS_AND_STAFF)
def boards(request: HttpRequest) -> HttpResponse:
    form = BoardForm(request.POST or None) if plan.may_manage(request.user) else None
    if request.method == "POST":
        if form is None:
            return refuse(request, "Only commissioners can add boards.")
        if form.is_valid():
            board = plan.save_board(request.user, form.save(commit=False), list(form.cleaned_data["members"]))
            return redirect("strategy:board", board_id=board.pk)
    return form_page(request, "strategy/boards.html", {"boards": Board.objects.prefetch_related("members"),
                                                       "form": form}, form)


@allow(PARTNERS_AND_STAFF)
def board_page(request: HttpRequest, board_id: int) -> HttpResponse:
    board = get_object_or_404(Board, pk=board_id)
    form = MeetingForm(request.POST or None, board=board) if plan.may_manage(request.user) else None
    problems = []
    if request.method == "POST":
        if form is None:
            return refuse(request, "Only commissioners can record meetings.")
        if form.is_valid():
            try:
                meeting = plan.record_meeting(request.user, board, form.cleaned_data["held_on"],
                                              form.cleaned_data["summary"], form.attendance())
            except InputRejected as exc:
                problems = exc.problems
            else:
                return redirect("strategy:meeting", meeting_id=meeting.pk)
    return form_page(request, "strategy/board.html", {"board": board, "form": form, "problems": problems,
                                                      "meetings": board.meetings.prefetch_related("attendance")},
                     form, problems=problems)


@allow(PARTNERS_AND_STAFF)
def meeting_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Attendance by organisation, decisions, and the actions (a partner sees its own organisation's)."""
    meeting = get_object_or_404(Meeting.objects.select_related("board"), pk=meeting_id)
    manager = plan.may_manage(request.user)
    chosen = request.POST.get("form") if request.method == "POST" else None
    forms = {"decision": DecisionForm(request.POST if chosen == "decision" else None, prefix="decision"),
             "action": BoardActionForm(request.POST if chosen == "action" else None, prefix="action")} \
        if manager else {}
    if chosen and chosen not in forms:
        return refuse(request, "Only commissioners can record decisions and actions.")
    problems = []
    if chosen and forms[chosen].is_valid():
        data = forms[chosen].cleaned_data
        try:
            if chosen == "decision":
                plan.add_decision(request.user, meeting, data["text"], data["commitment"])
            else:
                plan.add_board_action(request.user, meeting, data["title"], data["organisation"], data["due_at"])
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Saved.")
            return redirect("strategy:meeting", meeting_id=meeting.pk)
    decisions = [{"decision": d, "commitment": next(iter(plan.named_commitments(
        request.user, [d.commitment] if d.commitment else [])), None)}
        for d in meeting.decisions.select_related("commitment__priority__strategy")]
    return form_page(request, "strategy/meeting.html", {
        "meeting": meeting, "forms": forms, "problems": problems, "now": timezone.now(), "decisions": decisions,
        "actions": plan.visible_board_actions(request.user).filter(meeting=meeting)},
        forms[chosen] if chosen else None, problems=problems)


@allow(PARTNERS_AND_STAFF)
def action_page(request: HttpRequest, board_action_id: int) -> HttpResponse:
    action = get_object_or_404(plan.visible_board_actions(request.user), pk=board_action_id)
    manager = plan.may_manage(request.user)
    if not manager and action.organisation_id != getattr(request.user, "organisation_id", None):
        # Anyone who sees the action in the list may read it; only its owner and the managers update it.
        if request.method == "POST":
            return refuse(request, "Only the action's owner organisation and the strategy's managers update it.")
        return render(request, "strategy/action.html", {"action": action, "form": None})
    form = BoardActionUpdateForm(request.POST or None, instance=BoardAction.objects.get(pk=action.pk),
                                 manager=manager)
    problems = []
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            plan.update_board_action(request.user, action, changes)
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Action updated.")
            return redirect("strategy:meeting", meeting_id=action.meeting_id)
    return form_page(request, "strategy/action.html", {"action": action, "form": form, "problems": problems},
                     form, problems=problems)


# Community voice ----------------------------------------------------------------------------------------------


@allow(PARTNERS_AND_STAFF)
def consultations(request: HttpRequest) -> HttpResponse:
    form = ConsultationForm(request.POST or None) if plan.may_manage(request.user) else None
    if request.method == "POST":
        if form is None:
            return refuse(request, "Only commissioners can add consultations.")
        if form.is_valid():
            consultation = plan.save_consultation(request.user, form.save(commit=False))
            return redirect("strategy:consultation", consultation_id=consultation.pk)
    return form_page(request, "strategy/consultations.html", {"consultations": Consultation.objects.all(),
                                                              "form": form}, form)


@allow(PARTNERS_AND_STAFF)
def consultation_page(request: HttpRequest, consultation_id: int) -> HttpResponse:
    consultation = get_object_or_404(Consultation, pk=consultation_id)
    form = IdeaForm(request.POST or None) if plan.may_manage(request.user) else None
    problems = []
    if request.method == "POST":
        if form is None:
            return refuse(request, "Only commissioners can record ideas.")
        if form.is_valid():
            data = form.cleaned_data
            try:
                plan.add_idea(request.user, consultation, data["text"], data["raised_by"], data["response"],
                              list(data["commitments"]))
            except InputRejected as exc:
                problems = exc.problems
            else:
                return redirect("strategy:consultation", consultation_id=consultation.pk)
    ideas = [{"idea": i, "commitments": plan.named_commitments(request.user, list(i.commitments.all()))}
             for i in consultation.ideas.prefetch_related("commitments__priority__strategy")]
    return form_page(request, "strategy/consultation.html", {"consultation": consultation, "form": form,
                                                             "problems": problems, "ideas": ideas},
                     form, problems=problems)


# Spend against need and evidence ------------------------------------------------------------------------------


@allow(ANALYSTS_AND_COMMISSIONERS)
def spend_page(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Money, need and evidence side by side, by local authority and theme (last financial year by default)."""
    from monitoring.services.periods import financial_year_of

    form = SpendYearForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return form_page(request, "strategy/spend.html", {"form": form, "rows": [], "disagreements": [],
                                                          "year": request.GET.get("year", "")}, form)
    year = (form.cleaned_data.get("year") if form.is_bound else None) or financial_year_of(timezone.localdate()) - 1
    rows = spend.spend_against_need(year)
    if fmt:
        return table_response(rows, spend.COLUMNS, fmt, f"spend-need-evidence-{year}",
                              {"year": year, "definitions": spend.__doc__})
    return render(request, "strategy/spend.html", {"rows": rows, "year": year, "query_string": request.GET.urlencode(),
                                                   "label": f"{year}/{(year + 1) % 100:02d}",
                                                   "disagreements": spend.disagreements(rows)})


# Public -------------------------------------------------------------------------------------------------------


@allow(EVERYONE)
@public_page(params=())
def public_strategy(request: HttpRequest) -> HttpResponse:
    """Published strategies: priorities, commitments, and open measures' values and statuses."""
    strategies = []
    for strategy in public.public_strategies():
        strategies.append({"strategy": strategy, "priorities": [
            {"priority": p, "commitments": [public.public_commitment(c) for c in p.commitments.all()]}
            for p in strategy.priorities.all()]})
    return render(request, "strategy/public.html", {"strategies": strategies, "withheld": public.IN_THE_RELEASE})


@allow(EVERYONE)
@public_page(params=())
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    return render(request, "strategy/you_said.html", {"consultations": public.you_said_we_did()})
