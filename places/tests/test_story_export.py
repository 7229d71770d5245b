"""A story exported as one HTML file: it parses, loads nothing from anywhere, draws each chapter's map from
the stored boundaries and holds the public figures of the areas in view."""

import re
from html import escape

import pytest
import tinyhtml5

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def _local(tag: str) -> str:
    return tag.split("}", 1)[-1]


def test_the_export_is_one_self_contained_file(client, demo) -> None:  # noqa: F811
    story = demo["public"]
    response = client.get(f"/places/stories/{story.slug}/export.html")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{story.slug}.html"'
    assert re.search(r"style-src 'self' 'sha256-[A-Za-z0-9+/=]+'", response["Content-Security-Policy"])
    html = response.content.decode()
    document = tinyhtml5.parse(html)
    elements = list(document.iter())
    tags = {_local(e.tag) for e in elements if isinstance(e.tag, str)}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base"}
    # No attribute asks for anything: no src at all, and every link is within the document.
    assert [e.get("src") for e in elements if e.get("src")] == []
    assert {e.get("href")[0] for e in elements if e.get("href")} == {"#"}
    styles = [e.text or "" for e in elements if _local(str(e.tag)) == "style"]
    assert len(styles) == 1 and "url(" not in styles[0] and "@import" not in styles[0]
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?\s*(?:https?:)?//", html)
    # The hostile chapter text is inert here too; its link to another site is written out as text.
    assert "javascript:" not in html and "onerror" not in html
    assert "a trap and the SNA (https://example.org/sna)" in re.sub(r"<[^>]+>", "", html)

    sections = [e for e in elements if _local(str(e.tag)) == "section"]
    assert [s.get("id") for s in sections] == ["chapter-1", "chapter-2", "chapter-3"]
    for section in sections:
        maps = [e for e in section.iter() if e.tag == f"{SVG}svg" and e.get("role") == "img"]
        assert len(maps) == 1, section.get("id")
        assert sum(1 for e in maps[0].iter() if e.tag == f"{SVG}path") >= 1


def test_the_exported_figures_are_the_public_layer_for_the_areas_in_view(client, demo) -> None:  # noqa: F811
    from places.stories.export import story_file

    html, _ = story_file(demo["public"])
    document = tinyhtml5.parse(html)
    first = next(e for e in document.iter() if e.get("id") == "chapter-1")
    rows = [[("".join(td.itertext())) for td in tr if _local(str(td.tag)) == "td"]
            for tr in first.iter(f"{XHTML}tr")]
    rows = [r for r in rows if r]
    layer = client.get("/insights/maps/lad.geojson?source=police&from=2023-01&to=2023-12").json()
    expected = {f["properties"]["code"]: f["properties"] for f in layer["features"]}
    assert {r[0] for r in rows} == set(expected) and len(rows) >= 2
    for code, _name, count, rate in rows:
        assert count == str(expected[code]["count"]) and rate == str(expected[code]["rate_per_1000"])
    # Highest rate first.
    rates = [float(r[3]) for r in rows]
    assert rates == sorted(rates, reverse=True)
    paths = [e for e in first.iter(f"{SVG}path") if e.get("fill") not in (None, "none")]
    assert len(paths) == len(rows)  # one filled area per row: the map and its table agree


def test_a_partner_story_exports_public_figures_only(client, demo) -> None:  # noqa: F811
    """The file can travel beyond the platform: a controlled layer is left out with its reason, even when an
    analyst (who sees it unsuppressed) exports it."""
    from places.stories import services
    from places.stories.models import Chapter

    services.save_chapter(demo["analyst"], demo["partners"],
                          Chapter(title="ED by neighbourhood", source="ed", layer="rates", level="lsoa"))
    client.force_login(demo["analyst"])
    html = client.get(f"/places/stories/{demo['partners'].slug}/export.html").content.decode()
    last = html[html.index("ED by neighbourhood</h2>"):]
    client.logout()
    reason = client.get("/insights/maps/lsoa.geojson?source=ed").json()["errors"][0]["message"]
    assert escape(reason) in last and "<table" not in last
    assert "for partners, not for publication" in html
