"""The training, networks and events figures: plain functions of a financial year returning plain rows.

Definitions (said on the pages and in the report):

* **professionals trained**: distinct professionals at any session in the year (April to March), by their
  keyed email hash, so someone at three sessions counts once; in two years, once in each;
* **attendances**: every professional at every session, plus the children, young people, parents, carers
  and community members counted at each; a young person at two sessions is two attendances (young people are
  counted as attendances, never as people: the platform holds no names for them);
* a session belongs to its local authority, its theme (the course's, or the event's first) and the team
  that delivered it; a session with none given is in a row saying so, never a blank one.

These are controlled figures: they are unsuppressed, for the partnership's own staff. They reach the public
only through the public release (the figure registry), never from these functions directly. ``FIGURES``
describes each one (title, columns in users' words, the function) so that the registry can take them as
they are.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet, Sum

from commissioning.models import Theme
from engagement.models import Audience, ParticipantCount, ProfessionalAttendance, Sector, Session
from monitoring.services.periods import financial_year_bounds

__all__ = ["FIGURES", "FULL", "HEADLINE_LABELS", "PUBLIC", "PUBLIC_LABELS", "PUBLIC_TRAINING", "TrainingAccess",
           "TrainingFigure", "attendance_by_local_authority", "attendance_by_session", "attendance_by_theme",
           "events_and_reach", "feedback_by_competency", "figure_rows", "headline", "network_membership",
           "professionals_by_sector", "public_training", "sessions_by_month_and_team", "training_measures"]

NOT_GIVEN = "not given"
HEADLINE_LABELS = {
    "professionals_trained": "Professionals trained (each counted once in the year)",
    "attendances": "Attendances (professionals, children, young people and other adults)",
    "professional_attendances": "Attendances by professionals",
    "young_people_attendances": "Attendances by children and young people",
    "other_adult_attendances": "Attendances by parents, carers and community members",
    "sessions": "Sessions delivered",
    "training_sessions": "Training sessions (of a course)",
    "events": "Events held",
    "event_attendances": "Attendances at events",
}


def _sessions(year: int, within: QuerySet[Session] | None = None) -> QuerySet[Session]:
    first, last = financial_year_bounds(year)
    chosen = within if within is not None else Session.objects.all()
    return chosen.filter(date__gte=first, date__lte=last)


def attendance_by_session(sessions: QuerySet[Session]) -> dict[int, dict[str, int]]:
    """Session id → professionals, young_people and other_adults attended (three queries in all)."""
    found: dict[int, dict[str, int]] = defaultdict(lambda: {"professionals": 0, "young_people": 0,
                                                             "other_adults": 0})
    for row in ProfessionalAttendance.objects.filter(session__in=sessions).values("session_id").annotate(
            n=Count("id")):
        found[row["session_id"]]["professionals"] = row["n"]
    for row in ParticipantCount.objects.filter(session__in=sessions).values("session_id", "audience").annotate(
            n=Sum("count")):
        key = "young_people" if row["audience"] == Audience.YOUNG_PEOPLE else "other_adults"
        found[row["session_id"]][key] += int(row["n"] or 0)
    return found


def _attendances(counts: dict[str, int]) -> int:
    return counts["professionals"] + counts["young_people"] + counts["other_adults"]


def headline(year: int, within: QuerySet[Session] | None = None) -> list[dict]:
    """The year's headline measures as rows of ``measure, value`` (``HEADLINE_LABELS`` names them)."""
    sessions = _sessions(year, within)
    per_session = attendance_by_session(sessions)
    events = list(sessions.exclude(event__isnull=True).values_list("id", "event_id"))
    values = {
        "professionals_trained": ProfessionalAttendance.objects.filter(session__in=sessions)
        .values("person_key").distinct().count(),
        "attendances": sum(_attendances(c) for c in per_session.values()),
        "professional_attendances": sum(c["professionals"] for c in per_session.values()),
        "young_people_attendances": sum(c["young_people"] for c in per_session.values()),
        "other_adult_attendances": sum(c["other_adults"] for c in per_session.values()),
        "sessions": sessions.count(),
        "training_sessions": sessions.exclude(course__isnull=True).count(),
        "events": len({event_id for _, event_id in events}),
        "event_attendances": sum(_attendances(per_session[s]) for s, _ in events if s in per_session),
    }
    return [{"measure": m, "value": values[m]} for m in HEADLINE_LABELS]


