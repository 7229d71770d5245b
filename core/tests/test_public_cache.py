"""The public page cache: anonymous public pages are kept until the data changes, and nothing else is."""

import pytest
from django.core.management import call_command

from core.public_cache import data_version
from core.roles import Role
from core.testing.factories import project, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_on(settings):
    settings.VRP_PUBLIC_CACHE_SECONDS = 300


def _titles(client, path: str = "/commissioning/projects.json") -> tuple[list[str], str]:
    response = client.get(path)
    assert response.status_code == 200
    return [row["title"] for row in response.json()["rows"]], response.get("X-VRP-Cache", "miss")


def test_a_second_anonymous_request_is_served_from_the_cache(client, cache_on) -> None:
    project("P-1", title="First")
    assert _titles(client) == (["First"], "miss")
    assert _titles(client) == (["First"], "hit")
    assert client.get("/commissioning/projects.json?q=First").get("X-VRP-Cache") is None  # its own entry


def test_a_write_through_the_site_retires_cached_pages_at_once(client, cache_on) -> None:
    project("P-1", title="First")
    _titles(client)
    commissioner = user(Role.COMMISSIONER)
    writer = client.__class__()
    writer.force_login(commissioner)
    before = data_version()
    response = writer.post("/commissioning/manage/funders/new/", {"name": "Another funder"})
    assert response.status_code in (200, 302)
    assert data_version() != before
    project("P-2", title="Second")  # (the page must come from the data, not the earlier cache)
    assert _titles(client) == (["First", "Second"], "miss")


def test_a_rejected_write_and_a_read_leave_the_version_alone(client, cache_on) -> None:
    commissioner = user(Role.COMMISSIONER)
    client.force_login(commissioner)
    before = data_version()
    assert client.post("/commissioning/manage/funders/new/", {"name": ""}).status_code == 400
    client.get("/commissioning/")
    assert data_version() == before


def test_a_management_command_retires_cached_pages(client, cache_on, tmp_path) -> None:
    project("P-1", title="First")
    _titles(client)
    before = data_version()
    call_command("commissioning", "export-360giving", "--out", str(tmp_path / "grants.json"))
    assert data_version() != before
    assert _titles(client)[1] == "miss"


def test_signed_in_users_and_restricted_views_are_never_cached(client, cache_on) -> None:
    project("P-1", title="First")
    client.force_login(user(Role.COMMISSIONER))
    client.get("/commissioning/projects.json")
    assert client.get("/commissioning/projects.json").get("X-VRP-Cache") is None
    assert client.get("/commissioning/manage/").get("X-VRP-Cache") is None


def test_the_cache_can_be_switched_off(client, settings) -> None:
    settings.VRP_PUBLIC_CACHE_SECONDS = 0
    project("P-1", title="First")
    _titles(client)
    assert _titles(client)[1] == "miss"


def test_a_failed_or_successful_sign_in_leaves_the_version_alone(client, cache_on) -> None:
    """Signing in writes sessions and counters, not data: a stream of failed sign-ins cannot empty the cache."""
    user(Role.ANALYST, None, "analyst-cache")
    project("P-1", title="First")
    _titles(client)
    before = data_version()
    for _ in range(3):
        assert client.post("/accounts/login/", {"username": "analyst-cache", "password": "wrong"}).status_code == 200
    assert data_version() == before
    assert _titles(client.__class__()) == (["First"], "hit")
    assert client.post("/accounts/login/", {"username": "analyst-cache",
                                            "password": "a-long-password-1"}).status_code == 302
    assert data_version() == before


