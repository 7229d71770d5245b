"""Limits hold across workers: the app under gunicorn with two worker processes, as deployed.

Sign-in failures and anonymous submissions were counted in each process's memory, so two workers let
through twice the limit (9–11 failures instead of 5). Counted in the shared store (the database here), the
limit is the same whichever worker answers.
"""

import re

import pytest
import requests

from core.models import User
from core.roles import Role
from core.testing.servers import CSRF, gunicorn
from places.models import Postcode, Service

pytestmark = pytest.mark.django_db(transaction=True)


def _session() -> requests.Session:
    session = requests.Session()
    session.cookies.set("csrftoken", CSRF)
    session.headers["Connection"] = "close"  # a new connection each time: the workers take turns
    return session


def test_sign_in_and_submission_limits_hold_across_workers(settings, monkeypatch) -> None:
    monkeypatch.setenv("VRP_SUBMISSIONS_PER_HOUR", "3")
    User.objects.create_user("shared-limit", password="the-right-password-1", role=Role.ANALYST.value)
    Postcode.objects.create(postcode="B12 9QT", latitude=52.4650, longitude=-1.8870)
    with gunicorn(workers=2) as server:
        browser = _session()
        for _ in range(5):
            response = browser.post(server.url + "/accounts/login/", data={
                "username": "shared-limit", "password": "wrong", "csrfmiddlewaretoken": CSRF}, timeout=30)
            assert b"correct username and password" in response.content
        for _ in range(10):
            response = browser.post(server.url + "/accounts/login/", data={
                "username": "shared-limit", "password": "the-right-password-1", "csrfmiddlewaretoken": CSRF},
                allow_redirects=False, timeout=30)
            assert response.status_code == 200 and b"Too many failed attempts" in response.content

        form = {"description": "Tuesdays.", "organisation_name": "Ring CIC", "organisation_description": "Boxing.",
                "location_name": "Gym", "postcode": "B12 9QT", "day": "TU", "opens_at": "18:00",
                "closes_at": "20:00", "season": "all_year", "csrfmiddlewaretoken": CSRF}
        statuses = [browser.post(server.url + "/places/directory/submit/", data={**form, "name": f"Club {n}"},
                                 timeout=30).status_code for n in range(8)]
        assert statuses == [200] * 3 + [429] * 5
        log = server.log.read_text()
    assert Service.objects.count() == 3
    assert not re.search(r"Traceback", log), log[-2000:]
