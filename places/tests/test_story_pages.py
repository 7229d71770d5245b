"""Story pages per role, writing a story through the pages, the chapters' figures, the links from route pages
and area profiles, and the exported file, on the demo region (its routes and the demo's own story)."""

import json
import re

import pytest

from core.roles import Role
from core.testing.factories import user
from demo.stories import add_public_story, add_story
from geography.services.locate import lsoa_for_points
from places.models import Route
from places.stories import services
from places.stories.mapview import area_labels
from places.stories.models import Chapter, Story, StoryArea

pytestmark = pytest.mark.django_db


def _login(client, role: Role) -> None:
    client.logout()
    if role is not Role.PUBLIC:
        client.force_login(user(role, None, f"page-{role.value}"))


def test_the_demo_story_follows_the_routes_the_demo_has(demo) -> None:
    story = demo["partners"]
    chaperoned = set(Route.objects.filter(is_comparison=False))
    assert chaperoned and story.visibility == Story.Visibility.PARTNERS
    routes_chapter = next(c for c in story.chapters.all() if set(c.routes.all()) == chaperoned)
    # Every route starts and ends in a neighbourhood the chapter outlines (found here by point in polygon).
    ends = [point for r in chaperoned for point in (json.loads(r.line_geojson)["coordinates"][0],
                                                    json.loads(r.line_geojson)["coordinates"][-1])]
    assert set(lsoa_for_points([p[0] for p in ends], [p[1] for p in ends])) <= set(routes_chapter.highlight_codes)
    assert set(routes_chapter.highlight_codes) <= set(StoryArea.objects.filter(story=story)
                                                      .values_list("area_code", flat=True))
    assert add_story() == story and Story.objects.filter(title=story.title).count() == 1


def test_the_demo_has_a_public_story_that_passes_the_public_gate(client, demo) -> None:
    """The home page advertises story maps: the demo publishes one to the public, through the same check."""
    from places.stories.publishing import story_public_problems

    story = add_public_story()
    assert story.visibility == Story.Visibility.PUBLIC and story_public_problems(story) == []
    assert story.chapters.count() == 2 and not any(c.routes.exists() for c in story.chapters.all())
    client.logout()
    assert story.title in client.get("/places/stories/").content.decode()
    assert client.get(f"/places/stories/{story.slug}/").status_code == 200
    assert add_public_story() == story and Story.objects.filter(title=story.title).count() == 1


def test_each_role_sees_the_stories_published_to_it_and_only_analysts_edit(client, demo) -> None:
    stories = {name: demo[name] for name in ("public", "partners", "draft")}
    readers = {Role.PUBLIC: {"public"}, Role.PROVIDER: {"public"}, Role.PARTNER: {"public", "partners"},
               Role.COMMISSIONER: {"public", "partners"}, Role.INCIDENT_COORDINATOR: {"public", "partners"},
               Role.ANALYST: {"public", "partners", "draft"}, Role.ADMINISTRATOR: {"public", "partners", "draft"}}
    for role, readable in readers.items():
        _login(client, role)
        listing = client.get("/places/stories/").content.decode()
        for name, story in stories.items():
            assert (story.title in listing) == (name in readable), (role, name)
            status = client.get(f"/places/stories/{story.slug}/").status_code
            assert status == (200 if name in readable else 404), (role, name)
            assert client.get(f"/places/stories/{story.slug}/overlays.geojson").status_code == status
            edit = client.get(f"/places/stories/{story.slug}/edit/").status_code
            assert edit == {Role.PUBLIC: 302, Role.ANALYST: 200, Role.ADMINISTRATOR: 200}.get(role, 403), role
        assert ("Write a story map" in listing) == (role in (Role.ANALYST, Role.ADMINISTRATOR))


