"""Property-based tests of the partner-data parsers: any text is a period or refused by name, never a crash;
a period's own label reads back as the same period; any cell in a Fingertips export is a value or a problem."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.testing.fingertips import FINGERTIPS_COLUMNS, fingertips_row, write_csv
from partners.services.indicators import parse_file
from partners.services.periods import PeriodError, parse_period

PERIODISH = st.one_of(
    st.text(max_size=20),
    st.from_regex(r"\A(19|20)\d\d(/\d\d|-\d\d| ?Q[0-9]| - \d\d|/\d\d - \d\d/\d\d)?\Z", fullmatch=True),
    st.builds(lambda m, y: f"{m} {y}", st.sampled_from(["Jan", "March", "Sept", "Foo"]), st.integers(1990, 2040)))


@given(PERIODISH)
@settings(max_examples=300)
def test_any_text_is_a_period_or_refused(text) -> None:
    try:
        period = parse_period(text)
    except PeriodError as exc:
        assert "is not" in str(exc)
        return
    assert period.first_month <= period.last_month and period.months >= 1
    assert parse_period(period.label) == period


@pytest.mark.django_db
@given(column=st.sampled_from(["Count", "Value", "Denominator", "Lower CI 95.0 limit", "Time period", "Sex",
                               "Area Code", "Indicator ID", "Area Name", "Value note"]), cell=st.text(max_size=15))
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
def test_any_cell_is_a_value_or_a_named_problem(tmp_path, column, cell) -> None:
    path = write_csv(tmp_path / "f.csv", [fingertips_row("E08000025", "2021/22", 5, **{column: cell})],
                     FINGERTIPS_COLUMNS)
    _, values, problems = parse_file(path, "fingertips", {"E08000025"})
    assert len(values) + len({p.line for p in problems}) == 1
    assert all(p.line == 2 and p.column for p in problems)