def test_an_unknown_session_cookie_is_anonymous(client, cache_on) -> None:
    """A made-up or expired session cookie gets the cached anonymous page, with no cookie set."""
    project("P-1", title="First")
    _titles(client)
    stranger = client.__class__()
    stranger.cookies["sessionid"] = "x"
    response = stranger.get("/commissioning/projects.json")
    assert response.get("X-VRP-Cache") == "hit" and not response.cookies
    stranger.cookies["sessionid"] = "made-up-but-well-formed-0123456789abcdef"
    assert stranger.get("/commissioning/projects.json?q=First").get("X-VRP-Cache") is None  # first: stored
    assert stranger.get("/commissioning/projects.json?q=First").get("X-VRP-Cache") == "hit"


def test_only_statements_that_write_data_count_as_a_change() -> None:
    from core.public_cache import changes_data

    assert changes_data('INSERT INTO "places_service" ("id") VALUES (%s)')
    assert changes_data('UPDATE "commissioning_project" SET "title" = %s')
    assert changes_data('DELETE FROM "places_schedule" WHERE "id" IN (%s)')
    assert not changes_data('SELECT * FROM "places_service"')
    assert not changes_data('UPDATE "django_session" SET "session_data" = %s')
    assert not changes_data('INSERT INTO "core_auditentry" ("at") VALUES (%s)')
    assert not changes_data('UPDATE "core_user" SET "last_login" = %s WHERE "id" = %s')


def test_a_made_up_parameter_finds_the_cached_page_of_a_view_that_declares_its_parameters(client,
                                                                                          cache_on) -> None:
    """A view declaring the parameters it reads is cached on those alone: ``?r=<random>`` cannot make it
    compute the page again. A view that declares none keys on the whole address (its links repeat the query)."""
    first = client.get("/places/stories/")
    assert first.status_code == 200 and first.get("X-VRP-Cache") is None
    for address in ("/places/stories/?r=1", "/places/stories/?r=2&r=3&utm_source=x"):
        again = client.get(address)
        assert again.get("X-VRP-Cache") == "hit" and again.content == first.content
    project("P-1", title="First")
    assert _titles(client)[1] == "miss"
    assert _titles(client, "/commissioning/projects.json?r=1")[1] == "miss"  # undeclared: its own entry


def test_declared_parameters_key_the_page_whatever_their_order_and_others_do_not() -> None:
    from django.test import RequestFactory
    from django.urls import resolve

    from core.public_cache import _key

    view = resolve("/places/schools/100000/").func
    assert view.public_params == ("radius",)
    factory = RequestFactory()

    def key(address: str) -> str:
        return _key(factory.get(address), view)

    assert key("/places/schools/100000/?radius=800") == key("/places/schools/100000/?r=9&radius=800")
    assert key("/places/schools/100000/?radius=800") != key("/places/schools/100000/?radius=900")
    assert key("/places/schools/100000/") == key("/places/schools/100000/?made=up")
    assert key("/places/schools/100000/") != key("/places/schools/100001/")


def test_a_view_that_declares_its_parameters_reads_no_others() -> None:
    """The declaration is a promise the cache relies on: each such view's own code reads the query string only
    through ``request.GET.get`` of a declared name, and hands the request only to helpers known not to read it
    (``_radius`` reads ``radius``)."""
    import ast
    import inspect

    from django.urls import URLPattern, URLResolver, get_resolver

    def views(resolver):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from views(pattern)
            elif isinstance(pattern, URLPattern) and getattr(pattern.callback, "public_params", None) is not None:
                yield pattern.callback

    readers = {"_radius": {"radius"}}
    harmless = {"render", "_readable", "_visible", "refuse", "error_response", "table_response"}
    checked = 0
    for view in set(views(get_resolver())):
        declared = set(view.public_params)
        tree = ast.parse(inspect.getsource(inspect.unwrap(view)).lstrip())
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "GET":
                raise AssertionError(f"{view.__name__} reads request.GET itself; declare what it reads there")
            if isinstance(node, ast.Call) and any(isinstance(a, ast.Name) and a.id == "request" for a in node.args):
                name = ast.unparse(node.func)
                assert name in harmless or readers.get(name, {"?"}) <= declared, (view.__name__, name)
        checked += 1
    assert checked >= 10
