"""The figures a measure can follow, and one function that reads a figure for an area and a period.

``read_figure(figure, area, first_month, last_month, subject, today, public)`` is the strategy's only way into
the platform's data, and it goes through the gate as every public page does:

* **open** figures (police.uk) come from the query layer in full (``insights.query.figures.counts``), for
  everyone;
* **controlled** figures (ED, returns, the training register) read **for the public** (``public=True``: the
  public strategy page) come from the public release (``core.release.current_release``), the same cell the
  public pages, downloads and annual report show: a whole calendar or financial year, the region or a local
  authority, rounded to 5, withheld where the rule withholds it; any other period or area has no public value,
  and says why. The computed progress then uses that same published value;
* controlled figures read for the partnership's own views come in full from the source's query functions
  (ED counts, accepted monitoring returns, the training register).

Each figure has a disclosure class, as its source does (``core.sources``).
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, Sum

OPEN, CONTROLLED = "open", "controlled"


@dataclass(frozen=True)
class MeasureFigure:
    name: str
    label: str
    unit: str  # how the reason names the value: "count", "rate", "reach"…
    source: str  # police, ed, returns or training (a ``core.sources`` name)
    disclosure: str
    subject: str = ""  # what ``subject`` means: "" (none), "theme" (optional), "outcome" or "success" (required)
    types: tuple[str, ...] = ()
    per_1000: bool = False


FIGURES: dict[str, MeasureFigure] = {f.name: f for f in (
    MeasureFigure("violence", "Police-recorded violence and sexual offences", "count", "police", OPEN,
                  types=("Violence and sexual offences",)),
    MeasureFigure("violence_rate", "Violence and sexual offences per 1,000 residents", "rate", "police", OPEN,
                  types=("Violence and sexual offences",), per_1000=True),
    MeasureFigure("robbery", "Police-recorded robbery", "count", "police", OPEN, types=("Robbery",)),
    MeasureFigure("weapons", "Police-recorded possession of weapons", "count", "police", OPEN,
                  types=("Possession of weapons",)),
    MeasureFigure("ed_assaults", "Emergency department assault attendances", "count", "ed", CONTROLLED),
    MeasureFigure("ed_knife", "ED assault attendances with a knife or sharp object (success measure)", "count",
                  "ed", CONTROLLED, types=("knife or sharp object",)),
    MeasureFigure("reach_under_25", "Young people aged 24 and under reached (accepted returns)", "reach", "returns",
                  CONTROLLED, subject="theme"),
    MeasureFigure("professionals_trained", "Professionals trained (accepted returns)", "number trained", "returns",
                  CONTROLLED, subject="theme"),
    MeasureFigure("outcome", "A project's outcome measure (accepted returns)", "outcome", "returns", CONTROLLED,
                  subject="outcome"),
    MeasureFigure("training_professionals", "Professionals trained (training register, each once in the year)",
                  "number trained", "training", CONTROLLED),
    MeasureFigure("success_measure", "A Home Office success measure (its indicator where one is loaded, else its "
                  "proxy, said so)", "count", "success", CONTROLLED, subject="success"),
)}

#: Where the public release holds each controlled figure: (source, measure, breakdown, category); the breakdown
#: ``theme`` takes the measure's subject (a theme code) as its category, and ``None`` means not in the release.
RELEASE_CELLS: dict[str, tuple[str, str, str, str] | None] = {
    "ed_assaults": ("ed", "attendances", "total", "all"),
    "ed_knife": ("ed", "attendances", "type", "knife or sharp object"),
    "reach_under_25": ("returns", "reach_under_25", "theme", ""),
    "professionals_trained": ("returns", "professionals_trained", "theme", ""),
    "outcome": None,
    "training_professionals": ("training", "professionals_reached", "counted_by", "training register"),
    "success_measure": None,  # read through ``partners.services.success``, which uses the release for the public
}


def describe(figure: str, subject: str = "", public: bool = False) -> str:
    """A measure's figure in words with what it counts: "…reached (accepted returns): Sport", a success measure by
    name, an outcome measure by its name and project (not on public pages: projects may be unpublished)."""
    spec = FIGURES[figure]
    if not subject:
        return spec.label
    if spec.subject == "theme":
        from commissioning.models import Theme

        detail = dict(Theme.choices).get(subject, subject)
    elif spec.subject == "success":
        from partners.services.success import MEASURES

        detail = next((m.label for m in MEASURES if m.key == subject), subject)
    elif spec.subject == "outcome" and not public:
        from monitoring.models import OutcomeMeasure

        chosen = OutcomeMeasure.objects.filter(pk=int(subject) if subject.isdecimal() else None).select_related(
            "project").first()
        detail = f"{chosen.name} ({chosen.project.identifier})" if chosen else "a measure no longer held"
    else:
        return spec.label
    return f"{spec.label}: {detail}"


@dataclass(frozen=True)
class Reading:
    """A figure's value for an area and period, or None with the reason ("no data"), and what it rests on.

    ``coverage`` is the share of the period the value covers (months with data; for returns, up to the latest
    return due, ``reported_share``; for the training register, the time elapsed);
    ``returns_expected`` counts the period's returns due by now (or in early), ``returns_missing`` those due and
    not in.
    """

    value: float | None
    coverage: float
    note: str = ""
    returns_expected: int = 0
    returns_missing: int = 0


def months_in(first_month: str, last_month: str) -> list[str]:
    year, month = int(first_month[:4]), int(first_month[5:7])
    found = []
    while f"{year:04d}-{month:02d}" <= last_month:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return found


def _month_start(month: str) -> date:
    return date(int(month[:4]), int(month[5:7]), 1)


def _month_end(month: str) -> date:
    from monitoring.services.periods import _add_months

    return date.fromordinal(_add_months(_month_start(month), 1).toordinal() - 1)


def read_figure(figure: str, area: str | None, first_month: str, last_month: str, subject: str = "",
                today: date | None = None, public: bool = False) -> Reading:
    """The value of ``figure`` in ``area`` (an ONS code; None for the region) from ``first_month`` to
    ``last_month`` (inclusive, YYYY-MM), or a Reading with value None saying why there is no data.

    ``subject`` narrows returns figures: a theme code for reach and training, an outcome measure's id for
    outcomes. ``today`` decides which returns are due (defaults to today). ``public`` reads a controlled figure
    as the public see it: from the public release only.
    """
    spec = FIGURES.get(figure)
    if spec is None:
        raise ValueError(f"{figure!r} is not a measure figure; use one of {', '.join(FIGURES)}")
    if spec.source == "success":  # the partners' success measures read the public release themselves
        return _success_reading(area, first_month, last_month, subject, public)
    if public and spec.disclosure == CONTROLLED:
        return _release_reading(spec, area, first_month, last_month, subject)
    if spec.source == "training":
        from django.utils import timezone

        return _training_reading(area, first_month, last_month, today or timezone.localdate())
    if spec.source == "returns":
        from django.utils import timezone

        return _returns_reading(spec, area, first_month, last_month, subject, today or timezone.localdate())
    return _warehouse_reading(spec, area, first_month, last_month)


def _warehouse_reading(spec: MeasureFigure, area: str | None, first_month: str, last_month: str) -> Reading:
    from core.region import current_region
    from insights.models import WarehousePartition
    from insights.query.figures import FigureQuery, counts

    months = months_in(first_month, last_month)
    loaded = set(WarehousePartition.objects.filter(source=spec.source, is_current=True, month__in=months)
                 .values_list("month", flat=True))
    if not loaded:
        return Reading(None, 0.0, f"no {'police.uk' if spec.source == 'police' else 'ED'} data is loaded for "
                                  f"{first_month} to {last_month}")
    lads = () if area else tuple(current_region().lad_codes)
    query = FigureQuery(spec.source, first_month, last_month, area or None, spec.types, lad_codes=lads)
    rows = counts(query, [])
    total = sum(r["count"] for r in rows)
    value: float = total
    if spec.per_1000:
        population = _population(area, lads)
        if not population:
            return Reading(None, 0.0, "no population is loaded for the area")
        value = round(total * 1000 / population, 3)
    return Reading(float(value), len(loaded) / len(months))


def _population(area: str | None, lads: tuple[str, ...]) -> float:
    from geography.codes import level_of
    from insights.query.areas import area_tables

    _, lsoa21 = area_tables()
    table = lsoa21.to_pydict()
    if area is None:
        keep = [lad in lads for lad in table["lad_code"]]
    else:
        column = "lsoa21_code" if level_of(area) == "lsoa" else f"{level_of(area)}_code"
        keep = [code == area for code in table.get(column, [])]
    return sum(p or 0 for p, k in zip(table["population"], keep, strict=False) if k)


def _projects(area: str | None, theme: str):
    from commissioning.models import Project
    from insights.query.areas import local_authority_of

    projects = Project.objects.exclude(status=Project.Status.CANCELLED)
    if theme:
        projects = projects.filter(theme=theme)
    if area:
        projects = [p for p in projects if area in (p.area_codes or [])
                    or any(local_authority_of(code) == area for code in p.area_codes or [])]
    return list(projects)


def _returns_reading(spec: MeasureFigure, area: str | None, first_month: str, last_month: str, subject: str,
                     today: date) -> Reading:
    from monitoring.models import MonitoringReturn, OutcomeMeasure, OutcomeValue
    from monitoring.services.periods import due_date
    from monitoring.services.reach import late_and_missing

    first, last = _month_start(first_month), _month_end(last_month)
    if spec.subject == "outcome":
        measure = OutcomeMeasure.objects.filter(pk=int(subject) if subject.isdecimal() else None).first()
        if measure is None:
            return Reading(None, 0.0, "the outcome measure is not chosen or no longer exists")
        projects = [measure.project]
    else:
        projects = _projects(area, subject)
    if not projects:
        return Reading(None, 0.0, "no commissioned project matches the measure")
    in_period = Q(period_start__gte=first, period_start__lte=last)
    accepted = MonitoringReturn.objects.filter(in_period, project__in=projects,
                                               status=MonitoringReturn.Status.ACCEPTED)
    due = [r for r in late_and_missing(today, projects) if first <= r["period_start"] <= last
           and r["state"] != "submitted late"]
    accepted_periods = set(accepted.values_list("project_id", "period_start"))
    expected = sum(1 for p in projects for start, end in _periods(p, today) if first <= start <= last
                   and (due_date(end) < today or (p.pk, start) in accepted_periods))
    covered = reported_share(projects, first, last, today, accepted_periods)
    if not accepted.exists():
        return Reading(None, covered, f"no accepted return for {first_month} to {last_month}",
                       expected, len(due))
    if spec.subject == "outcome":
        value = OutcomeValue.objects.filter(measure=measure, monitoring_return__in=accepted).aggregate(
            total=Sum("value"))["total"] or 0
    else:
        value = sum(p[spec.name] for p in _reach_in_period(accepted).values())
    return Reading(float(value), covered, "", expected, len(due))


def reported_share(projects: list, first: date, last: date, today: date, accepted: set[tuple[int, date]]) -> float:
    """The share of ``first`` to ``last`` that the projects' returns can cover by ``today``: up to the end of
    each project's latest period whose return is due (or already accepted), the whole span once a project has
    ended and every return of it is due or in; the least of the projects (the figure sums them all).

    A return is due ``RETURN_DUE_DAYS`` after its period ends, so the months since then are not yet expected
    to be reported: a reach target is not judged on a quarter whose return cannot be in yet, and a period is
    not over (off track) until its last return is due.
    """
    from datetime import timedelta

    from monitoring.services.periods import due_date

    if today < first:
        return 0.0
    span = (last - first).days + 1
    until = last
    for project in projects:
        periods = [(start, end) for start, end in _periods(project, today) if first <= start <= last]
        if not periods:
            begins = project.planned_start or project.award_date
            if first <= begins <= last:  # starts later in the span: nothing can be reported yet
                until = min(until, begins - timedelta(days=1))
            continue
        done = [end for start, end in periods if due_date(end) < today or (project.pk, start) in accepted]
        ended = project.planned_end is not None and project.planned_end <= periods[-1][1]
        if ended and len(done) == len(periods):
            continue
        until = min(until, max(done) if done else periods[0][0] - timedelta(days=1))
    return min(max((until - first).days + 1, 0) / span, 1.0)


def _periods(project: object, today: date) -> list:
    from monitoring.services.periods import project_periods

    return project_periods(project, today)


def _reach_in_period(returns) -> dict:
    """Reach and training per project over exactly these (accepted) returns."""
    from monitoring.models import YOUNG_PEOPLE_BANDS, Participation, ReachCount

    totals: dict[int, dict[str, int]] = {}
    for r in returns:
        entry = totals.setdefault(r.project_id, {"reach_under_25": 0, "professionals_trained": 0})
        entry["professionals_trained"] += r.professionals_trained
    young = [b.value for b in YOUNG_PEOPLE_BANDS]
    for project_id, count in ReachCount.objects.filter(
            monitoring_return__in=returns, participation=Participation.NEW, age_band__in=young).values_list(
            "monitoring_return__project_id").annotate(n=Sum("count")).values_list("monitoring_return__project_id",
                                                                                    "n"):
        totals[project_id]["reach_under_25"] += int(count or 0)
    return totals


def _release_reading(spec: MeasureFigure, area: str | None, first_month: str, last_month: str,
                     subject: str) -> Reading:
    """A controlled figure as the public see it: its cell of the public release, or no value with the reason."""
    from commissioning.models import Theme
    from core.figures import WITHHELD
    from core.release import ALL, REGION, TOTAL, NotInRelease, current_release, year_label

    cell = RELEASE_CELLS.get(spec.name)
    if cell is None:
        return Reading(None, 0.0, "not in the public release (outcome measures are published in the annual report)")
    source, measure, breakdown, category = cell
    if breakdown == "theme":
        breakdown, category = ("theme", dict(Theme.choices).get(subject, subject)) if subject else (TOTAL, ALL)
    label = year_label(first_month, last_month)
    if label is None:
        return Reading(None, 0.0, f"the public release holds whole calendar and financial years; {first_month} to "
                                  f"{last_month} is not one")
    try:
        release = current_release(source)
        value = release.value(measure, TOTAL, ALL, label, area or REGION)
        if breakdown != TOTAL:
            # A category the source never recorded (no knife attendances at all) is a true zero.
            value = release.value(measure, breakdown, category, label, area or REGION) if category in \
                release.categories(measure, breakdown) else 0
    except NotInRelease as exc:
        return Reading(None, 0.0, exc.reason)
    if value is WITHHELD:
        return Reading(None, 1.0, "withheld in the public release (a small count)")
    return Reading(float(value), 1.0, "the public release, rounded to 5")


def _training_reading(area: str | None, first_month: str, last_month: str, today: date) -> Reading:
    """Professionals trained in the register in the period, each once (in full, for the partnership's views);
    in a local authority, those at a session delivered there."""
    from engagement.models import ProfessionalAttendance

    first, last = _month_start(first_month), _month_end(last_month)
    attendances = ProfessionalAttendance.objects.filter(session__date__gte=first, session__date__lte=last)
    if area:
        attendances = attendances.filter(session__lad_code=area)
    elapsed = min(max((min(today, last) - first).days + 1, 0) / ((last - first).days + 1), 1.0)
    if not ProfessionalAttendance.objects.filter(session__date__gte=first, session__date__lte=last).exists():
        return Reading(None, elapsed, f"no training session is recorded for {first_month} to {last_month}")
    return Reading(float(attendances.values("person_key").distinct().count()), elapsed)


def _success_reading(area: str | None, first_month: str, last_month: str, subject: str, public: bool) -> Reading:
    """A Home Office success measure (``partners.services.success``) for a whole calendar or financial year: the
    count from its indicator where one is loaded, else from its proxy (the note says which), as the public see it
    when ``public`` (the public release, rounded to 5)."""
    from core.figures import known
    from core.periods import Year
    from insights.models import WarehousePartition
    from insights.query.access import FULL, PUBLIC
    from partners.services.success import MEASURES, success_measures

    measure = next((m for m in MEASURES if m.key == subject), None)
    if measure is None:
        return Reading(None, 0.0, "the success measure is not chosen")
    year = Year.of_months(first_month, last_month)
    if year is None:
        return Reading(None, 0.0, f"success measures are counted by whole calendar or financial year; {first_month} "
                                  f"to {last_month} is not one")
    row = next(r for r in success_measures(year, area, PUBLIC if public else FULL, baseline=year)
               if r["measure"] == measure.label)
    if row["period"] != year.label:
        return Reading(None, 0.0, f"no {year.label} value: the latest from {row['source'].split(': ', 1)[-1]} is for "
                                  f"{row['period']}")
    if not known(row["count"]):
        reason = str(row["count"]) if row["count"] is not None else "not available for every area"
        return Reading(None, 0.0, f"{row['source']}: {reason}")
    coverage = 1.0
    if row["proxy"] == "yes":  # a proxy is counted from the warehouse: the months loaded
        source = "ed" if measure.key == "hospital_admissions" else "police"
        months = months_in(first_month, last_month)
        loaded = WarehousePartition.objects.filter(source=source, is_current=True, month__in=months).values(
            "month").distinct().count()
        coverage = loaded / len(months)
    return Reading(float(row["count"]), coverage, row["source"])
