"""The public release: the only way figures from a controlled source reach the public.

For each controlled source (``core.sources``) and each version of its data, a fixed set of tables is computed
once, the disclosure rule (``core.disclosure.RULE``) is applied to all of them together, and the result is
stored (``PublicRelease``: the tables and a manifest naming the rule and the data version). Every public output
(pages, figure downloads, maps, the API, the SNA's public edition, the annual report, commissioning reach) reads
controlled figures from here and nowhere else; a figure the release does not hold is refused with the reason.

**The tables.** For every measure of the source, every whole calendar year and financial year its data covers,
and every area — the region, each of its local authorities, and ``no location`` (records the source could not
place, which count in the region) — the total and the counts by each breakdown the source declares (type, age
band, sex…); and the total of every month those years cover (a month no whole year covers is not released).
Records placed outside the region are one more area, ``outside the region``, by year only, so that figures can
say how many were left out.

**The lines** a reader can add up, all audited together: each breakdown of an area and period adds up to its
total; the local authorities and ``no location`` add up to the region (for sources whose areas do); the months
of a year add up to the year.

**Adding a controlled source** needs no disclosure code: give its ``Source`` a ``ReleaseSpec`` (its measures,
breakdowns, the months it covers, its records at the finest grain: measure, month, local authority, one
value per breakdown, count, and a cheap fingerprint of what they are computed from, e.g. ``rows_fingerprint``
of the columns they read) and register it in the app's ``sources.py``. Its figures then read
``current_release(name)``.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import IntegrityError, transaction

from core import request_memo
from core.caches import register_cache
from core.disclosure import RULE, AtMost, Rule, apply_rule
from core.periods import Year, whole_years
from core.problems import Refused

REGION = "region"
NO_LOCATION = "no location"
OUTSIDE = "outside the region"
TOTAL = "total"
ALL = "all"
NOT_KNOWN = "not known"
#: Manifest entries computed from the true counts: shown to analysts (``vrp release``), never to the public.
PRIVATE_MANIFEST = ("records", "withheld_primary")


@dataclass(frozen=True)
class ReleaseSpec:
    """What the public release holds for a controlled source.

    ``measures``: key → label (``{"attendances": "Assault attendances"}``); ``breakdowns``: key → label
    (``{"type": "Means of assault", "age_band": "Age band"}``); ``records()``: dicts with ``measure``,
    ``month`` (``YYYY-MM``), ``lad`` (a local authority code, None where the record has no location, or
    ``REGION`` for a record that counts in the region only), one key per breakdown, and ``count``;
    ``months()``: every month the source holds data for (a month with no records is a zero only if it is among
    these). ``areas_add_up``: the local authorities' counts add up to the
    region's (False where a record counts in each area it serves: such a source gives each record once with
    ``lad=REGION`` and once per area served). Prefer placing each record once (in its one local authority, else
    ``None``, no location): a reader who knows from elsewhere which areas each record counts in (the public
    project list does, for returns) can write the region's line the release then does not audit.
    ``fingerprint()``: cheap, changes whenever the records or months may have (saves reading them per request;
    ``rows_fingerprint`` reads the columns they are computed from). Every controlled source should give one:
    without it every reading request computes and serialises all the source's records.
    """

    measures: dict[str, str]
    breakdowns: dict[str, str]
    records: Callable[[], Iterable[dict]]
    months: Callable[[], Iterable[str]]
    areas_add_up: bool = True
    fingerprint: Callable[[], Hashable] | None = None
    #: Breakdowns that group another's categories (ED's age group groups its age bands): breakdown → (the finer
    #: breakdown, the group of each finer category). A reader who knows the labels knows each group is the sum of
    #: its finer cells, so the release audits that line too.
    groups: dict[str, tuple[str, Callable[[str], str]]] = field(default_factory=dict)
    #: Cells a reader knows are at most others, from the labels: (smaller, larger) pairs, each a measure (every
    #: cell of it, beside the larger measure's cell of the same breakdown, category, period and area) or a
    #: (measure, breakdown, category) cell of every period and area. The release audits them as inequalities.
    at_most: tuple[tuple[str | tuple[str, str, str], str | tuple[str, str, str]], ...] = ()
    #: ``years``: a source published by whole year only (partners' indicators): each record's ``month`` holds a
    #: calendar or financial year label (``2023``, ``2023/24``), ``months()`` the year labels held, and the
    #: release has no month tables.
    periods: str = "months"


class NotInRelease(Refused):
    """The public release does not hold this figure."""


@dataclass
class Release:
    """One stored release of one source: its published cells (None where withheld) and manifest."""

    source: str
    data_version: str
    rule: str
    created_at: datetime | None
    manifest: dict
    cells: dict[tuple[str, str, str, str, str], int | None] = field(default_factory=dict)

    @property
    def years(self) -> list[str]:
        return self.manifest["years"]

    @property
    def months(self) -> list[str]:
        return self.manifest["months"]

    @property
    def areas(self) -> list[str]:
        return self.manifest["areas"]

    def categories(self, measure: str, breakdown: str) -> list[str]:
        return self.manifest["categories"].get(measure, {}).get(breakdown, [])

    def value(self, measure: str, breakdown: str, category: str, period: str, area: str) -> object:
        """The published count (``core.figures.WITHHELD`` where withheld); NotInRelease, with the reason, where
        the release does not hold it."""
        from core.figures import WITHHELD

        key = (measure, breakdown, category, period, area)
        if key in self.cells:
            value = self.cells[key]
            return WITHHELD if value is None else value
        raise NotInRelease(self.why_not(measure, breakdown, period, area))

    def holds(self, measure: str, breakdown: str, category: str, period: str, area: str) -> bool:
        return (measure, breakdown, category, period, area) in self.cells

    def why_not(self, measure: str, breakdown: str, period: str, area: str) -> str:
        label = self.manifest["label"]
        if measure not in self.manifest["measures"]:
            return f"The public release of {label} has no measure {measure!r}."
        if period not in self.years and period not in self.months:
            held = ", ".join(self.years) or "no whole year yet"
            if ".." in period:  # a run of months (a quarter, say): its total is shown, summed from the months
                return (f"The public release of {label} holds breakdowns for whole calendar and financial years "
                        f"only ({held}); {period} is not one of them, so only its total is shown, the sum of "
                        "the release's rounded monthly totals.")
            return (f"The public release of {label} holds whole calendar and financial years ({held}) and the "
                    f"months they cover; {period} is not one of them.")
        if area not in self.areas:
            return (f"The public release of {label} holds the region and its local authorities only, so figures "
                    "for smaller areas are not public.")
        if period in self.months and breakdown != TOTAL:
            return f"The public release of {label} holds months as totals only, not by {breakdown}."
        return f"The public release of {label} does not hold figures by {breakdown}."

    @property
    def public_version(self) -> str:
        """The data version as the public see it: keyed with the site's secret (HMAC-SHA-256). ``data_version`` is
        a plain hash of the true records, which a reader could test guesses against (few incidents in a small
        area: guess the records, hash them, compare) — an oracle for exactly what the release withholds."""
        import hmac

        from django.conf import settings

        return hmac.new(str(settings.SECRET_KEY).encode(), self.data_version.encode(), hashlib.sha256).hexdigest()

    @property
    def public_manifest(self) -> dict:
        """The manifest without what is computed from the true counts: ``records`` (the exact number of records,
        never rounded) and ``withheld_primary`` (how many withheld counts are 1 to 7: where that is all of them, a
        reader would know every withheld count is at most 7)."""
        return {k: v for k, v in self.manifest.items() if k not in PRIVATE_MANIFEST}

    def describe(self) -> str:
        """One line for pages and reports: what the release is and which rule it follows."""
        return (f"Public release of {self.manifest['label']} (data version {self.public_version[:12]}): "
                f"{self.manifest['rule_text']}")


def build(name: str, spec: ReleaseSpec, label: str, region_lads: list[str], rule: Rule = RULE
          ) -> tuple[dict, dict]:
    """Compute a release: (cells → published value, manifest). Pure: reads only ``spec``'s functions."""
    counts, lines, manifest = tables(spec, region_lads)
    published = apply_rule(counts, lines, rule)
    manifest.update({"source": name, "label": label, "rule": rule.name, "rule_text": rule.describe(),
                     "cells": len(published), "withheld": sum(1 for v in published.values() if v is None),
                     "withheld_primary": sum(1 for k, n in counts.items() if 1 <= n <= rule.threshold)})
    return published, manifest


