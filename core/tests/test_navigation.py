"""Every page a role may use is reachable from the home page within three clicks, following the links the
pages themselves show to that role (navigation, footer and in-page links), never a typed address.

"Pages" are the platform's HTML pages that need no identifier in their address (a record's own page is reached
from its list): every URL pattern without parameters and without a data extension, whose declared roles
(``core.access``) include the role. Data endpoints (.json, .geojson, the Open Referral UK API) are excluded.
"""

import re
from collections import deque

import pytest
from django.test import Client

from core.access import declared_roles
from core.models import Organisation, User
from core.roles import Role
from core.testing.urls import platform_views

pytestmark = pytest.mark.django_db

HREF = re.compile(r'<a\b[^>]*\bhref="([^"#]*)(?:#[^"]*)?"')
CLICKS = 3


def pages_for(role: Role) -> set[str]:
    """The parameterless HTML pages ``role`` may use, as paths."""
    found = set()
    for route, pattern in platform_views():
        if "<" in route or route.startswith("openreferral/") or re.search(r"\.(json|geojson|csv|xlsx)$", route):
            continue
        if role in (declared_roles(pattern.callback) or ()):
            found.add("/" + route)
    if role is not Role.PUBLIC:
        # Resetting a forgotten password is for someone signed out (the sign-in page links to it).
        found.discard("/accounts/password/reset/")
    return found


def reachable(client: Client, clicks: int = CLICKS) -> dict[str, int]:
    """Paths reached from "/" by following links, with the fewest clicks each took (breadth first)."""
    seen = {"/": 0}
    queue = deque(["/"])
    while queue:
        path = queue.popleft()
        if seen[path] >= clicks:
            continue
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for href in HREF.findall(response.content.decode()):
            target = href.replace("&amp;", "&").split("?")[0]
            if not target.startswith("/") or target.startswith("//") or target.startswith("/static/"):
                continue
            if target not in seen:
                seen[target] = seen[path] + 1
                queue.append(target)
    return seen


@pytest.mark.parametrize("role", list(Role))
def test_every_page_a_role_may_use_is_within_three_clicks_of_home(role: Role, client: Client) -> None:
    if role is not Role.PUBLIC:
        organisation = Organisation.objects.create(name="Example", kind="local_authority", area_codes=["E08000025"])
        client.force_login(User.objects.create_user(f"walker-{role.value}", password="a-long-password-1",
                                                    role=role.value, organisation=organisation))
    found = reachable(client)
    missing = sorted(pages_for(role) - set(found))
    assert pages_for(role) and missing == [], f"{role.value} cannot reach {missing}"
