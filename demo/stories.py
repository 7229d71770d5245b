"""The demo's story map: where the Step Together routes go, and why.

Everything in it is derived from what the demo loaded (its routes, the areas they cross, the region's local
authorities), not from fixed codes, so it follows the demo region wherever it is built. The routes story is
published to partners: route lines are not public (see ``places.stories.publishing``). A second story, of
police.uk open data only and with no routes, is published to the public through the same gate.
"""

from places.models import Route
from places.stories import services
from places.stories.mapview import area_labels, lsoas_crossed
from places.stories.models import Chapter, Story

TITLE = "Where the Step Together routes go, and why"
SLUG = "where-the-step-together-routes-go-and-why"  # the address create_story gives the title
PUBLIC_TITLE = "Violence in the region: where it concentrates"
PUBLIC_SLUG = "violence-in-the-region-where-it-concentrates"
VIOLENCE = "Violence and sexual offences"


def _names(codes: list[str]) -> str:
    labels = area_labels(codes)
    return ", ".join(labels[c] for c in codes)


def add_story(actor: str = "demo") -> Story | None:
    """Write and publish (to partners) the demo's story; None when the demo has no chaperoned route, and the
    story as it stands when it exists already (running the demo again changes nothing)."""
    existing = Story.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    chaperoned = list(Route.objects.filter(is_comparison=False))
    comparisons = list(Route.objects.filter(is_comparison=True))
    if not chaperoned:
        return None
    from insights.query.areas import local_authority_of

    crossed = sorted({code for route in chaperoned for code in lsoas_crossed(route)})
    compared = sorted({code for route in comparisons for code in lsoas_crossed(route)})
    home = sorted({lad for lad in (local_authority_of(c) for c in crossed) if lad})
    schools = sorted({r.school.name for r in chaperoned if r.school})
    story = services.create_story(actor, TITLE, "Why chaperoned walking routes run where they do: violence in the "
                                                "region, where it concentrates, and the streets children walk.")
    chapters = [
        (Chapter(title="Violence across the region", layer=Chapter.Layer.RATES, level=Chapter.Level.LAD,
                 crime_type=VIOLENCE, body=(
                     "Police recorded violence and sexual offences per 1,000 residents, by local authority, over "
                     "the latest twelve months of data. Rates differ several-fold between local authorities, and "
                     "within each of them violence is more concentrated still.")), []),
        (Chapter(title="Where it concentrates", layer=Chapter.Layer.HOTSPOTS, crime_type=VIOLENCE,
                 extent_area=home[0] if home else "", body=(
                     f"Hot spots are neighbourhoods (LSOAs) whose rate, with their neighbours', is higher than "
                     f"chance would give (Getis-Ord Gi*, false discovery rate 5%). The routes run in "
                     f"{_names(home) or 'the region'}: the route planning page ranks every secondary school by "
                     "the violence, robbery and weapons offences recorded near it (in its own neighbourhood "
                     "where police data are counts by area, which have no points), and routes start at schools "
                     "near the top of that list.")), []),
        (Chapter(title="The routes", layer=Chapter.Layer.RATES, level=Chapter.Level.LSOA, crime_type=VIOLENCE,
                 filter_area=home[0] if home else "", highlight_codes=crossed, body=(
                     f"{len(chaperoned)} chaperoned route{'s' if len(chaperoned) != 1 else ''} "
                     f"({', '.join(r.name for r in chaperoned)}) walk pupils from "
                     f"{', '.join(schools) or 'school'} after school, through {len(crossed)} neighbourhood"
                     f"{'s' if len(crossed) != 1 else ''} (outlined), at the hour children walk home. The map "
                     "shows each neighbourhood's rate of violence, so the streets a route covers can be read "
                     "against those it does not.")),
         chaperoned),
    ]
    if comparisons:
        chapters.append((Chapter(
            title="How we will know if they work", layer=Chapter.Layer.RATES, level=Chapter.Level.LSOA,
            crime_type=VIOLENCE, filter_area=home[0] if home else "", highlight_codes=compared, body=(
                f"{len(comparisons)} comparison route{'s' if len(comparisons) != 1 else ''} with no chaperones "
                "(outlined) are counted the same way. The route pages compare crime near each route before and "
                "after it started with the change near the comparison routes (a difference in differences).")),
            comparisons))
    for chapter, routes in chapters:
        services.save_chapter(actor, story, chapter, routes)
    return services.update_story(actor, story, story.title, story.summary, Story.Visibility.PARTNERS)


def add_public_story(actor: str = "demo") -> Story:
    """Write the demo's public story (police.uk open data, no routes) and publish it to the public through
    ``places.stories.publishing``'s check (``update_story`` refuses anything the public may not see); the story
    as it stands when it exists already."""
    existing = Story.objects.filter(slug=PUBLIC_SLUG).first()
    if existing is not None:
        return existing
    from core.region import current_region

    region = current_region()
    lads = sorted(region.lad_codes) if region and region.lad_codes else []
    story = services.create_story(actor, PUBLIC_TITLE, "Police recorded violence across the region's local "
                                                       "authorities, and the neighbourhoods where it concentrates.")
    chapters = [
        Chapter(title="Violence across the region", layer=Chapter.Layer.RATES, level=Chapter.Level.LAD,
                crime_type=VIOLENCE, body=(
                    "Police recorded violence and sexual offences per 1,000 residents, by local authority, over the "
                    "latest twelve months of police.uk data. Rates differ several-fold between local authorities.")),
        Chapter(title="Where it concentrates", layer=Chapter.Layer.HOTSPOTS, crime_type=VIOLENCE,
                extent_area=lads[0] if lads else "", body=(
                    "Hot spots are neighbourhoods (LSOAs) whose rate, with their neighbours', is higher than chance "
                    f"would give (Getis-Ord Gi*, false discovery rate 5%), here in {_names(lads[:1]) or 'the region'}"
                    ". Violence concentrates in a few neighbourhoods; that is where prevention starts.")),
    ]
    for chapter in chapters:
        services.save_chapter(actor, story, chapter, [])
    return services.update_story(actor, story, story.title, story.summary, Story.Visibility.PUBLIC)