def test_a_story_reads_as_text_without_javascript_and_its_markdown_is_inert(client, demo) -> None:
    page = client.get(f"/places/stories/{demo['public'].slug}/").content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    assert "<script" not in main and " style=" not in main and "onerror" not in main and "javascript:" not in main
    assert '<a href="https://example.org/sna" rel="noopener noreferrer nofollow">the SNA</a>' in main
    assert "The map shows the rate per 1,000 residents by local authority: police recorded crime, January 2023 " \
           "to December 2023 across the region." in main
    assert "The map shows the hot spots and cold spots" in main and "It is fitted to" in main
    assert f"The map shows no figures. Outlined: {area_labels([demo['lsoa']])[demo['lsoa']]}." in main
    assert f"/places/stories/{demo['public'].slug}/chapters/1.csv" in main
    assert "/insights/?source=police&amp;from=2023-01&amp;to=2023-12" in main
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts and all(' src="/static/' in s for s in scripts)


def test_a_chapters_figures_are_the_maps_figures_for_the_same_reader(client, demo) -> None:
    public = demo["public"]
    rows = client.get(f"/places/stories/{public.slug}/chapters/1.csv").content.decode().splitlines()
    layer = client.get("/insights/maps/lad.geojson?source=police&from=2023-01&to=2023-12").json()
    assert rows[0] == "code,name,count,rate_per_1000"
    expected = {(f["properties"]["code"], str(f["properties"]["count"])) for f in layer["features"]}
    assert {tuple(r.split(",")[0:3:2]) for r in rows[1:]} == expected and len(expected) >= 2
    assert client.get(f"/places/stories/{public.slug}/chapters/3.csv").status_code == 404  # no figures
    # A partner story's ED layer by LSOA: a partner sees why it is withheld; an analyst sees the figures.
    analyst = demo["analyst"]
    services.save_chapter(analyst, demo["partners"], Chapter(title="ED", source="ed", layer="rates", level="lsoa"))
    number = demo["partners"].chapters.count()
    url = f"/places/stories/{demo['partners'].slug}/chapters/{number}.csv"
    _login(client, Role.PARTNER)
    refused = client.get(url)
    reason = client.get("/insights/maps/lsoa.geojson?source=ed").json()["errors"][0]["message"]
    # The endpoint's own words, in the one error shape of the format asked for (field,message in CSV).
    assert refused.status_code == 403 and refused.content.decode().splitlines() == ["field,message", f',"{reason}"']
    client.force_login(analyst)
    assert client.get(url).status_code == 200 and len(client.get(url).content.decode().splitlines()) > 10


def test_an_analyst_writes_and_publishes_a_story_through_the_pages(client, demo) -> None:
    client.force_login(demo["analyst"])
    response = client.post("/places/stories/new/", {"title": "Night-time economy", "summary": "Late nights."})
    story = Story.objects.get(title="Night-time economy")
    assert response.status_code == 302 and response["Location"] == f"/places/stories/{story.slug}/edit/"
    chapter = {"title": "Assaults at night", "body": "After **midnight**.", "layer": "rates", "level": "lsoa",
               "source": "ed", "crime_type": "", "month_from": "", "month_to": "", "filter_area": "",
               "extent_area": demo["lad"], "highlight_codes": "", "west": "", "south": "", "east": "", "north": ""}
    assert client.post(f"/places/stories/{story.slug}/chapters/new/", chapter).status_code == 302
    wrong = client.post(f"/places/stories/{story.slug}/chapters/new/", {**chapter, "source": "police",
                                                                         "crime_type": "knife or sharp object"})
    assert wrong.status_code == 400 and "means of assault for emergency department" in wrong.content.decode()
    published = {"form": "story", "title": story.title, "summary": "", "visibility": "public"}
    refused = client.post(f"/places/stories/{story.slug}/edit/", published)
    assert refused.status_code == 400
    assert ("Chapter 1 (Assaults at night): Emergency department assault attendances are controlled"
            in refused.content.decode())
    assert Story.objects.get(pk=story.pk).visibility == "draft"
    assert client.post(f"/places/stories/{story.slug}/edit/", {**published, "visibility": "partners"}
                       ).status_code == 302
    second = {**chapter, "title": "Robbery", "source": "police", "crime_type": "Robbery"}
    client.post(f"/places/stories/{story.slug}/chapters/new/", second)
    moved = story.chapters.get(title="Robbery")
    client.post(f"/places/stories/{story.slug}/edit/", {"form": "up", "chapter": moved.pk})
    assert [c.title for c in story.chapters.all()] == ["Robbery", "Assaults at night"]
    edit = client.post(f"/places/stories/{story.slug}/chapters/{moved.pk}/", {**second, "title": "Robbery, 2023"})
    assert edit.status_code == 302 and story.chapters.get(pk=moved.pk).title == "Robbery, 2023"
    _login(client, Role.PARTNER)
    page = client.get(f"/places/stories/{story.slug}/").content.decode()
    assert page.index("Robbery, 2023") < page.index("Assaults at night") and "<strong>midnight</strong>" in page
    client.force_login(demo["analyst"])
    client.post(f"/places/stories/{story.slug}/edit/", {"form": "delete-story"})
    assert not Story.objects.filter(pk=story.pk).exists()


