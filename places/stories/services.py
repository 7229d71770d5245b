"""Every change to a story goes through a function here: in one transaction, with its audit entry.

Views, the demo and any command call these; nothing else saves a story or a chapter. A chapter is checked
before it lands (``chapter_problems``), and a story published to the public is checked against the public
rules (``publishing.public_problems``) whenever it or one of its chapters changes: a refusal raises
``InputRejected`` naming the chapter and the field, and nothing is saved.
"""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Max
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.text import slugify

from core import audit
from core.audit import Actor
from core.problems import InputRejected, Problem
from geography.codes import level_of
from geography.models import Boundary
from places.models import Route
from places.stories import publishing
from places.stories.mapview import lsoas_crossed
from places.stories.models import Chapter, Story, StoryArea

FIGURE_AREA_LEVELS = ("lsoa", "msoa", "ward", "lad")
#: Far enough to take in Great Britain and Northern Ireland, near enough to catch swapped or projected values.
LONGITUDES, LATITUDES = (-11.0, 3.0), (49.0, 61.0)


def _snapshot(obj: Story | Chapter) -> dict:
    """The record's editable fields as JSON values (for the audit log's before and after)."""
    return json.loads(json.dumps(model_to_dict(obj, exclude=["routes"]), cls=DjangoJSONEncoder))


#: Addresses under /places/stories/ that are pages, not stories.
RESERVED_SLUGS = frozenset({"new"})


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70].strip("-") or "story"
    base = f"{base}-story" if base in RESERVED_SLUGS else base
    slug, number = base, 2
    while Story.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _nul_problems(where: str, fields: dict[str, str]) -> list[Problem]:
    # No real text holds a NUL character, and PostgreSQL cannot store one.
    return [Problem(where, "holds a NUL character", column=name) for name, text in fields.items() if "\x00" in text]


def _story_problems(story: Story) -> list[Problem]:
    problems = _nul_problems("story", {"title": story.title, "summary": story.summary})
    if not story.title.strip():
        problems.append(Problem("story", "give the story a title", column="title"))
    if story.visibility not in Story.Visibility.values:
        problems.append(Problem("story", f"{story.visibility!r} is not a visibility", column="visibility"))
    return problems


@transaction.atomic
def create_story(actor: Actor, title: str, summary: str = "") -> Story:
    """A new draft story by ``actor`` (readable by analysts and administrators until it is published)."""
    story = Story(title=title.strip(), summary=summary.strip(), slug=_unique_slug(title),
                  author=actor if getattr(actor, "pk", None) else None)
    problems = _story_problems(story)
    if problems:
        raise InputRejected(problems)
    story.save()
    audit.record(actor, "create", story)
    return story


@transaction.atomic
def update_story(actor: Actor, story: Story, title: str, summary: str, visibility: str) -> Story:
    """Rename, re-summarise or (un)publish a story; publishing to the public checks every chapter first."""
    before = _snapshot(Story.objects.get(pk=story.pk))
    problems = _story_problems(Story(title=title.strip(), summary=summary, visibility=visibility))
    if visibility == Story.Visibility.PUBLIC:
        problems += publishing.story_public_problems(story)
    if problems:
        raise InputRejected(problems)  # before changing ``story``, so the caller's copy stays as it was
    story.title, story.summary, story.visibility = title.strip(), summary.strip(), visibility
    if visibility != Story.Visibility.DRAFT and visibility != before["visibility"]:
        story.published_at = timezone.now()
    story.save()
    audit.record(actor, "publish" if visibility != before["visibility"] else "update", story,
                 changes=audit.model_changes(before, _snapshot(story)))
    return story


def chapter_problems(chapter: Chapter) -> list[Problem]:
    """What is wrong with a chapter's fields (formats, areas with no boundary, an impossible box)."""
    from insights.query.figures import parse_month

    where = f"chapter {chapter.position or 'new'} ({chapter.title or 'untitled'})"
    problems = _nul_problems(where, {"title": chapter.title, "body": chapter.body, "crime_type": chapter.crime_type})
    if not chapter.title.strip():
        problems.append(Problem(where, "give the chapter a title", column="title"))
    for name in ("month_from", "month_to"):
        value = getattr(chapter, name)
        if value and parse_month(value) is None:
            problems.append(Problem(where, f"{value!r} is not a month (YYYY-MM, e.g. 2024-03)", column=name))
    if bool(chapter.month_from) != bool(chapter.month_to):
        problems.append(Problem(where, "give both months of the period, or neither for the latest period",
                                column="month_to"))
    elif chapter.month_from and chapter.month_from > chapter.month_to:
        problems.append(Problem(where, "the period ends before it starts", column="month_to"))
    if chapter.filter_area and level_of(chapter.filter_area) not in FIGURE_AREA_LEVELS:
        problems.append(Problem(where, f"{chapter.filter_area!r} is not the ONS code of a local authority, ward, "
                                       "MSOA or LSOA", column="filter_area"))
    drawn = [c for c in [chapter.extent_area, *chapter.highlight_codes] if c]
    with_boundary = set(Boundary.objects.filter(area_code__in=drawn).values_list("area_code", flat=True))
    for code in drawn:
        if code not in with_boundary:
            column = "extent_area" if code == chapter.extent_area else "highlight_codes"
            problems.append(Problem(where, f"no boundary is loaded for {code!r}, so it cannot be drawn",
                                    column=column))
    sides = (chapter.west, chapter.south, chapter.east, chapter.north)
    if any(s is not None for s in sides):
        if None in sides:
            problems.append(Problem(where, "give all four sides of the box, or none", column="west"))
        elif not (LONGITUDES[0] <= chapter.west < chapter.east <= LONGITUDES[1]
                  and LATITUDES[0] <= chapter.south < chapter.north <= LATITUDES[1]):
            problems.append(Problem(where, "the box must have west < east and south < north, in degrees within "
                                           "the UK", column="west"))
    return problems


