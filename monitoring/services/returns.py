"""Monitoring returns: drafted and submitted by providers, accepted or sent back by commissioners.

Every change goes through a function here, in one transaction with its audit entry, so a return's whole
history (who saved, submitted, accepted or sent it back, with the comments) is in the audit log.

A return can also arrive as a CSV file in the long form providers' own systems export easily, one figure
per row::

    project,period_start,measure,age_band,sex,participation,value
    WMVRP-001,2024-04-01,young_people,10_17,male,new,23
    WMVRP-001,2024-04-01,professionals_trained,,,,12
    WMVRP-001,2024-04-01,School exclusions avoided,,,,3

``measure`` is ``young_people`` (with age band, sex and new/continuing), ``professionals_trained``,
``sessions_delivered``, ``referrals_made``, or the name of one of the project's outcome measures.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from commissioning.models import Project
from core import audit
from core.audit import Actor
from core.problems import InputRejected, Problem
from monitoring.models import AgeBand, MonitoringReturn, OutcomeValue, Participation, ReachCount, Sex
from monitoring.services.periods import period_containing

ACTIVITY_MEASURES = ("professionals_trained", "sessions_delivered", "referrals_made")
CSV_COLUMNS = ["project", "period_start", "measure", "age_band", "sex", "participation", "value"]
#: The most a single figure may be: larger numbers are almost always a typing slip.
MAX_COUNT = 1_000_000


class ReturnNotEditable(Exception):  # noqa: N818 - read by people as "return not editable"
    """The return has been submitted or accepted; it changes only by review."""


@dataclass
class ReturnFigures:
    """What a return reports. ``reach`` maps (age band, sex, participation) to a count."""

    reach: dict[tuple[str, str, str], int] = field(default_factory=dict)
    professionals_trained: int = 0
    sessions_delivered: int = 0
    referrals_made: int = 0
    outcomes: dict[str, Decimal] = field(default_factory=dict)
    provider_notes: str = ""


def figures_of(monitoring_return: MonitoringReturn) -> ReturnFigures:
    return ReturnFigures(
        reach={(r.age_band, r.sex, r.participation): r.count for r in monitoring_return.reach.all()},
        professionals_trained=monitoring_return.professionals_trained,
        sessions_delivered=monitoring_return.sessions_delivered,
        referrals_made=monitoring_return.referrals_made,
        outcomes={o.measure.name: o.value for o in monitoring_return.outcomes.select_related("measure")},
        provider_notes=monitoring_return.provider_notes,
    )


def _summary(figures: ReturnFigures) -> dict:
    return {"young_people": sum(n for (band, _, _), n in figures.reach.items() if band != AgeBand.AGED_25_PLUS),
            "over_24": sum(n for (band, _, _), n in figures.reach.items() if band == AgeBand.AGED_25_PLUS),
            **{m: getattr(figures, m) for m in ACTIVITY_MEASURES}}


@transaction.atomic
def save_return(actor: Actor, project: Project, period_start: date, figures: ReturnFigures) -> MonitoringReturn:
    """Create or replace the draft return for ``project`` and the period starting ``period_start``.

    Raises ReturnNotEditable if that return is submitted or accepted, and InputRejected if the period is not
    one of the project's or an outcome measure is not the project's.
    """
    start, end = period_containing(period_start, project.return_period_months)
    if start != period_start:
        raise InputRejected([Problem("return", f"{period_start} does not start one of this project's "
                                     f"{project.get_return_period_months_display().lower()} periods "
                                     f"(the period containing it starts {start})", column="period_start")])
    measures = {m.name: m for m in project.outcome_measures.all()}
    unknown = [name for name in figures.outcomes if name not in measures]
    if unknown:
        raise InputRejected([Problem("return", f"{name!r} is not an outcome measure of {project.identifier}",
                                     column="measure") for name in unknown])
    monitoring_return, created = MonitoringReturn.objects.select_for_update().get_or_create(
        project=project, period_start=start, defaults={"period_end": end})
    if not monitoring_return.is_editable:
        raise ReturnNotEditable(f"The return for {start} is {monitoring_return.get_status_display().lower()}; "
                                "it can no longer be changed.")
    before = None if created else _summary(figures_of(monitoring_return))
    for name in ACTIVITY_MEASURES:
        setattr(monitoring_return, name, getattr(figures, name))
    monitoring_return.provider_notes = figures.provider_notes
    monitoring_return.save()
    monitoring_return.reach.all().delete()
    ReachCount.objects.bulk_create([
        ReachCount(monitoring_return=monitoring_return, age_band=band, sex=sex, participation=participation,
                   count=count) for (band, sex, participation), count in sorted(figures.reach.items()) if count])
    monitoring_return.outcomes.all().delete()
    OutcomeValue.objects.bulk_create([OutcomeValue(monitoring_return=monitoring_return, measure=measures[name],
                                                   value=value) for name, value in figures.outcomes.items()])
    after = _summary(figures)
    audit.record(actor, "create" if created else "update", monitoring_return,
                 changes={} if before is None else audit.model_changes(before, after))
    return monitoring_return


@transaction.atomic
def submit_return(actor: Actor, monitoring_return: MonitoringReturn) -> MonitoringReturn:
    """A provider submits a draft (or a sent-back return) for review."""
    monitoring_return = MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk)
    if not monitoring_return.is_editable:
        raise ReturnNotEditable(f"The return is already {monitoring_return.get_status_display().lower()}.")
    monitoring_return.status = MonitoringReturn.Status.SUBMITTED
    # The first submission dates the return for lateness; resubmissions after a send-back are in the audit log.
    monitoring_return.submitted_at = monitoring_return.submitted_at or timezone.now()
    monitoring_return.submitted_by = actor if getattr(actor, "pk", None) else None
    monitoring_return.save()
    audit.record(actor, "submit", monitoring_return)
    return monitoring_return


@transaction.atomic
def review_return(actor: Actor, monitoring_return: MonitoringReturn, accept: bool, comment: str = ""
                  ) -> MonitoringReturn:
    """A commissioner accepts a submitted return, or sends it back with a comment saying what to fix."""
    monitoring_return = MonitoringReturn.objects.select_for_update().get(pk=monitoring_return.pk)
    if monitoring_return.status != MonitoringReturn.Status.SUBMITTED:
        raise ReturnNotEditable("Only a submitted return can be accepted or sent back; this one is "
                                f"{monitoring_return.get_status_display().lower()}.")
    if not accept and not comment.strip():
        raise InputRejected([Problem("review", "say what the provider should change", column="comment")])
    monitoring_return.status = MonitoringReturn.Status.ACCEPTED if accept else MonitoringReturn.Status.SENT_BACK
    monitoring_return.review_comment = comment.strip()
    monitoring_return.reviewed_at = timezone.now()
    monitoring_return.reviewed_by = actor if getattr(actor, "pk", None) else None
    monitoring_return.save()
    audit.record(actor, "accept" if accept else "send_back", monitoring_return,
                 changes={"comment": comment.strip()} if comment.strip() else {})
    return monitoring_return


def read_returns_csv(text: str, file_name: str, projects: dict[str, Project]
                     ) -> dict[tuple[str, date], ReturnFigures]:
    """Parse an uploaded returns CSV into figures per (project identifier, period start).

    ``projects`` are the projects the uploader may report on, by identifier; a row naming any other is an
    error (never a hint that it exists). Raises InputRejected naming the line and column of every problem.
    """
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in CSV_COLUMNS if c not in header]
    if missing:
        raise InputRejected([Problem(file_name, f"the column {c!r} is missing; the columns are "
                                     f"{', '.join(CSV_COLUMNS)}", line=1, column=c) for c in missing])
    problems: list[Problem] = []
    found: dict[tuple[str, date], ReturnFigures] = {}
    seen: dict[tuple, int] = {}
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {c: (cells[header.index(c)].strip() if header.index(c) < len(cells) else "") for c in CSV_COLUMNS}
        before = len(problems)

        def fail(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(file_name, message, line=line, column=column))

        project = projects.get(row["project"])
        if project is None:
            fail("project", f"{row['project']!r} is not one of your projects")
        try:
            period_start = date.fromisoformat(row["period_start"])
        except ValueError:
            fail("period_start", f"{row['period_start']!r} is not a date; write it as YYYY-MM-DD")
            period_start = None
        if project is not None and period_start is not None:
            start, _ = period_containing(period_start, project.return_period_months)
            if start != period_start:
                fail("period_start", f"{period_start} does not start a reporting period of {project.identifier} "
                                     f"(the period containing it starts {start})")
        value = _count_or_amount(row, fail)
        key = _figure_key(row, project, fail)
        if len(problems) > before:
            continue
        where = (row["project"], period_start)
        if (where, key) in seen:
            fail("measure", f"this figure is also given on line {seen[(where, key)]}")
            continue
        seen[(where, key)] = line
        figures = found.setdefault(where, ReturnFigures())
        if key[0] == "young_people":
            figures.reach[key[1:]] = int(value)
        elif key[0] in ACTIVITY_MEASURES:
            setattr(figures, key[0], int(value))
        else:
            figures.outcomes[key[0]] = value
    if not found and not problems:
        problems.append(Problem(file_name, "the file has no figures"))
    if problems:
        raise InputRejected(problems)
    return found


def _count_or_amount(row: dict[str, str], fail: object) -> Decimal | None:
    try:
        value = Decimal(row["value"].replace(",", ""))
    except InvalidOperation:
        fail("value", f"{row['value']!r} is not a number")
        return None
    if not value.is_finite() or abs(value) > MAX_COUNT:
        fail("value", f"{row['value']!r} is not a number up to {MAX_COUNT:,}")
        return None
    counted = row["measure"] == "young_people" or row["measure"] in ACTIVITY_MEASURES
    if counted and (value < 0 or value != value.to_integral_value()):
        fail("value", f"{row['value']!r}: a count is a whole number, 0 or more")
        return None
    return value


def _figure_key(row: dict[str, str], project: Project | None, fail: object) -> tuple:
    measure = row["measure"]
    if measure == "young_people":
        key = ["young_people"]
        for column, choices in (("age_band", AgeBand), ("sex", Sex), ("participation", Participation)):
            if row[column] not in choices.values:
                fail(column, f"{row[column]!r} is not one of {', '.join(choices.values)}")
            key.append(row[column])
        return tuple(key)
    if measure in ACTIVITY_MEASURES:
        return (measure,)
    if project is not None and not project.outcome_measures.filter(name=measure).exists():
        names = ", ".join(["young_people", *ACTIVITY_MEASURES, *project.outcome_measures.values_list("name",
                                                                                                      flat=True)])
        fail("measure", f"{measure!r} is not a measure of {project.identifier}; use one of: {names}")
    return (measure,)


def upload_returns(actor: Actor, upload: Path | bytes | str, file_name: str, projects: list[Project],
                   submit: bool = False) -> list[MonitoringReturn]:
    """Save every return in an uploaded CSV (a file, its bytes or its text) as drafts (and submit them if
    asked), all or nothing. A file that is not UTF-8 text is rejected by name."""
    raw = upload.read_bytes() if isinstance(upload, Path) else upload
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    except UnicodeDecodeError as exc:
        raise InputRejected([Problem(file_name, "the file is not UTF-8 text; save it as 'CSV UTF-8'",
                                     line=raw[:exc.start].count(b"\n") + 1)]) from exc
    if "\x00" in text:  # not text at all (and PostgreSQL cannot store a NUL)
        raise InputRejected([Problem(file_name, "holds a NUL byte, so it is not a CSV file",
                                     line=text[:text.index("\x00")].count("\n") + 1)])
    by_identifier = {p.identifier: p for p in projects}
    parsed = read_returns_csv(text, file_name, by_identifier)
    with transaction.atomic():
        saved = []
        for (identifier, period_start), figures in sorted(parsed.items()):
            try:
                saved.append(save_return(actor, by_identifier[identifier], period_start, figures))
            except ReturnNotEditable as exc:
                raise InputRejected([Problem(file_name, f"{identifier} {period_start}: {exc}")]) from exc
        if submit:
            saved = [submit_return(actor, r) for r in saved]
    return saved


def return_csv_rows(project: Project, period_start: date, figures: ReturnFigures) -> list[dict[str, str]]:
    """A return in the upload CSV's form: every cell of the reach grid and every measure, zeros included."""
    base = {"project": project.identifier, "period_start": period_start.isoformat()}
    blank = {"age_band": "", "sex": "", "participation": ""}
    rows = [{**base, "measure": "young_people", "age_band": band, "sex": sex, "participation": participation,
             "value": str(figures.reach.get((band, sex, participation), 0))}
            for band in AgeBand.values for sex in Sex.values for participation in Participation.values]
    rows += [{**base, "measure": m, **blank, "value": str(getattr(figures, m))} for m in ACTIVITY_MEASURES]
    rows += [{**base, "measure": m.name, **blank, "value": str(figures.outcomes.get(m.name, ""))}
             for m in project.outcome_measures.all()]
    return rows
