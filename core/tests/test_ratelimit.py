"""The shared store behind the limits, and who counts as one client."""

import os
import socket
import subprocess
import sys
import uuid

import pytest
from django.test import RequestFactory, override_settings

from core import ratelimit


def test_a_client_is_its_address_or_the_one_trusted_proxies_forward(settings) -> None:
    factory = RequestFactory()
    settings.VRP_TRUSTED_PROXIES = 0
    request = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert ratelimit.client_address(request) == "127.0.0.1"  # a header nobody vouches for proves nothing
    settings.VRP_TRUSTED_PROXIES = 1
    assert ratelimit.client_address(request) == "203.0.113.9"
    spoofed = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    assert ratelimit.client_address(spoofed) == "203.0.113.9"
    settings.VRP_TRUSTED_PROXIES = 0
    # An IPv6 client counts by the /64 network a home or phone is given.
    one, other = (factory.get("/", REMOTE_ADDR=f"2001:db8:1:2::{n}") for n in (1, 2))
    assert ratelimit.client_address(one) == ratelimit.client_address(other) == "2001:db8:1:2::/64"
    assert ratelimit.client_address(factory.get("/", REMOTE_ADDR="::ffff:192.0.2.1")) == "192.0.2.1"


def _shared_cache(**env: str) -> str:
    script = "import vrp.settings as s; print(s.CACHES['shared']['BACKEND'], s.CACHES['shared']['LOCATION'])"
    inherited = {k: v for k, v in os.environ.items() if k != "VRP_SHARED_CACHE_URL"}
    return subprocess.run([sys.executable, "-c", script], env={**inherited, **env}, capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_store_is_the_database_unless_redis_is_named(tmp_path) -> None:
    """A fresh machine (`make run`) has no Redis: the counts are in a database table, which `vrp migrate`
    makes; naming Redis moves them there."""
    assert _shared_cache(VRP_DATA_DIR=str(tmp_path)) == "django.core.cache.backends.db.DatabaseCache vrp_shared_cache"
    assert _shared_cache(VRP_DATA_DIR=str(tmp_path), VRP_SHARED_CACHE_URL="redis://127.0.0.1:6379/1") == (
        "django.core.cache.backends.redis.RedisCache redis://127.0.0.1:6379/1")


@pytest.mark.django_db
def test_counts_in_the_database_table(settings) -> None:
    subject = f"test-{uuid.uuid4()}"
    assert [ratelimit.add("probe", subject, 60) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.count("probe", subject) == 3
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM vrp_shared_cache")
        assert cursor.fetchone()[0] >= 1
    ratelimit.reset("probe", subject)
    assert ratelimit.count("probe", subject) == 0


def _redis_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_running(), reason="no Redis server on 127.0.0.1:6379 (the default store is the "
                                                  "database; this checks the optional Redis store)")
def test_counts_in_redis() -> None:
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0",
                   "KEY_PREFIX": f"vrp-test-{uuid.uuid4()}"}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                                   "shared": redis_cache}):
        subject = "one client"
        try:
            assert [ratelimit.add("probe", subject, 60) for _ in range(3)] == [1, 2, 3]
            assert ratelimit.count("probe", subject) == 3
        finally:
            ratelimit.reset("probe", subject)
        assert ratelimit.count("probe", subject) == 0


def test_an_unreachable_store_lets_requests_through(caplog) -> None:
    """A broken brake must not lock everyone out: the event is allowed and the failure logged."""
    unreachable = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    with override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
                                   "shared": unreachable}):
        assert ratelimit.add("probe", "x", 60) == 0 and ratelimit.count("probe", "x") == 0
    assert "not being limited" in caplog.text