def _refresh_mentions(story: Story) -> None:
    """Rebuild the index of areas the story mentions: its chapters' areas, the LSOAs its routes cross, and the
    local authority of each, so an area profile at any of those levels lists the story."""
    from insights.query.areas import local_authority_of

    codes: set[str] = set()
    for chapter in story.chapters.prefetch_related("routes"):
        codes.update(c for c in (chapter.filter_area, chapter.extent_area, *chapter.highlight_codes) if c)
        for route in chapter.routes.all():
            codes.update(lsoas_crossed(route))
    codes |= {lad for lad in (local_authority_of(c) for c in codes) if lad}
    StoryArea.objects.filter(story=story).delete()
    StoryArea.objects.bulk_create([StoryArea(story=story, area_code=c) for c in sorted(codes)])


@transaction.atomic
def save_chapter(actor: Actor, story: Story, chapter: Chapter, routes: list[Route] | None = None) -> Chapter:
    """Add ``chapter`` to the end of ``story`` (when new) or save its changes, with the routes it draws.

    Raises InputRejected, saving nothing, when a field is wrong or the story is public and the chapter shows
    what a public story may not (see ``publishing``).
    """
    routes = list(routes or [])
    chapter.story = story
    chapter.highlight_codes = [c.strip().upper() for c in chapter.highlight_codes if c.strip()]
    is_new = chapter.pk is None
    if is_new:
        chapter.position = (story.chapters.aggregate(last=Max("position"))["last"] or 0) + 1
    problems = chapter_problems(chapter)
    if story.visibility == Story.Visibility.PUBLIC:
        problems += publishing.public_problems(chapter, route_count=len(routes))
    if problems:
        raise InputRejected(problems)
    before = {} if is_new else _snapshot(Chapter.objects.get(pk=chapter.pk))
    chapter.save()
    chapter.routes.set(routes)
    _refresh_mentions(story)
    Story.objects.filter(pk=story.pk).update(updated_at=timezone.now())
    audit.record(actor, "create" if is_new else "update", chapter,
                 changes=audit.model_changes(before, _snapshot(chapter)) | {"routes": [r.pk for r in routes]})
    return chapter


def _renumber(story: Story, ordered: list[Chapter]) -> None:
    # Two passes, so that no two chapters ever share a position (the constraint is checked row by row).
    offset = len(ordered) + 1000
    for index, chapter in enumerate(ordered, start=1):
        Chapter.objects.filter(pk=chapter.pk).update(position=offset + index)
    for index, chapter in enumerate(ordered, start=1):
        Chapter.objects.filter(pk=chapter.pk).update(position=index)
        chapter.position = index


@transaction.atomic
def move_chapter(actor: Actor, chapter: Chapter, steps: int) -> Chapter:
    """Move a chapter ``steps`` places later (negative: earlier), within the story's bounds."""
    story = chapter.story
    ordered = list(story.chapters.order_by("position"))
    index = next(i for i, c in enumerate(ordered) if c.pk == chapter.pk)
    target = min(max(index + steps, 0), len(ordered) - 1)
    ordered.insert(target, ordered.pop(index))
    before = chapter.position
    _renumber(story, ordered)
    chapter.refresh_from_db()
    audit.record(actor, "move", chapter, changes={"position": [before, chapter.position]})
    return chapter


@transaction.atomic
def delete_chapter(actor: Actor, chapter: Chapter) -> None:
    """Remove a chapter; those after it move up."""
    story = chapter.story
    audit.record(actor, "delete", chapter)
    chapter.delete()
    _renumber(story, list(story.chapters.order_by("position")))
    _refresh_mentions(story)


@transaction.atomic
def delete_story(actor: Actor, story: Story) -> None:
    """Remove a story and its chapters."""
    audit.record(actor, "delete", story, changes={"chapters": list(story.chapters.values_list("title", flat=True))})
    story.delete()