def training_measures(year: int) -> list[dict]:
    """The rows of the annual report's ``data/training.csv`` (``measure,value``)."""
    return headline(year)


def sessions_by_month_and_team(year: int) -> list[dict]:
    """Sessions and attendances per month and facilitator team."""
    sessions = _sessions(year)
    per_session = attendance_by_session(sessions)
    grouped: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: {"sessions": 0, "attendances": 0,
                                                                          "professional_attendances": 0})
    for pk, day, team in sessions.values_list("id", "date", "facilitator_team__name"):
        entry = grouped[(f"{day:%Y-%m}", team or NOT_GIVEN)]
        entry["sessions"] += 1
        entry["attendances"] += _attendances(per_session[pk]) if pk in per_session else 0
        entry["professional_attendances"] += per_session[pk]["professionals"] if pk in per_session else 0
    return [{"month": month, "facilitator_team": team, **values} for (month, team), values in sorted(grouped.items())]


def _distinct_professionals_by(sessions: QuerySet[Session], field: str) -> dict[str, int]:
    people: dict[str, set[str]] = defaultdict(set)
    for group, key in ProfessionalAttendance.objects.filter(session__in=sessions).values_list(field, "person_key"):
        people[group or NOT_GIVEN].add(key)
    return {group: len(keys) for group, keys in people.items()}


def professionals_by_sector(year: int) -> list[dict]:
    """Professionals trained and their attendances by sector (someone recorded in two sectors counts in
    each, so the rows can add up to more than the total)."""
    sessions = _sessions(year)
    distinct = _distinct_professionals_by(sessions, "sector")
    attendances = dict(ProfessionalAttendance.objects.filter(session__in=sessions).values("sector").annotate(
        n=Count("id")).values_list("sector", "n"))
    return [{"sector": s.label, "professionals_trained": distinct.get(s.value, 0),
             "professional_attendances": attendances.get(s.value, 0)} for s in Sector]


def attendance_by_theme(year: int) -> list[dict]:
    sessions = _sessions(year)
    per_session = attendance_by_session(sessions)
    distinct = _distinct_professionals_by(sessions, "session__theme")
    grouped: dict[str, dict[str, int]] = {t.value: {"sessions": 0, "attendances": 0} for t in Theme}
    for pk, theme in sessions.values_list("id", "theme"):
        grouped[theme]["sessions"] += 1
        grouped[theme]["attendances"] += _attendances(per_session[pk]) if pk in per_session else 0
    return [{"theme": t.label, **grouped[t.value], "professionals_trained": distinct.get(t.value, 0)} for t in Theme]


def attendance_by_local_authority(year: int) -> list[dict]:
    """Per local authority the sessions were delivered in; sessions with none given in a row of their own."""
    from insights.query.areas import area_names

    sessions = _sessions(year)
    per_session = attendance_by_session(sessions)
    distinct = _distinct_professionals_by(sessions, "session__lad_code")
    grouped: dict[str, dict[str, int]] = defaultdict(lambda: {"sessions": 0, "attendances": 0})
    for pk, lad in sessions.values_list("id", "lad_code"):
        grouped[lad or NOT_GIVEN]["sessions"] += 1
        grouped[lad or NOT_GIVEN]["attendances"] += _attendances(per_session[pk]) if pk in per_session else 0
    names = area_names(list(grouped))
    return [{"local_authority": code, "name": names.get(code, "No local authority given" if code == NOT_GIVEN
                                                         else code),
             **values, "professionals_trained": distinct.get(code, 0)}
            for code, values in sorted(grouped.items(), key=lambda item: (item[0] == NOT_GIVEN, item[0]))]


