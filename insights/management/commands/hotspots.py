"""``vrp hotspots --method gistar [--from YYYY-MM] [--to YYYY-MM] [--area CODE] [--crime-type T] --format csv``."""

import csv
import json
from typing import Any

from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from insights.services.figures import SOURCES, FigureQuery
from insights.services.hotspots import gistar_hotspots


class Command(PlatformCommand):
    help = "Getis-Ord Gi* hotspots of the rate per 1,000 residents, one row per LSOA (FDR-corrected classes)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--method", choices=["gistar"], default="gistar")
        parser.add_argument("--from", dest="month_from")
        parser.add_argument("--to", dest="month_to")
        parser.add_argument("--area", help="local authority, ward or MSOA code; default: the configured region")
        parser.add_argument("--source", choices=SOURCES, default="police")
        parser.add_argument("--crime-type", action="append", default=[])
        parser.add_argument("--alpha", type=float, default=0.05, help="false discovery rate (default 0.05)")
        parser.add_argument("--format", choices=["csv", "json"], default="csv")

    def handle(self, *args: Any, **options: Any) -> None:
        query = FigureQuery(options["source"], options["month_from"], options["month_to"], options["area"],
                            tuple(options["crime_type"]))
        rows = gistar_hotspots(query, options["alpha"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=1))
            return
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["lsoa", "value", "z", "p", "p_fdr", "class"])
        writer.writerows([r["lsoa"], r["value"], r["z"], f"{r['p']:.6g}", f"{r['p_fdr']:.6g}", r["class"]]
                         for r in rows)
