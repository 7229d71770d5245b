"""``{% stories_about area=... %}`` and ``{% stories_about route=... %}``: the stories a visitor may read that
mention an area (or an area within it) or draw a route, for area profiles and route pages."""

from django import template

from insights.query.figure_cache import remember
from places.stories.publishing import readable_stories, visibilities_for

register = template.Library()


@register.inclusion_tag("places/stories_about.html", takes_context=True)
def stories_about(context: template.Context, area: str | None = None, route: object = None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if route is not None:
        return {"stories": readable_stories(user).filter(chapters__routes=route).distinct().order_by("title"),
                "subject": "this route"}
    if not area:
        return {"stories": [], "subject": ""}
    # Every area profile asks: kept with the figures, per state of the data and the visibilities the viewer
    # may read.
    visible = tuple(str(v) for v in visibilities_for(user))
    found = remember("stories about area", (area, visible), lambda: [
        {"slug": slug, "title": title} for slug, title in readable_stories(user).filter(areas__area_code=area)
        .distinct().order_by("title").values_list("slug", "title")], shared=True)
    return {"stories": found, "subject": "this area"}
