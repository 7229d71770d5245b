"""Who reads which stories, and what a story published to the public may show.

Analysts and administrators write stories and read every one, drafts included. Partners (and the partnership's
other staff roles: commissioners, incident coordinators) read stories published to partners. Everyone, signed
in or not, reads public stories. Reading a story never widens what its layers show: the browser fetches each
layer from the insights endpoints with the reader's own rights.

A public story is checked when it is published and whenever a chapter of it changes:

* open sources (police.uk) are published in full: any layer, level and period;
* a controlled source (emergency department figures and any other) reaches the public only through the public
  release, which holds whole calendar and financial years for the region and its local authorities: so a public
  chapter of controlled figures is a rate layer by local authority for one whole year (or the latest published
  year, with both months blank); anything finer is refused, saying why;
* no Step Together route lines: route pages are for partners (where and when children walk to school is
  not published), so a public story outlines the areas a route passes through instead.
"""

from django.db.models import QuerySet

from core.access import Viewer, role_of
from core.problems import Problem
from core.roles import ANALYSTS, PARTNERS_AND_STAFF
from places.stories.models import Chapter, Story


def is_writer(user: Viewer) -> bool:
    return role_of(user) in ANALYSTS


def visibilities_for(user: Viewer) -> tuple[str, ...]:
    """The visibilities of the stories ``user`` may read."""
    role = role_of(user)
    if role in ANALYSTS:
        return tuple(Story.Visibility.values)
    if role in PARTNERS_AND_STAFF:
        return (Story.Visibility.PARTNERS, Story.Visibility.PUBLIC)
    return (Story.Visibility.PUBLIC,)


def readable_stories(user: Viewer) -> QuerySet[Story]:
    """The stories ``user`` may read (filtered in the query)."""
    return Story.objects.filter(visibility__in=visibilities_for(user))


def public_problems(chapter: Chapter, route_count: int | None = None) -> list[Problem]:
    """Why ``chapter`` may not be in a public story; empty when it may.

    ``route_count`` is the number of routes the chapter is to show (default: those it shows now). Each problem
    names the chapter (by position and title) and the field at fault.
    """
    from core.periods import Year
    from core.sources import is_open

    problems = []
    where = f"chapter {chapter.position} ({chapter.title})"
    controlled = chapter.layer != Chapter.Layer.NONE and not is_open(chapter.source)
    if controlled and (chapter.layer != Chapter.Layer.RATES or chapter.level != Chapter.Level.LAD):
        source = chapter.get_source_display().split(" (")[0]
        problems.append(Problem(where, f"{source} are controlled data: the public see them through the public "
                                       "release, by local authority only; show rates by local authority, use "
                                       "police recorded crime, or publish the story to partners",
                                column="level" if chapter.layer == Chapter.Layer.RATES else "layer"))
    if controlled and (chapter.month_from or chapter.month_to) and not Year.of_months(chapter.month_from,
                                                                                     chapter.month_to):
        problems.append(Problem(where, "the public release of controlled figures holds whole calendar years "
                                       "(January to December) and financial years (April to March) only; choose "
                                       "one, or leave both months blank for the latest published year",
                                column="month_from"))
    if route_count is None:
        route_count = chapter.routes.count() if chapter.pk else 0
    if route_count:
        problems.append(Problem(where, "Step Together route lines are shown to partners only; outline the areas the "
                                       "route passes through instead, or publish the story to partners",
                                column="routes"))
    return problems


def story_public_problems(story: Story) -> list[Problem]:
    """Why ``story``, as its chapters stand, may not be published to the public; empty when it may."""
    return [p for chapter in story.chapters.all() for p in public_problems(chapter)]
