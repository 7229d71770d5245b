"""Which counts a viewer's figures are computed from: the warehouse in full, or the public release.

Every insights figure asks ``FigureAccess.counts(query, by)`` for its counts, never the warehouse directly.
For an open source (police.uk), or a viewer entitled to the query's area (analysts; partners for their own
areas), that is the warehouse (``insights.query.figures.counts``). For everyone else, a controlled source's
counts come from its public release (``core.release``): whole calendar and financial years (and the months they
cover, as totals), the region and its local authorities, by the release's breakdowns. Anything else is refused
with the release's reason. So a figure is written once, and what the public sees cannot differ between pages,
downloads, maps and reports.
"""

from collections.abc import Callable
from dataclasses import dataclass, replace

from core import request_memo
from core.figures import WITHHELD, Missing, known
from core.periods import months_between
from core.release import ALL, NO_LOCATION, REGION, TOTAL, NotInRelease, Release, current_release, year_label
from core.sources import is_open
from insights.query import figure_cache, figures
from insights.query.figures import FigureQuery

#: Query-layer keys and the release's breakdowns they read.
BREAKDOWN_OF = {"crime_type": "type", "age_band": "age_band", "age_group": "age_group", "sex": "sex"}


@dataclass(frozen=True)
class FigureAccess:
    """``entitled(query)``: the viewer sees controlled figures for this query in full. ``scope`` names whose
    figures these are (``public``, ``full``, or a partner organisation and its areas): figure results are kept
    in the shared cache under it, so viewers of different scopes never share them; None keeps nothing."""

    entitled: Callable[[FigureQuery], bool]
    scope: str | None = None

    def remember(self, figure: str, params: object, compute: Callable[[], list[dict]]) -> list[dict]:
        """A figure's rows for ``params`` as this viewer sees them: computed once, then kept per request and in
        the shared cache under the viewer's scope (``insights.query.figure_cache``)."""
        if self.scope is None:
            return compute()
        return figure_cache.remember("figure", (figure, params), compute, scope=self.scope)

    def full(self, query: FigureQuery) -> bool:
        """True when the query's figures come from the warehouse in full."""
        return is_open(query.source) or self.entitled(query)

    def counts(self, query: FigureQuery, by: list[str]) -> list[dict]:
        """Counts grouped by ``by``, as ``figures.counts`` returns them; a withheld count is ``WITHHELD``."""
        if self.full(query):
            return figures.counts(query, by)
        # The public release is the same for every viewer it is shown to, and each process keeps it (read from
        # it faster than from the shared cache).
        return figure_cache.remember("release counts", (query, tuple(by)), lambda: release_counts(query, by),
                                     in_shared_cache=False)

    def top_areas(self, query: FigureQuery, level: str, limit: int) -> tuple[list[dict], int]:
        if not self.full(query):
            self.require_full(query, f"figures by {level}")
        return figures.top_areas(query, level, limit)

    def require_full(self, query: FigureQuery, what: str) -> None:
        """Refuse (NotInRelease) a figure the public release cannot give for this query."""
        if not self.full(query):
            release = current_release(query.source)
            raise NotInRelease(f"{what[0].upper()}{what[1:]} are not in the public release of "
                               f"{release.manifest['label']}, which holds whole years for the region and its local "
                               f"authorities by {', '.join(release.manifest['breakdowns'].values()).lower()}.")

    def months(self, source: str) -> frozenset[str]:
        """The months the source holds data for (as the viewer's figures see them)."""
        return request_memo.memo(f"loaded months {source}", lambda: frozenset(figure_cache.remember(
            "loaded months", (source,), lambda: loaded_months(source), shared=True)))

    def source_line(self, query: FigureQuery) -> str:
        """Where the figures come from, for the page and the download."""
        from core import sources

        source = sources.get(query.source)
        label = source.label if source else query.source
        if is_open(query.source):
            return f"{label}: {source.publisher if source else ''} open data, published in full."
        if self.entitled(query):
            return f"{label}: controlled data, shown in full to you; not for publication."
        line = current_release(query.source).describe()
        if query.month_from and query.month_to and year_label(query.month_from, query.month_to) is None:
            # Not a whole year the release holds: its totals are added up here from the release's monthly
            # cells, each rounded on its own, so the reader is told (the months' own rounding adds up).
            line += (" This period is not a whole calendar or financial year, so its totals are the sum of the "
                     "release's rounded monthly totals, and breakdowns by type, age or sex are not shown.")
        return line


