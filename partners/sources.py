"""The partners app's sources: partners' indicators (controlled unless configured open) and police.uk stop and
search and outcomes (open data).

**Indicators.** Each indicator is its own source name in the registry, ``indicator.<key>`` (e.g.
``indicator.fingertips-11201``), so ``VRP_SOURCE_DISCLOSURE=indicator.fingertips-11201=open`` opens one
indicator that its publisher already publishes in full. Every indicator not configured open is controlled: the
public see it only through the public release of the ``indicators`` source, which holds, for each controlled
indicator, age band and sex (one release measure each, as published bands overlap: "All ages" and "<25 yrs"),
the counts of every whole calendar or financial year held, for the region and its local authorities (a value
published for the region's own police force area counts in the region only, where no local authority's value
is given for that year). Rolling
periods, quarters, months, rates and confidence limits are not in the release: the public see counts, rounded
and suppressed by the one rule.
"""

from collections.abc import Iterator, Mapping

from core.release import ReleaseSpec
from core.sources import Source, disclosure_class, register

STOP_SEARCH = "stop_search"
OUTCOMES = "outcomes"
INDICATORS = "indicators"
YEAR_KINDS = ("calendar year", "financial year")


def is_controlled(indicator) -> bool:
    """True unless ``VRP_SOURCE_DISCLOSURE`` opens this indicator (``indicator.<key>=open``)."""
    return disclosure_class(indicator.source_name) != "open"


def region_codes(lads: list[str]) -> set[str]:
    """Codes that stand for the whole region: a police force area whose local authorities (in the loaded
    lookup) are exactly the region's."""
    import re

    from geography.models import AreaLink

    children: dict[str, set[str]] = {}
    for child, parent in AreaLink.objects.filter(parent_level="pfa").values_list("child_code", "parent_code"):
        if re.match(r"^[EW]0[6-9]\d{6}$", child):
            children.setdefault(parent, set()).add(child)
    return {code for code, held in children.items() if held == set(lads)}


def measure_key(key: str, age_band: str, sex: str) -> str:
    return f"{key}|{age_band}|{sex}"


def _released_values():
    from django.db.models import Q

    from core.region import current_region
    from partners.models import Indicator, IndicatorValue

    controlled = [i.pk for i in Indicator.objects.all() if is_controlled(i)]
    lads = current_region().lad_codes
    return (IndicatorValue.objects.filter(indicator_id__in=controlled, period_kind__in=YEAR_KINDS, category="",
                                          area_code__in=[*lads, *region_codes(lads)])
            .filter(~Q(count=None)).select_related("indicator"))


class _Measures(Mapping):
    """The release's measures, read when asked (indicators are loaded at run time, not declared in code).

    Iterating reads them afresh (building a release starts by iterating them); looking one up uses what the
    last iteration read, so a release build asks the database once, not once per record."""

    _held: dict[str, str] | None = None

    def _all(self) -> dict[str, str]:
        found = {}
        for value in _released_values().order_by("indicator__key", "age_band", "sex"):
            found[measure_key(value.indicator.key, value.age_band, value.sex)] = (
                f"{value.indicator.name} ({value.age_band}, {value.sex})")
        return found

    def _cached(self) -> dict[str, str]:
        return self._held if self._held is not None else self._all()

    def __getitem__(self, key: str) -> str:
        return self._cached()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._cached()

    def __iter__(self) -> Iterator[str]:
        self._held = self._all()
        return iter(self._held)

    def __len__(self) -> int:
        return len(self._cached())


def _records() -> list[dict]:
    """A record per local authority's value; a value published for the region's own police force area counts in
    the region only (``lad`` None), and only for a measure and year no local authority's value is given for."""
    from core.region import current_region

    lads = set(current_region().lad_codes)
    values = list(_released_values())
    by_lad = {(v.indicator_id, v.age_band, v.sex, v.period) for v in values if v.area_code in lads}
    return [{"measure": measure_key(v.indicator.key, v.age_band, v.sex), "month": v.period,
             "lad": v.area_code if v.area_code in lads else None, "count": int(round(v.count))}
            for v in values if v.area_code in lads or (v.indicator_id, v.age_band, v.sex, v.period) not in by_lad]


def _periods() -> list[str]:
    return sorted(set(_released_values().values_list("period", flat=True)))


def _fingerprint() -> tuple:
    """Changes whenever a value the release could hold (a whole year's count, in the region), an indicator's key
    or name, or the sources configured open do: the columns read straight from the tables, so an edit in the
    admin or a raw ``.update()`` counts too (a count of values and the last file loaded would miss those)."""
    from core.region import current_region
    from core.release import rows_fingerprint
    from core.sources import configured_classes
    from partners.models import Indicator, IndicatorValue

    lads = current_region().lad_codes
    values = IndicatorValue.objects.filter(period_kind__in=YEAR_KINDS, category="",
                                           area_code__in=[*lads, *region_codes(lads)])
    return (rows_fingerprint(values, "indicator_id", "area_code", "period", "age_band", "sex", "count"),
            rows_fingerprint(Indicator.objects.all(), "key", "name"), tuple(sorted(configured_classes().items())))


register(Source(INDICATORS, "Partners' indicators (Fingertips and partners' tables)", "the partnership's partners",
                release=ReleaseSpec(measures=_Measures(), breakdowns={}, records=_records, months=_periods,
                                    fingerprint=_fingerprint, periods="years")))
register(Source(STOP_SEARCH, "Stop and search (police.uk)", "police.uk", open_data=True))
register(Source(OUTCOMES, "Crime outcomes (police.uk)", "police.uk", open_data=True))
