"""The evidence repository: ranked full-text search (SQLite FTS5 or PostgreSQL), facets, who sees what,
uploads that are awkward or hostile, the catalogue export, links to commissioned projects."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from commissioning.models import Theme
from core.problems import InputRejected
from core.roles import Role
from core.testing.documents import docx_with_text, encrypted_pdf, pdf_with_text
from core.testing.factories import organisation, project, user
from evidence.models import EvidenceItem
from evidence.services.attachments import check_upload, extract_text
from evidence.services.items import add_attachment, save_item
from evidence.services.search import SearchFilters, search

pytestmark = pytest.mark.django_db


def item(title: str, summary: str = "A study.", **fields) -> EvidenceItem:
    values = {"kind": "impact_evaluation", "status": "published", "visibility": "public",
              "published_on": date(2023, 6, 1), **fields}
    return save_item("test", EvidenceItem(title=title, summary=summary, **values))


@pytest.fixture
def library() -> dict[str, EvidenceItem]:
    return {
        "knife": item("Knife crime prevention in schools", "Assemblies and mentoring for year 9.",
                      themes=["education"], design="quasi_experimental", yef_impact_band="moderate"),
        "mention": item("Summer sport programme", "Football; one session covered knife carrying.",
                        themes=["sport"], design="pre_post", kind="good_practice", published_on=date(2021, 5, 1)),
        "mentors": item("Lived-experience mentors in custody", "Mentors meet young people in police custody.",
                        themes=["criminal_justice"], design="qualitative", kind="process_evaluation"),
        "partners": item("Network analysis of group violence", "Who is connected to whom.",
                         visibility="partners", kind="academic_paper", design="network_analysis"),
        "draft": item("Unfinished knife evaluation", "Draft.", status="draft"),
    }


def titles(result) -> list[str]:
    return [i.title for i in result.items]


def test_search_ranks_title_matches_first_and_stems_words(library) -> None:
    everything = "all"
    found = titles(search(everything, SearchFilters(words="knife")))
    assert found.index("Knife crime prevention in schools") < found.index("Summer sport programme")
    assert "Lived-experience mentors in custody" not in found
    # "mentoring" and "mentors" share a stem, in both engines
    assert set(titles(search(everything, SearchFilters(words="mentoring")))) >= {
        "Knife crime prevention in schools", "Lived-experience mentors in custody"}
    assert titles(search(everything, SearchFilters(words="custody mentors"))) == ["Lived-experience mentors in custody"]
    assert search(everything, SearchFilters(words='"knife* (')).total >= 1  # stray syntax is never an error


def test_facets_count_the_matches_and_filter_them(library) -> None:
    public = "public"
    result = search(public, SearchFilters())
    assert result.total == 3
    assert dict(result.facets["kind"]) == {"impact_evaluation": 1, "good_practice": 1, "process_evaluation": 1}
    assert dict(result.facets["year"]) == {"2023": 2, "2021": 1}
    assert titles(search(public, SearchFilters(theme="sport"))) == ["Summer sport programme"]
    assert titles(search(public, SearchFilters(words="knife", impact="moderate"))) == [
        "Knife crime prevention in schools"]
    assert search(public, SearchFilters(year=2021, design="pre_post")).total == 1


def test_who_sees_what(client, library) -> None:
    def found(response) -> set[str]:
        return {t for t in (i.title for i in library.values()) if t.encode() in response.content}

    assert found(client.get("/evidence/")) == {"Knife crime prevention in schools", "Summer sport programme",
                                               "Lived-experience mentors in custody"}
    # Theme facets read as their labels, never the stored code.
    facets = client.get("/evidence/").content.decode()
    assert ">criminal_justice<" not in facets and "criminal_justice (" not in facets
    assert Theme("criminal_justice").label in facets
    assert client.get(f"/evidence/items/{library['partners'].pk}/").status_code == 404
    assert client.get(f"/evidence/items/{library['draft'].pk}/").status_code == 404
    client.force_login(user(Role.PROVIDER, organisation()))
    assert client.get(f"/evidence/items/{library['partners'].pk}/").status_code == 404
    client.force_login(user(Role.PARTNER, organisation("Council", "local_authority"), "partner"))
    assert client.get(f"/evidence/items/{library['partners'].pk}/").status_code == 200
    assert client.get(f"/evidence/items/{library['draft'].pk}/").status_code == 404
    assert b"Network analysis" in client.get("/evidence/catalogue.csv").content
    client.force_login(user(Role.ANALYST, None, "analyst"))
    assert client.get(f"/evidence/items/{library['draft'].pk}/").status_code == 200
    client.logout()
    body = client.get("/evidence/catalogue.csv").content.decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert len(rows) == 3 and not any("Network" in r["title"] or "Unfinished" in r["title"] for r in rows)
    assert client.get("/evidence/catalogue.json?q=knife").json()["rows"][0]["title"] == \
        "Knife crime prevention in schools"


def test_attached_documents_are_searched(library) -> None:
    add_attachment("test", library["mentors"], "report.pdf", pdf_with_text("Hospital navigators reduced reattendance"))
    add_attachment("test", library["mention"], "notes.docx", docx_with_text("Detached youth work", "Curfew zones"))
    everything = "all"
    assert titles(search(everything, SearchFilters(words="navigators reattendance"))) == [
        "Lived-experience mentors in custody"]
    assert titles(search(everything, SearchFilters(words="curfew"))) == ["Summer sport programme"]


def test_awkward_uploads_are_stored_with_a_note_and_hostile_ones_refused(library, client) -> None:
    broken = add_attachment("test", library["knife"], "broken.pdf", b"%PDF-1.4\nthis is not really a pdf")
    assert broken.extracted_text == "" and "could not be extracted" in broken.extraction_note
    locked = add_attachment("test", library["knife"], "locked.pdf", encrypted_pdf("secret findings"))
    assert "encrypted" in locked.extraction_note
    assert search("all", SearchFilters(words="secret findings")).total == 0
    for name, data, message in (("virus.exe", b"MZ", "only PDF"), ("fake.pdf", b"<html>", "not a PDF"),
                                ("fake.docx", b"PK\x03\x04junk", "not a Word document"), ("empty.pdf", b"", "empty"),
                                ("huge.pdf", b"%PDF-" + b"0" * (20 * 1024 * 1024), "limit")):
        with pytest.raises(InputRejected, match=message):
            add_attachment("test", library["knife"], name, data)
    assert library["knife"].attachments.count() == 2
    assert check_upload("report.PDF", pdf_with_text("x")) == []
    assert extract_text("a.docx", docx_with_text("Hello")) == ("Hello", "")
    client.force_login(user(Role.ANALYST, None, "analyst"))
    response = client.post(f"/evidence/manage/{library['knife'].pk}/attachments/",
                           {"file": SimpleUploadedFile("locked.pdf", encrypted_pdf("x"))})
    assert response.status_code == 302  # stored, with its note; never an error page
    page = client.get(response["Location"])
    assert b"encrypted" in page.content
    download = client.get(f"/evidence/items/{library['knife'].pk}/files/{broken.pk}/")
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    client.logout()
    hidden = add_attachment("test", library["partners"], "p.pdf", pdf_with_text("x"))
    assert client.get(f"/evidence/items/{library['partners'].pk}/files/{hidden.pk}/").status_code == 404


def test_editors_write_items_with_validation_and_links_to_projects(client, library) -> None:
    linked = project("P-9", title="Custody navigators")
    client.force_login(user(Role.ANALYST, None, "analyst"))
    form = {"title": "Navigator evaluation", "summary": "Did navigators help?", "kind": "impact_evaluation",
            "status": "published", "visibility": "public", "themes": ["health"], "projects": [linked.pk],
            "yef_evidence_quality": "9", "area_codes_text": "E08000025", "links_text": "Report | not-a-url"}
    response = client.post("/evidence/manage/new/", form)
    assert response.status_code == 400
    assert {"yef_evidence_quality", "links_text"} <= set(response.context["form"].errors)
    form.update({"yef_evidence_quality": "3", "links_text": "Report | https://example.org/report"})
    response = client.post("/evidence/manage/new/", form)
    assert response.status_code == 302
    created = EvidenceItem.objects.get(title="Navigator evaluation")
    assert created.links == [{"title": "Report", "url": "https://example.org/report"}]
    assert search("all", SearchFilters(words="navigators help")).items == [created]
    client.logout()
    assert b"Navigator evaluation" in client.get("/commissioning/projects/P-9/").content
    assert b"Custody navigators" in client.get(f"/evidence/items/{created.pk}/").content
    assert client.get("/evidence/manage/new/").status_code == 302  # the public cannot edit