def tables(spec: ReleaseSpec, region_lads: list[str]) -> tuple[dict, list, dict]:
    """The release's true counts, its lines (total, parts) and the manifest of what it holds."""
    lads = sorted(region_lads)
    months = sorted(set(spec.months()))
    year_of_month: dict[str, list[str]] = defaultdict(list)
    by_year = spec.periods == "years"
    if by_year:
        years = sorted({y for y in map(Year.parse, months) if y}, key=lambda y: (y.first_month, y.financial))
        for year in years:
            year_of_month[year.label].append(year.label)
    else:
        years = whole_years(months)
        for year in years:
            for month in year.months:
                year_of_month[month].append(year.label)
        # Only the months of the released years: a month no released year covers (the months before the first
        # whole year) would be a cell no year's line checks, and the release says it holds whole years and the
        # months they cover.
        months = [m for m in months if m in year_of_month]
    categories: dict[str, dict[str, set]] = {m: {b: set() for b in spec.breakdowns} for m in spec.measures}
    raw: dict[tuple, int] = defaultdict(int)
    records = 0
    held = set(months)
    for record in spec.records():
        measure, month = record["measure"], record["month"]
        if measure not in spec.measures or month not in held:
            continue
        records += int(record["count"])
        lad = record.get("lad")
        area = lad if lad in lads or lad == REGION else (NO_LOCATION if lad is None else OUTSIDE)
        for breakdown in spec.breakdowns:
            categories[measure][breakdown].add(str(record.get(breakdown) or NOT_KNOWN))
        if area != OUTSIDE and not by_year:
            raw[(measure, TOTAL, ALL, month, area)] += int(record["count"])
        for label in year_of_month.get(month, []):
            if area == OUTSIDE:
                raw[(measure, TOTAL, ALL, label, OUTSIDE)] += int(record["count"])
                continue
            raw[(measure, TOTAL, ALL, label, area)] += int(record["count"])
            for breakdown in spec.breakdowns:
                raw[(measure, breakdown, str(record.get(breakdown) or NOT_KNOWN), label, area)] += int(
                    record["count"])
    areas = [*lads, NO_LOCATION]
    sorted_categories = {m: {b: sorted(values) for b, values in by.items()} for m, by in categories.items()}
    counts: dict[tuple, int] = {}
    lines: list[tuple[tuple, list[tuple]]] = []
    year_labels = [y.label for y in years]
    if by_year:
        months = []
    for measure in spec.measures:
        groups = [(TOTAL, ALL)] + [(b, c) for b, cs in sorted_categories[measure].items() for c in cs]
        for label in year_labels:
            counts[(measure, TOTAL, ALL, label, OUTSIDE)] = raw.get((measure, TOTAL, ALL, label, OUTSIDE), 0)
            for area in [REGION, *areas]:
                for breakdown, category in groups:
                    key = (measure, breakdown, category, label, area)
                    counts[key] = raw.get(key, 0) if area != REGION or not spec.areas_add_up else sum(
                        raw.get((measure, breakdown, category, label, a), 0) for a in areas)
                for breakdown, values in sorted_categories[measure].items():
                    lines.append(((measure, TOTAL, ALL, label, area),
                                  [(measure, breakdown, c, label, area) for c in values]))
                for grouped, (finer, group_of) in spec.groups.items():
                    for group in sorted_categories[measure][grouped]:
                        total = (measure, grouped, group, label, area)
                        parts = [(measure, finer, c, label, area) for c in sorted_categories[measure][finer]
                                 if group_of(c) == group]
                        if counts[total] != sum(counts[p] for p in parts):
                            raise ValueError(f"{total} is not the sum of its {finer} cells: the grouping is wrong")
                        lines.append((total, parts))
            if spec.areas_add_up:
                for breakdown, category in groups:
                    lines.append(((measure, breakdown, category, label, REGION),
                                  [(measure, breakdown, category, label, a) for a in areas]))
        for month in months:
            for area in areas:
                counts[(measure, TOTAL, ALL, month, area)] = raw.get((measure, TOTAL, ALL, month, area), 0)
            counts[(measure, TOTAL, ALL, month, REGION)] = sum(
                counts[(measure, TOTAL, ALL, month, a)] for a in areas) if spec.areas_add_up else raw.get(
                (measure, TOTAL, ALL, month, REGION), 0)
            if spec.areas_add_up:
                lines.append(((measure, TOTAL, ALL, month, REGION), [(measure, TOTAL, ALL, month, a) for a in areas]))
        for year in [] if by_year else years:
            for area in [REGION, *areas]:
                lines.append(((measure, TOTAL, ALL, year.label, area),
                              [(measure, TOTAL, ALL, m, area) for m in year.months]))
    for smaller, larger in spec.at_most:
        for key in list(counts):
            if (key[0] if isinstance(smaller, str) else key[:3]) != smaller:
                continue
            other = ((larger, *key[1:]) if isinstance(larger, str) else (*larger, *key[3:]))
            # Only where the true counts keep it: the audit's programme must hold the truth (a record edited
            # into breaking it makes the reader's belief wrong, not the release weaker).
            if other in counts and counts[key] <= counts[other]:
                lines.append(AtMost((other, (key,))))
    manifest = {"measures": dict(spec.measures), "breakdowns": dict(spec.breakdowns), "years": year_labels,
                "months": months, "areas": [REGION, *lads, NO_LOCATION], "categories": sorted_categories,
                "records": records, "areas_add_up": spec.areas_add_up}
    return counts, lines, manifest


