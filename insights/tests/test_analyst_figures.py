"""The analysts' figures page (/insights/analyst/figures/) names what is wrong with a query rather than answering
an empty table: a type the data does not hold, a period that ends before it starts."""

from pathlib import Path

from core.roles import Role


def _client(client):
    from django.contrib.auth import get_user_model

    analyst = get_user_model().objects.create_user("analyst-figures", password="a-long-password-1",
                                                   role=Role.ANALYST.value)
    client.force_login(analyst)
    return client


def test_an_unknown_type_and_a_reversed_period_are_named_not_answered_empty(transactional_db, demo_region,
                                                                            tmp_path: Path, client) -> None:
    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=40, ed_per_month=5,
                      with_commissioning=False)
    client = _client(client)
    held = client.get("/insights/analyst/figures.json?type=Robbery&by=month&from=2023-01&to=2023-12")
    assert held.status_code == 200 and held.json()["rows"]

    unknown = client.get("/insights/analyst/figures.json?type=Robery&by=month")
    assert unknown.status_code == 400
    [problem] = unknown.json()["errors"]
    assert problem["field"] == "type" and "'Robery'" in problem["message"] and "Robbery" in problem["message"]

    reversed_period = client.get("/insights/analyst/figures.json?from=2023-12&to=2023-01")
    assert reversed_period.status_code == 400
    assert [e["field"] for e in reversed_period.json()["errors"]] == ["to"]
    page = client.get("/insights/analyst/figures/?type=Robery")
    assert page.status_code == 400 and "is not a type the police data holds" in page.content.decode()
    # Each problem is named by the parameter typed, and the page's summary links to its input.
    bad_month = client.get("/insights/analyst/figures.json?from=abc")
    assert [e["field"] for e in bad_month.json()["errors"]] == ["from"]
    summary = client.get("/insights/analyst/figures/?from=abc").content.decode()
    assert 'govuk-error-summary__body' in summary and '<a href="#from">' in summary and 'id="from"' in summary
