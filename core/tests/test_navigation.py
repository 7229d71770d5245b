"""The service navigation, rendered once per role and kept (``vrp_navigation``): each role still sees its own
links, whichever role's page was rendered first."""

import pytest
from django.test import Client

from core.models import Organisation, User

pytestmark = pytest.mark.django_db


def links(client: Client) -> str:
    page = client.get("/evidence/").content.decode()
    return page[page.index('govuk-service-navigation__list'):page.index("</ul></nav>")]


def test_each_role_sees_its_own_section_links_whoever_came_first() -> None:
    org = Organisation.objects.create(name="Council", kind="local_authority", area_codes=["E08000026"])
    partner = Client()
    partner.force_login(User.objects.create_user("p", password="a-long-password-1", role="partner",
                                                 organisation=org))
    analyst = Client()
    analyst.force_login(User.objects.create_user("a", password="a-long-password-1", role="analyst"))
    for _ in range(2):  # the second time from what was kept
        anonymous = links(Client())
        assert "/incidents/" not in anonymous and "Our strategy" in anonymous and "Analyst figures" not in anonymous
        seen = links(partner)
        assert "/incidents/" in seen and "Training and events" in seen and "Analyst figures" not in seen
        assert "Analyst figures" in links(analyst)
