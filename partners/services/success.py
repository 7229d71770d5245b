"""The Home Office success measures, each from the best source loaded.

The three measures VRUs are judged on (Home Office, *Violence Reduction Units: success measures*):

* **hospital admissions** for assault with a knife or sharp object (especially under 25);
* **knife-enabled serious violence** recorded by the police (especially under 25);
* **non-domestic homicides** (especially under 25 involving knives).

For each, the best source is an indicator loaded for it (``vrp ingest indicator … --measure``: HES or
Fingertips admissions, a force extract of knife-enabled offences, the Homicide Index). Only where no indicator
is loaded does a **proxy** stand in, and every row says so: ED assault attendances with a knife or sharp object
for admissions; police.uk possession of weapons and robbery for knife-enabled violence (police.uk data carries
no knife flag); homicide has no proxy.

Each measure is given for the period asked (or, for an indicator, its latest period ending within it), against
the partnership's **baseline year** (``SuccessSettings``), for under-25s where the source has age, and for a
local authority against its most similar local authorities (``partners.services.similar``).

Disclosure: indicators are controlled unless configured open; a viewer not entitled to them (the public)
gets counts from the public release only, by whole year, for the region and its local authorities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.figures import WITHHELD, Missing, known, no_data
from core.periods import Year, months_between
from partners.models import Indicator, IndicatorValue, SuccessSettings

UNDER_25 = re.compile(r"^(<\s*25|under 25|0\s*-\s*24|10\s*-\s*24|<25 yrs|aged 24 and under|24 and under)",
                      re.IGNORECASE)


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    proxy: str  # what stands in where no indicator is loaded ("" for none)


MEASURES = (
    Measure("hospital_admissions", "Hospital admissions for assault with a knife or sharp object",
            "ED assault attendances with a knife or sharp object"),
    Measure("knife_violence", "Knife-enabled serious violence recorded by the police",
            "police.uk possession of weapons and robbery"),
    Measure("homicide", "Non-domestic homicides", ""),
)
COLUMNS = ("measure", "source", "proxy", "area", "period", "count", "value", "unit", "lower_ci95", "upper_ci95",
           "baseline_period", "baseline_count", "baseline_value", "change_since_baseline_percent",
           "under_25_count", "under_25_baseline_count", "comparison_areas", "comparison_basis", "comparison_value")


def baseline_year() -> Year:
    """The partnership's baseline year (2019/20 until it sets one)."""
    settings = SuccessSettings.objects.order_by("-id").first()
    return Year.parse(settings.baseline_year if settings else "2019/20") or Year(2019, financial=True)


def set_baseline_year(actor: object, label: str) -> SuccessSettings:
    """Set the baseline year (a calendar ``2019`` or financial ``2019/20`` year), audited."""
    from django.db import transaction

    from core import audit

    if Year.parse(label) is None:
        raise ValueError(f"{label!r} is not a calendar (2019) or financial (2019/20) year")
    with transaction.atomic():
        settings = SuccessSettings.objects.order_by("-id").first() or SuccessSettings()
        before = settings.baseline_year if settings.pk else ""
        settings.baseline_year = label
        settings.save()
        audit.record(actor, "set_baseline_year", settings, changes={"baseline_year": [before, label]})
    return settings


def indicator_for(measure: str) -> Indicator | None:
    """The indicator loaded for a measure (the one with the most recent data, if several)."""
    best = (IndicatorValue.objects.filter(indicator__success_measure=measure).order_by("-last_month", "indicator__key")
            .select_related("indicator").first())
    return best.indicator if best else None


def _change(now, before) -> float | Missing | None:
    if not known(now) or not known(before):
        return None
    return round(100 * (now - before) / before, 1) if before else None


def _percent_text(value) -> str:
    return "" if value is None else f"{value:+.1f}%"


def _indicator_row(measure: Measure, indicator: Indicator, area: str | None, year: Year, baseline: Year,
                   full: bool, lads: list[str]) -> dict:
    from partners.services.similar import comparison_areas

    codes = [area] if area else lads
    values = list(IndicatorValue.objects.filter(indicator=indicator, area_code__in=codes, category="", sex="Persons",
                                                last_month__lte=year.last_month))
    if not full:  # the public release holds whole years only
        values = [v for v in values if v.period_kind in ("calendar year", "financial year")]
    whole = [v for v in values if v.age_band == "All ages"] or [v for v in values if not UNDER_25.match(v.age_band)]
    periods = sorted({(v.last_month, v.first_month, v.period) for v in whole})
    row = {"measure": measure.label, "source": f"indicator: {indicator.name} ({indicator.publisher or 'partner'})",
           "proxy": "no", "area": area or "region", "unit": indicator.unit if full else "count"}
    if not periods:
        return {**row, "period": year.label, "count": no_data(year.label)}
    _, _, period = periods[-1]
    base_period = next((p for _, first, p in periods if first == baseline.first_month), None) or next(
        (p for _, first, p in periods if first >= baseline.first_month), None)
    age = whole[0].age_band
    young_band = next((v.age_band for v in values if UNDER_25.match(v.age_band)), None)

    def count(label: str | None, band: str | None):
        if label is None or band is None:
            return None
        if not full:
            return _released(indicator, band, label, area)
        cells = [v for v in values if v.period == label and v.age_band == band]
        if len(cells) < len(codes) or any(v.count is None for v in cells):
            return None
        total = sum(v.count for v in cells)
        return int(total) if float(total).is_integer() else total

    def value(label: str | None):
        if not full or area is None or label is None:
            return None
        cell = next((v for v in values if v.period == label and v.age_band == age), None)
        return cell if cell is not None else None

    current, base = value(period), value(base_period)
    row.update({"period": period, "count": count(period, age), "value": current.value if current else None,
                "lower_ci95": current.lower_ci95 if current else None,
                "upper_ci95": current.upper_ci95 if current else None, "baseline_period": base_period or "",
                "baseline_count": count(base_period, age), "baseline_value": base.value if base else None,
                "under_25_count": count(period, young_band), "under_25_baseline_count": count(base_period, young_band)})
    row["change_since_baseline_percent"] = (_change(row["value"], row["baseline_value"]) if row["value"] is not None
                                            else _change(row["count"], row["baseline_count"]))
    if full and area:
        similar, basis = comparison_areas(area)
        others = [v.value for v in IndicatorValue.objects.filter(
            indicator=indicator, area_code__in=similar, period=period, age_band=age, sex="Persons", category="")
            if v.value is not None]
        row["comparison_areas"] = ", ".join(similar)
        row["comparison_basis"] = basis
        row["comparison_value"] = round(sum(others) / len(others), 2) if others else None
    return row


