"""The engagement app's sources: the training register (controlled), and professionals reached (controlled).

**training** — the training and awareness register (sessions, the professionals at each, the children, young
people and other adults counted at each). The public see it only through the public release
(``core.release``): by calendar and financial year and month, for the region and each local authority,

* ``professionals_trained``: each professional once in a financial year, in the month and local authority of
  their first session of that year (so the months of a financial year and its local authorities add up to the
  year's distinct professionals, and the release can audit those sums; a calendar year spanning two financial
  years counts someone once in each);
* ``attendances``: every attendance, in the session's month and local authority, by who attended
  (professionals; children and young people; parents, carers and community members).

A session counts when it is under no commissioned project or under a published one (an unpublished project's
work is not public, as its returns are not). Sessions in no local authority count in the region as ``no
location``.

**professionals_reached** — professionals trained by the partnership's register and by commissioned providers
(accepted monitoring returns of published projects), each once (``engagement.services.reach``): the register's
professionals, plus for each project and financial year what its returns report beyond the register's
professionals at that project's sessions. Like reach, a project's professionals count in each local authority it
serves, so the authorities do not add up to the region.
"""

from collections import defaultdict

from core.release import ReleaseSpec
from core.sources import Source, register

AUDIENCES = {"professionals": "professionals", "young_people": "children and young people",
             "other_adults": "parents, carers and community"}
TRAINING_MEASURES = {"professionals_trained": "Professionals trained (each once in the financial year)",
                     "attendances": "Attendances at training and awareness sessions"}
REACHED_MEASURES = {"professionals_reached": "Professionals reached (training register and monitoring returns, "
                                             "each once)"}


def public_sessions():
    """The sessions the public release counts: under no project, or under a published project."""
    from django.db.models import Q

    from engagement.models import Session

    return Session.objects.filter(Q(project__isnull=True) | Q(project__is_published=True))


def first_sessions() -> list[tuple[str, str, int, str, int | None]]:
    """Each professional's first counted session in each financial year, as (person key, month, financial
    year, local authority or None, project id or None) — the grain the professionals figures count at."""
    from engagement.models import ProfessionalAttendance
    from monitoring.services.periods import financial_year_of

    seen: set[tuple[str, int]] = set()
    found = []
    for key, day, lad, project in (ProfessionalAttendance.objects.filter(session__in=public_sessions())
                                   .order_by("session__date", "session_id")
                                   .values_list("person_key", "session__date", "session__lad_code",
                                                "session__project_id")):
        year = financial_year_of(day)
        if (key, year) in seen:
            continue
        seen.add((key, year))
        found.append((key, f"{day:%Y-%m}", year, lad or None, project))
    return found


def _training_records() -> list[dict]:
    from engagement.figures import attendance_by_session

    grouped: dict[tuple, int] = defaultdict(int)
    for _, month, _, lad, _ in first_sessions():
        grouped[("professionals_trained", month, lad, "professionals")] += 1
    sessions = public_sessions()
    per_session = attendance_by_session(sessions)
    for pk, day, lad in sessions.values_list("id", "date", "lad_code"):
        for audience, count in per_session.get(pk, {}).items():
            if count:
                grouped[("attendances", f"{day:%Y-%m}", lad or None, AUDIENCES[audience])] += count
    return [{"measure": m, "month": month, "lad": lad, "audience": audience, "count": n}
            for (m, month, lad, audience), n in sorted(grouped.items(), key=str)]


def _training_months() -> list[str]:
    """From the first session's month to the later of the last session's month and last month: the register is
    kept as sessions are delivered, so a past month with no session is a true zero (this month is not whole)."""
    from django.db.models import Max, Min
    from django.utils import timezone

    from core.periods import months_between, shift

    bounds = public_sessions().aggregate(first=Min("date"), last=Max("date"))
    if bounds["first"] is None:
        return []
    last_month = shift(f"{timezone.localdate():%Y-%m}", -1)
    return months_between(f"{bounds['first']:%Y-%m}", max(f"{bounds['last']:%Y-%m}", last_month))


def _reached_records() -> list[dict]:
    from engagement.services.reach import reached_records

    return reached_records()


def _reached_months() -> list[str]:
    from core.periods import months_between

    held = [*_training_months(), *_returns_months()]
    return months_between(min(held), max(held)) if held else []


def _returns_months() -> list[str]:
    from core import sources

    spec = sources.get("returns").release
    return list(spec.months()) if spec else []


register(Source("training", "Training and awareness register (professionals trained and attendances)",
                "the partnership's training register",
                release=ReleaseSpec(measures=TRAINING_MEASURES, breakdowns={"audience": "Who attended"},
                                    records=_training_records, months=_training_months)))
register(Source("professionals_reached", "Professionals reached (training register and monitoring returns)",
                "the partnership's training register and commissioned providers",
                release=ReleaseSpec(measures=REACHED_MEASURES, breakdowns={}, records=_reached_records,
                                    months=_reached_months, areas_add_up=False)))
