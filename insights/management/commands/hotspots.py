"""``vrp hotspots --method gistar|kde [--from YYYY-MM] [--to YYYY-MM] [--area CODE] [--crime-type T]``."""

import csv
import json
from dataclasses import replace
from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.management.cli import PlatformCommand
from core.problems import InputRejected, Problem
from core.region import current_region
from insights.hotspots.kde import quartic_kde
from insights.hotspots.query import gistar_hotspots, persistence, persistence_periods
from insights.query.access import for_region
from insights.query.areas import require_known_area
from insights.query.figures import SOURCES, FigureQuery, counts, event_points, left_out
from insights.query.harm import harm_weights


class Command(PlatformCommand):
    help = ("Hotspots: Getis-Ord Gi* of the rate per 1,000 residents, one row per LSOA (FDR-corrected classes), "
            "or quartic kernel density of police.uk points, one row per grid cell.")

    refusal = "this query was refused"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--method", choices=["gistar", "kde", "persistence"], default="gistar",
                            help="gistar: one period; persistence: Gi* per --period-months, classified; kde: grid")
        parser.add_argument("--period-months", type=int, default=12)
        parser.add_argument("--cell-size", type=float, default=200.0, help="KDE grid cell, metres (default 200)")
        parser.add_argument("--bandwidth", type=float, default=400.0, help="KDE bandwidth, metres (default 400)")
        parser.add_argument("--from", dest="month_from")
        parser.add_argument("--to", dest="month_to")
        parser.add_argument("--area", help="local authority, ward or MSOA code; default: the configured region")
        parser.add_argument("--source", choices=SOURCES, default="police")
        parser.add_argument("--crime-type", action="append", default=[])
        parser.add_argument("--alpha", type=float, default=0.05, help="false discovery rate (default 0.05)")
        parser.add_argument("--weights", choices=["none", "css", "chi"], default="none",
                            help="harm weights (Gi* only): ONS Crime Severity Score or Cambridge Crime Harm Index, "
                                 "as loaded with `vrp harm_weights import`; value is then harm per 1,000 residents")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        query = FigureQuery(options["source"], options["month_from"], options["month_to"], options["area"],
                            tuple(options["crime_type"]))
        require_known_area(query.area)
        if options["method"] == "kde":
            self._kde(query, options)
            return
        self._region_left_out(query)
        if options["method"] == "persistence":
            if query.month_from and query.month_to:
                _, left = persistence_periods(query.month_from, query.month_to, options["period_months"])
                if left:
                    months = "1 month" if len(left) == 1 else f"{len(left)} months"
                    self.stderr.write(f"left out: {left[0]} to {left[-1]} ({months}): periods of "
                                      f"{options['period_months']} months are counted back from {query.month_to}")
            rows = persistence(query, options["period_months"])
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(list(rows[0]) if rows else ["lsoa", "pattern"])
            writer.writerows(list(r.values()) for r in rows)
            return
        rows = gistar_hotspots(query, options["alpha"], options["weights"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["lsoa", "value", "z", "p", "p_fdr", "class", "count"])
        writer.writerows([r["lsoa"], r["value"], r["z"], f"{r['p']:.6g}", f"{r['p_fdr']:.6g}", r["class"], r["count"]]
                         for r in rows)

    def _region_left_out(self, query: FigureQuery) -> None:
        """Say on stderr what a query of the whole region (no ``--area``) leaves out, and why: its forces' records
        with no location (no LSOA or point to put them in) and those placed outside its local authorities."""
        if query.area is not None:
            return
        region = replace(for_region(query), month_from=query.month_from, month_to=query.month_to)
        whose = "the region's forces" if query.source == "police" else "the region's sites"
        missing = sum(r["count"] for r in counts(region, ["lad"]) if r["lad"] is None)
        if missing:
            self.stderr.write(f"left out: {missing:,} records of {whose} with no location")
        for why, number in left_out(region).items():
            if number:
                self.stderr.write(f"left out: {number:,} records of {whose} {why}")

    def _kde(self, query: FigureQuery, options: dict) -> None:
        point_weights = None
        if query.area is None:
            # The region's points (its local authorities), not every point in the warehouse.
            self._region_left_out(query)
            query = replace(for_region(query), month_from=query.month_from, month_to=query.month_to)
        if options["weights"] == "none":
            longitude, latitude = event_points(query)
        else:
            longitude, latitude, types = event_points(query, with_types=True)
            weights = harm_weights(options["weights"])
            missing = sorted(set(types) - set(weights))
            if missing:
                raise CommandError(f"the loaded {options['weights']} weights have none for {', '.join(missing)}")
            point_weights = [weights[t] for t in types]
        if len(longitude) == 0 and query.forces:
            # Nothing placed in the region: if its forces' records are counts by LSOA, that is the reason to
            # give (count data has no points), not an empty selection.
            event_points(replace(query, lad_codes=(), no_location=False))
        if len(longitude) == 0:
            where = f"area {query.area}" if query.area else f"the region ({current_region().name})"
            period = f"{query.month_from or 'the first month'} to {query.month_to or 'the last month'}"
            raise InputRejected([Problem("query", f"no {query.source} records with a location in {where} from "
                                                  f"{period}: a kernel density of no points is not computed (see "
                                                  "`vrp region show` for the months held)", column="area")])
        try:
            grid = quartic_kde(longitude, latitude, options["cell_size"], options["bandwidth"], point_weights)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        columns = ["cell", "longitude", "latitude", "easting", "northing", "count", "density_per_km2"]
        rows = [[i, round(float(grid.longitude[i]), 6), round(float(grid.latitude[i]), 6),
                 round(float(grid.easting[i])), round(float(grid.northing[i])), int(grid.count[i]),
                 round(float(grid.density_per_km2[i]), 3)]
                for i in range(len(grid.count)) if grid.density_per_km2[i] > 0]
        if options["format"] == "json":
            self.stdout.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], indent=1))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
