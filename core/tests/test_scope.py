"""Providers and partners see only their own organisation and area.

Two organisations, Alpha and Bravo, each with a provider and a partner, each with an unpublished project, a
monitoring return, an incident they alone are invited to and an action of their own, an event and a training
session with a professional and young people counted; every text of Bravo's
carries a marker. Every route of the URL map (from the resolver, so a new one cannot be missed) is requested
by Alpha's users with Bravo's objects in the URL: no page, CSV, JSON, GeoJSON or API response may hold
Bravo's marker. Bravo's own users see it on the pages that are theirs, which shows the marker is findable.
"""

from datetime import UTC, date, datetime

import pytest

from commissioning.tests.factories import project
from core.access import declared_roles
from core.models import Organisation, User
from core.roles import Role
from core.tests.test_access import concrete, platform_views
from incidents.models import Incident
from incidents.services.response import add_action, invite, record_incident
from monitoring.services.returns import ReturnFigures, save_return

pytestmark = pytest.mark.django_db

MARKER = {"alpha": "Alphascope", "bravo": "Bravoscope"}
#: A session's and an event's pages (and what providers and partners do with them).
ENGAGEMENT_ROUTES = ("engagement/sessions/<int:session_id>/", "engagement/sessions/<int:session_id>/edit/",
                     "engagement/sessions/<int:session_id>/professionals/",
                     "engagement/sessions/<int:session_id>/feedback/",
                     "engagement/sessions/<int:session_id>/eventbrite/", "engagement/events/<int:event_id>/")
AREA = {"alpha": "E08900001", "bravo": "E08900002"}


def _organisation_world(name: str) -> dict:
    org = Organisation.objects.create(name=f"{name.title()} Trust", kind="local_authority", area_codes=[AREA[name]])
    marker = MARKER[name]
    users = {role: User.objects.create_user(f"{name}-{role.value}", password="a-long-password-1", role=role.value,
                                            organisation=org) for role in (Role.PROVIDER, Role.PARTNER)}
    theirs = project(f"P-{name.upper()}", provider=org, title=f"{marker} project", is_published=False,
                     area_codes=[AREA[name]], description=f"{marker} mentoring.")
    save_return("test", theirs, date(2024, 4, 1), ReturnFigures(reach={("10_17", "female", "new"): 12},
                                                                  provider_notes=f"{marker} notes"))
    incident = record_incident("test", Incident(occurred_at=datetime(2026, 1, 5, 20, tzinfo=UTC),
                                                incident_type="assault", severity="serious",
                                                summary=f"{marker} incident."))
    invite("test", incident, org)
    action = add_action("test", incident, f"{marker} action", org, datetime(2026, 1, 6, 9, tzinfo=UTC))
    happening, training = _engagement(name, org, marker)
    return {"users": users, "arguments": {
        "<slug:identifier>": theirs.identifier, "<str:period>": "2024-04-01",
        "<slug:reference>": incident.reference, "<int:action_id>": str(action.pk),
        "<int:session_id>": str(training.pk), "<int:event_id>": str(happening.pk)}}


def _engagement(name: str, org: Organisation, marker: str) -> tuple:
    """An event of the organisation's and a session it delivered, with a professional, all carrying the marker."""
    from django.utils import timezone

    from engagement.services.sessions import Professional
    from engagement.tests.factories import event, session

    happening = event(code=f"{name}-festival", org=org, title=f"{marker} festival")
    training = session(timezone.localdate(), [Professional(name=f"{marker} Person", email=f"{name}@example.org",
                                                           organisation=f"{marker} School", sector="education")],
                       {("young_people", "10_17", "male"): 11}, org=org, venue=f"{marker} hall")
    return happening, training


@pytest.fixture
def worlds() -> dict[str, dict]:
    return {name: _organisation_world(name) for name in MARKER}


def _bodies(client, user: User, arguments: dict[str, str]) -> dict[str, tuple[int, str]]:
    """Route → (status, body) for every route the user's role may use, with ``arguments`` in the URL."""
    client.force_login(user)
    seen = {}
    for route, pattern in platform_views():
        if Role(user.role) not in declared_roles(pattern.callback):
            continue
        response = client.get(concrete(route, arguments))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        seen[route] = (response.status_code, body.decode("utf-8", errors="replace"))
    return seen


