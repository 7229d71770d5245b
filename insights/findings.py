"""Key findings: the few sentences a dashboard opens with, written from the figures the page already shows.

Plain functions over the page's tables (``core.figures.Table``); a withheld or undefined value is left out rather
than written as a number, so a finding never says more than the figure beneath it.
"""

from core.figures import Missing, Table, known


def _number(value: object) -> bool:
    return known(value) and isinstance(value, int | float) and not isinstance(value, bool)


def _count(value: int | float) -> str:
    return f"{value:,.0f}"


def key_findings(tables: list[Table]) -> list[str]:
    """Up to five sentences: the headline counts and their change, the local authority with the highest rate,
    the place most affected, and how concentrated the counts are."""
    by_name = {t.name: t for t in tables if not t.refused}
    found: list[str] = []
    headline = by_name.get("headline")
    for row in (headline.rows if headline else [])[:2]:
        if not _number(row.get("count")):
            continue
        sentence = f"{row['label']}: {_count(row['count'])}"
        change, percent = row.get("change"), row.get("change_percent")
        if _number(change) and change != 0:
            direction = "up" if change > 0 else "down"
            sentence += f", {direction} {_count(abs(change))}"
            if _number(percent):
                sentence += f" ({abs(percent):g}%)"
            sentence += " on the year before"
        elif _number(change):
            sentence += ", the same as the year before"
        elif isinstance(change, Missing) and change.code == "z":
            # Not defined (a month that looks incomplete, a period the data only partly covers): say why, as the
            # headline table does, rather than leave the reader to guess why there is no change.
            sentence += f"; no comparison with the year before ({change.reason.removeprefix('not defined: ')})"
        found.append(sentence + ".")
    authorities = by_name.get("local_authorities")
    rated = [r for r in (authorities.rows if authorities else []) if _number(r.get("rate_per_1000"))]
    if len(rated) > 1:
        top = max(rated, key=lambda r: r["rate_per_1000"])
        found.append(f"{top.get('name') or top.get('lad')} has the highest rate of the local authorities: "
                     f"{top['rate_per_1000']:g} per 1,000 residents.")
    places = by_name.get("places")
    first = next((r for r in (places.rows if places else []) if _number(r.get("count"))), None)
    if first is not None:
        found.append(f"The place most affected is {first.get('name') or first.get('lsoa')} "
                     f"({_count(first['count'])}).")
    concentration = by_name.get("concentration")
    for row in concentration.rows if concentration else []:
        if _number(row.get("share_percent")) and _number(row.get("top_percent_of_lsoas")):
            found.append(f"The {row['top_percent_of_lsoas']:g}% of neighbourhoods (LSOAs) with the most account for "
                         f"{row['share_percent']:g}% of the total.")
            break
    return found
