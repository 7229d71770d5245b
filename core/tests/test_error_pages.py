"""Django's own errors (403, 404, 500, a failed CSRF check) answer in the format the path asks for, in the one
error shape: JSON on .json/.geojson and the Open Referral API, CSV on .csv, a GOV.UK page otherwise; never
Django's bare "403 Forbidden" / "Not Found" HTML. Also: a bad provision level is a 400, and table headings do
not repeat their unit."""

import csv
import io
import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.template.loader import render_to_string
from django.test import Client
from django.urls import path

from core.access import allow
from core.errors import NO_ACCESS, NOT_FOUND, SERVER_ERROR
from core.figures import Column, Table
from core.models import Organisation, User
from core.roles import EVERYONE
from vrp import urls as platform_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner_client() -> Client:
    org = Organisation.objects.create(name="Test LA", kind="local_authority", area_codes=["E08000025"])
    User.objects.create_user("partner", password="a-long-password-1", role="partner", organisation=org)
    client = Client()
    client.login(username="partner", password="a-long-password-1")
    return client


def _json_errors(response) -> list[dict]:
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)["errors"]


def _csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def _is_platform_page(response) -> bool:
    text = response.content.decode()
    return response["Content-Type"].startswith("text/html") and "govuk-template" in text and "govuk-heading-l" in text


# 403: a signed-in role without access --------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/insights/analyst/figures.json"])
def test_a_refused_role_gets_json_on_a_json_path(partner_client, path) -> None:
    response = partner_client.get(path)
    assert response.status_code == 403
    assert _json_errors(response) == [{"field": "", "message": NO_ACCESS}]


def test_a_refused_role_gets_csv_on_a_csv_path(partner_client) -> None:
    response = partner_client.get("/insights/analyst/figures.csv")
    assert response.status_code == 403
    assert _csv_rows(response) == [["field", "message"], ["", NO_ACCESS]]


@pytest.mark.parametrize("path", ["/reports/", "/places/directory/moderate/"])
def test_a_refused_role_gets_a_platform_page(partner_client, path) -> None:
    response = partner_client.get(path)
    assert response.status_code == 403
    assert _is_platform_page(response)
    text = response.content.decode()
    assert NO_ACCESS in text and "403 Forbidden" not in text
    assert "partner" in text  # the page knows who is signed in (base.html's account links)


# 404 -------------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/insights/release/nope.json", "/insights/figures/nope.json",
                                  "/insights/maps/zzz.geojson", "/openreferral/services/nope"])
def test_not_found_is_json_on_api_paths(client, path) -> None:
    response = client.get(path)
    assert response.status_code == 404
    errors = _json_errors(response)
    assert errors and all(set(e) == {"field", "message"} for e in errors)


def test_not_found_is_json_with_the_users_words(client) -> None:
    response = client.get("/no-such-page.json")
    assert response.status_code == 404
    assert _json_errors(response) == [{"field": "", "message": NOT_FOUND}]


def test_not_found_is_csv_on_a_csv_path(client) -> None:
    response = client.get("/insights/figures/nope.csv")
    assert response.status_code == 404
    assert _csv_rows(response)[0] == ["field", "message"]


