"""How a report's tables read: column headings in words with units, and cells with thousands separators.

The CSV beside the report keeps the machine names in its header; the printed table names the same columns
in words. A key with no entry here is turned into words by rule (underscores to spaces, abbreviations in
capitals, "per_1000" as "per 1,000"), so no snake_case heading reaches a reader.
"""

from django import template

from core.templatetags.vrp_figures import format_cell

register = template.Library()

HEADINGS = {
    "lad": "Local authority code", "lsoa": "LSOA code", "msoa": "MSOA code", "ward": "Ward code",
    "area": "Area code", "code": "Area code", "name": "Name", "count": "Count", "month": "Month",
    "population": "Residents", "rate_per_1000": "Rate per 1,000 residents",
    "rate_per_1000_aged_24_and_under": "Rate per 1,000 aged 24 and under",
    "violence_rate_per_1000": "Violence rate per 1,000 residents", "amount_awarded": "Amount awarded (£)",
    "projects": "Projects", "theme": "Theme", "reach_under_25": "Reached, aged 24 and under",
    "reach_over_24": "Reached, aged 25 and over", "professionals_trained": "Professionals trained",
    "incidents": "Incidents", "responded_to": "Responded to", "share_percent": "Share (%)",
    "change": "Change", "change_percent": "Change (%)", "previous_year_count": "A year before",
    "deprivation_score": "Deprivation (IMD score)", "imd_decile": "IMD decile (1 = most deprived)",
    "priority_index": "Priority index", "rank": "Rank", "measure": "Measure", "label": "Measure",
    "source": "Source", "type": "Type", "relation": "Relation", "rank_by_rate": "Rank by rate",
    "share_aged_24_and_under": "Share aged 24 and under", "rate_percentile": "Rate percentile",
    "trend_percentile": "Trend percentile", "deprivation_percentile": "Deprivation percentile",
    "youth_percentile": "Youth percentile", "change_per_1000": "Change per 1,000 residents",
    "age_band": "Age band", "sex": "Sex", "location_type": "Place", "value": "Value", "status": "Status",
    "target": "Target", "baseline": "Baseline", "period": "Period", "year": "Year",
}
ABBREVIATIONS = {"lsoa": "LSOA", "lsoas": "LSOAs", "msoa": "MSOA", "msoas": "MSOAs",
                 "lad": "local authority", "imd": "IMD", "ed": "ED", "gi": "Gi*",
                 "csp": "CSP", "pfa": "police force area", "fdr": "FDR", "vru": "VRU"}


@register.filter
def heading(key: str) -> str:
    """The words for a column key: ``rate_per_1000_aged_24_and_under`` → "Rate per 1,000 aged 24 and under"."""
    if key in HEADINGS:
        return HEADINGS[key]
    text = str(key).replace("per_1000", "per 1,000").replace("_percent", " (%)")
    words = [ABBREVIATIONS.get(w, w) for w in text.split("_")]
    sentence = " ".join(words).strip()
    return sentence[:1].upper() + sentence[1:]


@register.filter
def cell(row: dict, key: str) -> str:
    """A row's value for ``key`` as the printed table shows it; None (not published) as "withheld"."""
    value = row.get(key)
    if value is None:
        return "withheld"
    if key == "measure" and isinstance(value, str):
        return measure_name(value)
    return format_cell(value, "£" if key in ("amount_awarded", "funding", "amount") else "")


def measure_name(key: str) -> str:
    """A measure's key (``ed_knife``, ``young_people_attendances``) in the words the report uses for it
    elsewhere; a key no table names is turned into words by ``heading``'s rule."""
    from engagement.figures import HEADLINE_LABELS
    from reports.services.sna import SENTENCE_LABELS

    return SENTENCE_LABELS.get(key) or HEADLINE_LABELS.get(key) or heading(key)


#: Tables longer than this print their first ``SHORT_ROWS`` rows; the CSV has them all.
LONG_TABLE = 15
SHORT_ROWS = 10


@register.filter
def printed_rows(rows: list[dict]) -> list[dict]:
    """The rows a printed table shows: all of a short table, the first ten (top 10) of a long one."""
    return rows if len(rows) <= LONG_TABLE else rows[:SHORT_ROWS]


#: The most columns a printed table has; a wider figure prints its main columns (the CSV has them all).
PRINTED_COLUMNS = 7


@register.filter
def printed_columns(columns: list[str]) -> list[str]:
    """The columns a printed table shows, so that none is wider than an A4 page: component percentiles first,
    then codes where the table has names, are left to the CSV."""
    shown = list(columns)
    if "measure" in shown and "label" in shown:
        # Both would be headed "Measure": the label says it in words, the key stays in the CSV.
        shown.remove("measure")
    for key in [c for c in shown if c.endswith("_percentile")] + ["share_aged_24_and_under", "lsoa", "lad", "area",
                                                                   "code", "measure"]:
        if len(shown) <= PRINTED_COLUMNS:
            break
        if key in shown and (key not in ("lsoa", "lad", "area", "code") or "name" in shown):
            shown.remove(key)
    return shown[:PRINTED_COLUMNS]
