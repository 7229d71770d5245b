"""MSOAs of LSOAs from their names, when no imported lookup carries MSOA.

ONS names every 2021 LSOA after the MSOA it lies in plus a letter: "Birmingham 001A" lies in MSOA
"Birmingham 001" (ONS, "Census 2021 geographies": LSOAs nest in MSOAs, and names follow the MSOA's
local authority name and number). The MSOA 2021 boundaries carry the MSOAs' names, so the link is read by
matching the two. A lookup that carries MSOA (ONS "Output Area to LSOA to MSOA to LAD") always wins: only
LSOAs with no MSOA link get one here.
"""

import hashlib
import re

from django.db import transaction

from core import audit
from geography.models import Area, AreaLink, GeographyImport

LSOA_NAME = re.compile(r"^(?P<msoa>.+ \d{3})[A-Z]$")


def msoa_name_of(lsoa_name: str) -> str | None:
    """The MSOA name an LSOA name implies: ``"Birmingham 001A"`` → ``"Birmingham 001"``; None if not that form."""
    match = LSOA_NAME.match(lsoa_name.strip())
    return match.group("msoa") if match else None


def link_msoas_by_name(actor: object = "cli") -> int:
    """Link every 2021 LSOA with a name and no MSOA to the MSOA of that name; returns how many were linked."""
    msoas = {name.strip(): (code, vintage) for code, name, vintage in
             Area.objects.filter(level="msoa").exclude(name="").values_list("code", "name", "vintage")}
    if not msoas:
        return 0
    linked = set(AreaLink.objects.filter(parent_level="msoa").values_list("child_code", flat=True))
    links = []
    for code, name in Area.objects.filter(level="lsoa", vintage="2021").exclude(name="").values_list("code", "name"):
        if code in linked:
            continue
        msoa = msoas.get(msoa_name_of(name) or "")
        if msoa is not None:
            links.append(AreaLink(child_code=code, parent_level="msoa", parent_vintage=msoa[1] or "2021",
                                  parent_code=msoa[0]))
    if not links:
        return 0
    digest = hashlib.sha256(",".join(f"{a.child_code}>{a.parent_code}" for a in links).encode()).hexdigest()
    with transaction.atomic():
        AreaLink.objects.bulk_create(links, batch_size=2000)
        # A manifest row: the geography changed, so cached lookups (geography_version) are rebuilt.
        entry = GeographyImport.objects.create(kind="msoa-names", file_name="LSOA 2021 names", checksum=digest,
                                               options={}, rows=len(links),
                                               by=actor if isinstance(actor, str) else getattr(actor, "username",
                                                                                               "system"))
        audit.record(actor, "link_msoas_by_name", entry, changes={"rows": len(links)})
    return len(links)
