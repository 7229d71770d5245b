"""Providers and partners see only their own organisation and area.

Two organisations, Alpha and Bravo, each with a provider and a partner, each with an unpublished project, a
monitoring return, an incident they alone are invited to and an action of their own, a strategy commitment and
a board action of their own (at a meeting both attend), an event and a training session with a professional and
young people counted; every text of Bravo's
carries a marker. Every route of the URL map (from the resolver, so a new one cannot be missed) is requested
by Alpha's users with Bravo's objects in the URL: no page, CSV, JSON, GeoJSON or API response may hold
Bravo's marker. Bravo's own users see it on the pages that are theirs, which shows the marker is findable.

Both are also invited to one shared incident, where each has an action, notes on it ("Bravoscope ONLY: two
arrests made") and an update kept to its own organisation: on that incident's page, its timeline, the list
and in every email, each sees only its own and the incident-wide entries.
"""

from datetime import UTC, date, datetime

import pytest
from django.core import mail

from core.access import declared_roles
from core.models import Organisation, User
from core.roles import Role
from core.testing.factories import project
from core.testing.urls import concrete, platform_views
from incidents.models import Incident
from incidents.services.response import add_action, add_note, invite, record_incident, update_action
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
                                            organisation=org, email=f"{name}-{role.value}@example.org")
             for role in (Role.PROVIDER, Role.PARTNER)}
    # A member of the organisation whose role does not see incidents (they are never emailed about one).
    User.objects.create_user(f"{name}-analyst", password="a-long-password-1", role=Role.ANALYST.value,
                             organisation=org, email=f"{name}-analyst@example.org")
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
    return {"users": users, "organisation": org, "arguments": {
        "<slug:identifier>": theirs.identifier, "<str:period>": "2024-04-01",
        "<slug:reference>": incident.reference, "<int:action_id>": str(action.pk), **_strategy_world(org, marker),
        "<int:session_id>": str(training.pk), "<int:event_id>": str(happening.pk)}}


def _strategy_world(org: Organisation, marker: str) -> dict[str, str]:
    """The organisation's own commitment (with a measure and an update) and board action, under a strategy and
    a meeting both organisations share."""
    from decimal import Decimal

    from strategy.models import Board, Measure, Meeting, Priority, Strategy
    from strategy.services import plan

    strategy = Strategy.objects.get_or_create(year=2025, defaults={"title": "Shared strategy"})[0]
    priority = Priority.objects.get_or_create(strategy=strategy, title="Shared priority")[0]
    commitment = plan.add_commitment("test", priority, f"{marker} commitment", org, date(2026, 3, 31))
    measure = plan.add_measure("test", commitment, Measure(
        figure="violence", baseline_from="2024-04", baseline_to="2025-03", period_from="2025-04", period_to="2026-03",
        target=Decimal(10), direction="down"))
    Board.objects.get_or_create(name="Shared board")
    meeting = Meeting.objects.get_or_create(board=Board.objects.get(name="Shared board"), held_on=date(2025, 6, 1))[0]
    board_action = plan.add_board_action("test", meeting, f"{marker} board action", org,
                                         datetime(2025, 7, 1, tzinfo=UTC))
    return {"<int:year>": "2025", "<int:commitment_id>": str(commitment.pk), "<int:meeting_id>": str(meeting.pk),
            "<int:board_action_id>": str(board_action.pk), "<int:measure_id>": str(measure.pk)}


def _engagement(name: str, org: Organisation, marker: str) -> tuple:
    """An event of the organisation's and a session it delivered, with a professional, all carrying the marker."""
    from django.utils import timezone

    from core.testing.engagement import event, session
    from engagement.services.sessions import Professional

    happening = event(code=f"{name}-festival", org=org, title=f"{marker} festival")
    training = session(timezone.localdate(), [Professional(name=f"{marker} Person", email=f"{name}@example.org",
                                                           organisation=f"{marker} School", sector="education")],
                       {("young_people", "10_17", "male"): 11}, org=org, venue=f"{marker} hall")
    return happening, training