def test_route_pages_and_area_profiles_list_the_stories_about_them(client, demo) -> None:
    route = Route.objects.filter(is_comparison=False).first()
    title = demo["partners"].title
    _login(client, Role.PARTNER)
    assert title in client.get(f"/places/routes/{route.pk}/").content.decode()
    for area in (demo["lsoa"], demo["lad"]):
        profile = client.get(f"/insights/?area={area}&from=2023-01&to=2023-12").content.decode()
        assert title in profile and demo["public"].title in profile, area
    comparison = Route.objects.filter(is_comparison=True).exclude(story_chapters__isnull=False).first()
    if comparison is not None:
        assert title not in client.get(f"/places/routes/{comparison.pk}/").content.decode()
    _login(client, Role.PUBLIC)
    profile = client.get(f"/insights/?area={demo['lsoa']}&from=2023-01&to=2023-12").content.decode()
    assert demo["public"].title in profile and title not in profile


def test_the_overlays_are_the_chapters_areas_and_routes(client, demo) -> None:
    _login(client, Role.PARTNER)
    story = demo["partners"]
    features = client.get(f"/places/stories/{story.slug}/overlays.geojson").json()["features"]
    routes_chapter = story.chapters.get(position=3)
    outlined = {f["properties"]["code"] for f in features if f["properties"]["kind"] == "highlight"
                and 3 in f["properties"]["chapters"]}
    assert outlined == set(routes_chapter.highlight_codes)
    drawn = {f["properties"]["name"] for f in features if f["properties"]["kind"] == "route"
             and 3 in f["properties"]["chapters"]}
    assert drawn == {r.name for r in routes_chapter.routes.all()}
    assert {f["properties"]["code"] for f in features if f["properties"]["kind"] == "outline"} >= {demo["lad"]}


def test_a_public_storys_chapter_figures_and_file_are_cached_for_anonymous_readers_only(client, demo,
                                                                                         settings) -> None:
    """Both draw the chapters' maps (the export draws every map again): an anonymous reader's second request is
    served from the page cache, as the story page is; a partner's never is (it may see more)."""
    settings.VRP_PUBLIC_CACHE_SECONDS = 300
    public, partner = demo["public"], user(Role.PARTNER, None, "cached-story-partner")
    for url in (f"/places/stories/{public.slug}/chapters/1.csv", f"/places/stories/{public.slug}/export.html"):
        first = client.get(url)
        again = client.get(url)
        assert first.status_code == 200 and first.get("X-VRP-Cache") is None
        assert again.get("X-VRP-Cache") == "hit" and again.content == first.content
        assert again["Content-Disposition"] == first["Content-Disposition"]
        client.force_login(partner)
        assert client.get(url).get("X-VRP-Cache") is None and client.get(url).get("X-VRP-Cache") is None
        client.logout()
