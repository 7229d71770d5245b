"""Story maps' domain rules, without HTTP: chapter order, sanitised text, what a public story may show, who
reads what, and where each chapter's map is fitted. Areas are the real West Midlands boundaries."""

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditEntry
from core.problems import InputRejected
from core.roles import Role
from core.testing.factories import user
from geography.services.boundaries import import_boundaries
from places.models import Route
from places.stories import services
from places.stories.mapview import describe, extent, figure_filters, layer_url
from places.stories.models import Chapter, Story
from places.stories.publishing import readable_stories
from places.stories.text import TAGS, chapter_html

pytestmark = pytest.mark.django_db
BIRMINGHAM, COVENTRY, LADYWOOD, NECHELLS = "E08000025", "E08000026", "E05011151", "E05011155"


@pytest.fixture
def west_midlands(shared_data: Path) -> None:
    """The real boundaries of the seven West Midlands local authorities and their 192 wards."""
    import_boundaries(shared_data / "geography/wm_ltla24_boundaries.geojson", "test")
    import_boundaries(shared_data / "geography/wm_wards22_boundaries.geojson", "test")


@pytest.fixture
def analyst():
    return user(Role.ANALYST, None, "story-analyst")


def chapter(title: str = "A chapter", **fields) -> Chapter:
    return Chapter(title=title, **fields)


def a_route(name: str = "Route A") -> Route:
    return Route.objects.create(name=name, start_date=date(2024, 9, 2), line_geojson=json.dumps(
        {"type": "LineString", "coordinates": [[-1.915, 52.482], [-1.905, 52.486]]}))


def test_chapters_keep_their_order_as_they_are_added_moved_and_removed(analyst) -> None:
    story = services.create_story(analyst, "Knife crime in the summer")
    first, second, third = (services.save_chapter(analyst, story, chapter(t)) for t in ("One", "Two", "Three"))
    assert [c.title for c in story.chapters.all()] == ["One", "Two", "Three"]
    assert [c.position for c in story.chapters.all()] == [1, 2, 3]

    services.move_chapter(analyst, third, -2)
    assert [c.title for c in story.chapters.all()] == ["Three", "One", "Two"]
    services.move_chapter(analyst, third, -1)  # already first: stays first
    services.move_chapter(analyst, first, 5)  # past the end: goes last
    assert [c.title for c in story.chapters.all()] == ["Three", "Two", "One"]

    services.delete_chapter(analyst, second)
    assert [(c.position, c.title) for c in story.chapters.all()] == [(1, "Three"), (2, "One")]
    added = services.save_chapter(analyst, story, chapter("Four"))
    assert added.position == 3
    actions = list(AuditEntry.objects.filter(object_type="places.Chapter").values_list("action", flat=True))
    assert actions.count("create") == 4 and actions.count("move") == 3 and actions.count("delete") == 1


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


HOSTILE = [
    "Hello <script>alert('x')</script> world",
    '<img src="x" onerror="alert(1)">',
    "[click me](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)" onclick="steal()">raw link</a>',
    '<iframe src="https://evil.example"></iframe><style>body{display:none}</style>',
    '<svg onload="alert(1)"><circle r="5"/></svg>',
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="background:url(javascript:alert(1))" onmouseover="x()">styled</div>',
    "<<script>script>alert(1)<</script>/script>",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("links_as_text", [False, True])
def test_a_chapter_with_scripts_event_handlers_and_script_links_comes_out_inert(text: str,
                                                                                 links_as_text: bool) -> None:
    html = chapter_html(text, links_as_text=links_as_text)
    found = _Elements()
    found.feed(html)
    assert not {"script", "img", "iframe", "style", "svg", "div"} & set(found.tags), html
    assert [name for name, _ in found.attributes if name.startswith("on") or name in ("style", "src")] == [], html
    assert all(value.startswith(("http://", "https://", "mailto:")) for name, value in found.attributes
               if name == "href"), html
    assert "<script" not in html.lower() and "javascript:" not in html.lower()


FRAGMENTS = ["<script>", "</script>", "<img src=x ", "onerror=", "onload=", '"', "'", "javascript:", "JAVASCRIPT:",
             "data:text/html,", "vbscript:", "[x](", ")", "<a href=", ">", "<", "&#106;avascript:", "<svg ", "style=",
             "<iframe ", "\n\n", "# ", "*", "`", "<!--", "-->", "<![CDATA[", "&lt;script&gt;", "java\tscript:",
             "java\nscript:", "java&#10;script:", " ", "\t"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(FRAGMENTS) | st.text(max_size=8), max_size=30).map("".join), st.booleans())
