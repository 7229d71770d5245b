"""A story as one self-contained HTML file: its text, each chapter's map as inline SVG drawn from the stored
boundaries, and the figures' values as tables. The file loads nothing (no scripts, images, fonts or styles
from anywhere), and its links are written out as text, so opening it makes no request at all.

The figures are those the story's audience sees whoever exports it: each layer is read as an anonymous
visitor reads it (``layers.fetch_layer`` with no reader), that is disclosure-controlled, because a file, once
exported, can travel further than the platform's own pages. A partner story's controlled layers (ED by LSOA)
therefore say why they are not in the file rather than appear unsuppressed.
"""

from pathlib import Path

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from core.region import current_region
from geography.models import Boundary
from places.stories.layers import COLUMNS, fetch_layer
from places.stories.mapview import area_labels, describe, extent
from places.stories.models import Chapter, Story
from places.stories.svg import chapter_svg, in_extent
from places.stories.text import chapter_html

CSS = Path(__file__).resolve().parent.parent / "templates" / "places" / "story_export.css"
COLUMN_WORDS = {"code": "Code", "name": "Area", "count": "Count", "rate_per_1000": "Rate per 1,000 residents",
                "class": "Hot spot class"}


def _geometries(codes: list[str]) -> dict[str, str]:
    return dict(Boundary.objects.filter(area_code__in=codes).values_list("area_code", "map_geojson"))


def export_chapter(chapter: Chapter, number: int, outlines: dict[str, str]) -> dict:
    """What the file shows for one chapter: its HTML text, map, description, table and any note."""
    routes = list(chapter.routes.all())
    description = describe(chapter, routes)
    box = extent(chapter, routes)
    layer = fetch_layer(chapter, None)
    labels = area_labels(chapter.highlight_codes)
    highlight_shapes = _geometries(chapter.highlight_codes)
    svg = ""
    if box is not None:
        svg = chapter_svg(f"chapter-{number}-map", f"Map for chapter {number}: {chapter.title}", description,
                          box, chapter.layer, layer.features, outlines,
                          {labels[c]: text for c, text in highlight_shapes.items()},
                          [(r.name, r.line_geojson) for r in routes])
    in_view = {f["properties"].get("code") for f in layer.features
               if f.get("geometry") and in_extent(f["geometry"], box)} if box else set()
    rows = [r for r in layer.rows(chapter.layer) if r["code"] in in_view]
    sort_key = "rate_per_1000"
    rows.sort(key=lambda r: (r.get(sort_key) is None, -(r.get(sort_key) or 0), r["code"]))
    columns = COLUMNS[chapter.layer]
    return {"number": number, "title": chapter.title, "body": mark_safe(chapter_html(chapter.body, links_as_text=True)),  # noqa: S308 - sanitised
            "svg": mark_safe(svg), "description": description, "note": layer.note,  # noqa: S308 - built by svg.py
            "columns": [COLUMN_WORDS[c] for c in columns], "rows": [[r[c] for c in columns] for r in rows],
            "layer": chapter.layer}


def story_file(story: Story) -> tuple[str, str]:
    """(``html``, ``css``): the story as one HTML document and its one inline stylesheet (for a CSP hash)."""
    region = current_region()
    outlines = _geometries(list(region.lad_codes))
    chapters = [export_chapter(chapter, number, outlines)
                for number, chapter in enumerate(story.chapters.prefetch_related("routes"), start=1)]
    css = CSS.read_text(encoding="utf-8")
    html = render_to_string("places/story_export.html", {
        "story": story, "chapters": chapters, "css": mark_safe(css), "generated_at": timezone.now(),  # noqa: S308
        "region": region})
    return html, css
