"""``vrp places schools FILE [--accept-partial]``, ``vrp places postcodes FILE``, ``vrp places openreferral FILE``."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser
from django.db import transaction

from core.management.cli import PlatformCommand
from core.problems import InputRejected, Problem
from geography.tables import read_tables
from places.models import Postcode
from places.services.directory import import_oruk, normalise_postcode
from places.services.schools import import_schools


class Command(PlatformCommand):
    help = "Load schools (GIAS), postcode centroids, or an Open Referral UK feed of services."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        schools = actions.add_parser("schools", help="GIAS establishments, raw edubasealldata or the cleaned form")
        schools.add_argument("file")
        schools.add_argument("--accept-partial", action="store_true", help="land good rows, list the bad")
        postcodes = actions.add_parser("postcodes", help="postcode,latitude,longitude CSV (e.g. wm_postcodes)")
        postcodes.add_argument("file")
        feed = actions.add_parser("openreferral", help="an Open Referral UK /services JSON response or list")
        feed.add_argument("file")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if options["action"] == "schools":
            result = import_schools(path, "cli:places", options["accept_partial"])
            self.stdout.write(f"{path.name}: {result}.")
            for problem in result.rejected[:50]:
                self.stderr.write(f"rejected: {problem}")
        elif options["action"] == "postcodes":
            self.stdout.write(f"{path.name}: {load_postcodes(path)} postcodes loaded.")
        else:
            try:
                data = json.loads(path.read_text(encoding="utf-8-sig"))
            except (OSError, json.JSONDecodeError) as exc:
                raise InputRejected([Problem(path.name, f"cannot be read as JSON: {exc}")]) from exc
            result = import_oruk(data, path.name, "cli:places")
            self.stdout.write(f"{path.name}: {result['created']} services created, {result['updated']} updated.")


def load_postcodes(path: Path) -> int:
    table = read_tables(path)[0]
    header = [h.lower() for h in table.header]
    try:
        code, lat, lon = header.index("postcode"), header.index("latitude"), header.index("longitude")
    except ValueError as exc:
        raise InputRejected([Problem(table.source, "needs postcode, latitude and longitude columns", line=1)]) from exc
    rows, problems = {}, []
    for line, row in zip(table.lines, table.rows, strict=True):
        postcode = normalise_postcode(row[code])
        try:
            rows[postcode] = (float(row[lat]), float(row[lon]))
        except (ValueError, IndexError):
            problems.append(Problem(table.source, "latitude and longitude must be numbers", line=line))
        if postcode is None:
            problems.append(Problem(table.source, f"{row[code]!r} is not a postcode", line=line, column="postcode"))
    if problems:
        raise InputRejected(problems)
    with transaction.atomic():
        Postcode.objects.all().delete()
        Postcode.objects.bulk_create([Postcode(postcode=p, latitude=a, longitude=b) for p, (a, b) in rows.items()],
                                     batch_size=5000)
    return len(rows)
