"""The app run as in production, under gunicorn in a subprocess on loopback, against the test's own database
(SQLite file or PostgreSQL) and data folder."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
CSRF = "k" * 32  # a CSRF secret of our own, sent as cookie and form field alike (Django accepts the pair)


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(workers: int = 2) -> Iterator[str]:
    """The app under gunicorn on a free loopback port; yields its base URL and kills it (-9) at the end."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "VRP_DATA_DIR": str(settings.VRP_DATA_DIR),
           "VRP_ALLOWED_HOSTS": "127.0.0.1", "VRP_SECURE_COOKIES": "false", "VRP_SSL_REDIRECT": "false",
           "VRP_DEBUG": "false"}
    # The server's log goes to a file: a pipe nobody reads would fill and stall the workers.
    log = Path(settings.VRP_DATA_DIR) / f"gunicorn-{port}.log"
    with log.open("wb") as log_file:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "vrp.wsgi:application", "--bind",
                                   f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "120"],
                                  env=env, cwd=ROOT, start_new_session=True, stdout=log_file, stderr=log_file)
    url = f"http://127.0.0.1:{port}"
    server.url, server.log = url, log
    try:
        _wait_until_up(url, server)
        yield server
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=30)


def _wait_until_up(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"gunicorn exited: {server.log.read_text()[-2000:]}")
        try:
            requests.get(url + "/", timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # (a first answer can take seconds on a busy machine)
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer within 60 s")
