"""How a report's tables read: column headings in words with units, and cells with thousands separators.

The CSV beside the report keeps the machine names in its header; the printed table names the same columns
in words. A key with no entry here is turned into words by rule (underscores to spaces, abbreviations in
capitals, "per_1000" as "per 1,000"), so no snake_case heading reaches a reader.
"""

import calendar
import re
from datetime import date, datetime
from decimal import Decimal

from django import template

from core.figures import Missing
from core.templatetags.vrp_figures import format_cell

register = template.Library()
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")

HEADINGS = {
    "lad": "Local authority code", "lsoa": "LSOA code", "msoa": "MSOA code", "ward": "Ward code",
    "area": "Area code", "code": "Area code", "name": "Name", "count": "Count", "month": "Month",
    "population": "Residents", "rate_per_1000": "Rate per 1,000 residents",
    "crime_rate_per_1000": "Crime per 1,000 residents",
    "crime_rate_per_1000_aged_24_and_under": "Crime per 1,000 aged 24 and under",
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
    "target": "Target", "baseline": "Baseline", "period": "Period", "year": "Year", "area_name": "Area",
    "figure": "Figure", "commitment": "Commitment",
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


#: A reason longer than this is printed once under its table, its cells saying only "not available".
SHORT_REASON = 40
NOT_APPLICABLE = {"population", "change_since_baseline_percent"}
SOURCES = {"police": "Police (police.uk)", "ed": "Emergency departments"}
SHORT_WORDS = {"c": "withheld", "x": "not available", "z": "not defined"}


@register.filter
def cell(row: dict, key: str) -> str:
    """A row's value for ``key`` as the printed table shows it: None (not published) as "withheld", a long
    reason in short (``missing_notes`` prints it under the table), a month as "January 2024", money in pounds
    and rates to two decimal places."""
    value = row.get(key)
    if value is None:
        # Residents of "no location", or a change with no baseline: nothing to give, not a withheld count.
        return "–" if key in NOT_APPLICABLE else "withheld"
    if key == "source" and value in SOURCES:
        return SOURCES[value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}"
    if key == "sex" and isinstance(value, str):
        return value[:1].upper() + value[1:]
    if isinstance(value, Missing):
        return value.reason if len(value.reason) <= SHORT_REASON else SHORT_WORDS.get(value.code, "not available") \
            if value.code != "c" or value.reason.startswith("withheld") else "not available"
    if key == "measure" and isinstance(value, str):
        return measure_name(value)
    if key == "month" and isinstance(value, str) and MONTH.fullmatch(value):
        return f"{calendar.month_name[int(value[5:])]} {value[:4]}"
    if isinstance(value, float) and ("rate" in key or "per_1000" in key) and not value.is_integer():
        return f"{value:,.2f}"
    return format_cell(value, "£" if key in ("amount_awarded", "funding", "amount") else "")


@register.filter
def missing_notes(rows: list[dict], columns: list[str]) -> list[str]:
    """The long reasons the printed cells give in short, each once, in the order they first appear."""
    found: list[str] = []
    for row in rows:
        for key in columns:
            value = row.get(key)
            if isinstance(value, Missing) and len(value.reason) > SHORT_REASON and value.reason not in found:
                found.append(value.reason)
    return found


@register.filter
def numeric(rows: list[dict], key: str) -> bool:
    """True where every given value of the column is a number (printed right-aligned)."""
    values = [r.get(key) for r in rows if r.get(key) is not None and not isinstance(r.get(key), Missing)]
    return bool(values) and all(isinstance(v, int | float | Decimal) and not isinstance(v, bool) for v in values)


def measure_name(key: str) -> str:
    """A measure's key (``ed_knife``, ``young_people_attendances``) in the words the report uses for it
    elsewhere; a key no table names is turned into words by ``heading``'s rule."""
    from engagement.figures import HEADLINE_LABELS
    from reports.services.sna import SENTENCE_LABELS

    return SENTENCE_LABELS.get(key) or HEADLINE_LABELS.get(key) or heading(key)


#: A printed table shows at most this many rows; the CSV has them all.
SHORT_ROWS = 10


def _rank_key(key: str):
    def value(row: dict) -> tuple[int, float]:
        v = row.get(key)
        if isinstance(v, bool) or not isinstance(v, int | float | Decimal):
            return (1, 0.0)  # a withheld or undefined value ranks after every number
        return (0, -float(v))
    return value


@register.filter
def printed_rows(figure) -> list[dict]:
    """The rows a printed table shows: at most ten; a figure with ``top`` set shows the ten highest by that
    column (a withheld value last), any other its first ten."""
    rows = figure if isinstance(figure, list) else figure.rows
    if not isinstance(figure, list) and figure.top:
        rows = sorted(rows, key=_rank_key(figure.top))
    return rows[:SHORT_ROWS]


@register.filter
def shown_words(figure) -> str:
    """What a shortened table prints: "The 10 highest of 480 rows by rate per 1,000 residents"."""
    shown = min(len(figure.rows), SHORT_ROWS)
    if figure.top:
        return f"The {shown} highest of {len(figure.rows):,} rows by {heading(figure.top)[:1].lower()}" \
               f"{heading(figure.top)[1:]}"
    return f"The first {shown} of {len(figure.rows):,} rows"


#: The most columns a printed table has; a wider figure prints its main columns (the CSV has them all).
PRINTED_COLUMNS = 7


@register.filter
def printed_columns(columns) -> list[str]:
    """The columns a printed table shows, so that none is wider than an A4 page: a figure's own ``shown``
    columns where it names them; otherwise component percentiles first, then codes where the table has names,
    are left to the CSV."""
    if not isinstance(columns, list):
        if columns.shown:
            return list(columns.shown)
        columns = columns.columns
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
