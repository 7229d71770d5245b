"""The training register and professionals reached reach the public only through the public release: its counts
agree with the register's own definitions, the registry's public ``training`` figure is the release's cells, and
professionals reached counts the register's and the returns' professionals once."""

from datetime import date

import pytest

from core import figures as registry
from core import sources
from core.region import current_region
from core.release import ALL, REGION, TOTAL, current_release, tables
from core.testing.engagement import person, session
from core.testing.factories import project
from engagement.figures import FULL, PUBLIC, headline
from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

pytestmark = pytest.mark.django_db
YEAR = "2024/25"


@pytest.fixture
def register() -> dict:
    """25 professionals in 2024/25 (10 of them twice), young people and other adults counted at sessions."""
    sport = project("P-1", area_codes=["E08000025"])
    first = session(date(2024, 4, 10), [person(n) for n in range(20)], {("young_people", "10_17", "female"): 40},
                    lad_code="E08000025", project=sport)
    second = session(date(2025, 1, 15), [person(n) for n in [*range(10), *range(20, 25)]],
                     {("young_people", "18_24", "male"): 33, ("community", "25_plus", "male"): 12},
                     lad_code="E08000026")
    return {"project": sport, "sessions": [first, second]}


def accepted(chosen, start: date, trained: int) -> None:
    saved = save_return("test", chosen, start, ReturnFigures(professionals_trained=trained))
    review_return("test", submit_return("test", saved), accept=True)


def truth(name: str) -> dict:
    counts, _, _ = tables(sources.get(name).release, current_region().lad_codes)
    return counts


def test_the_training_release_counts_as_the_register_does_and_is_rounded(register) -> None:
    assert sources.get("training").disclosure == "controlled"
    values = {r["measure"]: r["value"] for r in headline(2024)}
    true = truth("training")
    trained = ("professionals_reached", "counted_by", "training register")
    assert true[(*trained, YEAR, REGION)] == true[("professionals_reached", TOTAL, ALL, YEAR, REGION)] == \
        values["professionals_trained"] == 25  # no returns: everyone reached was trained by the register
    assert true[("attendances", TOTAL, ALL, YEAR, REGION)] == values["attendances"] == 120
    assert true[("attendances", "audience", "children and young people", YEAR, REGION)] == 73
    # Each professional once in the year, in the local authority of their first session of it: a partition.
    assert (true[(*trained, YEAR, "E08000025")], true[(*trained, YEAR, "E08000026")]) == (20, 5)
    assert [m for m in current_release("training").months
            if true[("professionals_reached", TOTAL, ALL, m, REGION)]] == ["2024-04", "2025-01"]
    release = current_release("training")
    assert release.value(*trained, YEAR, REGION) == 25
    assert release.value("attendances", TOTAL, ALL, YEAR, REGION) == 120
    assert all(v is None or v % 5 == 0 for v in release.cells.values())
    # Five professionals first trained in one authority is a small count: withheld, never published.
    assert release.cells[(*trained, YEAR, "E08000026")] is None


def test_the_registry_gives_the_public_the_release_and_nothing_else(register) -> None:
    release = current_release("training")
    table = registry.get("training").table(2024, PUBLIC)
    published = {r["measure"]: r["value"] for r in table.rows}
    assert published["professionals_trained"] == release.value("professionals_reached", "counted_by",
                                                               "training register", YEAR, REGION)
    assert published["young_people_attendances"] == release.value(
        "attendances", "audience", "children and young people", YEAR, REGION)
    assert registry.get("training").disclosure == registry.CONTROLLED
    full = registry.get("training").table(2024, FULL)
    assert {r["measure"]: r["value"] for r in full.rows}["attendances"] == 120
    for name in ("professionals_by_sector", "events_and_reach", "attendance_by_local_authority"):
        refused = registry.get(name).table(2024, PUBLIC)
        assert refused.rows == [] and "not in the public release" in refused.refused, name
    # A year the release does not hold is refused with the reason, not shown as zeros.
    assert "2030/31" in registry.get("training").table(2030, PUBLIC).refused


def test_professionals_reached_counts_the_register_and_the_returns_once(register) -> None:
    from commissioning.models import Project
    from engagement.services.reach import professionals_reached
    from monitoring.services.reach import public_reach

    accepted(register["project"], date(2024, 4, 1), 30)  # 20 of them are the register's people at P-1's session
    accepted(register["project"], date(2024, 7, 1), 4)
    for start in (date(2024, 10, 1), date(2025, 1, 1)):  # the whole year's returns, so the release holds it
        accepted(register["project"], start, 0)
    hidden = project("P-2", is_published=False)
    accepted(hidden, date(2024, 4, 1), 50)  # an unpublished project's returns are not public
    published = list(Project.objects.filter(is_published=True).values_list("pk", flat=True))
    expected = professionals_reached(2024, published)
    assert expected == {"register": 25, "returns": 34, "in_both": 20, "total": 39}
    true = truth("training")
    assert true[("professionals_reached", TOTAL, ALL, YEAR, REGION)] == 39
    assert true[("professionals_reached", "counted_by", "monitoring returns beyond the register", YEAR, REGION)] == 14
    # The project's 14 beyond the register count in the one authority it serves; the register's where they trained.
    assert true[("professionals_reached", TOTAL, ALL, YEAR, "E08000025")] == 20 + 14
    assert public_reach(YEAR)["professionals_reached"] == current_release("training").value(
        "professionals_reached", TOTAL, ALL, YEAR, REGION) == 40
    assert public_reach(YEAR, theme="Sport")["professionals_reached"].code == "x"


def test_the_public_commissioning_and_annual_pages_add_the_register_to_the_returns_once(register, client,
                                                                                       tmp_path) -> None:
    """Reach on the public commissioning dashboard and in the public annual report: professionals reached is the
    register's 25 plus what P-1's returns report beyond its 20 register people (34 - 20), each once: 39, published
    as the release's 40 (rounded to 5); the returns' own professionals trained stay beside it."""
    import csv

    from django.core.management import call_command

    accepted(register["project"], date(2024, 4, 1), 30)
    accepted(register["project"], date(2024, 7, 1), 4)
    for start in (date(2024, 10, 1), date(2025, 1, 1)):
        accepted(register["project"], start, 0)
    reached = current_release("training").value("professionals_reached", TOTAL, ALL, YEAR, REGION)
    assert reached == 40
    page = client.get("/commissioning/").content.decode()
    assert 'data-total="professionals_reached">40<' in page and 'data-total="professionals_trained">35<' in page
    assert "training register" in page
    # By theme the release has no professionals reached: the tile is left out rather than shown empty.
    assert 'data-total="professionals_reached"' not in client.get("/commissioning/?theme=sport").content.decode()
    call_command("report", "annual", "--year", "2024", "--out", str(tmp_path), "--no-pdf")
    with open(tmp_path / "data" / "training.csv", newline="", encoding="utf-8") as handle:
        published = {r["measure"]: r["value"] for r in csv.DictReader(handle)}
    assert published["professionals_reached"] == "40" and published["professionals_trained"] == "25"
    html = (tmp_path / "annual-2024-25.html").read_text()
    assert "40 professionals were reached, each counted once" in html
