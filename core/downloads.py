"""Tables as downloads: the same rows as CSV, JSON or XLSX, so every table on a page can be taken away."""

import csv
import io
import json
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import Http404, HttpResponse

FORMATS = ("csv", "json", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def table_response(rows: list[dict], columns: list[str], fmt: str, filename: str,
                   meta: dict | None = None) -> HttpResponse:
    """``rows`` as a download in ``fmt``; JSON wraps them with ``meta`` (filters, definitions, source)."""
    if fmt not in FORMATS:
        raise Http404(f"Downloads come as {', '.join(FORMATS)}.")
    if fmt == "json":
        body = {**(meta or {}), "rows": [{c: _plain(r.get(c)) for c in columns} for r in rows]}
        return HttpResponse(json.dumps(body, indent=1, default=str), content_type="application/json")
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(columns)
        writer.writerows(["" if r.get(c) is None else _plain(r.get(c)) for c in columns] for r in rows)
    else:
        import openpyxl

        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = filename[:31]
        sheet.append(columns)
        for r in rows:
            sheet.append([_plain(r.get(c)) for c in columns])
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