@pytest.fixture
def worlds(django_capture_on_commit_callbacks) -> dict[str, dict]:
    with django_capture_on_commit_callbacks(execute=True):  # (the emails are sent on commit)
        found = {name: _organisation_world(name) for name in MARKER}
        coordinator = User.objects.create_user("coordinator-scope", password="a-long-password-1",
                                               role=Role.INCIDENT_COORDINATOR.value)
        shared = record_incident(coordinator, Incident(occurred_at=datetime(2026, 2, 1, 18, tzinfo=UTC),
                                                       incident_type="stabbing", severity="serious",
                                                       summary="Shared incident near a school."))
        for world in found.values():
            invite(coordinator, shared, world["organisation"])
        for name, world in found.items():
            action = add_action(coordinator, shared, f"{MARKER[name]} shared action", world["organisation"],
                                datetime(2026, 2, 2, 9, tzinfo=UTC))
            partner = world["users"][Role.PARTNER]
            update_action(partner, action, {"status": "in_progress", "notes": f"{MARKER[name]} ONLY: two arrests made"})
            add_note(partner, shared, "update", f"{MARKER[name]} private update", audience="organisation")
            world["shared"] = {"<slug:reference>": shared.reference, "<int:action_id>": str(action.pk)}
        add_note(coordinator, shared, "meeting", "Partnership meeting held: everyone sees this.")
    return found


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
        # The incident both are invited to, with Bravo's action on it: Alpha sees the incident, not Bravo's work.
        for route, (status, body) in _bodies(client, user, {**bravo, **worlds["bravo"]["shared"]}).items():
            assert status < 500, (role, route, status)
            assert bravo_marker not in body, (role, route, status)
    # The marker is there to be found: Bravo's own users see it on their own project's, return's, incident's
    # and action's pages.
    shown_to_bravo = {
        route for user in worlds["bravo"]["users"].values()
        for route, (status, body) in _bodies(client, user, worlds["bravo"]["arguments"]).items()
        if status == 200 and bravo_marker in body}
    assert bravo["<slug:reference>"] in _bodies(client, worlds["bravo"]["users"][Role.PARTNER], bravo)["incidents/"][1]
    shared_page = _bodies(client, worlds["bravo"]["users"][Role.PARTNER], worlds["bravo"]["shared"])[
        "incidents/<slug:reference>/"][1]
    assert f"{bravo_marker} ONLY: two arrests made" in shared_page and f"{bravo_marker} private update" in shared_page
    alpha_page = _bodies(client, worlds["alpha"]["users"][Role.PARTNER], worlds["alpha"]["shared"])[
        "incidents/<slug:reference>/"][1]
    assert "everyone sees this" in alpha_page and f"{MARKER['alpha']} ONLY" in alpha_page
    assert {"monitoring/", "monitoring/projects/<slug:identifier>/",
            "monitoring/projects/<slug:identifier>/returns/<str:period>/", "incidents/<slug:reference>/",
            "incidents/<slug:reference>/actions/<int:action_id>/", "strategy/", "strategy/<int:year>/",
            "strategy/commitments/<int:commitment_id>/", "strategy/meetings/<int:meeting_id>/",
            "strategy/actions/<int:board_action_id>/", "engagement/sessions/<int:session_id>/",
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
    for route in ("incidents/<slug:reference>/", "incidents/<slug:reference>/actions/<int:action_id>/",
                  "strategy/commitments/<int:commitment_id>/", "strategy/actions/<int:board_action_id>/"):
        assert client.get(concrete(route, bravo)).status_code == 404, route


def test_partners_see_unsuppressed_figures_for_their_own_area_only(demo_region, client, worlds, tmp_path) -> None:
    """A partner gets its own local authority's controlled (ED) figures (and those of any LSOA in it) as analysts
    do, and any other area's as the public does: the public release, which holds no LSOA."""
    from insights.query.figures import FigureQuery, counts

    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=150, ed_per_month=10)

    def get(user: User | None, area: str):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client.get(f"/insights/figures/types.json?source=ed&area={area}&from=2023-01&to=2023-12")

    def rows(user: User | None, area: str) -> list[dict]:
        response = get(user, area)
        assert response.status_code == 200, response.content
        return response.json()["rows"]

    analyst = User.objects.create_user("analyst-scope", password="a-long-password-1", role=Role.ANALYST.value)
    partner = worlds["alpha"]["users"][Role.PARTNER]
    for name in ("alpha", "bravo"):
        lsoa = counts(FigureQuery("ed", area=AREA[name]), ["lsoa"])[0]["lsoa"]
        assert get(None, lsoa).status_code == 403  # below local authority: not in the public release
        if name == "alpha":
            assert rows(partner, lsoa) == rows(analyst, lsoa)
        else:
            assert get(partner, lsoa).status_code == 403
        assert rows(partner, AREA[name]) == rows(analyst if name == "alpha" else None, AREA[name])
        assert rows(analyst, AREA[name]) != rows(None, AREA[name])  # the release rounds and withholds


def test_emails_about_incidents_reach_only_those_who_may_see_them(worlds) -> None:
    """Each organisation's users are told of their own actions only, and a member whose role does not see
    incidents (an analyst) is never emailed about one."""
    from incidents.models import Action
    from incidents.services.response import notify_overdue

    mail.outbox.clear()  # the fixture's board actions told their owners; only incident emails are checked here
    notify_overdue(datetime(2026, 3, 1, tzinfo=UTC))
    assert mail.outbox and Action.objects.filter(overdue_notified_at__isnull=False).exists()
    for message in mail.outbox:
        for name in MARKER:
            if any(address.startswith(f"{name}-") for address in message.to):
                other = MARKER["bravo" if name == "alpha" else "alpha"]
                assert other not in message.subject + message.body, (message.to, message.subject)
        assert not [a for a in message.to if "-analyst@" in a], message.to
    assert {a for m in mail.outbox for a in m.to} >= {"alpha-partner@example.org", "bravo-partner@example.org"}