PUBLIC = FigureAccess(entitled=lambda query: False, scope="public")
FULL = FigureAccess(entitled=lambda query: True, scope="full")


def loaded_months(source: str) -> list[str]:
    """Months with current warehouse partitions for ``source`` (a month outside these has no data, not zero)."""
    from insights.models import WarehousePartition

    return sorted(set(WarehousePartition.objects.filter(source=source, is_current=True)
                      .values_list("month", flat=True)))


def release_counts(query: FigureQuery, by: list[str]) -> list[dict]:
    """``figures.counts`` answered from the public release of the query's (controlled) source."""
    release = current_release(query.source)
    measure = next(iter(release.manifest["measures"]))
    area = _area(query, release)
    unknown = [k for k in by if k not in ("month", "lad", *BREAKDOWN_OF)]
    if unknown:
        raise NotInRelease(release.why_not(measure, unknown[0], release.years[-1] if release.years else "", "-")
                           if unknown[0] not in figures.AREA_KEYS else
                           release.why_not(measure, TOTAL, release.years[-1] if release.years else "", unknown[0]))
    breakdowns = [BREAKDOWN_OF[k] for k in by if k in BREAKDOWN_OF]
    if len(breakdowns) > 1 or ("month" in by and (breakdowns or "lad" in by)):
        raise NotInRelease(f"The public release of {release.manifest['label'].lower()} holds one breakdown at a "
                           "time (months as totals only).")
    types = list(query.types)
    if "month" in by:
        if types:
            raise NotInRelease(release.why_not(measure, "type", release.months[0] if release.months else "", area))
        rows = []
        for month in months_between(query.month_from, query.month_to):
            # A month the release does not hold (no whole year covers it) is not available, with the reason:
            # never left out of the rows, where a figure would read it as a zero.
            count = (release.value(measure, TOTAL, ALL, month, area) if month in release.months
                     else Missing("x", release.why_not(measure, TOTAL, month, area)))
            rows.append({"month": month, "count": count})
        return rows
    period = year_label(query.month_from, query.month_to)
    areas = ([a for a in release.areas if a not in (REGION,)] if "lad" in by else [area])
    breakdown = breakdowns[0] if breakdowns else None
    if types and breakdown not in (None, "type"):
        raise NotInRelease(f"The public release of {release.manifest['label'].lower()} does not hold "
                           f"{breakdown.replace('_', ' ')} by type.")
    categories = release.categories(measure, breakdown) if breakdown else [None]
    if breakdown == "type" and types:
        categories = [c for c in categories if c in types]
    rows = []
    for code in areas:
        for category in categories:
            if period is None:
                if breakdown or types:
                    raise NotInRelease(release.why_not(measure, breakdown or "type", f"{query.month_from}.."
                                                       f"{query.month_to}", code))
                count = _sum_of_months(release, measure, query, code)
            elif category is None:
                count = (_types_total(release, measure, types, period, code) if types
                         else release.value(measure, TOTAL, ALL, period, code))
            else:
                count = release.value(measure, breakdown, category, period, code)
            row = {}
            if "lad" in by:
                row["lad"] = None if code == NO_LOCATION else code
            if breakdown:
                row[next(k for k in by if k in BREAKDOWN_OF)] = category
            row["count"] = count
            rows.append(row)
    return _with_rates(rows, "lad" in by, area)


def _area(query: FigureQuery, release: Release) -> str:
    from core.region import current_region

    if query.area is None:
        lads = set(current_region().lad_codes)
        if query.lad_codes and set(query.lad_codes) != lads:
            raise NotInRelease("The public release holds the region as a whole and each of its local authorities.")
        return REGION
    if query.area in release.areas:
        return query.area
    measure = next(iter(release.manifest["measures"]))
    raise NotInRelease(release.why_not(measure, TOTAL, release.years[-1] if release.years else "", query.area))


