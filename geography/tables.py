"""Read the tabular files ONS, MHCLG and others publish (CSV, gzip CSV, XLSX) into plain rows.

Publishers differ in small ways that must not stop an import: a UTF-8 byte-order mark, Windows-1252
text, an unnamed pandas index column, numbers with thousands separators ("1,563"), blank or footnote
lines after the data. Readers keep every cell as text and its line number, so errors can name them.
"""

import csv
import gzip
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.problems import InputRejected, Problem


@dataclass
class Table:
    """One sheet of cells as text. ``lines[i]`` is the file line number of ``rows[i]``."""

    source: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int]


def open_text(path: Path) -> io.TextIOBase:
    """Open a plain or gzip text file as UTF-8 (BOM stripped), falling back to Windows-1252."""
    raw = gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")  # noqa: SIM115
    with raw:
        data = raw.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252", errors="strict")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise InputRejected([Problem(path.name, f"is neither UTF-8 nor Windows-1252 text (byte "
                                         f"{data[exc.start]:#04x} at offset {exc.start})", line=line)]) from exc
    if "\x00" in text:  # no published table holds one, and PostgreSQL text cannot
        raise InputRejected([Problem(path.name, "holds a NUL byte, so it is not a text file",
                                     line=text[:text.index("\x00")].count("\n") + 1)])
    return io.StringIO(text, newline="")


def read_tables(path: Path) -> list[Table]:
    """Every table in ``path``: one for a CSV, one per non-empty sheet for an XLSX workbook."""
    name = path.name
    if not path.exists():
        raise InputRejected([Problem(str(path), "file not found")])
    if path.stat().st_size == 0:
        raise InputRejected([Problem(name, "the file is empty")])
    if name.lower().endswith((".xlsx", ".xlsm")):
        return list(_read_workbook(path))
    try:
        reader = csv.reader(open_text(path))
        header = next(reader, None)
    except (OSError, EOFError, gzip.BadGzipFile, csv.Error) as exc:
        raise InputRejected([Problem(name, f"cannot be read as CSV: {exc}", line=1)]) from exc
    if not header or not any(h.strip() for h in header):
        raise InputRejected([Problem(name, "the file has no header row", line=1)])
    rows, lines = [], []
    try:
        for line, row in enumerate(reader, start=2):
            rows.append(row)
            lines.append(line)
    except csv.Error as exc:  # a NUL byte, or a quoted field running past the end of the file
        raise InputRejected([Problem(name, f"cannot be read as CSV: {exc}", line=reader.line_num)]) from exc
    return [Table(name, [h.strip() for h in header], rows, lines)]


def _read_workbook(path: Path) -> Iterator[Table]:
    import openpyxl

    from core.archives import check_zip

    check_zip(path, path.name)  # an XLSX is a zip: a decompression bomb is refused before openpyxl reads it
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise InputRejected([Problem(path.name, f"cannot be read as an Excel workbook: {exc}")]) from exc
    for sheet in workbook.worksheets:
        cells = sheet.iter_rows(values_only=True)
        header = next(cells, None)
        if not header or not any(h is not None and str(h).strip() for h in header):
            continue
        rows, lines = [], []
        for line, row in enumerate(cells, start=2):
            rows.append(["" if v is None else _cell_text(v) for v in row])
            lines.append(line)
        yield Table(f"{path.name} [{sheet.title}]", ["" if h is None else str(h).strip() for h in header],
                    rows, lines)
    workbook.close()


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_number(text: str) -> float | None:
    """A published number as float: thousands separators removed; empty, "NaN" or suppressed ("c", "*") → None.

    Raises ValueError for anything else that is not a finite number.
    """
    cleaned = text.strip().replace(",", "")
    if cleaned in {"", "NA", "NaN", "nan", "c", "*", ".", "..", "-", ":"}:
        return None
    value = float(cleaned)
    if not math.isfinite(value):  # "inf", "1e309": no published count or score is infinite
        raise ValueError(f"{text!r} is not a finite number")
    return value


def normalise_header(name: str) -> str:
    """Lower case, letters and digits only: ``"LSOA code (2011)"`` → ``"lsoacode2011"``."""
    return "".join(ch for ch in name.lower() if ch.isalnum())
