"""Stop and search and outcomes, read from the warehouse: searches by object, outcome rates, crimes' outcomes.

Plain functions returning rows; open data (police.uk), published in full.
"""

from __future__ import annotations

from insights.ingest.warehouse import current_files
from insights.query.duck import connect, sql_list
from partners.sources import OUTCOMES, STOP_SEARCH

#: Outcomes police.uk counts as "no further action"; every other outcome is an action taken.
NO_FURTHER_ACTION = ("A no further action disposal", "Nothing found - no further action")


def _query(source: str, sql: str, params: list | None = None) -> list[dict]:
    files = current_files(source)
    if not files:
        return []
    con = connect()
    try:
        # union_by_name: files landed before searches were placed in LSOAs have no lsoa_code (read as NULL).
        cursor = con.execute(sql.replace("{table}", f"read_parquet({sql_list(files)}, union_by_name = true)"),
                             params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def lsoas_of(area: str) -> list[str]:
    """The LSOAs (2021) of a local authority in the loaded geography."""
    from insights.query.areas import area_tables

    table = area_tables()[1].to_pydict()
    return sorted(code for code, lad in zip(table["lsoa21_code"], table["lad_code"], strict=True) if lad == area)


def _where(force: str | None, month_from: str | None, month_to: str | None, area: str | None = None
           ) -> tuple[str, list]:
    clauses, params = ["TRUE"], []
    if area:  # searches whose point fell in one of the local authority's LSOAs
        clauses.append("list_contains(?::VARCHAR[], lsoa_code)")
        params.append(lsoas_of(area))
    if force:
        clauses.append("force = ?")
        params.append(force)
    if month_from:
        clauses.append("strftime(month, '%Y-%m') >= ?")
        params.append(month_from)
    if month_to:
        clauses.append("strftime(month, '%Y-%m') <= ?")
        params.append(month_to)
    return " AND ".join(clauses), params


def searches_by_object(force: str | None = None, month_from: str | None = None, month_to: str | None = None,
                       area: str | None = None) -> list[dict]:
    """Searches by object of search: searches, those with an outcome other than no further action, the share
    that is (arrest rate among them), and how many of the outcomes were linked to the object searched for.
    ``area``: a local authority; only searches placed in its LSOAs."""
    where, params = _where(force, month_from, month_to, area)
    nfa = ", ".join("'" + o.replace("'", "''") + "'" for o in NO_FURTHER_ACTION)
    rows = _query(STOP_SEARCH, f"""
        SELECT coalesce(object_of_search, 'not recorded') AS object_of_search, count(*)::BIGINT AS searches,
               count(*) FILTER (outcome IS NOT NULL AND outcome NOT IN ({nfa}))::BIGINT AS action_taken,
               count(*) FILTER (outcome = 'Arrest')::BIGINT AS arrests,
               count(*) FILTER (outcome_linked)::BIGINT AS outcome_linked
        FROM {{table}} WHERE {where} GROUP BY ALL ORDER BY searches DESC, object_of_search""", params)
    for row in rows:
        row["action_rate"] = round(100 * row["action_taken"] / row["searches"], 1)
        row["arrest_rate"] = round(100 * row["arrests"] / row["searches"], 1)
    return rows


def searches_by(column: str, force: str | None = None, month_from: str | None = None, month_to: str | None = None,
                object_of_search: str | None = None, area: str | None = None) -> list[dict]:
    """Searches by one published column (``outcome``, ``age_range``, ``month``, ``legislation``…), or by the
    LSOA the search's point falls in (``lsoa_code``)."""
    allowed = {"outcome", "age_range", "gender", "legislation", "search_type", "officer_defined_ethnicity",
               "month", "force", "lsoa_code"}
    if column not in allowed:
        raise ValueError(f"searches are counted by {', '.join(sorted(allowed))}")
    where, params = _where(force, month_from, month_to, area)
    if object_of_search:
        where += " AND object_of_search = ?"
        params.append(object_of_search)
    key = "strftime(month, '%Y-%m')" if column == "month" else f"coalesce({column}, 'not recorded')"
    return _query(STOP_SEARCH, f"""SELECT {key} AS {column}, count(*)::BIGINT AS searches FROM {{table}}
                                   WHERE {where} GROUP BY ALL ORDER BY 1""", params)


def crime_outcomes(force: str | None = None, month_from: str | None = None, month_to: str | None = None
                   ) -> list[dict]:
    """Crimes (police.uk street data) linked to their outcomes by Crime ID: per crime type, crimes with an ID,
    those with any outcome in the outcomes files, and the count of each crime's latest outcome type."""
    street, outcomes = current_files("police"), current_files(OUTCOMES)
    if not street or not outcomes:
        return []
    where, params = _where(force, month_from, month_to)
    con = connect()
    try:
        cursor = con.execute(f"""
            WITH crimes AS (SELECT crime_id, crime_type FROM read_parquet({sql_list(street)})
                            WHERE crime_id IS NOT NULL AND {where}),
                 latest AS (SELECT crime_id, arg_max(outcome_type, month) AS outcome_type
                            FROM read_parquet({sql_list(outcomes)}) GROUP BY crime_id)
            SELECT c.crime_type, coalesce(l.outcome_type, 'no outcome published') AS latest_outcome,
                   count(*)::BIGINT AS crimes
            FROM crimes c LEFT JOIN latest l USING (crime_id) GROUP BY ALL ORDER BY 1, 3 DESC, 2""", params)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
