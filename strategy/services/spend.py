"""Spend against need and evidence: for each local authority and theme, the money awarded, the need there
(priority index and violence rate) and the share of the money going to approaches the evidence repository rates
as effective.

* **Money**: projects awarded in the financial year (cancelled ones left out); a project serving several local
  authorities is split equally between them, as the SNA's funding section does.
* **Need**: the violence and sexual offences rate per 1,000 residents in the year (police.uk, open), and the
  mean priority index of the local authority's LSOAs (``insights.query.priority``, ranked over the region).
* **Evidence**: a project's approach is rated *effective* when an evidence item linked to it has a YEF Toolkit
  impact band of high or moderate, or an EMMIE effect rating of 3 or 4; *not shown effective* when its linked
  items are rated lower; *unrated* when none of its items carries either rating (or none is linked). Only
  published items count: a draft's ratings are not yet the repository's.
"""

from collections import defaultdict
from decimal import Decimal

from commissioning.models import Project, Theme

EFFECTIVE_BANDS = ("high", "moderate")
EFFECTIVE_EMMIE = 3
COLUMNS = ["lad", "name", "theme", "projects", "amount_awarded", "amount_effective", "amount_unrated",
           "share_effective_percent", "violence_rate_per_1000", "priority_index"]


def evidence_rating(project: Project) -> str:
    """effective, not_shown_effective or unrated (see the module's definitions)."""
    rated = [(item.yef_impact_band, item.emmie_effect) for item in project.evidence.all()
             if item.status == "published" and (item.yef_impact_band not in ("", "unclear")
                                                or item.emmie_effect is not None)]
    if not rated:
        return "unrated"
    if any(band in EFFECTIVE_BANDS or (effect is not None and effect >= EFFECTIVE_EMMIE) for band, effect in rated):
        return "effective"
    return "not_shown_effective"


def spend_against_need(year: int) -> list[dict]:
    """One row per local authority of the region and theme with money awarded in financial year ``year``."""
    from core.region import current_region
    from geography.models import AreaLink
    from insights.hotspots.query import lsoas_in
    from insights.query.areas import area_names
    from insights.query.figures import FigureQuery, counts
    from insights.query.priority import priority_places
    from monitoring.services.periods import financial_year_bounds

    region = current_region()
    lads = list(region.lad_codes)
    first, last = financial_year_bounds(year)
    lad_of = dict(AreaLink.objects.filter(parent_level="lad").values_list("child_code", "parent_code"))
    money: dict[tuple[str, str], dict] = defaultdict(lambda: {"projects": 0, "amount_awarded": Decimal("0"),
                                                              "amount_effective": Decimal("0"),
                                                              "amount_unrated": Decimal("0")})
    projects = (Project.objects.filter(award_date__gte=first, award_date__lte=last)
                .exclude(status=Project.Status.CANCELLED).prefetch_related("evidence"))
    for project in projects:
        served = {code if code in lads else lad_of.get(code) for code in project.area_codes or []} & set(lads)
        rating = evidence_rating(project)
        for lad in served:
            share = project.amount_awarded / len(served)
            cell = money[(lad, project.theme)]
            cell["projects"] += 1
            cell["amount_awarded"] += share
            if rating == "effective":
                cell["amount_effective"] += share
            elif rating == "unrated":
                cell["amount_unrated"] += share
    violence = FigureQuery("police", f"{year}-04", f"{year + 1}-03", types=("Violence and sexual offences",),
                           lad_codes=tuple(lads))
    rates = {r["lad"]: r.get("rate_per_1000") for r in counts(violence, ["lad"]) if r.get("lad")}
    index: dict[str, list[float]] = defaultdict(list)
    lad_of_lsoa = {}
    for lad in lads:
        for code in lsoas_in(lad):
            lad_of_lsoa[code] = lad
    if lad_of_lsoa:
        for row in priority_places(violence, sorted(lad_of_lsoa), limit=None):
            index[lad_of_lsoa[row["lsoa"]]].append(row["priority_index"])
    names = area_names(lads)
    theme_names = dict(Theme.choices)
    rows = []
    for (lad, theme), cell in sorted(money.items()):
        awarded = cell["amount_awarded"]
        rows.append({"lad": lad, "name": names.get(lad, lad), "theme": theme_names.get(theme, theme),
                     "projects": cell["projects"], "amount_awarded": round(awarded, 2),
                     "amount_effective": round(cell["amount_effective"], 2),
                     "amount_unrated": round(cell["amount_unrated"], 2),
                     "share_effective_percent": round(float(cell["amount_effective"] / awarded) * 100, 1)
                     if awarded else None,
                     "violence_rate_per_1000": rates.get(lad),
                     "priority_index": round(sum(index[lad]) / len(index[lad]), 1) if index.get(lad) else None})
    return rows


def disagreements(rows: list[dict]) -> list[str]:
    """Plain sentences where money, need and evidence disagree, for the commissioner to look at first."""
    said = []
    by_lad: dict[str, dict] = {}
    for r in rows:
        entry = by_lad.setdefault(r["lad"], {"name": r["name"], "amount": Decimal("0"), "effective": Decimal("0"),
                                             "rate": r["violence_rate_per_1000"], "index": r["priority_index"]})
        entry["amount"] += r["amount_awarded"]
        entry["effective"] += r["amount_effective"]
    if len(by_lad) < 2:
        return said
    total = sum(e["amount"] for e in by_lad.values())
    ranked_need = sorted(by_lad.values(), key=lambda e: -(e["index"] or 0))
    for entry in ranked_need[:2]:
        share = float(entry["amount"] / total) * 100 if total else 0
        if share < 100 / len(by_lad):
            said.append(f"{entry['name']} has among the highest need (priority index {entry['index']}) but received "
                        f"{share:.0f}% of the money, less than an equal share.")
    for entry in by_lad.values():
        if entry["amount"] and entry["effective"] / entry["amount"] < Decimal("0.25"):
            said.append(f"In {entry['name']} less than a quarter of the money "
                        f"({float(entry['effective'] / entry['amount']) * 100:.0f}%) goes to approaches rated "
                        "effective.")
    return said