def network_membership(year: int) -> list[dict]:
    """Members of each network at the start (1 April) and end (31 March) of the year."""
    from engagement.services.networks import membership_in_year

    return membership_in_year(year)


def events_and_reach(year: int) -> list[dict]:
    """Each event with sessions in the year: its themes and places, and who attended."""
    from insights.query.areas import area_names

    sessions = _sessions(year).exclude(event__isnull=True).select_related("event")
    per_session = attendance_by_session(sessions)
    grouped: dict[int, dict] = {}
    for session in sessions.order_by("event__start_date", "event__title", "date"):
        event = session.event
        entry = grouped.setdefault(event.pk, {
            "event": event.title, "kind": event.get_kind_display(), "start_date": event.start_date,
            "themes": "; ".join(event.theme_labels()), "places": list(event.area_codes or []), "sessions": 0,
            "professionals": 0, "young_people": 0, "other_adults": 0, "attendances": 0})
        counts = per_session.get(session.pk, {"professionals": 0, "young_people": 0, "other_adults": 0})
        entry["sessions"] += 1
        for key in ("professionals", "young_people", "other_adults"):
            entry[key] += counts[key]
        entry["attendances"] += _attendances(counts)
    names = area_names([c for e in grouped.values() for c in e["places"]])
    for entry in grouped.values():
        entry["places"] = "; ".join(names.get(c, c) for c in entry["places"])
    return list(grouped.values())


def feedback_by_competency(year: int) -> list[dict]:
    """Change in confidence per competency, from the year's feedback."""
    from engagement.services.feedback import change_by_competency

    first, last = financial_year_bounds(year)
    return change_by_competency(first=first, last=last)


@dataclass(frozen=True)
class TrainingFigure:
    """One figure: its title, its columns (name → label in users' words) and the function computing it."""

    name: str
    title: str
    columns: dict[str, str]
    compute: Callable[[int], list[dict]]
    note: str = ""
    disclosure: str = "controlled"


FIGURES: dict[str, TrainingFigure] = {f.name: f for f in [
    TrainingFigure("training", "Training and awareness: the year's headline figures",
                   {"measure": "Measure", "value": "Value"}, headline,
                   "Professionals are counted once in the year; young people are counted as attendances."),
    TrainingFigure("sessions_by_month_and_team", "Sessions and attendances by month and facilitator team",
                   {"month": "Month", "facilitator_team": "Facilitator team", "sessions": "Sessions",
                    "attendances": "Attendances", "professional_attendances": "Attendances by professionals"},
                   sessions_by_month_and_team),
    TrainingFigure("professionals_by_sector", "Professionals trained by sector",
                   {"sector": "Sector", "professionals_trained": "Professionals trained",
                    "professional_attendances": "Attendances"}, professionals_by_sector,
                   "Someone recorded in two sectors counts in each."),
    TrainingFigure("attendance_by_theme", "Sessions, attendances and professionals trained by theme",
                   {"theme": "Theme", "sessions": "Sessions", "attendances": "Attendances",
                    "professionals_trained": "Professionals trained"}, attendance_by_theme),
    TrainingFigure("attendance_by_local_authority", "Sessions, attendances and professionals trained by local "
                   "authority", {"local_authority": "Local authority code", "name": "Local authority",
                                 "sessions": "Sessions", "attendances": "Attendances",
                                 "professionals_trained": "Professionals trained"}, attendance_by_local_authority,
                   "By where the session was held; someone trained in two local authorities counts in each."),
    TrainingFigure("network_membership", "Network membership at the start and end of the year",
                   {"network": "Network", "kind": "Kind", "members_at_start": "Members on 1 April",
                    "members_at_end": "Members on 31 March", "joined": "Joined in the year",
                    "left": "Left in the year"}, network_membership),
    TrainingFigure("events_and_reach", "Events and their reach",
                   {"event": "Event", "kind": "Kind", "start_date": "Date", "themes": "Themes", "places": "Places",
                    "sessions": "Sessions", "professionals": "Professionals", "young_people":
                    "Children and young people", "other_adults": "Parents, carers and community",
                    "attendances": "Attendances"}, events_and_reach),
    TrainingFigure("feedback_by_competency", "Change in confidence by competency",
                   {"framework": "Framework", "competency": "Competency", "statement": "Statement",
                    "responses": "Responses", "mean_confidence_before": "Confidence before (1–5)",
                    "mean_confidence_after": "Confidence after (1–5)", "mean_change": "Change",
                    "share_more_confident": "Share more confident"}, feedback_by_competency),
]}


