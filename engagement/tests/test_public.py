"""Training figures are controlled: no public route shows them unsuppressed (they reach the public only through
the public release: ``engagement/tests/test_release.py``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.access import declared_roles
from core.roles import Role
from core.testing.engagement import event, person, session
from core.testing.urls import concrete, platform_views

pytestmark = pytest.mark.django_db


def test_no_route_open_to_the_public_shows_a_training_figure(client) -> None:
    day = timezone.localdate() - timedelta(days=3)
    # Distinctive figures: 4,321 young people's attendances, 2,468 by other adults, 13 professionals.
    session(day, [person(n) for n in range(13)], {("young_people", "10_17", "female"): 4321,
                                                  ("community", "25_plus", "male"): 2468},
            event=event(title="Publicityscope Festival"), course=None)
    giveaways = ("4321", "4,321", "2468", "2,468", "6802", "6,802", "Publicityscope")
    public = [route for route, pattern in platform_views() if Role.PUBLIC in declared_roles(pattern.callback)]
    assert public and not [route for route in public if route.startswith("engagement/")]
    for route in public:
        response = client.get(concrete(route))
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode("utf-8", errors="replace")
        assert not [g for g in giveaways if g in text], route
    for route in ("/engagement/", "/engagement/figures/", "/engagement/figures/training.json",
                  "/engagement/sessions.csv"):
        assert client.get(route).status_code == 302, route