def full_total(name: str, measure: str, months: Iterable[str] | None = None) -> int:
    """The region's count of ``measure`` from source ``name``'s records in full, before any disclosure
    control, over ``months`` (``YYYY-MM``; None: every month the records hold): counted as the release counts
    the region (records placed outside it left out). For viewers entitled to the source in full only (staff
    pages), the way ``current_release(name).value`` serves everyone else; 0 when the source has no records.
    NotInRelease when the source has no release spec."""
    from core import sources
    from core.region import current_region

    source = sources.get(name)
    if source is None or source.release is None:
        raise NotInRelease(f"{name!r} has no public release.")
    lads = set(current_region().lad_codes)
    wanted = set(months) if months is not None else None
    return sum(int(r["count"]) for r in source.release.records()
               if r["measure"] == measure and (wanted is None or r["month"] in wanted)
               and (r.get("lad") is None or r.get("lad") == REGION or r.get("lad") in lads))


def data_version(spec: ReleaseSpec, region_lads: list[str]) -> str:
    """A fingerprint of everything the release is computed from: its records, months and the region (and the
    groupings it audits)."""
    digest = hashlib.sha256()
    digest.update(json.dumps(sorted(region_lads)).encode())
    digest.update(json.dumps(sorted(set(spec.months()))).encode())
    if spec.groups or spec.at_most:  # the lines audited: a release built before they were declared is another
        digest.update(json.dumps([sorted((k, v[0]) for k, v in spec.groups.items()), list(spec.at_most)]).encode())
    rows = sorted(json.dumps(r, sort_keys=True, default=str) for r in spec.records())
    for row in rows:
        digest.update(row.encode())
    return digest.hexdigest()