def test_whatever_a_chapter_holds_only_allowed_tags_attributes_and_addresses_come_out(text: str,
                                                                                      links_as_text: bool) -> None:
    html = chapter_html(text, links_as_text=links_as_text)
    found = _Elements()
    found.feed(html)
    assert set(found.tags) <= TAGS - ({"a"} if links_as_text else set()), html
    assert {name for name, _ in found.attributes} <= {"href", "title", "rel", "align"}, html
    # Relative links (to the platform's own pages) may stay; a scheme, as a browser reads it (tabs and newlines
    # removed, WHATWG URL), must be http, https or mailto.
    assert all(_scheme(value) in ("", "http", "https", "mailto") for name, value in found.attributes
               if name == "href"), html


def _scheme(href: str) -> str:
    """A link's scheme as a browser reads it: tabs and newlines removed, then the WHATWG URL's scheme."""
    found = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):", re.sub(r"[\t\n\r]", "", href).strip())
    return found.group(1).lower() if found else ""


def test_markdown_keeps_what_a_writer_means() -> None:
    html = chapter_html("# Why here\n\nViolence is **concentrated**: see [the SNA](https://example.org/sna).\n\n"
                        "- one\n- two")
    assert "<h3>Why here</h3>" in html  # the chapter's title is the <h2>
    assert "<strong>concentrated</strong>" in html and "<li>one</li>" in html
    assert '<a href="https://example.org/sna" rel="noopener noreferrer nofollow">the SNA</a>' in html
    exported = chapter_html("see [the SNA](https://example.org/sna) or <https://example.org/x>", links_as_text=True)
    words = re.sub(r"<[^>]+>", "", exported)
    assert "<a " not in exported and "see the SNA (https://example.org/sna) or https://example.org/x" in words


def test_a_public_story_shows_controlled_figures_only_as_the_release_holds_them(analyst) -> None:
    """Emergency department figures (a controlled source) are public only through the release: rates by local
    authority for a whole year. Finer layers are refused, naming the chapter and field, and nothing is saved."""
    story = services.create_story(analyst, "Assaults seen in A&E")
    services.update_story(analyst, story, story.title, "", Story.Visibility.PUBLIC)
    for refused_chapter, column in ((chapter("ED by LSOA", source="ed", layer="rates", level="lsoa"), "level"),
                                    (chapter("ED hot spots", source="ed", layer="hotspots"), "layer"),
                                    (chapter("ED summer", source="ed", layer="rates", month_from="2024-06",
                                             month_to="2024-08"), "month_from")):
        with pytest.raises(InputRejected) as refused:
            services.save_chapter(analyst, story, refused_chapter)
        [problem] = refused.value.problems
        assert problem.column == column and "controlled" in problem.message
        assert f"chapter 1 ({refused_chapter.title})" in str(problem)
    assert story.chapters.count() == 0
    services.save_chapter(analyst, story, chapter("ED by authority", source="ed", layer="rates", level="lad",
                                                  month_from="2024-04", month_to="2025-03"))
    # Outlined areas with no figures show no ED figures: allowed at any level.
    services.save_chapter(analyst, story, chapter("Context", source="ed", layer="none", level="lsoa"))
    assert story.chapters.count() == 2


