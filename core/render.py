"""The one renderer: any figure's table as HTML, CSV, JSON, XLSX or GeoJSON, from the same rows.

Data, then render (as datasette does): a view computes a ``core.figures.Table`` and asks for a format; this
module writes it. CSV, JSON and GeoJSON stream when long; every format stops at ``VRP_MAX_ROWS`` rows and
says so (a last CSV line, ``truncated`` in JSON, a note in HTML, the ``VRP-Truncated`` header). A value that
cannot be given (``core.figures.Missing``) is written as its reason in HTML, as the GSS shorthand (``[c]``
withheld, ``[x]`` no data, ``[z]`` not defined) in CSV and XLSX, and as null with the reason under ``notes`` in JSON.

Every CSV and XLSX the platform writes goes through ``csv_cell`` / ``xlsx_row``, which neutralise formula
injection: a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is written as text
(OWASP "CSV injection": a leading apostrophe in CSV; a string-typed cell in XLSX), whatever the source.

Errors have one shape in every format: ``{"errors": [{"field": …, "message": …}]}`` in JSON, ``field,message``
rows in CSV, the error summary in HTML (``error_response``). A page with forms answers through ``form_page``
(400 when a form or a check failed) and a refused action through ``refuse`` (403): no view sets an error status
itself (``tests/test_one_error_shape.py``).
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render as render_template

from core.figures import Missing, Table

FORMATS = ("html", "csv", "json", "xlsx", "geojson")
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json",
                 "geojson": "application/geo+json",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
XLSX_TYPE = CONTENT_TYPES["xlsx"]
#: Tables longer than this stream (CSV, JSON, GeoJSON) instead of being answered whole.
STREAM_ABOVE = 2000
#: Characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def plain(value: Any) -> Any:
    """A value as JSON can carry it."""
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Missing):
        return None
    return value


def csv_cell(value: Any) -> Any:
    """A value as a CSV cell: missing values as their shorthand, formula-like text neutralised."""
    if value is None:
        return ""
    if isinstance(value, Missing):
        return value.shorthand
    value = plain(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list:
    """Cells for a write-only openpyxl sheet: text that looks like a formula is stored as text."""
    from openpyxl.cell import WriteOnlyCell

    cells = []
    for value in values:
        if isinstance(value, Missing):
            value = value.shorthand
        value = plain(value)
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
        cells.append(cell)
    return cells


def row_cap() -> int:
    return int(getattr(settings, "VRP_MAX_ROWS", 100_000))


def _capped(table: Table) -> tuple[list[dict], bool]:
    cap = row_cap()
    return table.rows[:cap], len(table.rows) > cap


def _truncation(table: Table) -> str:
    return (f"[truncated] only the first {row_cap():,} of {len(table.rows):,} rows are here; narrow the filters "
            "for the rest")


def csv_lines(table: Table) -> Iterator[str]:
    """The table as CSV text, line by line (header of column keys, one line per row)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows, truncated = _capped(table)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(table.keys)
    yield flush()
    for row in rows:
        writer.writerow([csv_cell(row.get(k)) for k in table.keys])
        yield flush()
    if truncated:
        writer.writerow([_truncation(table)])
        yield flush()


def json_document(table: Table) -> dict:
    """The table as a JSON object (also what the streamed JSON contains)."""
    rows, truncated = _capped(table)
    return {"figure": table.name, "title": table.title, **table.meta, "source": table.source_line,
            "notes": table.notes, "columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in table.columns],
            "truncated": truncated, "row_cap": row_cap(), "rows": [_json_row(table, r) for r in rows]}


def _json_row(table: Table, row: dict) -> dict:
    out = {k: plain(row.get(k)) for k in table.keys}
    missing = {k: row[k].reason for k in table.keys if isinstance(row.get(k), Missing)}
    if missing:
        out["notes"] = missing
    return out


def _json_chunks(table: Table) -> Iterator[str]:
    document = json_document(table)
    rows = document.pop("rows")
    head = json.dumps(document, default=str)[:-1]
    yield head + ', "rows": ['
    for i, row in enumerate(rows):
        yield ("," if i else "") + json.dumps(row, default=str)
    yield "]}"


