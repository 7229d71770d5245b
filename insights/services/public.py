"""The public view of every overview figure: the disclosure rule (``core.disclosure``) applied to the rows.

Pages, CSV downloads and the JSON API all get public figures from here, so they cannot disagree. Rates and
changes computed from a suppressed count are withheld with it. ED data is never published below local
authority level.
"""

from collections.abc import Callable

from core.disclosure import is_primary, suppress_list, suppress_table

RATE_KEYS = ("rate_per_1000", "rate_per_1000_aged_24_and_under", "share_percent", "population",
             "change_per_1000")
ED_TOO_FINE = {"places", "priority"}


class NotPublic(Exception):  # noqa: N818 - read as "this figure is not public"
    """The figure is not published at this level for the public."""


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


def trend(rows: list[dict]) -> list[dict]:
    """Monthly counts: 1–7 withheld; a rolling 12-month total only when all its months are published (else
    the difference of two totals would give a withheld month back); changes only between published months."""
    result = [dict(r) for r in rows]
    for row in result:
        if is_primary(row["count"]):
            row["count"] = None
    for i, row in enumerate(result):
        window = result[max(0, i - 11): i + 1]
        if any(r["count"] is None for r in window):
            row["rolling_12_months"] = None
        if row["count"] is None or i < 12 or result[i - 12]["count"] is None:
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


def publish(figure: str, source: str, rows: list[dict]) -> list[dict]:
    """The public version of ``rows`` of ``figure``. Raises NotPublic for ED figures below local authority."""
    if source == "ed" and figure in ED_TOO_FINE:
        raise NotPublic("Emergency department figures are published for local authorities and the region only.")
    return PUBLISHERS[figure](rows)
