"""Faults in the running web application: kill -9 mid-write, and the database server restarted under load.

The app runs as it does in production, under gunicorn, in a subprocess on loopback, against this test's
database (SQLite file or PostgreSQL) and data folder.
"""

import os
import random
import shutil
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.test import Client

from commissioning.models import DeliveryLocation, Project
from core.models import User
from core.roles import Role
from core.testing.servers import CSRF, gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parent.parent
PROJECTS_PER_BATCH = 300
LOCATIONS_PER_PROJECT = 2


def _commissioner_session() -> requests.Session:
    """An HTTP session signed in as a commissioner (the session row is committed for the server to read)."""
    user = User.objects.create_user("commissioner-faults", password="a-long-password-1",
                                    role=Role.COMMISSIONER.value)
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF)
    return session


def _batch(index: int) -> bytes:
    """A project spreadsheet of PROJECTS_PER_BATCH projects, each with LOCATIONS_PER_PROJECT delivery points."""
    lines = ["identifier,title,description,provider,funder,amount_awarded,award_date,theme,area_codes,"
             "delivery_locations"]
    for n in range(PROJECTS_PER_BATCH):
        points = "; ".join(f"Hall {k}, {52.40 + n * 1e-4:.4f}, {-1.90 + k * 1e-3:.4f}"
                           for k in range(LOCATIONS_PER_PROJECT))
        lines.append(f"K{index:03d}-{n:04d},Mentoring {n},Weekly mentoring.,Provider {index},West Midlands VRP,"
                     f"{1000 + n},2024-03-01,sport,E08000025,\"{points}\"")
    return ("\n".join(lines) + "\n").encode()


def _post_batch(session: requests.Session, url: str, index: int) -> int:
    response = session.post(url + "/commissioning/manage/import/",
                            data={"kind": "projects", "csrfmiddlewaretoken": CSRF},
                            files={"file": (f"batch-{index}.csv", _batch(index), "text/csv")},
                            headers={"Referer": url + "/commissioning/manage/import/"}, timeout=120)
    return response.status_code


def _batch_counts() -> dict[str, tuple[int, int]]:
    """Batch prefix → (projects, delivery locations) as stored."""
    connection.close()  # read what the server committed, on a fresh connection
    found: dict[str, list[int]] = {}
    for identifier in Project.objects.values_list("identifier", flat=True):
        found.setdefault(identifier[:4], [0, 0])[0] += 1
    for identifier in DeliveryLocation.objects.values_list("project__identifier", flat=True):
        found.setdefault(identifier[:4], [0, 0])[1] += 1
    return {k: (v[0], v[1]) for k, v in found.items()}


def test_kill_9_of_the_web_server_mid_import_leaves_whole_batches_and_a_rerun_lands_each_once() -> None:
    session = _commissioner_session()
    answered: dict[int, int] = {}
    with gunicorn() as server:
        # Time one import, so the kill can be aimed inside the next one.
        start = time.monotonic()
        assert _post_batch(session, server.url, 0) == 200
        one_import = time.monotonic() - start

        def keep_importing() -> None:
            for index in range(1, 30):
                try:
                    answered[index] = _post_batch(session, server.url, index)
                except requests.ConnectionError:
                    return  # the server was killed under this request

        writer = threading.Thread(target=keep_importing)
        writer.start()
        time.sleep(one_import * (2 + random.uniform(0.3, 0.7)))  # part-way into the third import
        os.killpg(server.pid, signal.SIGKILL)
        writer.join(timeout=120)
    interrupted = max(answered, default=0) + 1
    assert interrupted < 30, "the kill came after every import had finished"

    stored = _batch_counts()
    whole = (PROJECTS_PER_BATCH, PROJECTS_PER_BATCH * LOCATIONS_PER_PROJECT)
    for prefix, counts in stored.items():
        assert counts == whole, f"batch {prefix} is partly stored: {counts}"
    assert all(stored.get(f"K{i:03d}") == whole for i in answered)  # every answered import is stored
    # Restart and send every batch again, twice: each lands exactly once.
    with gunicorn() as server:
        for _ in range(2):
            for index in range(interrupted + 1):
                assert _post_batch(session, server.url, index) == 200
    after = _batch_counts()
    assert after == {f"K{i:03d}": whole for i in range(interrupted + 1)}


def _can_restart_postgres() -> str:
    if connection.vendor != "postgresql":
        return "needs the PostgreSQL server (run with DATABASE_URL=postgres://…)"
    if shutil.which("pg_ctlcluster") is None or os.geteuid() != 0:
        return "restarting the PostgreSQL server needs pg_ctlcluster run as root (as in CI)"
    return ""


@pytest.mark.restarts_postgres
def test_the_app_recovers_when_postgresql_restarts_under_load() -> None:
    reason = _can_restart_postgres()
    if reason:
        if os.environ.get("VRP_TEST_REQUIRE_POSTGRES_RESTART"):
            pytest.fail(reason)
        pytest.skip(reason)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    statuses: list[tuple[float, int]] = []
    stop = threading.Event()
    with gunicorn(workers=2) as server:
        def load() -> None:
            with requests.Session() as http:
                while not stop.is_set():
                    try:
                        code = http.get(server.url + "/commissioning/projects.json", timeout=10).status_code
                    except requests.RequestException:
                        code = 0
                    statuses.append((time.monotonic(), code))

        users = [threading.Thread(target=load) for _ in range(4)]
        for user in users:
            user.start()
        time.sleep(2)
        restarted_at = time.monotonic()
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"], check=True,
                       timeout=120)
        back_at = time.monotonic()
        time.sleep(5)
        stop.set()
        for user in users:
            user.join(timeout=30)
        assert server.poll() is None, "gunicorn itself stayed up"
    connection.close()  # this process's own connection went with the restart
    before = [code for at, code in statuses if at < restarted_at]
    settled = [code for at, code in statuses if at > back_at + 1]
    assert before and set(before) == {200}
    assert len(settled) > 20 and set(settled) == {200}, "every request after the restart succeeds"
