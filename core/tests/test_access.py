"""Deny by default: walk the whole URL map; every view declares roles; each role gets what it declared."""

import pytest

from core.access import declared_roles
from core.models import Organisation, User
from core.roles import Role
from core.testing.urls import concrete, platform_views

pytestmark = pytest.mark.django_db


def test_every_platform_view_declares_its_roles() -> None:
    undeclared = [route for route, p in platform_views() if declared_roles(p.callback) is None]
    assert platform_views() and undeclared == []


@pytest.fixture
def users() -> dict[Role, User]:
    org = Organisation.objects.create(name="Test LA", kind="local_authority", area_codes=["E08000025"])
    found = {}
    for role in Role:
        if role is Role.PUBLIC:
            continue
        found[role] = User.objects.create_user(f"user-{role.value}", password="a-long-password-1",
                                               role=role.value, organisation=org)
    # The example project every <identifier> route is walked with; the provider's own organisation delivers it.
    from core.testing.factories import project

    project("P-1", provider=org)
    return found


@pytest.fixture
def example_objects(users) -> dict[str, str]:
    """Objects behind the other routes: a published public evidence item with an attachment, an incident
    the users' organisation is invited to, with an action of theirs, and a session and event of theirs."""
    from datetime import UTC, datetime

    from core.testing.documents import pdf_with_text
    from evidence.models import EvidenceItem
    from evidence.services.items import add_attachment, save_item
    from incidents.models import Incident
    from incidents.services.response import add_action, invite, record_incident

    item = save_item("test", EvidenceItem(title="Example", summary="s", kind="toolkit", status="published"))
    attachment = add_attachment("test", item, "example.pdf", pdf_with_text("example"))
    org = users[Role.PARTNER].organisation
    incident = record_incident("test", Incident(occurred_at=datetime(2026, 1, 5, 20, tzinfo=UTC),
                                                incident_type="assault", severity="serious", summary="Example."))
    invite("test", incident, org)
    action = add_action("test", incident, "Example action", org, datetime(2026, 1, 6, 9, tzinfo=UTC))
    from django.utils import timezone

    from reports.models import ReportJob
    from reports.services.jobs import job_folder

    job = ReportJob.objects.create(kind="sna", year=2024, status="done", files=["report.html"],
                                   published_at=timezone.now())
    job_folder(job).mkdir(parents=True)
    (job_folder(job) / "report.html").write_text("<p>report</p>")
    from datetime import date

    from places.models import Chapter, PreventionPlan, Route, School

    school = School.objects.create(urn=100001, name="Example School", latitude=52.48, longitude=-1.89)
    plan = PreventionPlan.objects.create(school=school, academic_year=2025)
    route = Route.objects.create(name="Example route", start_date=date(2024, 9, 1), line_geojson=(
        '{"type": "LineString", "coordinates": [[-1.89, 52.48], [-1.88, 52.481]]}'))
    from core.testing.engagement import event, session
    from engagement.models import Network, NetworkMembership
    from places.stories import services as stories

    training = session(date(2025, 5, 1), org=org)
    network = Network.objects.create(name="Example network", kind="local_stakeholder")
    membership = NetworkMembership.objects.create(network=network, kind="person", name="Example member",
                                                  joined_on=date(2025, 4, 1))
    engagement = {"<int:session_id>": str(training.pk), "<int:event_id>": str(event(org=org).pk),
                  "<int:network_id>": str(network.pk), "<int:membership_id>": str(membership.pk),
                  "<slug:figure>": "training"}
    story = stories.create_story("test", "Example story")
    stories.update_story("test", story, story.title, "", "public")
    chapter = stories.save_chapter("test", story, Chapter(title="Example chapter", layer="rates"))
    service_id = str(_published_service().id)
    return {**engagement, **_strategy_objects(org),
            "<int:urn>": str(school.urn), "<int:plan_id>": str(plan.pk), "<int:route_id>": str(route.pk),
            "<slug:story>": story.slug, "<int:number>": "1", "<int:chapter_id>": str(chapter.pk),
            "<str:service_id>": service_id, "<uuid:service_id>": service_id,
            "<int:pk>": str(item.pk), "<int:attachment_id>": str(attachment.pk),
            "<slug:reference>": incident.reference, "<int:action_id>": str(action.pk),
            "<int:job_id>": str(job.pk), "<path:name>": "report.html", "<slug:source>": "ed"}


