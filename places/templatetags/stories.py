"""``{% stories_about area=... %}`` and ``{% stories_about route=... %}``: the stories a visitor may read that
mention an area (or an area within it) or draw a route, for area profiles and route pages."""

from django import template

from places.stories.publishing import readable_stories

register = template.Library()


@register.inclusion_tag("places/stories_about.html", takes_context=True)
def stories_about(context: template.Context, area: str | None = None, route: object = None) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    stories = readable_stories(user)
    if route is not None:
        stories, subject = stories.filter(chapters__routes=route), "this route"
    elif area:
        stories, subject = stories.filter(areas__area_code=area), "this area"
    else:
        stories, subject = stories.none(), ""
    return {"stories": stories.distinct().order_by("title"), "subject": subject}
