"""Public figures of a controlled source, answered from its release: a count by type for a period the release
does not hold is refused with the reason (as its total is), never an empty sum's 0."""

from pathlib import Path

import pytest

from core.release import NotInRelease, current_release
from insights.query.access import PUBLIC
from insights.query.figures import FigureQuery
from insights.query.overview import KNIFE


@pytest.fixture
def ed_2023(transactional_db, demo_region, tmp_path: Path) -> None:
    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=20, ed_per_month=10,
                      with_commissioning=False, grid=(6, 5))


def test_a_type_count_for_a_year_the_release_does_not_hold_is_refused_not_zero(ed_2023) -> None:
    release = current_release("ed")
    assert "2023/24" not in release.years  # the data covers April to December 2023 of it only
    part_year = FigureQuery(source="ed", month_from="2023-04", month_to="2024-03", types=(KNIFE,))
    with pytest.raises(NotInRelease, match="2023/24"):
        PUBLIC.counts(part_year, [])
    with pytest.raises(NotInRelease):
        PUBLIC.counts(FigureQuery(source="ed", month_from="2023-04", month_to="2024-03"), [])


def test_a_type_count_for_a_held_year_is_the_release_cell_and_an_unrecorded_type_counts_zero(ed_2023) -> None:
    release = current_release("ed")
    measure = next(iter(release.manifest["measures"]))
    year = FigureQuery(source="ed", month_from="2023-01", month_to="2023-12", types=(KNIFE,))
    [row] = PUBLIC.counts(year, [])
    assert KNIFE in release.categories(measure, "type")
    assert row["count"] == release.value(measure, "type", KNIFE, "2023", "region")
    [none] = PUBLIC.counts(FigureQuery(source="ed", month_from="2023-01", month_to="2023-12",
                                       types=("a type never recorded",)), [])
    assert none["count"] == 0


def test_the_public_headline_marks_a_year_the_data_only_partly_covers_not_available_not_withheld(ed_2023) -> None:
    from core.figures import Missing
    from insights.query.overview import headline_figures

    part_year = FigureQuery(source="ed", month_from="2023-04", month_to="2024-03")
    rows = {r["measure"]: r for r in headline_figures(part_year, PUBLIC)}
    for measure in ("ed_assaults", "ed_knife", "ed_under_25"):
        count = rows[measure]["count"]
        assert isinstance(count, Missing) and count.code == "x", (measure, count)
        assert "2023/24" in count.reason