def _types_total(release: Release, measure: str, types: list[str], period: str, area: str) -> int | object:
    """The published count of records of any of ``types`` in ``period`` and ``area``: the sum of their cells.
    A type the source has never recorded counts 0, but only in a period and area the release holds: where it
    does not hold them (a year the data covers only part of), NotInRelease says why, as for the total, rather
    than an empty sum's 0."""
    release.value(measure, TOTAL, ALL, period, area)  # NotInRelease, with the reason, where not held
    recorded = set(release.categories(measure, "type"))
    return _sum(release.value(measure, "type", t, period, area) for t in types if t in recorded)


def _sum(values) -> int | object:
    values = list(values)
    return WITHHELD if any(not known(v) for v in values) else sum(values)


def _sum_of_months(release: Release, measure: str, query: FigureQuery, area: str) -> int | object:
    months = months_between(query.month_from, query.month_to)
    missing = [m for m in months if m not in release.months]
    if missing:
        raise NotInRelease(release.why_not(measure, TOTAL, missing[0], area))
    return _sum(release.value(measure, TOTAL, ALL, m, area) for m in months)


def _with_rates(rows: list[dict], by_lad: bool, area: str) -> list[dict]:
    """Rates per 1,000 residents from the published counts and the (public) population."""
    population = _populations()
    from core.region import current_region

    region_codes = current_region().lad_codes
    for row in rows:
        code = row.get("lad") if by_lad else area
        if by_lad and code is None:
            people = young = None
        elif code == REGION:
            people = sum(population.get(c, (0, 0))[0] or 0 for c in region_codes) or None
            young = sum(population.get(c, (0, 0))[1] or 0 for c in region_codes) or None
        else:
            people, young = population.get(code, (None, None))
        if by_lad or area != REGION:
            count = row["count"]
            row["population"] = people
            row["rate_per_1000"] = round(count * 1000 / people, 3) if known(count) and people else (
                WITHHELD if not known(count) else None)
            row["rate_per_1000_aged_24_and_under"] = round(count * 1000 / young, 3) if known(count) and young else (
                WITHHELD if not known(count) else None)
    return rows


def _populations() -> dict[str, tuple[float | None, float | None]]:
    from insights.query.areas import area_tables

    _, lsoa21 = area_tables()
    table = lsoa21.to_pydict()
    found: dict[str, list[float]] = {}
    for lad, people, young in zip(table["lad_code"], table["population"], table["population_aged_24_and_under"],
                                  strict=True):
        if lad:
            entry = found.setdefault(lad, [0.0, 0.0])
            entry[0] += people or 0
            entry[1] += young or 0
    return {lad: (values[0] or None, values[1] or None) for lad, values in found.items()}


def entitled_for(user: object) -> Callable[[FigureQuery], bool]:
    """Who sees controlled figures in full: analysts, commissioners, coordinators and administrators; a partner
    for an area of its organisation or within one; nobody else (the public, providers)."""
    from core.access import role_of
    from core.roles import Role
    from insights.query.areas import local_authority_of

    role = role_of(user)
    if role in (Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR):
        return lambda query: True
    if role == Role.PARTNER:
        areas = set(getattr(user, "area_codes", []))
        return lambda query: query.area is not None and (query.area in areas
                                                          or local_authority_of(query.area) in areas)
    return lambda query: False


def scope_of(user: object) -> str:
    """Whose figures a viewer sees, as the figure cache names it: ``full`` (every role entitled to everything),
    ``partner:<organisation>:<areas>`` (a partner: its organisation and the areas it is entitled to), or
    ``public`` (everyone else sees the same figures)."""
    from core.access import role_of
    from core.roles import Role

    role = role_of(user)
    if role in (Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR):
        return "full"
    if role == Role.PARTNER:
        areas = ",".join(sorted(getattr(user, "area_codes", [])))
        return f"partner:{getattr(user, 'organisation_id', None)}:{areas}"
    return "public"


def access_for(user: object) -> FigureAccess:
    """The figure access of a request's user."""
    return FigureAccess(entitled_for(user), scope_of(user))


def for_region(query: FigureQuery) -> FigureQuery:
    """``query`` over the configured region as a whole: its local authorities plus its records with no
    location (the one definition of the region's total)."""
    from core.region import current_region

    region = current_region()
    return replace(query, area=None, lad_codes=tuple(region.lad_codes), no_location=True,
                   forces=tuple(region.force_slugs))
