"""The public view of every overview figure: the disclosure rule (``core.disclosure``) applied to the rows.

Pages, CSV downloads and the JSON API all get public figures from here, so they cannot disagree. Rates and
changes computed from a suppressed count are withheld with it. ED data is never published below local
authority level.
"""

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from core.disclosure import is_primary, suppress_groups, suppress_list, suppress_table
from geography.services.manifest import geography_version

RATE_KEYS = ("rate_per_1000", "rate_per_1000_aged_24_and_under", "share_percent", "population",
             "change_per_1000")
ED_TOO_FINE = {"places", "priority"}


class NotPublic(Exception):  # noqa: N818 - read as "this figure is not public"
    """The figure is not published at this level for the public."""


PERIOD_RULE = ("Public figures are published for whole calendar years (January to December) and financial "
               "years (April to March), so that figures for overlapping periods cannot be subtracted to give a "
               "withheld month; choose one, or sign in as a partner.")


def is_public_period(query: object) -> bool:
    """True when the query's period is one whole calendar year or financial year, the only periods
    published to the public."""
    if not (query.month_from and query.month_to):
        return False
    year = int(query.month_from[:4])
    return (query.month_from, query.month_to) in ((f"{year}-01", f"{year}-12"), (f"{year}-04", f"{year + 1}-03"))


def public_year(first_month: str | None, last_month: str | None) -> int | None:
    """The calendar year the public sees by default: the last year the data covers to December, else the
    year of the last month (a year still being published)."""
    if last_month is None:
        return None
    year = int(last_month[:4])
    if last_month.endswith("-12") or first_month is None or int(first_month[:4]) >= year:
        return year
    return year - 1


def headline(rows: list[dict]) -> list[dict]:
    """Each headline count stands alone: counts of 1–7 (this year or last) are withheld with the change."""
    published = []
    for row in rows:
        row = dict(row)
        for key in ("count", "previous_year_count"):
            if is_primary(row[key]):
                row[key] = None
        if row["count"] is None or row["previous_year_count"] is None:
            row["change"] = row["change_percent"] = None
        published.append(row)
    return published


def line(rows: list[dict], key: str = "count", dependent: tuple[str, ...] = RATE_KEYS) -> list[dict]:
    """Rows that make one line with an implied total (types, areas, places): primary and secondary
    suppression over the line; a suppressed row loses its rates and shares too."""
    published, _ = suppress_list({i: row[key] or 0 for i, row in enumerate(rows)})
    result = []
    for i, row in enumerate(rows):
        row = dict(row)
        if published[i] is None:
            row[key] = None
            for name in dependent:
                if name in row:
                    row[name] = None
        result.append(row)
    return result


def trend(rows: list[dict], months: dict[str, int | None] | None = None) -> list[dict]:
    """Monthly counts as ``published_months`` publishes them (``months``; without it, the rows' own months
    as one line). A rolling 12-month total and a change on a year before are published only when every
    month they are made of is published, so the difference of two of them never gives a withheld month."""
    result = [dict(r) for r in rows]
    if months is None:
        months = {r["month"]: r["count"] for r in line(result, dependent=())}
    for row in result:
        if months.get(row["month"], 0) is None:
            row["count"] = None

    def known(index: int) -> bool:
        month = f"{index // 12}-{index % 12 + 1:02d}"
        return month in months and months[month] is not None

    for row in result:
        index = int(row["month"][:4]) * 12 + int(row["month"][5:]) - 1
        if not all(known(index - k) for k in range(12)):
            row["rolling_12_months"] = None
        if row["count"] is None or not known(index - 12):
            row["change_on_previous_year"] = row["change_on_previous_year_percent"] = None
    return result


def concentration(rows: list[dict]) -> list[dict]:
    """Shares of the total in the top LSOAs are sums of many areas; a sum of 1–7 is withheld."""
    return [{**r, "count": None, "share_percent": None} if is_primary(r["count"]) else r for r in rows]


def seasonality(rows: list[dict]) -> list[dict]:
    """Counts by calendar month make one line; a withheld month loses its average too."""
    return line(rows, dependent=("average",))


