"""Decompression bombs are refused before they are read, and reading is bounded even when sizes lie.

The bombs are built here as a hostile tester built them: a small .docx whose ``word/document.xml`` expands
to 400 MB, an .xlsx whose sheet does, a gzip of hundreds of MB of one byte. Real files from ../shared/data
(ONS workbooks, a zipped shapefile, police.uk .csv.gz) pass the same checks.
"""

import gzip
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from core.archives import ArchiveLimits, check_zip, copy_member, open_gzip, open_zip
from core.problems import InputRejected

MB = 1024 * 1024
PARAGRAPH = b"<w:p><w:r><w:t>Knife crime fell where mentors worked with young people.</w:t></w:r></w:p>"
HEAD = (b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
        b'wordprocessingml/2006/main"><w:body>')
TAIL = b"</w:body></w:document>"


def docx_expanding_to(megabytes: int, varied: bool = False) -> bytes:
    """A well-formed .docx whose document.xml is ``megabytes`` MB of paragraphs: one paragraph repeated (a
    bomb: a few MB compressed), or ``varied`` prose that compresses as real documents do (about 4 times)."""
    import random

    words = [f"{w}{n}" for n, w in enumerate(["knife", "mentor", "school", "young", "people", "violence",
                                              "partner", "evaluation", "outcome", "referral"] * 50)]
    rng = random.Random(1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(HEAD)
            block = PARAGRAPH * (MB // len(PARAGRAPH))
            for _ in range(megabytes):
                if varied:
                    block = b"".join(b"<w:p><w:r><w:t>" + " ".join(rng.choices(words, k=12)).encode()
                                     + b"</w:t></w:r></w:p>" for _ in range(MB // 120))
                member.write(block)
            member.write(TAIL)
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    return docx_expanding_to(400)


def test_a_docx_bomb_is_refused_unread_at_upload(docx_bomb: bytes, db) -> None:
    """The 1–2 MB .docx expanding to 400 MB (issue 15) is refused with the limit named, without inflating it."""
    from evidence.models import EvidenceItem
    from evidence.services.items import add_attachment, save_item

    assert len(docx_bomb) < 5 * MB
    item = save_item("test", EvidenceItem(title="Bombed", summary="s", kind="toolkit"))
    tracemalloc.start()
    try:
        with pytest.raises(InputRejected) as caught:
            add_attachment("test", item, "report.docx", docx_bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    message = caught.value.problems[0].message
    assert "expands" in message and "decompression bomb" in message
    assert peak < 50 * MB, f"{peak / MB:.0f} MB were allocated refusing it"
    assert item.attachments.count() == 0


def test_document_text_is_extracted_as_a_stream_with_a_cap(db) -> None:
    """A long but honest document (30 MB of XML, under every limit) gives its text up to the cap, parsed as
    it is inflated: memory stays far below the document's size."""
    from evidence.services.attachments import MAX_TEXT, extract_text

    long_document = docx_expanding_to(30, varied=True)
    assert check_zip(long_document, "long.docx") is None
    tracemalloc.start()
    try:
        text, note = extract_text("long.docx", long_document)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert note == "" and len(text) == MAX_TEXT and text.startswith(("knife", "mentor", "school", "young", "people",
                                                                      "violence", "partner", "evaluation",
                                                                      "outcome", "referral"))
    assert peak < 30 * MB, f"{peak / MB:.0f} MB were allocated"


def test_limits_on_total_ratio_and_members(tmp_path: Path) -> None:
    bomb = docx_expanding_to(40)
    with pytest.raises(InputRejected, match="expands to 40.0 MB; the limit is 20.0 MB"):
        check_zip(bomb, "big.docx", ArchiveLimits(20 * MB, 10_000))
    with pytest.raises(InputRejected, match="times its size; the limit is 100"):
        check_zip(bomb, "dense.docx", ArchiveLimits(1000 * MB, 100))
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as archive:
        for n in range(30):
            archive.writestr(f"part{n}.csv", "a,b\n")
    with pytest.raises(InputRejected, match="30 members; the limit is 20"):
        check_zip(many.getvalue(), "many.zip", ArchiveLimits(MB, 100, max_members=20))
    with pytest.raises(InputRejected, match="not a readable zip"):
        check_zip(b"PK\x03\x04 not really", "fake.zip")


def test_extraction_stops_at_its_cap_and_leaves_nothing(tmp_path: Path) -> None:
    """However an archive describes itself, a member is never written past the cap, and the partial file goes."""
    with open_zip(docx_expanding_to(12), "doc.docx", ArchiveLimits(100 * MB, 10_000)) as archive:
        target = tmp_path / "document.xml"
        with pytest.raises(InputRejected, match="expands beyond 5.0 MB"):
            copy_member(archive, "word/document.xml", target, 5 * MB)
        assert not target.exists()
        assert copy_member(archive, "[Content_Types].xml", target, 5 * MB) == len(b"<Types/>")


def test_an_xlsx_bomb_is_refused_before_the_workbook_is_opened(tmp_path: Path) -> None:
    from geography.tables import read_tables

    workbook = tmp_path / "projects.xlsx"
    with zipfile.ZipFile(workbook, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(300):
                member.write(b"<c><v>0</v></c>" * (MB // 15))
    with pytest.raises(InputRejected) as caught:
        read_tables(workbook)
    assert caught.value.problems[0].file == "projects.xlsx" and "times its size" in str(caught.value)


def test_a_gzip_bomb_is_stopped_as_it_is_read(tmp_path: Path) -> None:
    bomb = tmp_path / "street.csv.gz"
    with gzip.open(bomb, "wb", compresslevel=9) as out:
        for _ in range(200):
            out.write(b"\0" * MB)
    assert bomb.stat().st_size < MB
    with open_gzip(bomb, ArchiveLimits(2048 * MB, 100)) as handle, pytest.raises(InputRejected, match="bomb"):
        while handle.read(MB):
            pass
    with open_gzip(bomb, ArchiveLimits(50 * MB, 10_000)) as handle, pytest.raises(InputRejected, match="50.0 MB"):
        while handle.read(MB):
            pass


def test_real_archives_pass(shared_data: Path, settings) -> None:
    """The platform's defaults let every real archive in the shared data through, and read it whole."""
    from core.archives import default_limits

    for name in ("deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx",
                 "deprivation/aggregate-imd25-lookup.xlsx", "geography/birmingham_lsoa11_shape.zip"):
        check_zip(shared_data / name, name, default_limits())
    for path in sorted((shared_data / "police-uk" / "street").glob("2024-01-*.csv.gz"))[:5]:
        with open_gzip(path) as handle, gzip.open(path) as plain:
            assert handle.read() == plain.read()
