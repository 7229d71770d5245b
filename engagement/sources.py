"""The engagement app's source: the training register, a controlled source, with professionals reached.

The public see it only through the public release (``core.release``): by calendar and financial year (and
month, as totals), for the region and each local authority, two measures, audited together by the one rule:

* ``professionals_reached``: professionals trained, each once in a financial year, by who counted them:

  - ``training register``: each professional in the partnership's register once in a financial year, in the
    month and local authority of their first session of that year (so the months of a financial year and its
    local authorities add up to the year's distinct professionals: this category is "professionals trained");
  - ``monitoring returns beyond the register``: for each published project and financial year, what its accepted
    monitoring returns report beyond the register's professionals at that project's sessions that year
    (``engagement.services.reach.reached_records``), in the month its return period starts, in the project's
    local authority when it serves exactly one, else in no single authority (``no location``, counted in the
    region) — so that each professional counts once and the authorities add up to the region;

* ``attendances``: every attendance, in the session's month and local authority, by who attended
  (professionals; children and young people; parents, carers and community members).

The two counts of professionals are one measure, not two releases, so that the rule sees the line joining them
(reached = register + returns beyond it) and no withheld count can be recovered by setting one release against
another. A calendar year spanning two financial years counts someone once in each.

A session counts when it is under no commissioned project or under a published one (an unpublished project's
work is not public, as its returns are not). Sessions in no local authority count in the region as ``no
location``.
"""

from collections import defaultdict

from core.release import ReleaseSpec
from core.sources import Source, register

AUDIENCES = {"professionals": "professionals", "young_people": "children and young people",
             "other_adults": "parents, carers and community"}
REGISTER = "training register"
RETURNS = "monitoring returns beyond the register"
TRAINING_MEASURES = {"professionals_reached": "Professionals trained, each once in the financial year (training "
                                              "register and providers' monitoring returns)",
                     "attendances": "Attendances at training and awareness sessions"}


def public_sessions():
    """The sessions the public release counts: under no project, or under a published project."""
    from django.db.models import Q

    from engagement.models import Session

    return Session.objects.filter(Q(project__isnull=True) | Q(project__is_published=True))


def first_sessions() -> list[tuple[str, str, int, str | None, int | None]]:
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
    from engagement.services.reach import reached_records

    grouped: dict[tuple, int] = defaultdict(int)
    for record in reached_records():
        grouped[("professionals_reached", record["month"], record["lad"], record["counted_by"],
                 AUDIENCES["professionals"])] += record["count"]
    sessions = public_sessions()
    per_session = attendance_by_session(sessions)
    for pk, day, lad in sessions.values_list("id", "date", "lad_code"):
        for audience, count in per_session.get(pk, {}).items():
            if count:
                grouped[("attendances", f"{day:%Y-%m}", lad or None, REGISTER, AUDIENCES[audience])] += count
    return [{"measure": m, "month": month, "lad": lad, "counted_by": counted_by, "audience": audience, "count": n}
            for (m, month, lad, counted_by, audience), n in sorted(grouped.items(), key=str)]


def _training_months() -> list[str]:
    """From the first session's month to the later of the last session's month and last month: the register is
    kept as sessions are delivered, so a past month with no session is a true zero (this month is not whole).
    The returns' months count too where they fall outside (their professionals are in the release)."""
    from django.db.models import Max, Min
    from django.utils import timezone

    from core import sources
    from core.periods import months_between, shift

    bounds = public_sessions().aggregate(first=Min("date"), last=Max("date"))
    returns = sources.get("returns")
    held = list(returns.release.months()) if returns is not None and returns.release else []
    if bounds["first"] is not None:
        held += [f"{bounds['first']:%Y-%m}", max(f"{bounds['last']:%Y-%m}",
                                                  shift(f"{timezone.localdate():%Y-%m}", -1))]
    return months_between(min(held), max(held)) if held else []


def _training_fingerprint() -> tuple:
    """Changes whenever a session, an attendance, a participant count, a project, an accepted return (the
    professionals the returns report beyond the register, and the returns' months), the geography or the
    current month does: the columns the records and months are computed from, straight from the tables."""
    from commissioning.models import Project
    from core.release import rows_fingerprint, this_month
    from engagement.models import ParticipantCount, ProfessionalAttendance, Session
    from geography.services.manifest import geography_version
    from monitoring.models import MonitoringReturn

    return (rows_fingerprint(Session.objects.all(), "date", "lad_code", "project_id"),
            rows_fingerprint(ProfessionalAttendance.objects.all(), "session_id", "person_key"),
            rows_fingerprint(ParticipantCount.objects.all(), "session_id", "audience", "count"),
            rows_fingerprint(Project.objects.all(), "is_published", "area_codes"),
            rows_fingerprint(MonitoringReturn.objects.filter(status=MonitoringReturn.Status.ACCEPTED),
                             "project_id", "period_start", "period_end", "professionals_trained"),
            geography_version(), this_month())


register(Source("training", "Training and awareness register (professionals trained and reached, attendances)",
                "the partnership's training register and commissioned providers' monitoring returns",
                release=ReleaseSpec(measures=TRAINING_MEASURES,
                                    breakdowns={"counted_by": "Counted by", "audience": "Who attended"},
                                    records=_training_records, months=_training_months,
                                    fingerprint=_training_fingerprint,
                                    # Each professional the register counts attended a session there and then.
                                    at_most=((("professionals_reached", "counted_by", REGISTER),
                                              ("attendances", "audience", AUDIENCES["professionals"])),))))