def test_publishing_to_the_public_checks_every_chapter_and_changes_nothing_when_refused(analyst) -> None:
    story = services.create_story(analyst, "For partners first")
    services.update_story(analyst, story, story.title, "", Story.Visibility.PARTNERS)
    services.save_chapter(analyst, story, chapter("Police", layer="rates"))
    services.save_chapter(analyst, story, chapter("ED by LSOA", source="ed", layer="rates", level="lsoa"))
    services.save_chapter(analyst, story, chapter("Routes", layer="none"), [a_route()])
    services.save_chapter(analyst, story, chapter("Half a year", layer="hotspots", month_from="2024-02",
                                                  month_to="2024-07"))
    with pytest.raises(InputRejected) as refused:
        services.update_story(analyst, story, "A new title", "", Story.Visibility.PUBLIC)
    assert [(p.file, p.column) for p in refused.value.problems] == [
        ("chapter 2 (ED by LSOA)", "level"), ("chapter 3 (Routes)", "routes")]
    story = Story.objects.get(pk=story.pk)
    assert (story.title, story.visibility) == ("For partners first", "partners")
    published = AuditEntry.objects.filter(object_type="places.Story", object_id=str(story.pk), action="publish")
    assert published.count() == 1  # to partners; the refused publication left no entry


def test_a_public_story_shows_police_uk_open_data_for_any_period(analyst) -> None:
    """police.uk data is open: a public chapter may show any period, level and layer of it; route lines stay
    with partners."""
    story = services.create_story(analyst, "Public years")
    services.update_story(analyst, story, story.title, "", Story.Visibility.PUBLIC)
    for start, end, layer in (("2024-01", "2024-12", "rates"), ("2024-06", "2024-08", "hotspots"), ("", "", "rates")):
        services.save_chapter(analyst, story, chapter(f"{start}-{end}", month_from=start, month_to=end, layer=layer,
                                                      level="lsoa"))
    with pytest.raises(InputRejected):
        services.save_chapter(analyst, story, chapter("A route", layer="none"), [a_route()])
    assert story.chapters.count() == 3


def test_a_partner_story_may_show_emergency_department_figures_and_routes(analyst) -> None:
    story = services.create_story(analyst, "For partners")
    services.update_story(analyst, story, story.title, "", Story.Visibility.PARTNERS)
    route = a_route()
    saved = services.save_chapter(analyst, story, chapter("ED", source="ed", layer="rates", level="lsoa",
                                                          month_from="2024-02", month_to="2024-07"), [route])
    assert list(saved.routes.all()) == [route]
    assert list(route.story_chapters.all()) == [saved]


def test_text_postgresql_cannot_store_is_refused_by_name(analyst) -> None:
    with pytest.raises(InputRejected) as refused:
        services.create_story(analyst, "Nul\x00title")
    assert refused.value.problems[0].column == "title"
    story = services.create_story(analyst, "Fine")
    with pytest.raises(InputRejected) as refused:
        services.save_chapter(analyst, story, chapter("Body", body="a\x00b"))
    assert [p.column for p in refused.value.problems] == ["body"] and not story.chapters.exists()


def test_wrong_fields_are_named_and_nothing_lands(analyst, west_midlands) -> None:
    story = services.create_story(analyst, "Wrong fields")
    wrong = chapter("Wrong", month_from="2024-13", filter_area="E12000005", extent_area="E05999999",
                    highlight_codes=[LADYWOOD, "E01999999"], west=-1.8, south=52.4, east=-1.9, north=52.5)
    with pytest.raises(InputRejected) as refused:
        services.save_chapter(analyst, story, wrong)
    assert sorted(p.column for p in refused.value.problems) == [
        "extent_area", "filter_area", "highlight_codes", "month_from", "month_to", "west"]
    assert "E01999999" in str(refused.value) and LADYWOOD not in str(refused.value)
    assert not Chapter.objects.exists()


