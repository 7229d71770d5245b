"""Reach: how many young people (aged 24 and under), people over 24 and professionals the work reached.

Counting rules (the partnership's annual-report definitions):

* only **accepted** returns count; drafts, submitted and sent-back returns do not;
* only **new** participants count towards reach, so a young person reported as new in one quarter and as
  continuing in the next is counted once;
* "young people aged 24 and under" is the under 10, 10–17 and 18–24 bands; "over 24" is 25 and over;
* a year is a financial year (April to March), and a return belongs to the year its period starts in.

A project serving several areas counts its whole reach in each of them, so area rows may add up to more
than the total (they answer "how many were reached by work in this area", not a partition).

Returns are a controlled source (``monitoring.sources``): everything here is in full, for the roles entitled to
it. The public see reach through the public release only (``public_reach``), by year, for the region and its
local authorities, by theme.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Q, Sum

from commissioning.models import Project
from monitoring.models import YOUNG_PEOPLE_BANDS, MonitoringReturn, Participation, ReachCount
from monitoring.services.periods import (
    due_date,
    financial_year_bounds,
    financial_year_label,
    project_periods,
)

MEASURES = ("reach_under_25", "reach_over_24", "professionals_trained")
MEASURE_LABELS = {"reach_under_25": "Young people aged 24 and under", "reach_over_24": "People over 24",
                  "professionals_trained": "Professionals trained"}
#: Professionals reached by the register and the returns together, each once: a measure of the training
#: register's release (``engagement.sources``).
REACHED = "professionals_reached"
GROUPINGS = ("theme", "programme", "funder", "area", "period", "project")


def _accepted(year: int | None, project_ids: Iterable[int] | None) -> Q:
    condition = Q(status=MonitoringReturn.Status.ACCEPTED)
    if year is not None:
        first, last = financial_year_bounds(year)
        condition &= Q(period_start__gte=first, period_start__lte=last)
    if project_ids is not None:
        condition &= Q(project_id__in=list(project_ids))
    return condition


def project_reach(year: int | None = None, project_ids: Iterable[int] | None = None) -> dict[int, dict[str, int]]:
    """Per project id: reach_under_25, reach_over_24 (new participants) and professionals_trained."""
    totals: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    returns = MonitoringReturn.objects.filter(_accepted(year, project_ids))
    for project_id, trained in returns.values("project_id").annotate(n=Sum("professionals_trained")).values_list(
            "project_id", "n"):
        totals[project_id]["professionals_trained"] = int(trained or 0)
    young = Q(age_band__in=[b.value for b in YOUNG_PEOPLE_BANDS])
    counts = (ReachCount.objects.filter(monitoring_return__in=returns, participation=Participation.NEW)
              .values("monitoring_return__project_id").annotate(
                  under=Sum("count", filter=young), over=Sum("count", filter=~young)))
    for row in counts:
        entry = totals[row["monitoring_return__project_id"]]
        entry["reach_under_25"] = int(row["under"] or 0)
        entry["reach_over_24"] = int(row["over"] or 0)
    return dict(totals)


def headline(year: int | None = None, project_ids: Iterable[int] | None = None) -> dict[str, int]:
    """The three reach figures over all (or the given) projects, for a financial year or all time."""
    per_project = project_reach(year, project_ids)
    return {m: sum(p[m] for p in per_project.values()) for m in MEASURES}


def reach_by(grouping: str, year: int | None = None) -> list[dict]:
    """Reach grouped by theme, programme, funder, area, period (financial year) or project; unsuppressed."""
    if grouping not in GROUPINGS:
        raise ValueError(f"group reach by one of {', '.join(GROUPINGS)}")
    if grouping == "period":
        return _by_period(year)
    per_project = project_reach(year)
    projects = Project.objects.filter(pk__in=per_project).select_related("programme", "funder")
    groups: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: dict.fromkeys(MEASURES, 0))
    for project in projects:
        for key in _keys(project, grouping):
            for m in MEASURES:
                groups[key][m] += per_project[project.pk][m]
    return [{grouping: code, "name": name, **values} for (code, name), values in sorted(groups.items())]


def _keys(project: Project, grouping: str) -> list[tuple[str, str]]:
    if grouping == "theme":
        return [(project.theme, project.get_theme_display())]
    if grouping == "programme":
        return [(project.programme.code, project.programme.title) if project.programme else ("", "No programme")]
    if grouping == "funder":
        return [(str(project.funder_id), project.funder.name)]
    if grouping == "project":
        return [(project.identifier, project.title)]
    from insights.query.areas import area_names

    names = area_names(project.area_codes or [])
    return [(code, names.get(code, code)) for code in project.area_codes or []] or [("", "No area given")]


def _by_period(year: int | None) -> list[dict]:
    years = sorted({r.period_start.year if r.period_start.month >= 4 else r.period_start.year - 1
                    for r in MonitoringReturn.objects.filter(_accepted(year, None)).only("period_start")})
    return [{"period": financial_year_label(y), "name": f"Financial year {financial_year_label(y)}", **headline(y)}
            for y in years]


def return_reach(returns: Iterable[MonitoringReturn]) -> list[tuple[MonitoringReturn, dict[str, int]]]:
    """Each return with its reach_under_25, reach_over_24 (new participants) and professionals_trained."""
    returns = list(returns.select_related("project") if hasattr(returns, "select_related") else returns)
    young = Q(age_band__in=[b.value for b in YOUNG_PEOPLE_BANDS])
    sums = {row["monitoring_return_id"]: row for row in ReachCount.objects.filter(
        monitoring_return__in=[r.pk for r in returns], participation=Participation.NEW).values(
        "monitoring_return_id").annotate(under=Sum("count", filter=young), over=Sum("count", filter=~young))}
    return [(r, {"reach_under_25": int((sums.get(r.pk) or {}).get("under") or 0),
                 "reach_over_24": int((sums.get(r.pk) or {}).get("over") or 0),
                 "professionals_trained": int(r.professionals_trained or 0)}) for r in returns]


def public_reach(year: str, area: str | None = None, theme: str | None = None) -> dict[str, object]:
    """The public release's reach figures for a year (``2024/25`` or ``2024``), the region or a local
    authority, all themes or one (its label): measure → count, ``WITHHELD``, or NotInRelease with the reason.

    Beside ``MEASURES`` it gives ``professionals_reached``: the training register's professionals trained plus
    what accepted returns report beyond the register's people at each project's sessions, each person once
    (a ``Missing`` with the reason where its release does not hold the year, area or theme)."""
    from core.figures import Missing
    from core.release import ALL, REGION, TOTAL, NotInRelease, current_release

    release = current_release("returns")
    values = {m: release.value(m, "theme" if theme else TOTAL, theme or ALL, year, area or REGION) for m in MEASURES}
    # Professionals reached: the training register's professionals and the returns' professionals, each once
    # (``engagement.services.reach.reached_records``), from the training register's public release; not by theme.
    try:
        if theme:
            raise NotInRelease("Professionals reached is published for all themes together, not by theme.")
        values[REACHED] = current_release("training").value(REACHED, TOTAL, ALL, year, area or REGION)
    except NotInRelease as exc:
        values[REACHED] = Missing("x", exc.reason)
    return values


def late_and_missing(today: date, projects: Iterable[Project] | None = None) -> list[dict]:
    """Returns overdue (not submitted by the due date) or submitted late, for commissioners to chase.

    A return is due ``RETURN_DUE_DAYS`` after its period ends; cancelled projects are not chased.
    """
    chosen = projects if projects is not None else Project.objects.exclude(
        status=Project.Status.CANCELLED).select_related("provider")
    chosen = list(chosen)
    existing = {(r.project_id, r.period_start): r for r in MonitoringReturn.objects.filter(
        project__in=chosen)}
    found = []
    for project in chosen:
        for start, end in project_periods(project, today):
            due = due_date(end)
            monitoring_return = existing.get((project.pk, start))
            submitted = monitoring_return.submitted_at.date() if monitoring_return and \
                monitoring_return.submitted_at else None
            if submitted is None and due < today:
                state = "missing" if monitoring_return is None else f"overdue ({monitoring_return.status})"
                found.append(_late_row(project, start, end, due, state, (today - due).days))
            elif submitted is not None and submitted > due:
                found.append(_late_row(project, start, end, due, "submitted late", (submitted - due).days))
    return sorted(found, key=lambda r: (r["due"], r["project"]))


def _late_row(project: Project, start: date, end: date, due: date, state: str, days: int) -> dict:
    return {"project": project.identifier, "title": project.title, "provider": project.provider.name,
            "period_start": start, "period_end": end, "due": due, "state": state, "days_late": days}
