"""``vrp stats --by month|crime_type|lad|lsoa… [--area CODE] [--from YYYY-MM] [--to YYYY-MM]``."""

import csv
import json
from dataclasses import replace
from typing import Any

from django.core.management.base import CommandParser

from core import sources
from core.management.cli import PlatformCommand
from core.periods import months_between
from core.problems import InputRejected, Problem
from core.render import csv_cell
from insights.query.access import for_region, loaded_months
from insights.query.areas import require_known_area
from insights.query.figures import AREA_KEYS, BY_KEYS, NO_LOCATION, SOURCES, FigureQuery, counts, labelled, left_out


class Command(PlatformCommand):
    help = ("Print counts and rates from the warehouse, grouped by month, crime type or area. Without --area, the "
            "configured region: its local authorities plus its records with no location (a row named 'no "
            "location').")

    refusal = "this query was refused"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--by", action="append", choices=BY_KEYS, default=[],
                            help="group by this key; repeat for more (e.g. --by lad --by month)")
        parser.add_argument("--area", help="ONS code of an LSOA, MSOA, ward or local authority")
        parser.add_argument("--from", dest="month_from", help="first month, YYYY-MM")
        parser.add_argument("--to", dest="month_to", help="last month, YYYY-MM")
        parser.add_argument("--source", choices=SOURCES, default="police")
        parser.add_argument("--crime-type", action="append", default=[],
                            help="only this crime type (police) or assault method (ED); repeatable")
        parser.add_argument("--format", choices=["csv", "json", "table"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        query = FigureQuery(source=options["source"], month_from=options["month_from"],
                            month_to=options["month_to"], area=options["area"], types=tuple(options["crime_type"]))
        require_known_area(query.area)
        self._months_held(query)
        if query.area is None:
            query = replace(for_region(query), month_from=query.month_from, month_to=query.month_to)
            self._forces_held(query)
        rows = labelled(counts(query, options["by"]), options["by"])
        areas = [k for k in options["by"] if k in AREA_KEYS]
        if query.no_location and areas and areas == options["by"] and rows and not any(
                r[areas[0]] == NO_LOCATION for r in rows):
            # The region's total is its located records plus its forces' records with no location: a force
            # that placed every record still gets the row, so the reader sees that none were left unplaced.
            rows.append({**dict.fromkeys(rows[0]), areas[0]: NO_LOCATION, "count": 0})
        if options["format"] == "table":
            rule = ("published in full" if sources.is_open(query.source)
                    else "public only through the public release")
            self.stderr.write(f"{query.source}: {sources.disclosure_class(query.source)} data ({rule}); "
                              f"{'area ' + query.area if query.area else 'the configured region'}.")
        # On stderr whatever the format, so a CSV or JSON on stdout stays clean.
        for why, number in ((w, n) for w, n in left_out(query).items() if n):
            self.stderr.write(f"left out: {number:,} records of the region's forces {why} (counted in the "
                              "areas they fall in, not here); records with no location are the 'no location' row.")
        columns = list(rows[0]) if rows else [*options["by"], "count"]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1, default=str))
        elif options["format"] == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(columns)
            writer.writerows([csv_cell(row[c]) for c in columns] for row in rows)
        else:
            widths = [max([len(c)] + [len(_cell(r[c])) for r in rows]) for c in columns]
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)))
            for row in rows:
                self.stdout.write("  ".join(_cell(row[c]).rjust(w) if isinstance(row[c], int | float)
                                            else _cell(row[c]).ljust(w)
                                            for c, w in zip(columns, widths, strict=True)))

    def _months_held(self, query: FigureQuery) -> None:
        """Refuse a period the source holds no month of (its counts would read as zero crime), and say on stderr
        which months of the period hold no data (they are left out, not counted as zero)."""
        held = set(loaded_months(query.source))
        if not held:
            raise InputRejected([Problem("query", f"no {query.source} data is loaded (`vrp ingest`, `vrp fetch`), "
                                                  "so no count is given rather than zero", column="source")])
        if not (query.month_from or query.month_to):
            return
        first, last = query.month_from or min(held), query.month_to or max(held)
        wanted = months_between(first, last) if first <= last else []
        missing = [m for m in wanted if m not in held]
        if len(missing) == len(wanted):
            span = f"{min(held)} to {max(held)}"
            period = (f"for {query.month_from} to {query.month_to}" if query.month_from and query.month_to
                      else f"from {query.month_from}" if query.month_from else f"up to {query.month_to}")
            raise InputRejected([Problem("query", f"no {query.source} data {period}: no month of it is loaded "
                                                  f"(months held: {span}; see `vrp region show`), so no count is "
                                                  "given rather than zero", column="month_from")])
        if missing:
            self.stderr.write(f"no data for {len(missing)} of the {len(wanted)} months ({', '.join(missing)}): "
                              "the counts cover only the months held")

    def _forces_held(self, query: FigureQuery) -> None:
        """Say on stderr when none of the region's forces has police data loaded for the period: its counts are
        then only other forces' records placed in it (British Transport Police's, say), not the region's own."""
        from insights.models import WarehousePartition

        if query.source != "police" or not query.forces:
            return
        held = WarehousePartition.objects.filter(source="police", is_current=True, provider__in=query.forces)
        if query.month_from:
            held = held.filter(month__gte=query.month_from)
        if query.month_to:
            held = held.filter(month__lte=query.month_to)
        if not held.exists():
            self.stderr.write(f"no data of the region's forces ({', '.join(query.forces)}) is loaded for this "
                              "period: these counts are only other forces' records placed in the region")


def _cell(value: object) -> str:
    return "" if value is None else str(value)
