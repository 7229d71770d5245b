"""``vrp geography boundaries|lookup|population|deprivation FILE…``: import ONS-derived files."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.management.cli import PlatformCommand
from geography.services.boundaries import import_boundaries
from geography.services.deprivation import import_deprivation
from geography.services.lookups import import_lookup
from geography.services.population import import_population


class Command(PlatformCommand):
    help = "Import boundaries, lookups, population or deprivation files (ONS, MHCLG and derived)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        boundaries = kinds.add_parser("boundaries", help="GeoJSON, GeoPackage (plain or .gz), Shapefile or zip")
        boundaries.add_argument("--level", help="override the level read from the codes (lsoa, ward, lad…)")
        boundaries.add_argument("--code", help="the ONS code of a single-feature file without a code field")
        boundaries.add_argument("--name", help="the area name to go with --code")
        lookup = kinds.add_parser("lookup", help="CSV/XLSX with area code columns (LSOA, MSOA, ward, LAD, CSP…)")
        population = kinds.add_parser("population", help="population by area (and age band)")
        population.add_argument("--year", type=int, help="year of the figures, if not in the file or its name")
        population.add_argument("--count-column", help="the column holding the counts")
        deprivation = kinds.add_parser("deprivation", help="English Indices of Deprivation (2019, 2025)")
        deprivation.add_argument("--edition", type=int, choices=[2015, 2019, 2025])
        for sub in (boundaries, lookup, population, deprivation):
            sub.add_argument("paths", nargs="+", type=Path)
            sub.add_argument("--code-column", help="the column holding ONS area codes")
        for sub in (boundaries, lookup):
            sub.add_argument("--name-column", help="the column holding area names")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["kind"]
        for path in options["paths"]:
            if not path.exists():
                raise CommandError(f"{path}: file not found")
            if kind == "boundaries":
                results = [import_boundaries(path, level=options["level"], code_column=options["code_column"],
                                             name_column=options["name_column"], code=options["code"],
                                             name=options["name"])]
            elif kind == "lookup":
                results = import_lookup(path, code_column=options["code_column"],
                                        name_column=options["name_column"])
            elif kind == "population":
                results = [import_population(path, year=options["year"], code_column=options["code_column"],
                                             count_column=options["count_column"])]
            else:
                results = [import_deprivation(path, edition=options["edition"],
                                              code_column=options["code_column"])]
            for result in results:
                self.stdout.write(str(result))