def xlsx_bytes(table: Table) -> bytes:
    """The table as an XLSX workbook: a sheet of rows and an ``about`` sheet (columns, notes, source)."""
    import openpyxl

    rows, truncated = _capped(table)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet((table.name or "figure")[:31])
    sheet.append(xlsx_row(sheet, table.keys))
    for row in rows:
        sheet.append(xlsx_row(sheet, [row.get(k) for k in table.keys]))
    if truncated:
        sheet.append(xlsx_row(sheet, [_truncation(table)]))
    about = workbook.create_sheet("about")
    about.append(xlsx_row(about, ["column", "label", "unit"]))
    for column in table.columns:
        about.append(xlsx_row(about, [column.key, column.label, column.unit]))
    for line in [table.title, table.source_line, *table.notes,
                 "[c] withheld (disclosure control); [x] no data; [z] not defined"]:
        if line:
            about.append(xlsx_row(about, [line]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def geojson_chunks(table: Table, geometry_key: str = "geometry") -> Iterator[str]:
    """Rows with a ``geometry`` (a GeoJSON geometry as JSON text) as a FeatureCollection."""
    rows, _ = _capped(table)
    yield '{"type":"FeatureCollection","features":['
    for i, row in enumerate(rows):
        properties = {k: plain(row.get(k)) for k in table.keys if k != geometry_key}
        missing = {k: row[k].reason for k in table.keys if isinstance(row.get(k), Missing)}
        if missing:
            properties["notes"] = missing
        yield (("," if i else "") + '{"type":"Feature","properties":' + json.dumps(properties, default=str)
               + ',"geometry":' + (row.get(geometry_key) or "null") + "}")
    yield "]}"


def render(request: HttpRequest, table: Table, fmt: str, filename: str | None = None,
           template: str = "core/figure_page.html", context: dict | None = None) -> HttpResponse:
    """``table`` in ``fmt``; a refused table answers 403 with its reason, in the same format."""
    if fmt not in FORMATS:
        raise Http404(f"Figures come as {', '.join(FORMATS)}.")
    if table.refused:
        return error_response(request, [("", table.refused)], 403, fmt, template, {**(context or {}),
                                                                                  "table": table})
    name = filename or table.name
    if fmt == "html":
        return render_template(request, template, {**(context or {}), "table": table})
    writers = {"csv": csv_lines, "json": _json_chunks, "geojson": geojson_chunks}
    if fmt in writers:
        chunks = writers[fmt](table)
        # A long table streams; a short one is answered whole, so the public page cache can keep it.
        response = (StreamingHttpResponse(chunks, content_type=CONTENT_TYPES[fmt]) if len(table.rows) > STREAM_ABOVE
                    else HttpResponse("".join(chunks), content_type=CONTENT_TYPES[fmt]))
    else:
        response = HttpResponse(xlsx_bytes(table), content_type=XLSX_TYPE)
    if len(table.rows) > row_cap():
        response["VRP-Truncated"] = str(row_cap())
    if fmt != "json" and (fmt != "geojson" or request.GET.get("download")):
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def form_errors(form: Any) -> list[tuple[str, str]]:
    """A Django form's errors as (field, message) pairs (``""`` for errors of the whole form)."""
    return [("" if field == "__all__" else field, str(message))
            for field, messages in form.errors.items() for message in messages]


def error_response(request: HttpRequest, errors: list[tuple[str, str]], status: int, fmt: str | None = None,
                   template: str = "core/refused.html", context: dict | None = None) -> HttpResponse:
    """The one error shape, in the format asked for (``fmt``; by default the one the path asks for, see
    ``format_for_path``)."""
    fmt = fmt or format_for_path(request.path)
    if fmt in ("json", "geojson"):
        return HttpResponse(json.dumps({"errors": [{"field": f, "message": m} for f, m in errors]}),
                            content_type="application/json", status=status)
    if fmt in ("csv", "xlsx"):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["field", "message"])
        writer.writerows([csv_cell(f), csv_cell(m)] for f, m in errors)
        return HttpResponse(buffer.getvalue(), content_type=CONTENT_TYPES["csv"], status=status)
    return render_template(request, template, {**(context or {}), "errors": errors}, status=status)


def refuse(request: HttpRequest, message: str, fmt: str | None = None, status: int = 403) -> HttpResponse:
    """A request this viewer may not make (a signed-in role without the right to this action), in the one error
    shape and the format asked for; the message says who may."""
    return error_response(request, [("", message)], status, fmt)


def format_for_path(path: str) -> str:
    """The format an error on ``path`` is answered in: JSON for the JSON/GeoJSON downloads and the Open Referral
    API, CSV for CSV downloads, a page otherwise."""
    if path.endswith((".json", ".geojson")) or path.startswith("/openreferral/"):
        return "json"
    return "csv" if path.endswith(".csv") else "html"


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 (too many query fields, a suspicious request) in the one error shape: JSON on API paths,
    never Django's bare HTML there."""
    fmt = format_for_path(request.path)
    message = "The request could not be understood (too many fields or a malformed request)."
    if fmt == "html":
        from django.views.defaults import bad_request as django_bad_request

        return django_bad_request(request, exception)
    return error_response(request, [("", message)], 400, fmt)


def problem_errors(problems: Iterable[Any]) -> list[tuple[str, str]]:
    """``core.problems.Problem``s (or plain messages) as (field, message) pairs of the one error shape."""
    return [(getattr(p, "column", "") or "", getattr(p, "message", None) or str(p)) for p in problems]


def form_page(request: HttpRequest, template: str, context: dict, *forms: Any, problems: Iterable = (),
              status: int = 200, fmt: str = "html") -> HttpResponse:
    """A page with forms: 400 when any form (None is skipped) or ``problems`` holds an error, else ``status``.

    Views never write ``status=400 if form.errors`` themselves (``tests/test_one_error_shape.py``): whether a
    submission failed is decided here. Asked for another format (``fmt`` json or csv), a failure answers with the
    errors in the one shape instead of the page.
    """
    problems = list(problems)
    failed = [form for form in forms if form is not None and form.errors]
    if not (problems or failed):
        return render_template(request, template, context, status=status)
    if fmt != "html":
        return error_response(request, [e for form in failed for e in form_errors(form)] + problem_errors(problems),
                              400, fmt)
    return render_template(request, template, context, status=400)


def table_response(rows: list[dict], columns: list[str], fmt: str, filename: str, meta: dict | None = None,
                   title: str = "", labels: dict[str, str] | None = None) -> HttpResponse:
    """A plain table (not a registered figure) as a CSV, JSON or XLSX download, through the same writers."""
    from core.figures import Column

    if fmt not in ("csv", "json", "xlsx"):
        raise Http404("Downloads come as csv, json or xlsx.")
    table = Table(filename, title or filename, [Column(c, (labels or {}).get(c, c)) for c in columns], rows,
                  meta=dict(meta or {}))
    return render(HttpRequest(), table, fmt, filename)