def test_each_role_reads_the_stories_published_to_it(analyst) -> None:
    titles = {}
    for visibility in Story.Visibility.values:
        story = services.create_story(analyst, f"A {visibility} story")
        services.update_story(analyst, story, story.title, "", visibility)
        titles[visibility] = story.title
    expected = {Role.PUBLIC: {"public"}, Role.PROVIDER: {"public"},
                Role.PARTNER: {"public", "partners"}, Role.COMMISSIONER: {"public", "partners"},
                Role.INCIDENT_COORDINATOR: {"public", "partners"},
                Role.ANALYST: {"public", "partners", "draft"}, Role.ADMINISTRATOR: {"public", "partners", "draft"}}
    for role, visibilities in expected.items():
        reader = None if role is Role.PUBLIC else user(role, None, f"reader-{role.value}")
        assert set(readable_stories(reader).values_list("title", flat=True)) == {titles[v] for v in visibilities}, role


def test_the_map_fits_the_box_the_area_or_what_the_chapter_outlines(analyst, west_midlands) -> None:
    from geography.models import Boundary

    story = services.create_story(analyst, "Extents")
    boxed = services.save_chapter(analyst, story, chapter("Box", west=-1.95, south=52.45, east=-1.85, north=52.5,
                                                          extent_area=COVENTRY))
    assert extent(boxed) == (-1.95, 52.45, -1.85, 52.5)
    fitted = services.save_chapter(analyst, story, chapter("Coventry", extent_area=COVENTRY,
                                                           highlight_codes=[LADYWOOD]))
    coventry = Boundary.objects.get(area_code=COVENTRY)
    assert extent(fitted) == (coventry.min_lon, coventry.min_lat, coventry.max_lon, coventry.max_lat)
    route = a_route()
    outlined = services.save_chapter(analyst, story, chapter("Two wards", highlight_codes=[LADYWOOD, NECHELLS]),
                                     [route])
    wards = Boundary.objects.filter(area_code__in=[LADYWOOD, NECHELLS])
    west, south, east, north = extent(outlined)
    assert west == min(w.min_lon for w in wards) and north == max(w.max_lat for w in wards)
    assert south <= 52.482 and east >= -1.905  # the route is in view too
    # Nothing chosen: the region's local authorities (the West Midlands by default), all seven in view.
    region = extent(services.save_chapter(analyst, story, chapter("Region")))
    lads = Boundary.objects.filter(level="lad")
    assert region == (min(b.min_lon for b in lads), min(b.min_lat for b in lads), max(b.max_lon for b in lads),
                      max(b.max_lat for b in lads))


def test_a_chapter_layer_is_the_insights_endpoint_with_the_overview_filters(analyst, west_midlands) -> None:
    story = services.create_story(analyst, "Layers")
    rates = services.save_chapter(analyst, story, chapter(
        "Rates", layer="rates", level="lsoa", crime_type="Robbery", month_from="2024-01", month_to="2024-12",
        filter_area=BIRMINGHAM, highlight_codes=[LADYWOOD]))
    assert layer_url(rates) == ("/insights/maps/lsoa.geojson?source=police&from=2024-01&to=2024-12"
                                "&area=E08000025&type=Robbery")
    hot = services.save_chapter(analyst, story, chapter("Hot", layer="hotspots"))
    assert layer_url(hot) == "/insights/hotspots.geojson?source=police"
    assert layer_url(services.save_chapter(analyst, story, chapter("Plain", layer="none"))) is None
    assert figure_filters(hot) == {"source": "police"}
    words = describe(rates)
    assert "rate per 1,000 residents by LSOA" in words and "police recorded crime (Robbery)" in words
    assert "January 2024 to December 2024" in words and "in Birmingham (E08000025)" in words
    assert "Outlined: Ladywood (E05011151)." in words
