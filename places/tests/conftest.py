"""The demo region with stories on it, shared by the story page and story export tests."""

from pathlib import Path

import pytest

from core.roles import Role
from core.testing.factories import user
from demo.stories import add_story
from places.stories import services
from places.stories.models import Chapter, Story, StoryArea

HOSTILE = ('Read on. <script>alert("x")</script><img src=x onerror="alert(1)"> '
           "[a trap](javascript:alert(1)) and [the SNA](https://example.org/sna).")


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    """The demo region (one year of data, 2023), its story for partners, and a public story of our own."""
    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=200, ed_per_month=20)
    analyst = user(Role.ANALYST, None, "story-writer")
    partner_story = add_story()
    public = services.create_story(analyst, "Violence in the region, 2023", "A public story.")
    services.update_story(analyst, public, public.title, public.summary, Story.Visibility.PUBLIC)
    lad = sorted(StoryArea.objects.filter(story=partner_story, area_code__startswith="E08")
                 .values_list("area_code", flat=True))[0]
    lsoa = partner_story.chapters.get(position=3).highlight_codes[0]
    services.save_chapter(analyst, public, Chapter(title="Local authorities", body=HOSTILE, layer="rates",
                                                   month_from="2023-01", month_to="2023-12"))
    services.save_chapter(analyst, public, Chapter(title="Hot spots", layer="hotspots", extent_area=lad))
    services.save_chapter(analyst, public, Chapter(title="One neighbourhood", layer="none", highlight_codes=[lsoa]))
    draft = services.create_story(analyst, "Not ready yet")
    return {"analyst": analyst, "partners": partner_story, "public": public, "draft": draft, "lad": lad,
            "lsoa": lsoa}
