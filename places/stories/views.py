"""Story pages: the list, reading a story, writing one, its overlays, its chapters' figures and its export.

Thin views over ``places.stories.services`` (every write) and ``publishing`` (who reads what). A story the
visitor may not read answers 404, which does not even confirm that it exists.
"""

import json

from django.contrib import messages
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from core.access import allow
from core.downloads import table_response
from core.problems import InputRejected
from core.public_cache import public_page
from core.region import current_region
from core.render import form_page, refuse
from core.roles import ANALYSTS, EVERYONE
from geography.models import Boundary
from places.stories import publishing, services
from places.stories.forms import ChapterForm, NewStoryForm, StoryForm
from places.stories.layers import COLUMNS, fetch_layer
from places.stories.mapview import area_labels, describe, extent, figures_page_url, layer_url
from places.stories.models import Chapter, Story
from places.stories.text import chapter_html


def _readable(request: HttpRequest, slug: str) -> Story:
    return get_object_or_404(publishing.readable_stories(request.user), slug=slug)


def _with_problems(form, problems: list) -> None:
    """Put each refused field's reason beside the field (the rest at the top of the form)."""
    for problem in problems:
        if problem.column in form.fields:
            form.add_error(problem.column, problem.message[:1].upper() + problem.message[1:] + ".")
        else:  # e.g. publishing refused by a chapter: say which
            form.add_error(None, f"{problem.file[:1].upper()}{problem.file[1:]}: {problem.message}.")


@allow(EVERYONE)
@public_page(params=())
def story_list(request: HttpRequest) -> HttpResponse:
    # Newest first; drafts (never published) last, on SQLite and PostgreSQL alike.
    stories = publishing.readable_stories(request.user).order_by(F("published_at").desc(nulls_last=True), "title")
    return render(request, "places/story_list.html", {"stories": stories,
                                                      "writer": publishing.is_writer(request.user)})


@allow(ANALYSTS)
def story_new(request: HttpRequest) -> HttpResponse:
    form = NewStoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            story = services.create_story(request.user, form.cleaned_data["title"], form.cleaned_data["summary"])
        except InputRejected as exc:
            _with_problems(form, exc.problems)
        else:
            return redirect("places:story-edit", story=story.slug)
    return form_page(request, "places/form.html", {"form": form, "title": "Write a story map", "button": "Start",
                                                   "lead": "Give it a title; you add chapters next. It stays a "
                                                           "draft, seen by analysts only, until you publish it."},
                     form)


def _chapter_context(story: Story, chapter: Chapter, number: int) -> dict:
    routes = list(chapter.routes.all())
    box = extent(chapter, routes)
    return {"number": number, "chapter": chapter, "body": chapter_html(chapter.body),
            "description": describe(chapter, routes), "layer_url": layer_url(chapter) or "",
            "extent": ",".join(f"{v:.5f}" for v in box) if box else "",
            "figures_url": figures_page_url(chapter) if chapter.layer != Chapter.Layer.NONE else "",
            "table_url": reverse("places:story-chapter-data", args=[story.slug, number, "csv"])
            if chapter.layer != Chapter.Layer.NONE else ""}


@allow(EVERYONE)
@public_page(params=())
def story_page(request: HttpRequest, story: str) -> HttpResponse:
    """A story to read: chapters in order, each moving the map (with JavaScript) and describing it (always)."""
    found = _readable(request, story)
    chapters = [_chapter_context(found, c, n) for n, c in
                enumerate(found.chapters.prefetch_related("routes"), start=1)]
    return render(request, "places/story.html", {"story": found, "chapters": chapters,
                                                 "writer": publishing.is_writer(request.user)})


@allow(EVERYONE)
@public_page(params=())
def story_overlays(request: HttpRequest, story: str) -> HttpResponse:
    """GeoJSON of what the story draws besides figures: the region's local authorities (context), each
    chapter's outlined areas and routes, with the chapters (numbers) that show each."""
    found = _readable(request, story)
    shown: dict[tuple[str, str], list[int]] = {}
    routes = {}
    for number, chapter in enumerate(found.chapters.prefetch_related("routes"), start=1):
        for code in chapter.highlight_codes:
            shown.setdefault(("highlight", code), []).append(number)
        for route in chapter.routes.all():
            routes[route.pk] = route
            shown.setdefault(("route", str(route.pk)), []).append(number)
    for code in current_region().lad_codes:
        shown.setdefault(("outline", code), [])
    codes = [code for kind, code in shown if kind != "route"]
    geometries = dict(Boundary.objects.filter(area_code__in=codes).values_list("area_code", "map_geojson"))
    labels = area_labels(codes)
    features = []
    for (kind, key), numbers in shown.items():
        if kind == "route":
            route = routes[int(key)]
            properties, geometry = {"kind": kind, "name": route.name, "chapters": numbers}, route.line_geojson
        elif key in geometries:
            properties, geometry = {"kind": kind, "code": key, "name": labels[key], "chapters": numbers}, \
                geometries[key]
        else:
            continue
        features.append(f'{{"type":"Feature","properties":{json.dumps(properties)},"geometry":{geometry}}}')
    return HttpResponse('{"type":"FeatureCollection","features":[' + ",".join(features) + "]}",
                        content_type="application/geo+json")


