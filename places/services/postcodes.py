"""Postcode centroids (postcode, latitude, longitude), for searching the directory by distance."""

from pathlib import Path

from django.db import transaction

from core.problems import InputRejected, Problem
from geography.tables import read_tables
from places.models import Postcode
from places.services.directory import normalise_postcode


def load_postcodes(path: Path) -> int:
    """Replace the postcode centroids with ``path``'s (CSV or XLSX with postcode, latitude, longitude columns),
    all or nothing. Returns how many postcodes were loaded; raises InputRejected naming each bad line."""
    table = read_tables(path)[0]
    header = [h.lower() for h in table.header]
    try:
        code, lat, lon = header.index("postcode"), header.index("latitude"), header.index("longitude")
    except ValueError as exc:
        raise InputRejected([Problem(table.source, "needs postcode, latitude and longitude columns", line=1)]) from exc
    rows, problems = {}, []
    for line, row in zip(table.lines, table.rows, strict=True):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(code, lat, lon):
            problems.append(Problem(table.source, f"the row has {len(row)} cells; the header has {len(header)}",
                                    line=line))
            continue
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