def rows_fingerprint(queryset: object, *fields: str) -> tuple[int, str]:
    """A cheap fingerprint of a table's rows for a ``ReleaseSpec.fingerprint``: (row count, digest of the
    ``fields`` — and primary key — of every row of ``queryset``, in primary key order).

    It reads the columns straight from the database, however they were written (a form, the admin, a raw
    ``.update()``, a shell, an import), so it changes whenever a row the records are computed from is added,
    deleted or changes in one of those columns; a signal or ``updated_at`` would miss a ``.update()``. One query
    and no model instances: far cheaper than computing and serialising the records (``data_version``)."""
    from django.db import connections

    rows = queryset.order_by("pk").values_list("pk", *fields)
    sql, params = rows.query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return len(found), hashlib.sha256(repr(found).encode()).hexdigest()


def this_month() -> str:
    """The current local month (``YYYY-MM``): part of the fingerprint of a source whose months run to now."""
    from django.utils import timezone

    return f"{timezone.localdate():%Y-%m}"


_memo: dict[tuple, Release] = {}
_memo_lock = threading.Lock()


def current_release(name: str) -> Release:
    """The release of source ``name`` for its current data: read from the database, or built and stored once
    when the data has changed since. NotInRelease when the source has no release (it is open, or unknown)."""
    from core import sources
    from core.models import PublicRelease
    from core.region import current_region

    source = sources.get(name)
    if source is None or source.release is None:
        raise NotInRelease(f"{name!r} has no public release.")
    lads = list(current_region().lad_codes)
    spec = source.release
    # The fingerprint is read once per reading request (a page asks for a release several times).
    memo_key = ((name, tuple(lads), request_memo.memo(f"release fingerprint {name}", spec.fingerprint))
                if spec.fingerprint else None)
    if memo_key is not None and memo_key in _memo:
        return _memo[memo_key]
    # Reading every record is the cost of a release: only when the fingerprint has changed (or the source has
    # none), and then once per reading request (a page asks several times).
    version = request_memo.memo(f"release data version {name} {lads}", lambda: data_version(spec, lads))
    stored = PublicRelease.objects.filter(source=name, data_version=version, rule=RULE.name).first()
    if stored is None:
        published, manifest = build(name, spec, source.label, lads)
        try:
            with transaction.atomic():
                stored = PublicRelease.objects.create(
                    source=name, data_version=version, rule=RULE.name, manifest=manifest,
                    cells=[[*key, value] for key, value in sorted(published.items(), key=str)])
        except IntegrityError:  # another worker stored the same release first
            stored = PublicRelease.objects.get(source=name, data_version=version, rule=RULE.name)
    release = Release(name, stored.data_version, stored.rule, stored.created_at, stored.manifest,
                      {tuple(cell[:5]): cell[5] for cell in stored.cells})
    if memo_key is not None:
        with _memo_lock:
            if len(_memo) > 32:
                _memo.clear()
            _memo[memo_key] = release
    return release


@register_cache
def clear_memo() -> None:
    """Forget releases held in this process (tests; the database keeps them)."""
    _memo.clear()


def release_rows(release: Release) -> list[dict]:
    """Every cell of a release as a row, for the bulk download."""
    return [{"measure": k[0], "breakdown": k[1], "category": k[2], "period": k[3], "area": k[4], "count": v}
            for k, v in sorted(release.cells.items(), key=lambda item: tuple(map(str, item[0])))]


def year_label(month_from: str | None, month_to: str | None) -> str | None:
    """The release's label for a period that is exactly one calendar or financial year, else None."""
    year = Year.of_months(month_from, month_to)
    return year.label if year else None