def figure_rows(name: str, year: int) -> list[dict]:
    """The rows of figure ``name`` for financial year ``year`` (KeyError for an unknown figure)."""
    return FIGURES[name].compute(year)


def year_of(day: date) -> int:
    from monitoring.services.periods import financial_year_of

    return financial_year_of(day)


# The figure registry ----------------------------------------------------------------------------------------
#
# Every figure above is registered in ``core.figures`` (family ``engagement``) with disclosure ``controlled``.
# Its ``compute(year, access)`` gives the rows above to viewers entitled to them (``FULL``) and, to everyone else
# (``PUBLIC``), only what the public release of the training register holds: the ``training`` figure's
# professionals trained and attendances by who attended, plus professionals reached, for a whole financial
# year, the region or a local authority. Every other engagement figure is refused for the public.

#: The public ``training`` rows: measure → (release measure, breakdown, category) in the training release.
PUBLIC_TRAINING = {
    "professionals_trained": ("professionals_reached", "counted_by", "training register"),
    "attendances": ("attendances", "total", "all"),
    "professional_attendances": ("attendances", "audience", "professionals"),
    "young_people_attendances": ("attendances", "audience", "children and young people"),
    "other_adult_attendances": ("attendances", "audience", "parents, carers and community"),
    "professionals_reached": ("professionals_reached", "total", "all"),
}
PUBLIC_LABELS = {**HEADLINE_LABELS, "professionals_reached": "Professionals reached (training register and "
                                                             "providers' monitoring returns, each once)"}


@dataclass(frozen=True)
class TrainingAccess:
    """How a viewer reads engagement figures: ``full`` (the register, unsuppressed) or from the public release;
    ``area`` narrows the public figures to one local authority (None: the region)."""

    full: bool
    area: str | None = None


FULL = TrainingAccess(full=True)
PUBLIC = TrainingAccess(full=False)


def public_training(year: int, area: str | None = None) -> list[dict]:
    """The public ``training`` rows (``measure, value``) for financial year ``year`` from the public release of
    the training register: a count rounded to 5, ``WITHHELD`` where the rule withholds it. NotInRelease (with the
    reason) when the release does not hold the year or area."""
    from core.release import REGION, TOTAL, current_release
    from monitoring.services.periods import financial_year_label

    label = financial_year_label(year)
    where = area or REGION
    release = current_release("training")
    rows = []
    for measure, (name, breakdown, category) in PUBLIC_TRAINING.items():
        value = release.value(name, TOTAL, "all", label, where)
        if breakdown != TOTAL:
            # A category never recorded (no parents or carers at any session) is a true zero.
            value = release.value(name, breakdown, category, label, where) if category in release.categories(
                name, breakdown) else 0
        rows.append({"measure": measure, "value": value})
    return rows


def _registered(spec: TrainingFigure) -> Callable[[int, TrainingAccess], list[dict]]:
    def compute(year: int, access: TrainingAccess) -> list[dict]:
        from core.release import NotInRelease

        if access.full:
            return spec.compute(year)
        if spec.name == "training":
            return public_training(year, access.area)
        raise NotInRelease(f"{spec.title} is not in the public release of the training register, which holds "
                           "professionals trained and attendances by who attended, by year, for the region and "
                           "its local authorities.")

    return compute


def _register_all() -> None:
    from core.figures import CONTROLLED, Column, Figure, register

    for spec in FIGURES.values():
        columns = tuple(Column(key, label) for key, label in spec.columns.items())
        register(Figure(spec.name, "engagement", spec.title, spec.note or spec.title, columns, _registered(spec),
                        disclosure=CONTROLLED))


_register_all()