def test_not_found_is_a_platform_page(client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert _is_platform_page(response)
    assert NOT_FOUND in response.content.decode()
    assert "<h1>Not Found</h1>" not in response.content.decode()


# CSRF ------------------------------------------------------------------------------------------------------------

def test_a_failed_csrf_check_on_the_api_is_json() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/openreferral/services", {"name": "x"})
    assert response.status_code == 403
    errors = _json_errors(response)
    assert len(errors) == 1 and "reload the page" in errors[0]["message"]


def test_a_failed_csrf_check_on_a_csv_path_is_csv() -> None:
    response = Client(enforce_csrf_checks=True).post("/insights/analyst/figures.csv")
    assert response.status_code == 403
    assert _csv_rows(response)[0] == ["field", "message"]


def test_a_failed_csrf_check_on_a_page_is_a_platform_page() -> None:
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 403
    assert _is_platform_page(response)
    assert "reload the page" in response.content.decode()
    assert "Your form could not be sent" in response.content.decode()
    assert "CSRF verification failed" not in response.content.decode()


# 500 -------------------------------------------------------------------------------------------------------------

@allow(EVERYONE)
def crashing_view(request, fmt: str = "html"):
    """A test-only view that fails as if the database had gone away."""
    raise OperationalError("the database went away")


# This module is also the URL map for the 500 tests: the platform's, plus the crashing view, with its handlers.
urlpatterns = [path("crash/", crashing_view), path("crash.<str:fmt>", crashing_view), *platform_urls.urlpatterns]
# (Django's defaults where the platform names none, so this test fails, rather than errors, without them.)
handler400 = platform_urls.handler400
handler403 = getattr(platform_urls, "handler403", "django.views.defaults.permission_denied")
handler404 = getattr(platform_urls, "handler404", "django.views.defaults.page_not_found")
handler500 = getattr(platform_urls, "handler500", "django.views.defaults.server_error")


@pytest.fixture
def crashing_client(client, settings) -> Client:
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    return client


def test_a_server_error_on_a_json_path_is_json(crashing_client) -> None:
    response = crashing_client.get("/crash.json")
    assert response.status_code == 500
    errors = _json_errors(response)
    assert len(errors) == 1 and "problem with the service" in errors[0]["message"]
    assert "database" not in errors[0]["message"]


def test_a_server_error_on_a_csv_path_is_csv(crashing_client) -> None:
    response = crashing_client.get("/crash.csv")
    assert response.status_code == 500
    assert _csv_rows(response) == [["field", "message"], ["", SERVER_ERROR]]


def test_a_server_error_page_needs_neither_the_database_nor_the_user(crashing_client) -> None:
    def no_database(*args, **kwargs):
        raise OperationalError("no database")

    # Every query fails while the 500 page is drawn (as when the database is what failed): the page must still
    # come, with the platform's look.
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", no_database):
        response = crashing_client.get("/crash/")
    assert response.status_code == 500
    text = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert "Sorry, there is a problem with the service" in text and "govuk-template" in text


# A bad parameter is a 400, not a 404 -------------------------------------------------------------------------------

def test_a_bad_provision_level_is_a_400_in_the_one_shape(client) -> None:
    response = client.get("/places/provision.json?level=bad")
    assert response.status_code == 400
    assert [e["field"] for e in _json_errors(response)] == ["level"]
    page = client.get("/places/provision/?level=bad")
    assert page.status_code == 400 and "govuk-error-summary" in page.content.decode()


def test_an_activity_the_directory_does_not_list_is_a_400_naming_it(client) -> None:
    response = client.get("/places/provision.json?activity=made-up")
    assert response.status_code == 400
    errors = _json_errors(response)
    assert [e["field"] for e in errors] == ["activity"] and "made-up" in errors[0]["message"]


# Table headings ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "heading"), [
    (Column("count", "Count", "count"), "Count"),
    (Column("change", "Change", "count"), "Change"),
    (Column("months_left_out", "Months left out (incomplete)", "months"), "Months left out (incomplete)"),
    (Column("months", "Months with data", "months"), "Months with data"),
    (Column("rate", "Rate", "per 1,000 residents"), "Rate (per 1,000 residents)"),
    (Column("amount", "Amount", "£"), "Amount (£)"),
    (Column("arrest_rate", "Arrest rate", "%"), "Arrest rate (%)"),
    (Column("name", "Name"), "Name"),
])
def test_a_heading_gives_its_unit_only_when_it_adds_something(column, heading) -> None:
    assert column.heading == heading


def test_the_figure_table_does_not_repeat_units() -> None:
    table = Table("t", "T", [Column("count", "Count", "count"), Column("change", "Change", "count"),
                             Column("rate", "Rate", "per 1,000 residents")], [{"count": 1, "change": 2, "rate": 3}])
    html = render_to_string("core/figure.html", {"table": table})
    assert "Count (count)" not in html and "Change (count)" not in html
    assert "Rate (per 1,000 residents)" in html
