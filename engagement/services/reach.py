"""Professionals reached: the training register together with providers' monitoring returns, each person once.

A provider's accepted return reports ``professionals_trained`` as a number. Where that provider's sessions
are also in the register (imported, or recorded on the form, against the project), the same people are in
both; so for each project only the professionals its returns report beyond those in the register are
added::

    total = distinct professionals in the register
            + Σ over projects  max(0, trained in the project's accepted returns
                                      − distinct professionals at the project's sessions in the register)

Sessions and returns belong to the financial year of the session date and of the return period's start.
Nothing here applies disclosure control: public pages will take this figure through the public release.
"""

from collections import defaultdict
from collections.abc import Iterable

from engagement.models import ProfessionalAttendance
from monitoring.services.periods import financial_year_bounds
from monitoring.services.reach import project_reach


def professionals_reached(year: int, project_ids: Iterable[int] | None = None) -> dict[str, int]:
    """For financial year ``year``: ``register`` (distinct professionals in the register), ``returns``
    (professionals trained in accepted returns), ``in_both`` (counted once, not twice) and ``total``.

    With ``project_ids`` (e.g. the published projects), returns and the register's project sessions are
    limited to those projects; sessions under no project always count."""
    first, last = financial_year_bounds(year)
    chosen = list(project_ids) if project_ids is not None else None
    attendances = ProfessionalAttendance.objects.filter(session__date__gte=first, session__date__lte=last)
    people: set[str] = set()
    by_project: dict[int, set[str]] = defaultdict(set)
    for key, project_id in attendances.values_list("person_key", "session__project_id"):
        if project_id is not None and chosen is not None and project_id not in chosen:
            continue
        people.add(key)
        if project_id is not None:
            by_project[project_id].add(key)
    returned = {pk: values["professionals_trained"] for pk, values in project_reach(year, chosen).items()}
    in_both = sum(min(trained, len(by_project.get(pk, ()))) for pk, trained in returned.items())
    total_returned = sum(returned.values())
    return {"register": len(people), "returns": total_returned, "in_both": in_both,
            "total": len(people) + total_returned - in_both}


def reached_records() -> list[dict]:
    """The public release's records of professionals reached (``engagement.sources``), each person once, with
    ``month``, ``lad``, ``counted_by`` and ``count``:

    * ``training register``: each professional in the register once per financial year, in the month and local
      authority of their first counted session of the year;
    * ``monitoring returns beyond the register``: for each published project and financial year, what its
      accepted returns report beyond the register's professionals at that project's sessions that year. The
      register's people are matched against the earliest returns first, so return *k* adds
      ``max(0, trained in returns 1..k − register) − max(0, trained in returns 1..k−1 − register)``, in the month
      its period starts, in the project's local authority when it serves exactly one in the region, else in none
      (``lad`` None: counted in the region only).

    A financial year's total is ``professionals_reached(year, published projects)["total"]``.
    """
    from core.region import current_region
    from engagement.sources import REGISTER, RETURNS, first_sessions, public_sessions
    from insights.query.areas import local_authority_of
    from monitoring.models import MonitoringReturn
    from monitoring.services.periods import financial_year_of

    grouped: dict[tuple, int] = defaultdict(int)
    for _, month, _, lad, _ in first_sessions():
        grouped[(month, lad, REGISTER)] += 1
    register: dict[tuple[int, int], set[str]] = defaultdict(set)
    for key, day, project in ProfessionalAttendance.objects.filter(
            session__in=public_sessions(), session__project__isnull=False).values_list(
            "person_key", "session__date", "session__project_id"):
        register[(project, financial_year_of(day))].add(key)
    region_lads = set(current_region().lad_codes)
    returns = MonitoringReturn.objects.filter(status=MonitoringReturn.Status.ACCEPTED,
                                              project__is_published=True).select_related("project")
    reported: dict[tuple[int, int], int] = defaultdict(int)
    for monitoring_return in returns.order_by("project_id", "period_start", "pk"):
        project = monitoring_return.project
        year = financial_year_of(monitoring_return.period_start)
        matched = len(register.get((project.pk, year), ()))
        before = reported[(project.pk, year)]
        reported[(project.pk, year)] = before + int(monitoring_return.professionals_trained or 0)
        extra = max(0, reported[(project.pk, year)] - matched) - max(0, before - matched)
        if not extra:
            continue
        lads = {code if code in region_lads else local_authority_of(code) for code in project.area_codes or []}
        lads = sorted(lads & region_lads)
        grouped[(f"{monitoring_return.period_start:%Y-%m}", lads[0] if len(lads) == 1 else None, RETURNS)] += extra
    return [{"month": month, "lad": lad, "counted_by": counted_by, "count": n}
            for (month, lad, counted_by), n in sorted(grouped.items(), key=str)]
