"""Who reads which stories, and what a story published to the public may show.

Analysts and administrators write stories and read every one, drafts included. Partners (and the partnership's
other staff roles: commissioners, incident coordinators) read stories published to partners. Everyone, signed
in or not, reads public stories. Reading a story never widens what its layers show: the browser fetches each
layer from the insights endpoints with the reader's own rights.

A public story is checked when it is published and whenever a chapter of it changes:

* no layer of emergency department (ED) figures. ED data is a controlled source and reaches the public only
  through the public release (issue 14, the public gate); until stories read that release, a public story
  refuses ED layers, saying why;
* a period the public may see: a whole calendar year or financial year (the insights pages' rule);
* no Step Together route lines: route pages are for partners (where and when children walk to school is
  not published), so a public story outlines the areas a route passes through instead.
"""

from django.db.models import QuerySet

from core.access import role_of
from core.problems import Problem
from core.roles import Role
from places.stories.models import Chapter, Story

WRITERS = frozenset({Role.ANALYST, Role.ADMINISTRATOR})
PARTNER_READERS = frozenset({Role.PARTNER, Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR,
                             Role.ADMINISTRATOR})
#: ED layers may not be public until the public gate (issue 14) serves ED figures to the public from its release.
ED_LAYERS_MAY_BE_PUBLIC = False


def is_writer(user: object) -> bool:
    return role_of(user) in WRITERS


def visibilities_for(user: object) -> tuple[str, ...]:
    """The visibilities of the stories ``user`` may read."""
    role = role_of(user)
    if role in WRITERS:
        return tuple(Story.Visibility.values)
    if role in PARTNER_READERS:
        return (Story.Visibility.PARTNERS, Story.Visibility.PUBLIC)
    return (Story.Visibility.PUBLIC,)


def readable_stories(user: object) -> QuerySet[Story]:
    """The stories ``user`` may read (filtered in the query)."""
    return Story.objects.filter(visibility__in=visibilities_for(user))


def public_problems(chapter: Chapter, route_count: int | None = None) -> list[Problem]:
    """Why ``chapter`` may not be in a public story; empty when it may.

    ``route_count`` is the number of routes the chapter is to show (default: those it shows now). Each problem
    names the chapter (by position and title) and the field at fault.
    """
    from insights.services.public import is_public_period

    problems = []
    where = f"chapter {chapter.position} ({chapter.title})"
    shows_figures = chapter.layer != Chapter.Layer.NONE
    if shows_figures and chapter.source == Chapter.Source.ED and not ED_LAYERS_MAY_BE_PUBLIC:
        problems.append(Problem(where, "emergency department figures are controlled data: a public story may not "
                                       "show them until they are published through the public release; use police "
                                       "recorded crime, or publish the story to partners", column="source"))
    if shows_figures and (chapter.month_from or chapter.month_to) and not is_public_period(chapter):
        problems.append(Problem(where, "the public see whole calendar years (January to December) and financial "
                                       "years (April to March) only; choose one, or leave both months blank for "
                                       "the latest published year", column="month_from"))
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