def test_no_route_shows_one_organisation_the_other_organisations_objects(client, worlds) -> None:
    bravo_marker = MARKER["bravo"]
    bravo = worlds["bravo"]["arguments"]
    # Bravo's texts, its incident's reference and its project's identifier.
    giveaways = (bravo_marker, bravo["<slug:reference>"], bravo["<slug:identifier>"])
    for role, user in worlds["alpha"]["users"].items():
        for route, (status, body) in _bodies(client, user, bravo).items():
            assert status < 500, (role, route, status)
            assert not [g for g in giveaways if g in body], (role, route, status)
    # The marker is there to be found: Bravo's own users see it on their own project's, return's, incident's
    # and action's pages.
    shown_to_bravo = {
        route for user in worlds["bravo"]["users"].values()
        for route, (status, body) in _bodies(client, user, worlds["bravo"]["arguments"]).items()
        if status == 200 and bravo_marker in body}
    assert bravo["<slug:reference>"] in _bodies(client, worlds["bravo"]["users"][Role.PARTNER], bravo)["incidents/"][1]
    assert {"monitoring/", "monitoring/projects/<slug:identifier>/",
            "monitoring/projects/<slug:identifier>/returns/<str:period>/", "incidents/<slug:reference>/",
            "incidents/<slug:reference>/actions/<int:action_id>/", "engagement/sessions/<int:session_id>/",
            "engagement/sessions/<int:session_id>/professionals/", "engagement/events/",
            "engagement/events/<int:event_id>/"} <= shown_to_bravo


def test_other_organisations_objects_are_not_found_rather_than_forbidden(client, worlds) -> None:
    """Asking for another organisation's object answers 404, which does not even confirm it exists."""
    bravo = worlds["bravo"]["arguments"]
    client.force_login(worlds["alpha"]["users"][Role.PROVIDER])
    for route in ("monitoring/projects/<slug:identifier>/", "monitoring/projects/<slug:identifier>/returns/"
                  "<str:period>/", "monitoring/projects/<slug:identifier>/returns/<str:period>.csv",
                  "commissioning/projects/<slug:identifier>/", "incidents/<slug:reference>/",
                  "incidents/<slug:reference>/actions/<int:action_id>/", *ENGAGEMENT_ROUTES):
        assert client.get(concrete(route, bravo)).status_code == 404, route
    client.force_login(worlds["alpha"]["users"][Role.PARTNER])
    for route in ENGAGEMENT_ROUTES:
        assert client.get(concrete(route, bravo)).status_code == 404, route
    for route in ("incidents/<slug:reference>/", "incidents/<slug:reference>/actions/<int:action_id>/"):
        assert client.get(concrete(route, bravo)).status_code == 404, route


def test_partners_see_unsuppressed_figures_for_their_own_area_only(client, worlds, tmp_path) -> None:
    """A partner gets its own local authority's figures (and those of any LSOA in it) as analysts do, and
    any other area's as the public does."""
    from demo.region import build_demo_region
    from insights.services.figures import FigureQuery, counts

    build_demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=150, ed_per_month=10)

    def rows(user: User | None, area: str) -> list[dict]:
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(f"/insights/figures/types.json?area={area}&from=2023-01&to=2023-12")
        assert response.status_code == 200, response.content
        return response.json()["rows"]

    analyst = User.objects.create_user("analyst-scope", password="a-long-password-1", role=Role.ANALYST.value)
    partner = worlds["alpha"]["users"][Role.PARTNER]
    for name in ("alpha", "bravo"):
        lsoa = counts(FigureQuery(area=AREA[name]), ["lsoa"])[0]["lsoa"]
        unsuppressed, public = rows(analyst, lsoa), rows(None, lsoa)
        assert unsuppressed != public  # small LSOA counts: suppression changes what is shown
        assert rows(partner, lsoa) == (unsuppressed if name == "alpha" else public)
        assert rows(partner, AREA[name]) == rows(analyst if name == "alpha" else None, AREA[name])
