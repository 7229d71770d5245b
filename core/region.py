"""The configured region (forces and local authorities shown by default)."""

from dataclasses import dataclass, field

from django.db import transaction

from core import audit
from core.models import Region

#: The reference user's region, used when none is configured.
WEST_MIDLANDS = {
    "name": "West Midlands",
    "force_slugs": ["west-midlands"],
    "lad_codes": ["E08000025", "E08000026", "E08000027", "E08000028", "E08000029", "E08000030", "E08000031"],
}


@dataclass(frozen=True)
class RegionConfig:
    name: str
    force_slugs: list[str] = field(default_factory=list)
    lad_codes: list[str] = field(default_factory=list)
    is_synthetic: bool = False


def current_region() -> RegionConfig:
    """The region pages show by default: the current Region row, else the West Midlands."""
    row = Region.objects.filter(is_current=True).order_by("-id").first()
    if row is None:
        return RegionConfig(**WEST_MIDLANDS)
    return RegionConfig(row.name, list(row.force_slugs), list(row.lad_codes), row.is_synthetic)


@transaction.atomic
def set_region(actor: object, name: str, force_slugs: list[str], lad_codes: list[str],
               is_synthetic: bool = False) -> Region:
    """Make a region the current one (the previous one stays, not current)."""
    Region.objects.filter(is_current=True).update(is_current=False)
    region = Region(name=name, force_slugs=force_slugs, lad_codes=lad_codes, is_synthetic=is_synthetic)
    region.full_clean()
    region.save()
    audit.record(actor, "set_region", region, changes={"force_slugs": force_slugs, "lad_codes": lad_codes})
    return region


def months_loaded(source: str, providers: list[str] | None = None) -> list[tuple[str, int, bool]]:
    """(month, records, looks incomplete) for each month of ``source`` the warehouse holds (from the
    manifest), counting only ``providers`` when given. A month looks incomplete when it has fewer than half the
    median month's records (a cut-off file, or a force that had not finished publishing)."""
    from statistics import median

    from django.db.models import Sum

    from insights.models import WarehousePartition

    partitions = WarehousePartition.objects.filter(source=source, is_current=True)
    if providers:
        partitions = partitions.filter(provider__in=providers)
    by_month = dict(partitions.values_list("month").annotate(records=Sum("rows")).order_by("month"))
    if not by_month:
        return []
    middle = median(by_month.values())
    return [(month, rows, rows < middle / 2) for month, rows in sorted(by_month.items())]


def region_summary() -> str:
    """The current region (name, local authorities, forces) and per source the months loaded, incomplete ones
    flagged — what ``vrp region show`` prints."""
    from insights.services.areas import area_names

    region = current_region()
    names = area_names(region.lad_codes)
    lines = [f"Region: {region.name}{' (synthetic)' if region.is_synthetic else ''}",
             "  local authorities: " + ", ".join(f"{names.get(c, '?')} ({c})" for c in region.lad_codes),
             "  police forces (police.uk): " + (", ".join(region.force_slugs) or "none")]
    for source, providers in (("police", region.force_slugs), ("ed", None)):
        months = months_loaded(source, providers)
        label = {"police": "police.uk street crime, the region's forces", "ed": "emergency department"}[source]
        if not months:
            lines.append(f"{label}: no months loaded")
            continue
        flagged = [m for m, _, low in months if low]
        lines.append(f"{label}: {len(months)} months, {months[0][0]} to {months[-1][0]}"
                     + (f"; {len(flagged)} look incomplete (fewer than half the median month's records)"
                        if flagged else ""))
        for month, rows, low in months:
            lines.append(f"  {month}  {rows:>9,}{'  looks incomplete' if low else ''}")
    return "\n".join(lines)
