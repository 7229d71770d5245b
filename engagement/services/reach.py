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
