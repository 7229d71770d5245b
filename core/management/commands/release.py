"""``vrp release [SOURCE…] [--format table|csv|json]``: build (if the data changed) and show the public release."""

import csv
import json
from typing import Any

from django.core.management.base import CommandError, CommandParser

from core import sources
from core.management.cli import PlatformCommand
from core.release import current_release, release_rows
from core.render import csv_cell


class Command(PlatformCommand):
    help = ("Build the public release of each controlled source for its current data (once per data version) and "
            "print its manifest; with --format csv or json, every published cell.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", nargs="*", help="controlled sources (default: every one)")
        parser.add_argument("--format", choices=["table", "csv", "json"], default="table")

    def handle(self, *args: Any, **options: Any) -> None:
        controlled = [s for s in sources.sources() if not s.is_open and s.release is not None]
        names = options["source"] or [s.name for s in controlled]
        unknown = [n for n in names if n not in {s.name for s in controlled}]
        if unknown:
            raise CommandError(f"not a controlled source: {', '.join(unknown)}; controlled sources are "
                               f"{', '.join(s.name for s in controlled)}")
        for name in names:
            release = current_release(name)
            if options["format"] == "json":
                self.stdout.write(json.dumps({"source": name, "data_version": release.data_version,
                                              "manifest": release.manifest, "cells": release_rows(release)}))
            elif options["format"] == "csv":
                writer = csv.writer(self.stdout, lineterminator="\n")
                writer.writerow(["source", "measure", "breakdown", "category", "period", "area", "count"])
                writer.writerows([csv_cell(v) if v is not None else "[c]" for v in (name, *row.values())]
                                 for row in release_rows(release))
            else:
                m = release.manifest
                self.stdout.write(f"{name}: {m['label']}\n  data version {release.data_version}\n"
                                  f"  rule: {m['rule_text']}\n  years: {', '.join(m['years']) or 'none whole yet'}; "
                                  f"months: {len(m['months'])}; areas: {len(m['areas'])}\n"
                                  f"  cells: {m['cells']}, withheld {m['withheld']} "
                                  f"({m['withheld_primary']} of 1 to 7)")
