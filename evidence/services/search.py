"""Full-text search of the evidence repository, one interface over two engines.

SQLite: an FTS5 table (porter stemming) ranked by BM25 (Robertson & Zaragoza 2009, "The probabilistic
relevance framework: BM25 and beyond"), with titles weighted 10, summaries 5, findings 3, attachment text 1.
PostgreSQL: a tsvector table with a GIN index ranked by ``ts_rank`` with the same fields weighted A, B, C, D.
Both are kept in step by ``index_item``, called by every service function that changes an item.

``search`` returns items in rank order (or newest first without words), with facet counts over the whole
matching set, so the page, its CSV and the JSON share one result.
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max

from core.caches import register_cache
from evidence.models import EvidenceItem

FIELD_WEIGHTS = {"title": 10.0, "summary": 5.0, "findings": 3.0, "body": 1.0}
FACETS = ("kind", "theme", "design", "impact", "year", "area")


@dataclass(frozen=True)
class SearchFilters:
    """Words to find and facet values to keep; empty means any."""

    words: str = ""
    kind: str = ""
    theme: str = ""
    design: str = ""
    impact: str = ""
    year: int | None = None
    area: str = ""


@dataclass
class SearchResult:
    items: list[EvidenceItem]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _documents(item: EvidenceItem) -> dict[str, str]:
    sara = " ".join([item.sara_scanning, item.sara_analysis, item.sara_response, item.sara_assessment])
    body = " ".join([item.authors, item.organisations, item.intervention_type, sara, item.rating_notes,
                     *(a.extracted_text for a in item.attachments.all())])
    return {"title": item.title, "summary": item.summary, "findings": item.findings, "body": body}


def index_item(item: EvidenceItem) -> None:
    """Put an item's current text (attachments included) into the search index."""
    documents = _documents(item)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "INSERT INTO evidence_search (item_id, document) VALUES (%s, "
                "setweight(to_tsvector('english', %s), 'A') || setweight(to_tsvector('english', %s), 'B') || "
                "setweight(to_tsvector('english', %s), 'C') || setweight(to_tsvector('english', %s), 'D')) "
                "ON CONFLICT (item_id) DO UPDATE SET document = EXCLUDED.document",
                [item.pk, documents["title"], documents["summary"], documents["findings"], documents["body"]])
        else:
            cursor.execute("DELETE FROM evidence_search WHERE rowid = %s", [item.pk])
            cursor.execute("INSERT INTO evidence_search (rowid, title, summary, findings, body) "
                           "VALUES (%s, %s, %s, %s, %s)",
                           [item.pk, documents["title"], documents["summary"], documents["findings"],
                            documents["body"]])


def _fts5_query(words: str) -> str:
    """User words as an FTS5 query: every word must match (the last as a prefix); syntax is not interpreted."""
    tokens = re.findall(r"\w+", words.lower())[:12]
    if not tokens:
        return ""
    quoted = [f'"{t}"' for t in tokens[:-1]] + [f'"{tokens[-1]}"*']
    return " ".join(quoted)


def ranked_ids(words: str) -> list[int]:
    """Ids of the items matching ``words``, best first."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT item_id FROM evidence_search, websearch_to_tsquery('english', %s) q "
                           "WHERE document @@ q ORDER BY ts_rank(document, q) DESC, item_id", [words])
        else:
            query = _fts5_query(words)
            if not query:
                return []
            weights = ", ".join(str(w) for w in FIELD_WEIGHTS.values())
            cursor.execute(f"SELECT rowid FROM evidence_search WHERE evidence_search MATCH %s "
                           f"ORDER BY bm25(evidence_search, {weights}), rowid", [query])
        return [row[0] for row in cursor.fetchall()]


FACET_COLUMNS = ("id", "title", "kind", "themes", "design", "yef_impact_band", "published_on", "area_codes",
                 "status", "visibility")
#: Which items a search may return: published public ones, published ones of either visibility, or all.
SCOPES = ("public", "partners", "all")


@dataclass(frozen=True)
class FacetRow:
    """What search needs of an item, held in memory so a search never decodes thousands of rows."""

    id: int
    sort_key: tuple
    kind: str
    themes: tuple[str, ...]
    design: str
    impact: str
    year: str
    areas: tuple[str, ...]
    status: str
    visibility: str

    def values(self) -> dict[str, tuple[str, ...]]:
        return {"kind": (self.kind,), "theme": self.themes, "design": (self.design,) if self.design else (),
                "impact": (self.impact,) if self.impact else (), "year": (self.year,) if self.year else (),
                "area": self.areas}


_cache: dict[str, object] = {"version": None, "rows": {}}


@register_cache
def reset_cache() -> None:
    """Forget the facet rows (tests switch databases under the same process)."""
    _cache.update(version=None, rows={})


def _rows() -> dict[int, FacetRow]:
    """Every item's facet row, rebuilt when any item is added, changed or removed (count and last change)."""
    version = tuple(EvidenceItem.objects.aggregate(n=Count("id"), last=Max("updated_at")).values())
    if _cache["version"] != version:
        rows = {}
        for r in EvidenceItem.objects.values(*FACET_COLUMNS):
            published = r["published_on"]
            rows[r["id"]] = FacetRow(
                r["id"], (published is None, -(published.toordinal() if published else 0), r["title"]), r["kind"],
                tuple(r["themes"] or ()), r["design"], r["yef_impact_band"], str(published.year) if published else "",
                tuple(r["area_codes"] or ()), r["status"], r["visibility"])
        _cache.update(version=version, rows=rows)
    return _cache["rows"]


def _in_scope(row: FacetRow, scope: str) -> bool:
    if scope == "all":
        return True
    if row.status != EvidenceItem.Status.PUBLISHED:
        return False
    return scope == "partners" or row.visibility == EvidenceItem.Visibility.PUBLIC


def _keep(row: FacetRow, filters: SearchFilters) -> bool:
    values = row.values()
    wanted = {"kind": filters.kind, "theme": filters.theme, "design": filters.design, "impact": filters.impact,
              "year": str(filters.year) if filters.year else "", "area": filters.area}
    return all(not want or want in values[name] for name, want in wanted.items())


def search(scope: str, filters: SearchFilters, limit: int = 50, offset: int = 0) -> SearchResult:
    """Items in ``scope`` (see ``SCOPES``) matching ``filters``: ranked when words are given, newest first
    otherwise. Facet counts are over every matching item (before paging), for refining the search.
    """
    if scope not in SCOPES:
        raise ValueError(f"scope is one of {SCOPES}")
    rows = _rows()
    if filters.words.strip():
        order = [pk for pk in ranked_ids(filters.words) if pk in rows]
    else:
        order = [row.id for row in sorted(rows.values(), key=lambda r: r.sort_key)]
    matched = [pk for pk in order if _in_scope(rows[pk], scope) and _keep(rows[pk], filters)]
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for pk in matched:
        for name, values in rows[pk].values().items():
            counts[name].update(values)
    facets = {name: sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])) for name, counter in counts.items()}
    page = matched[offset:offset + limit]
    loaded = EvidenceItem.objects.in_bulk(page)
    return SearchResult([loaded[pk] for pk in page], len(matched), facets)
