"""Attachments: type and size checks, text extraction for search, storage by checksum.

A file is accepted only if its name and its first bytes agree (a PDF starts ``%PDF-``; a DOCX is a zip
holding ``word/document.xml``). A DOCX is refused unread when it would expand beyond ``DOCX_MAX_EXPANDED``
bytes or the archive limits (``core.archives``: a decompression bomb). Text is extracted as a stream and
stops at ``MAX_TEXT`` characters: the XML is parsed as it is inflated, and a PDF's pages are read until the
text is long enough, so a document never costs more memory than its cap. Text that cannot be extracted (an
encrypted or damaged PDF, a scan with no text layer) never stops the upload: the file is stored with a note
saying why it is not searchable.
"""

import hashlib
import io
import os
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings

from core.archives import default_limits, iter_member, open_zip
from core.problems import InputRejected, Problem

MAX_BYTES = 20 * 1024 * 1024
#: A Word document's parts may expand to this many bytes in all (real reports: a few MB of XML).
DOCX_MAX_EXPANDED = 100 * 1024 * 1024
MAX_TEXT = 2_000_000
MAX_PAGES = 1000
TYPES = {".pdf": "application/pdf",
         ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def suffix_of(name: str) -> str:
    return Path(name).suffix.lower()


def check_upload(name: str, data: bytes) -> list[Problem]:
    """Problems with an upload's name, size or content type (empty when it may be stored)."""
    suffix = suffix_of(name)
    if suffix not in TYPES:
        return [Problem(name, "only PDF (.pdf) and Word (.docx) files can be attached")]
    if len(data) == 0:
        return [Problem(name, "the file is empty")]
    if len(data) > MAX_BYTES:
        return [Problem(name, f"the file is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")]
    if suffix == ".pdf" and not data.startswith(b"%PDF-"):
        return [Problem(name, "the file is named .pdf but is not a PDF")]
    if suffix == ".docx":
        try:
            with open_zip(data, name, default_limits().capped(DOCX_MAX_EXPANDED)) as archive:
                if "word/document.xml" not in archive.namelist():
                    return [Problem(name, "the file is named .docx but is not a Word document")]
        except InputRejected as exc:
            if any("not a readable zip" in p.message for p in exc.problems):
                return [Problem(name, "the file is named .docx but is not a Word document")]
            return exc.problems
    return []


def extract_text(name: str, data: bytes) -> tuple[str, str]:
    """(text, note): the document's text for search, or empty text and a note saying why there is none."""
    try:
        text = _pdf_text(data) if suffix_of(name) == ".pdf" else _docx_text(data)
    except _Unreadable as exc:
        return "", str(exc)
    except InputRejected as exc:
        return "", f"the text was not extracted: {exc.problems[0].message}"
    except Exception as exc:  # noqa: BLE001 - any parser failure on hostile input becomes a note, never an error
        return "", f"the text could not be extracted ({type(exc).__name__}); the file is stored but not searchable"
    # NUL and other control characters are not words (and PostgreSQL cannot store a NUL).
    text = " ".join(text.replace("\x00", " ").split())[:MAX_TEXT]
    if not text:
        return "", "the document has no text layer (a scanned image?); it is stored but not searchable"
    return text, ""


class _Unreadable(Exception):
    pass


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except Exception as exc:  # noqa: BLE001 - unsupported encryption
            raise _Unreadable("the PDF is encrypted; its text could not be extracted") from exc
        if not opened:
            raise _Unreadable("the PDF is encrypted with a password; its text could not be extracted")
    pages, length = [], 0
    for page in reader.pages[:MAX_PAGES]:
        text = page.extract_text() or ""
        pages.append(text)
        length += len(text)
        if length >= MAX_TEXT:  # enough for search: the rest of the document is not read
            break
    return "\n".join(pages)


def _docx_text(data: bytes) -> str:
    """The paragraphs' text of ``word/document.xml``, parsed as it is inflated and stopped at ``MAX_TEXT``
    characters; the archive is checked against its limits first and no more than its cap is inflated."""
    paragraphs, length = [], 0
    with open_zip(data, "the document", default_limits().capped(DOCX_MAX_EXPANDED)) as archive:
        parser = ElementTree.XMLPullParser(events=("end",))
        for chunk in iter_member(archive, "word/document.xml", DOCX_MAX_EXPANDED, "the document"):
            parser.feed(chunk)
            for _, element in parser.read_events():
                if element.tag == f"{WORD_NAMESPACE}p":
                    text = "".join(t.text or "" for t in element.iter(f"{WORD_NAMESPACE}t"))
                    paragraphs.append(text)
                    length += len(text) + 1
                    element.clear()  # memory stays flat however long the document is
            if length >= MAX_TEXT:
                break
    return "\n".join(paragraphs)


def store(data: bytes, name: str) -> tuple[str, str]:
    """Write the bytes under $VRP_DATA_DIR/evidence by checksum (write then rename); returns (sha256, stored name)."""
    checksum = hashlib.sha256(data).hexdigest()
    folder = Path(settings.VRP_DATA_DIR) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    stored = f"{checksum}{suffix_of(name)}"
    target = folder / stored
    if not target.exists():
        partial = folder / f".{stored}.partial"
        partial.write_bytes(data)
        os.replace(partial, target)
    return checksum, stored


def stored_path(stored_name: str) -> Path:
    return Path(settings.VRP_DATA_DIR) / "evidence" / Path(stored_name).name
