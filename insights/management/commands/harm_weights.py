"""``vrp harm_weights import --scheme css|chi FILE [--counts PRC_FILE] [--source TEXT]`` and ``show``."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from insights.models import HarmWeight
from insights.query.harm import import_harm_weights


class Command(PlatformCommand):
    help = ("Load harm weights per police.uk crime type (ONS Crime Severity Score or Cambridge Crime Harm Index), "
            "directly or averaged from weights per Home Office offence code; or show those loaded.")

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="replace a scheme's weights from a file")
        load.add_argument("file", help="crime_type,weight; or offence_code,weight with --counts")
        load.add_argument("--scheme", choices=HarmWeight.Scheme.values, required=True)
        load.add_argument("--counts", help="Home Office police recorded crime by offence code (with its police.uk "
                                           "category): offence weights are averaged over these counts")
        load.add_argument("--source", default="", help="where the weights were published (edition, URL)")
        actions.add_parser("show", help="print the loaded weights")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            counts = Path(options["counts"]) if options.get("counts") else None
            weights = import_harm_weights(options["scheme"], Path(options["file"]), "cli:harm_weights", counts,
                                          options["source"])
            self.stdout.write(f"Loaded {options['scheme']} weights for {len(weights)} crime types.")
        for weight in HarmWeight.objects.all():
            self.stdout.write(f"{weight.scheme}\t{weight.crime_type}\t{weight.weight:.4g}\t"
                              f"{weight.offences or ''}\t{weight.source}")
