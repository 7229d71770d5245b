"""A source's disclosure class is configuration with a safe default, shown on the ingest page and in `vrp stats`."""

import io

import pytest
from django.core.management import call_command

from core import sources
from core.roles import Role
from core.testing.factories import user

pytestmark = pytest.mark.django_db


def test_police_uk_is_open_and_everything_else_is_controlled_by_default(settings) -> None:
    settings.VRP_SOURCE_DISCLOSURE = ""
    classes = {s.name: s.disclosure for s in sources.sources()}
    assert classes["police"] == sources.OPEN
    assert {classes[name] for name in ("ed", "returns", "incidents", "training")} == {sources.CONTROLLED}
    # A source nobody registered (a future partner source, a typing slip) is controlled.
    assert sources.disclosure_class("ambulance") == sources.CONTROLLED
    # Only the sources that declare themselves open data are open.
    assert {s.name for s in sources.sources() if s.is_open} == {s.name for s in sources.sources() if s.open_data}


def test_the_setting_changes_a_class_and_a_value_it_does_not_know_changes_nothing(settings) -> None:
    settings.VRP_SOURCE_DISCLOSURE = "police=controlled, ed=public, returns=, =open"
    assert sources.disclosure_class("police") == sources.CONTROLLED
    assert sources.disclosure_class("ed") == sources.CONTROLLED  # "public" is not a class: the default stands
    assert sources.disclosure_class("returns") == sources.CONTROLLED


def test_the_class_is_shown_on_the_ingest_page_and_in_vrp_stats(demo_region, tmp_path, client, settings) -> None:
    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=20, ed_per_month=10, with_commissioning=False,
                grid=(6, 5))
    client.force_login(user(Role.ANALYST, None, "analyst"))
    page = client.get("/insights/analyst/ingests/").content.decode()
    assert "Sources and their disclosure class" in page
    assert "open: published in full" in page and "controlled: public only through the" in page
    for source in ("police", "ed"):
        err = io.StringIO()
        call_command("stats", "--source", source, "--from", "2023-01", "--to", "2023-12", stdout=io.StringIO(),
                     stderr=err)
        expected = ("police: open data (published in full)" if source == "police"
                    else "ed: controlled data (public only through the public release)")
        assert expected in err.getvalue()
    # Configured controlled, police.uk has no public release: the public are refused, not shown it in full.
    settings.VRP_SOURCE_DISCLOSURE = "police=controlled"
    client.logout()
    refused = client.get("/insights/figures/trend.json", {"source": "police", "from": "2023-01", "to": "2023-12"})
    assert refused.status_code == 403 and "no public release" in refused.json()["errors"][0]["message"]