def test_each_role_reaches_exactly_the_views_it_is_allowed(client, users, example_objects) -> None:
    for route, pattern in platform_views():
        allowed = declared_roles(pattern.callback)
        url = concrete(route, example_objects)
        for role in Role:
            client.logout()
            if role is not Role.PUBLIC:
                client.force_login(users[role])
            status = client.get(url).status_code
            if role in allowed:
                assert status in (200, 400), (url, role, status)
            else:
                expected = (302,) if role is Role.PUBLIC else (403,)
                assert status in expected, (url, role, status)


def _strategy_objects(org) -> dict[str, str]:
    """A strategy with a priority and a commitment of the users' organisation with a measure, a board meeting
    with an action of theirs, and a consultation."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from strategy.models import Board, Consultation, Measure, Strategy
    from strategy.services import plan

    strategy = plan.save_strategy("test", Strategy(year=2025, title="Example strategy", is_published=True))
    priority = plan.add_priority("test", strategy, "Example priority")
    commitment = plan.add_commitment("test", priority, "Example commitment", org, date(2026, 3, 31))
    measure = plan.add_measure("test", commitment, Measure(
        figure="reach_under_25", baseline_from="2024-04", baseline_to="2025-03", period_from="2025-04",
        period_to="2026-03", target=Decimal("100"), direction="up"))
    board = plan.save_board("test", Board(name="Example board"), [org])
    meeting = plan.record_meeting("test", board, date(2025, 6, 1), attendance={org: 2})
    action = plan.add_board_action("test", meeting, "Example board action", org, datetime(2025, 7, 1, tzinfo=UTC))
    consultation = plan.save_consultation("test", Consultation(name="Example assembly", held_on=date(2025, 5, 1),
                                                                participants={"10_17": 30}))
    return {"<int:year>": str(strategy.year), "<int:priority_id>": str(priority.pk),
            "<int:commitment_id>": str(commitment.pk), "<int:measure_id>": str(measure.pk),
            "<int:board_id>": str(board.pk),
            "<int:meeting_id>": str(meeting.pk), "<int:board_action_id>": str(action.pk),
            "<int:consultation_id>": str(consultation.pk)}


def _published_service():
    from places.models import DirectoryOrganisation, Service

    organisation = DirectoryOrganisation.objects.create(name="Youth club", description="Evenings.")
    return Service.objects.create(organisation=organisation, name="Friday club", description="Games.",
                                  moderation=Service.Moderation.PUBLISHED)


def test_undeclared_view_is_refused(rf) -> None:
    from django.http import HttpResponse

    from core.access import DenyByDefaultMiddleware

    def naked(request):
        return HttpResponse("secret")

    request = rf.get("/x")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    middleware = DenyByDefaultMiddleware(lambda r: HttpResponse())
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        middleware.process_view(request, naked, (), {})


def test_admin_admits_staff_only(client, users) -> None:
    client.force_login(users[Role.ANALYST])
    assert client.get("/admin/").status_code == 302
    admin = users[Role.ADMINISTRATOR]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/").status_code == 200


def test_stylesheet_is_served_without_collectstatic(client) -> None:
    """`make run` serves the pages styled: WhiteNoise finds static files in place."""
    from django.contrib.staticfiles import finders

    assert finders.find("css/vrp.css")
    response = client.get("/")
    assert response.status_code == 200 and b"/static/css/vrp.css" in response.content
    assert client.get("/static/css/vrp.css").status_code == 200