def day_and_hour(rows: list[dict]) -> list[dict]:
    """The day × hour table with its margins: primary and secondary suppression, audited."""
    table = suppress_table({(r["day_number"], r["hour"]): r["count"] for r in rows})
    return [{**r, "count": table.cells[(r["day_number"], r["hour"])]} for r in rows]


PUBLISHERS: dict[str, Callable[[list[dict]], list[dict]]] = {
    "headline": headline, "trend": trend, "types": line, "local_authorities": line, "places": line,
    "concentration": concentration, "seasonality": seasonality, "day_and_hour": day_and_hour,
    "priority": line,
    "comparison": lambda rows: line(rows[:-1]) + rows[-1:] if rows else rows,
}


def publish(figure: str, query: object, rows: list[dict]) -> list[dict]:
    """The public version of ``rows`` of ``figure`` for ``query``. Raises NotPublic for ED figures below
    local authority. Figures by LSOA publish each LSOA's count as ``lsoa_counts`` does, whatever else the
    figure shows, so no two figures can be differenced."""
    if query.source == "ed" and figure in ED_TOO_FINE:
        raise NotPublic("Emergency department figures are published for local authorities and the region only.")
    if not is_public_period(query):
        raise NotPublic(PERIOD_RULE)
    if figure in LSOA_FIGURES:
        return by_lsoa(rows, query)
    if figure == "trend":
        return trend(rows, published_months(query))
    return PUBLISHERS[figure](rows)


#: Figures with one row per LSOA.
LSOA_FIGURES = {"places", "priority"}


def lsoa_counts(query: object) -> dict[str, int | None]:
    """Every LSOA's published count for the query's period, source and types: None where withheld.

    The LSOAs of each ward, of each MSOA and of each local authority are lines whose totals are published
    (area profiles and the local authority figures), so the rule's second part is applied over all of
    those groups at once (``core.disclosure.suppress_groups``). The result depends on the period, source
    and types only, not on the area asked about, so every map, list and download shows the same value.
    """
    from insights.services.figures import counts

    every = {r["lsoa"]: r["count"] for r in counts(replace(query, area=None, lad_codes=()), ["lsoa"])
             if r["lsoa"]}
    return suppress_groups(every, _lsoa_groups(geography_version()))


@lru_cache(maxsize=2)
def _lsoa_groups(version: int) -> list[list[str]]:
    from insights.services.areas import area_tables

    _, lsoa21 = area_tables()
    table = lsoa21.to_pydict()
    groups: dict[tuple[str, str], list[str]] = {}
    for index, code in enumerate(table["lsoa21_code"]):
        for level in ("ward_code", "msoa_code", "lad_code"):
            parent = table[level][index]
            if parent:
                groups.setdefault((level, parent), []).append(code)
    return list(groups.values())


def by_lsoa(rows: list[dict], query: object, dependent: tuple[str, ...] = (*RATE_KEYS, "rate_percentile",
                                                                          "trend_percentile", "value")
            ) -> list[dict]:
    """Rows keyed by ``lsoa`` with each count as ``lsoa_counts`` publishes it; a withheld count takes its
    rates, shares and percentiles with it."""
    published = lsoa_counts(query)
    result = []
    for row in rows:
        row = dict(row)
        if published.get(row["lsoa"], 0) is None:
            row["count"] = None
            for name in dependent:
                if name in row:
                    row[name] = None
        result.append(row)
    return result


def published_months(query: object) -> dict[str, int | None]:
    """Every month's count for the query's area, source and types over all the data, as the public sees it.

    Public periods are calendar years and financial years, and a reader who knows both a calendar year's
    and a financial year's total also knows January–March of one year less January–March of the next; so
    the months of each calendar year, each financial year and each January–March are lines whose totals
    are known, and the rule's second part is applied over all of them at once (``suppress_groups``). The
    pattern is the same whichever period is asked for.
    """
    from insights.services.figures import monthly_trend

    every = {r["month"]: r["count"] for r in monthly_trend(replace(query, month_from=None, month_to=None))}
    groups: dict[str, list[str]] = {}
    for month in every:
        year, number = int(month[:4]), int(month[5:])
        groups.setdefault(f"calendar {year}", []).append(month)
        groups.setdefault(f"financial {year if number >= 4 else year - 1}", []).append(month)
        if number <= 3:
            groups.setdefault(f"january-march {year}", []).append(month)
    return suppress_groups(every, groups.values())