def _released(indicator: Indicator, band: str, label: str, area: str | None):
    from core.release import ALL, TOTAL, NotInRelease, current_release
    from partners.sources import is_controlled, measure_key

    if not is_controlled(indicator):
        cells = IndicatorValue.objects.filter(indicator=indicator, period=label, age_band=band, sex="Persons",
                                              category="", area_code=area) if area else None
        return cells.first().count if cells is not None and cells.exists() else None
    try:
        return current_release("indicators").value(measure_key(indicator.key, band, "Persons"), TOTAL, ALL, label,
                                                   area or "region")
    except NotInRelease:
        return WITHHELD


def _proxy_row(measure: Measure, area: str | None, year: Year, baseline: Year, access) -> dict:
    from dataclasses import replace

    from core.problems import Refused
    from insights.query.access import for_region
    from insights.query.figures import FigureQuery

    row = {"measure": measure.label, "proxy": "yes", "area": area or "region", "period": year.label,
           "unit": "count"}
    if not measure.proxy:
        return {**row, "source": "no source loaded yet (an analyst loads it as an indicator for this measure) "
                                 "and no proxy", "proxy": "no", "count": no_data(year.label)}
    source, types = (("ed", ("knife or sharp object",)) if measure.key == "hospital_admissions"
                     else ("police", ("Possession of weapons", "Robbery")))
    row["source"] = f"proxy: {measure.proxy}"

    def total(y: Year, by: str = "crime_type", only: str | None = None):
        query = FigureQuery(source, y.first_month, y.last_month, area, types=types) if area else replace(
            for_region(FigureQuery(source, types=types)), month_from=y.first_month, month_to=y.last_month)
        try:
            rows = access.counts(query, [by])
        except Refused as exc:
            return Missing("x", exc.reason)
        picked = [r["count"] for r in rows if only is None or r.get(by) == only]
        if any(not known(c) for c in picked):
            return WITHHELD
        if not picked and not set(months_between(y.first_month, y.last_month)) & access.months(source):
            return no_data(y.label)  # nothing loaded for the year: not zero, and not "withheld"
        return sum(picked)

    row["count"], row["baseline_count"], row["baseline_period"] = total(year), total(baseline), baseline.label
    row["change_since_baseline_percent"] = _change(row["count"], row["baseline_count"])
    if source == "ed":
        row["under_25_count"] = total(year, "age_group", "24 and under")
        row["under_25_baseline_count"] = total(baseline, "age_group", "24 and under")
    return row


def success_measures(year: Year, area: str | None = None, access=None, baseline: Year | None = None
                     ) -> list[dict]:
    """One row per Home Office measure (``COLUMNS``), for ``area`` (a local authority; the region when None).

    ``access`` is the viewer's ``FigureAccess`` (``insights.query.access``): who may see controlled figures
    in full; None means in full (the command line, the partnership's own return).
    """
    from core.region import current_region
    from insights.query.access import FULL
    from insights.query.figures import FigureQuery

    access = access or FULL
    baseline = baseline or baseline_year()
    lads = list(current_region().lad_codes)
    full = access.entitled(FigureQuery("ed", area=area)) if area else access.entitled(FigureQuery("ed"))
    rows = []
    for measure in MEASURES:
        indicator = indicator_for(measure.key)
        if indicator is not None:
            from partners.sources import is_controlled

            row = _indicator_row(measure, indicator, area, year, baseline, full or not is_controlled(indicator), lads)
        else:
            row = _proxy_row(measure, area, year, baseline, access)
        rows.append({key: row.get(key) for key in COLUMNS})
    return rows


def sentences(rows: list[dict]) -> list[str]:
    """One sentence per measure for the SNA: its source (saying "proxy" where it is one) and its change."""
    found = []
    for row in rows:
        if not known(row["count"]):
            shown = row["count"] if row["count"] is not None else "not available for every area"
            found.append(f"{row['measure']}: {row['source']}; {shown}.")
            continue
        change = row.get("change_since_baseline_percent")
        since = (f", {_percent_text(change)} since the baseline {row['baseline_period']}"
                 if change is not None else "")
        kind = "a proxy, as no indicator is loaded for this measure" if row["proxy"] == "yes" else "from an indicator"
        found.append(f"{row['measure']} ({kind}: {row['source'].split(': ', 1)[-1]}): {row['count']:,.0f} in "
                     f"{row['period']}{since}.")
    return found