@allow(EVERYONE)
@public_page(params=())
def chapter_data(request: HttpRequest, story: str, number: int, fmt: str) -> HttpResponse:
    """One chapter's figures as the visitor may see them (from the same endpoint as its map)."""
    found = _readable(request, story)
    chapter = found.chapters.filter(position=number).first()
    if chapter is None or chapter.layer == Chapter.Layer.NONE:
        raise Http404("That chapter shows no figures.")
    layer = fetch_layer(chapter, request.user)
    if layer.refused:
        return refuse(request, layer.note, fmt)
    return table_response(layer.rows(chapter.layer), COLUMNS[chapter.layer], fmt,
                          f"{found.slug}-chapter-{number}", meta={"story": found.title, "chapter": chapter.title,
                                                                  "map": describe(chapter)})


@allow(EVERYONE)
@public_page(params=())
def story_export(request: HttpRequest, story: str) -> HttpResponse:
    """The story as one self-contained HTML file (see ``export``)."""
    from core.security import policy_with_style_hash
    from places.stories.export import story_file

    found = _readable(request, story)
    html, css = story_file(found)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{found.slug}.html"'
    response["Content-Security-Policy"] = policy_with_style_hash(css)
    return response


@allow(ANALYSTS)
def story_edit(request: HttpRequest, story: str) -> HttpResponse:
    """The story's title, summary and visibility, and its chapters: add, edit, reorder, remove."""
    found = get_object_or_404(Story, slug=story)
    form = StoryForm(request.POST if request.POST.get("form") == "story" else None,
                     initial={"title": found.title, "summary": found.summary, "visibility": found.visibility})
    problems = []
    if request.method == "POST":
        action = request.POST.get("form")
        try:
            if action == "story" and form.is_valid():
                services.update_story(request.user, found, form.cleaned_data["title"], form.cleaned_data["summary"],
                                      form.cleaned_data["visibility"])
                messages.success(request, f"Saved: {found.get_visibility_display().lower()}.")
                return redirect("places:story-edit", story=found.slug)
            if action in ("up", "down", "delete"):
                chapter = get_object_or_404(found.chapters, pk=request.POST.get("chapter"))
                if action == "delete":
                    services.delete_chapter(request.user, chapter)
                else:
                    services.move_chapter(request.user, chapter, -1 if action == "up" else 1)
                return redirect("places:story-edit", story=found.slug)
            if action == "delete-story":
                services.delete_story(request.user, found)
                messages.success(request, f"Deleted the story {found.title}.")
                return redirect("places:stories")
        except InputRejected as exc:
            problems = exc.problems
            _with_problems(form, problems)
    return form_page(request, "places/story_edit.html", {"story": found, "form": form,
                                                         "chapters": found.chapters.all()},
                     form, problems=problems)


def _chapter_form(request: HttpRequest, found: Story, chapter: Chapter) -> HttpResponse:
    form = ChapterForm(request.POST or None, instance=chapter)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_chapter(request.user, found, form.instance, list(form.cleaned_data["routes"]))
        except InputRejected as exc:
            _with_problems(form, exc.problems)
        else:
            return redirect(f"{reverse('places:story-edit', args=[found.slug])}#chapters")
    title = f"{found.title}: chapter {chapter.position}" if chapter.pk else f"{found.title}: a new chapter"
    return form_page(request, "places/chapter_form.html", {"form": form, "story": found, "title": title},
                     form)


@allow(ANALYSTS)
def chapter_new(request: HttpRequest, story: str) -> HttpResponse:
    found = get_object_or_404(Story, slug=story)
    return _chapter_form(request, found, Chapter(story=found))


@allow(ANALYSTS)
def chapter_edit(request: HttpRequest, story: str, chapter_id: int) -> HttpResponse:
    found = get_object_or_404(Story, slug=story)
    return _chapter_form(request, found, get_object_or_404(found.chapters, pk=chapter_id))
