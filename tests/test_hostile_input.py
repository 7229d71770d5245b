"""Hostile input: every parser, fed damaged versions of a valid file, either lands it or rejects it cleanly.

For each parser a valid sample is built (from the real public files in ../shared/data where the format has
one) and hypothesis mutates it: truncation, inserted bytes, deleted spans, hostile tokens (quotes, NUL, byte
order marks, huge and non-finite numbers, spreadsheet formulas), duplicated lines, or plain random bytes.
For every input the parser must either succeed, or raise ``InputRejected`` whose problems each say what was
wrong and name the file; a rejection must leave every table (but the journals that record rejections) and
the warehouse's files exactly as they were. Any other exception fails the test with the input that caused it.

``VRP_FUZZ_EXAMPLES`` sets the examples per parser (default 25); atheris runs the same targets
coverage-guided in ``fuzz/`` (``make fuzz``).
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz.targets import TARGETS, Target, counted_state, problems_of, rejection_fault

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("VRP_FUZZ_EXAMPLES", "25"))
HOSTILE_TOKENS = [b",", b'"', b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"-1", b"1e309", b"NaN",
                  b"9" * 40, "é’".encode(), b"=HYPERLINK(\"x\")", b"{", b"]", b"null", b"<", b"\t", b";", b"''"]


@st.composite
def damaged(draw: st.DrawFn, sample: bytes) -> bytes:
    """``sample`` with one to four damaging edits, or (one time in ten) random bytes."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.binary(max_size=300))
    data = bytearray(sample)
    for edit in draw(st.lists(st.sampled_from(["truncate", "insert", "delete", "token", "duplicate"]),
                              min_size=1, max_size=4)):
        at = draw(st.integers(0, len(data)))
        if edit == "truncate":
            data = data[:at]
        elif edit == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif edit == "delete":
            del data[at:at + draw(st.integers(1, 60))]
        elif edit == "token":
            data[at:at + draw(st.integers(0, 3))] = draw(st.sampled_from(HOSTILE_TOKENS))
        else:
            end = data.find(b"\n", at)
            line = data[at:end + 1] if end >= 0 else data[at:]
            data[at:at] = line
    return bytes(data)


@dataclass
class Outcome:
    landed: int = 0
    rejected: int = 0


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_damaged_input_lands_or_is_rejected_cleanly(name: str, shared_data: Path, tmp_path: Path) -> None:
    target: Target = TARGETS[name]
    sample = target.sample(shared_data)
    context = target.prepare()
    outcome = Outcome()
    counter = iter(range(10**9))

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.data_too_large])
    @given(data=damaged(sample))
    def feed(data: bytes) -> None:
        path = tmp_path / str(next(counter)) / target.file_name
        path.parent.mkdir()
        path.write_bytes(data)
        before = counted_state()
        problems = problems_of(target, path, context)
        if problems is None:
            outcome.landed += 1
            return
        outcome.rejected += 1
        fault = rejection_fault(target, problems, before)
        assert fault is None, fault

    feed()
    # The sample itself lands (so a parser that rejects everything cannot pass), and damage was rejected.
    assert problems_of(target, _write(tmp_path / "sample", target.file_name, sample), context) is None
    assert outcome.rejected > 0


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def test_every_parser_is_a_target() -> None:
    """The parsers the platform reads outside data with, by their public entry points."""
    assert set(TARGETS) == {
        "police_uk_csv", "police_api_json", "istv_csv", "ons_lookup", "ons_population", "ons_deprivation",
        "threesixty_json", "threesixty_csv", "provider_returns_csv", "open_referral_json", "gias_schools",
        "postcodes", "project_spreadsheet", "harm_weights", "evidence_pdf", "evidence_docx", "route_geojson",
        "route_gpx", "eventbrite_attendees", "attendance_csv", "feedback_csv"}



def test_what_atheris_found_is_refused_by_name(tmp_path: Path) -> None:
    """Inputs atheris found (CI): an API record whose month is '2018-0>', and a .docx whose archive names a
    member in bytes that are not UTF-8 although its flags say UTF-8."""
    import io
    import json
    import zipfile

    from core.problems import InputRejected
    from evidence.models import EvidenceItem
    from evidence.services.items import add_attachment, save_item
    from insights.ingest.police_api import ingest_police_api

    api = tmp_path / "api.json"
    api.write_text(json.dumps([{"category": "burglary", "month": "2018-0>",
                                "location": {"latitude": "52.4", "longitude": "-1.9"}}]))
    with pytest.raises(InputRejected) as caught:
        ingest_police_api([api], force="west-midlands")
    assert caught.value.problems[0].column == "month"

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("wörd/document.xml", "<w:document/>")
    damaged = buffer.getvalue().replace("ö".encode(), b"\xb6\xb6")
    item = save_item("test", EvidenceItem(title="Fuzzed", summary="s", kind="toolkit"))
    with pytest.raises(InputRejected) as caught:
        add_attachment("test", item, "evaluation.docx", damaged)
    assert "not a Word document" in caught.value.problems[0].message
