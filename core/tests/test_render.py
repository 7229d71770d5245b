"""The one renderer: the same rows in every format, long tables streamed, and every format stops at the row cap
(``VRP_MAX_ROWS``) and says so."""

import csv
import io
import json

import openpyxl
import pytest
from django.test import RequestFactory

from core import render
from core.figures import WITHHELD, Column, Table, no_data


def table(rows: int) -> Table:
    return Table("counts", "Counts", [Column("area", "Area"), Column("count", "Count", "count"),
                                      Column("geometry", "Geometry")],
                 [{"area": f"E0{i:07d}", "count": WITHHELD if i == 1 else no_data("2024") if i == 2 else i,
                   "geometry": '{"type":"Point","coordinates":[0,0]}'} for i in range(rows)])


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.fixture
def request_for():
    return lambda path: RequestFactory().get(path)


@pytest.mark.django_db
def test_every_format_stops_at_the_row_cap_and_says_so(settings, request_for) -> None:
    settings.VRP_MAX_ROWS = 5
    long = table(8)
    csv_response = render.render(request_for("/x.csv"), long, "csv")
    lines = list(csv.reader(io.StringIO(content(csv_response).decode())))
    assert lines[0] == ["area", "count", "geometry"] and len(lines) == 1 + 5 + 1
    assert lines[-1][0].startswith("[truncated] only the first 5 of 8 rows")
    assert [line[1] for line in lines[1:4]] == ["0", "[c]", "[x]"]
    assert csv_response["VRP-Truncated"] == "5"
    document = json.loads(content(render.render(request_for("/x.json"), long, "json")))
    assert document["truncated"] is True and document["row_cap"] == 5 and len(document["rows"]) == 5
    assert document["rows"][1] == {"area": "E00000001", "count": None, "geometry": document["rows"][1]["geometry"],
                                   "notes": {"count": "withheld"}}
    workbook = openpyxl.load_workbook(io.BytesIO(content(render.render(request_for("/x.xlsx"), long, "xlsx"))))
    values = [[c.value for c in row] for row in workbook["counts"].iter_rows()]
    assert len(values) == 1 + 5 + 1 and str(values[-1][0]).startswith("[truncated]") and values[2][1] == "[c]"
    geojson = render.render(request_for("/x.geojson"), long, "geojson")
    assert len(json.loads(content(geojson))["features"]) == 5 and geojson["VRP-Truncated"] == "5"
    page = render.render(request_for("/x"), long, "html", template="core/figure_page.html").content.decode()
    assert "Only the first 5 of 8 rows are shown" in page and "E00000005" not in page
    short = render.render(request_for("/x.csv"), table(5), "csv")
    assert "VRP-Truncated" not in short and "[truncated]" not in content(short).decode()


def test_a_long_table_streams_and_a_short_one_is_answered_whole(monkeypatch, request_for) -> None:
    monkeypatch.setattr(render, "STREAM_ABOVE", 3)
    for fmt in ("csv", "json", "geojson"):
        streamed = render.render(request_for(f"/x.{fmt}"), table(4), fmt)
        whole = render.render(request_for(f"/x.{fmt}"), table(3), fmt)
        assert streamed.streaming and not whole.streaming, fmt
        text = content(streamed).decode()
        if fmt != "csv":
            json.loads(text)  # streamed JSON is one valid document


def test_a_refused_table_answers_403_with_its_reason_in_the_format_asked(request_for) -> None:
    refused = Table("counts", "Counts", [Column("count", "Count")], [], refused="not in the public release")
    answer = render.render(request_for("/x.json"), refused, "json")
    assert answer.status_code == 403
    assert json.loads(answer.content) == {"errors": [{"field": "", "message": "not in the public release"}]}
    assert render.render(request_for("/x.csv"), refused, "csv").status_code == 403
