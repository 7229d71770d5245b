"""Months that look incomplete: far fewer records than the source's usual month.

A force's month can reach police.uk (or a partner's extract) cut short: a late upload, a system change, a
truncated download. Charted as it stands, such a month reads as a fall in crime. A month with fewer than half
the median month's records is flagged instead (the rule ``vrp region show`` and the trend figures share), so
figures can show it as "incomplete" and leave it out of changes, never as a fall.
"""

from statistics import median

from insights.models import WarehousePartition

#: A month with fewer records than this share of the median month looks incomplete.
SHARE_OF_MEDIAN = 0.5


def records_by_month(source: str, providers: list[str] | tuple[str, ...] = ()) -> dict[str, int]:
    """Records held per month for ``source`` (current partitions), from ``providers`` only when given and any of
    them has data (a region's forces), else from every provider."""
    partitions = WarehousePartition.objects.filter(source=source, is_current=True)
    if providers and partitions.filter(provider__in=list(providers)).exists():
        partitions = partitions.filter(provider__in=list(providers))
    totals: dict[str, int] = {}
    for month, rows in partitions.values_list("month", "rows"):
        totals[month] = totals.get(month, 0) + rows
    return dict(sorted(totals.items()))


#: An area is judged on its own only when its median month has at least this many records: below it a month
#: with half the usual count is ordinary chance (a Poisson count of mean 20 falls below 10 about 0.5% of the time).
AREA_MEDIAN_AT_LEAST = 20


def short_months(totals: dict[str, int], where: str = "", median_at_least: float = 0) -> dict[str, str]:
    """The rule, the one function every judgement goes through: month → why it looks incomplete, for months of
    ``totals`` (records per month, every month held, zeros included) with fewer than half the median month's.

    Needs at least three months to judge by, and a median of at least ``median_at_least`` (with fewer, nothing
    is flagged). ``where`` names what was judged ("in E05011151") when it is not the whole region.
    """
    if len(totals) < 3:
        return {}
    middle = median(totals.values())
    if middle < max(median_at_least, 1):
        return {}
    return {month: f"{month} looks incomplete{where}: {rows:,} records, fewer than half the median month's "
                   f"{middle:,.0f}" for month, rows in totals.items() if rows < SHARE_OF_MEDIAN * middle}


def incomplete_months(source: str, providers: list[str] | tuple[str, ...] = ()) -> dict[str, str]:
    """``short_months`` of the records held per month for ``source`` (the warehouse's partitions)."""
    return short_months(records_by_month(source, providers))


def region_incomplete_months(source: str) -> dict[str, str]:
    """``incomplete_months`` for the configured region's police forces (police data), or every provider (ED)."""
    from core.region import current_region

    return incomplete_months(source, current_region().force_slugs if source == "police" else ())


def region_summary() -> str:
    """The current region (name, local authorities, forces) and per source the months loaded, incomplete ones
    flagged by the rule above: what ``vrp region show`` prints."""
    from core.region import current_region
    from insights.query.areas import area_names

    region = current_region()
    names = area_names(region.lad_codes)
    kind = ("" if not region.is_synthetic else " (demonstration: real places and police.uk figures, synthetic "
            "partnership data)" if region.is_real_place else " (synthetic)")
    lines = [f"Region: {region.name}{kind}",
             "  local authorities: " + ", ".join(f"{names.get(c, '?')} ({c})" for c in region.lad_codes),
             "  police forces (police.uk): " + (", ".join(region.force_slugs) or "none")]
    for source, providers in (("police", tuple(region.force_slugs)), ("ed", ())):
        months = records_by_month(source, providers)
        flagged = incomplete_months(source, providers)
        label = {"police": "police.uk street crime, the region's forces", "ed": "emergency department"}[source]
        if not months:
            lines.append(f"{label}: no months loaded")
            continue
        first, last = next(iter(months)), next(reversed(months))
        lines.append(f"{label}: {len(months)} months, {first} to {last}"
                     + (f"; {len(flagged)} look incomplete (fewer than half the median month's records)"
                        if flagged else ""))
        for month, rows in months.items():
            lines.append(f"  {month}  {rows:>9,}{'  looks incomplete' if month in flagged else ''}")
    return "\n".join(lines)
