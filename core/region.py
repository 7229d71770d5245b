"""The configured region (forces and local authorities shown by default)."""

from dataclasses import dataclass, field

from django.db import transaction

from core import audit
from core.audit import Actor
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

    @property
    def is_real_place(self) -> bool:
        """True when the region's local authorities are real ONS areas (the synthetic demo's are in the unused
        ``E089…`` series): a demonstration on a real place mixes real and synthetic figures."""
        return bool(self.lad_codes) and not any(code[3:4] == "9" for code in self.lad_codes)


def current_region() -> RegionConfig:
    """The region pages show by default: the current Region row, else the West Midlands (read once per
    reading request: a page asks for it many times)."""
    from core.request_memo import memo

    return memo("current region", _current_region)


def _current_region() -> RegionConfig:
    from core.plain_reads import values

    rows = values(Region, ["name", "force_slugs", "lad_codes", "is_synthetic"], {"is_current": True}, ["-id"], 1)
    if not rows:
        return RegionConfig(**WEST_MIDLANDS)
    name, force_slugs, lad_codes, is_synthetic = rows[0]
    return RegionConfig(name, list(force_slugs), list(lad_codes), bool(is_synthetic))


@transaction.atomic
def set_region(actor: Actor, name: str, force_slugs: list[str], lad_codes: list[str],
               is_synthetic: bool = False) -> Region:
    """Make a region the current one (the previous one stays, not current)."""
    Region.objects.filter(is_current=True).update(is_current=False)
    region = Region(name=name, force_slugs=force_slugs, lad_codes=lad_codes, is_synthetic=is_synthetic)
    region.full_clean()
    region.save()
    audit.record(actor, "set_region", region, changes={"force_slugs": force_slugs, "lad_codes": lad_codes})
    return region
