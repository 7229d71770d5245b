"""Partners' indicators: Fingertips exports in Fingertips' own layout and the tidy CSV; all or nothing; twice
changes nothing; bad files refused by name; controlled indicators reach the public only through the release."""

import pytest
from django.core.management import CommandError, call_command

from core.problems import InputRejected
from core.testing.fingertips import (
    FINGERTIPS_COLUMNS,
    LAS,
    TIDY_COLUMNS,
    fingertips_export,
    fingertips_row,
    tidy_row,
    write_csv,
)
from partners.models import Indicator, IndicatorFile, IndicatorValue
from partners.services.indicators import ingest_indicators
from partners.services.periods import PeriodError, parse_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("text", "kind", "first", "last", "label"), [
    ("2020/21", "financial year", "2020-04", "2021-03", "2020/21"),
    ("2020-21", "financial year", "2020-04", "2021-03", "2020/21"),
    ("2019 - 21", "rolling", "2019-01", "2021-12", "2019 - 21"),
    ("2018/19 - 20/21", "rolling", "2018-04", "2021-03", "2018/19 - 20/21"),
    ("2024", "calendar year", "2024-01", "2024-12", "2024"),
    ("2024Q3", "quarter", "2024-07", "2024-09", "2024Q3"),
    ("2024/25 Q4", "quarter", "2025-01", "2025-03", "2024/25 Q4"),
    ("March 2024", "month", "2024-03", "2024-03", "2024-03"),
    ("2024-03", "month", "2024-03", "2024-03", "2024-03"),
    ("2023/24 academic year", "academic year", "2023-09", "2024-08", "2023/24 academic year"),
    ("2023-24 Academic Year", "academic year", "2023-09", "2024-08", "2023/24 academic year"),
])
def test_periods_parse(text, kind, first, last, label) -> None:
    period = parse_period(text)
    assert (period.kind, period.first_month, period.last_month, period.label) == (kind, first, last, label)


@pytest.mark.parametrize("text", ["2024-13", "2020/22", "Spring 2024", "", "2021 - 19", "2023/25 academic year"])
def test_periods_refused(text) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


def test_fingertips_export_imports_with_its_values_units_and_limits(tmp_path) -> None:
    """Every row lands with its count, denominator, value and both confidence intervals; twice changes nothing."""
    path = fingertips_export(tmp_path / "fingertips-11201.csv", ["2019/20 - 21/22", "2020/21", "2021/22"],
                             under_25=True)
    summary = ingest_indicators([path], "fingertips", unit="per 100,000")
    assert summary.rows == 7 * 3 * 2 + 1 and summary.created == summary.rows
    indicator = Indicator.objects.get()
    assert (indicator.key, indicator.fingertips_id, indicator.unit) == ("fingertips-11201", 11201, "per 100,000")
    value = IndicatorValue.objects.get(area_code="E08000025", period="2020/21", age_band="All ages")
    expected = fingertips_row("E08000025", "2020/21", 300 - 20)
    assert value.count == 280 and value.denominator == 1144900 * 3
    assert value.value == pytest.approx(float(expected["Value"]))
    assert value.lower_ci95 == pytest.approx(float(expected["Lower CI 95.0 limit"]))
    assert value.upper_ci998 == pytest.approx(float(expected["Upper CI 99.8 limit"]))
    assert (value.period_kind, value.first_month, value.last_month) == ("financial year", "2020-04", "2021-03")
    rolling = IndicatorValue.objects.filter(period_kind="rolling").first()
    assert (rolling.first_month, rolling.last_month) == ("2019-04", "2022-03")
    before = list(IndicatorValue.objects.values_list("id", "count", "value", "file_id"))
    again = ingest_indicators([path], "fingertips", unit="per 100,000")
    assert again.unchanged_files == [str(path)] and again.created == again.updated == 0
    # The same rows in a file that differs (a re-ordered export) also change nothing.
    copy = fingertips_export(tmp_path / "fingertips-11201-again.csv", ["2019/20 - 21/22", "2020/21", "2021/22"],
                             under_25=True)
    copy.write_text(copy.read_text() + "\n")
    third = ingest_indicators([copy], "fingertips")
    assert third.created == third.updated == 0
    after = list(IndicatorValue.objects.values_list("id", "count", "value"))
    assert [b[:3] for b in before] == after


def test_a_changed_value_is_updated_not_duplicated(tmp_path) -> None:
    first = write_csv(tmp_path / "a.csv", [fingertips_row("E08000026", "2021/22", 50)], FINGERTIPS_COLUMNS)
    ingest_indicators([first], "fingertips")
    revised = write_csv(tmp_path / "b.csv", [fingertips_row("E08000026", "2021/22", 55)], FINGERTIPS_COLUMNS)
    summary = ingest_indicators([revised], "fingertips")
    assert (summary.created, summary.updated) == (0, 1)
    assert list(IndicatorValue.objects.values_list("count", flat=True)) == [55]


def test_tidy_file_imports(tmp_path) -> None:
    rows = [tidy_row("hes-sharp-object", code, "2023/24", 20 + i) for i, code in enumerate(LAS)]
    rows += [tidy_row("hes-sharp-object", "E08000025", "2023/24", 12, age_band="0-24")]
    rows += [tidy_row("homicide-index", "E08000025", "2021 - 23", 9, measure_name="Non-domestic homicides",
                      unit="homicides", source="Home Office Homicide Index (test)")]
    path = write_csv(tmp_path / "tidy.csv", rows, TIDY_COLUMNS)
    summary = ingest_indicators([path], "tidy")
    assert summary.created == 9
    hes = Indicator.objects.get(key="hes-sharp-object")
    assert (hes.name, hes.unit) == ("Admissions for assault by a sharp object", "admissions")
    assert IndicatorValue.objects.get(indicator=hes, age_band="0-24").count == 12
    homicide = IndicatorValue.objects.get(indicator__key="homicide-index")
    assert (homicide.period_kind, homicide.first_month, homicide.last_month) == ("rolling", "2021-01", "2023-12")
    assert ingest_indicators([path], "tidy").unchanged_files == [str(path)]


def _refused(paths, fmt) -> list:
    with pytest.raises(InputRejected) as caught:
        ingest_indicators(paths, fmt)
    return caught.value.problems


def test_missing_column_unknown_area_and_bad_period_are_refused_by_name(tmp_path) -> None:
    """Each problem names its file, line and column; a batch with any problem loads nothing, good files too."""
    good = fingertips_export(tmp_path / "good.csv", ["2021/22"])
    no_count = write_csv(tmp_path / "no-count.csv", [fingertips_row("E08000025", "2021/22", 5)],
                         [c for c in FINGERTIPS_COLUMNS if c != "Count"])
    problems = _refused([good, no_count], "fingertips")
    assert [(p.file, p.line, p.column, p.message) for p in problems[:1]] == [
        (str(no_count), 1, "Count", "missing column")]
    bad = write_csv(tmp_path / "bad.csv", [fingertips_row("E08000025", "2021/22", 5),
                                           fingertips_row("E08999999", "2021/22", 5),
                                           fingertips_row("E08000026", "Spring 2022", 5),
                                           fingertips_row("E08000027", "2021/22", 5, Count="lots")],
                    FINGERTIPS_COLUMNS)
    problems = _refused([good, bad], "fingertips")
    found = {(p.line, p.column): p.message for p in problems if p.file == str(bad)}
    assert "unknown area code 'E08999999'" in found[(3, "Area Code")]
    assert "period 'Spring 2022' is not" in found[(4, "Time period")]
    assert found[(5, "Count")] == "'lots' is not a number"
    assert not IndicatorValue.objects.exists() and not IndicatorFile.objects.exists()
    tidy = write_csv(tmp_path / "tidy.csv", [tidy_row("x", "E08000025", "2023/24", 1)],
                     [c for c in TIDY_COLUMNS if c != "period"])
    assert [(p.line, p.column) for p in _refused([tidy], "tidy")][:1] == [(1, "period")]


def test_command_line(tmp_path) -> None:
    path = fingertips_export(tmp_path / "f.csv", ["2021/22"])
    call_command("ingest", "indicator", str(path), "--format", "fingertips", "--measure", "hospital_admissions")
    assert Indicator.objects.get().success_measure == "hospital_admissions"
    bad = write_csv(tmp_path / "bad.csv", [fingertips_row("E08999999", "2021/22", 5)], FINGERTIPS_COLUMNS)
    with pytest.raises(CommandError, match="bad.csv, line 2, column 'Area Code'"):
        call_command("ingest", "indicator", str(bad))


def test_controlled_indicator_reaches_the_public_only_through_the_release(tmp_path, settings) -> None:
    """The release holds whole years for the region and its local authorities, rounded, small counts withheld;
    rolling periods and areas outside the region are not in it; an indicator configured open has no release."""
    from core.figures import WITHHELD
    from core.release import TOTAL, current_release

    rows = [fingertips_row(code, "2021/22", 300 + i) for i, code in enumerate(LAS)]
    rows += [fingertips_row("E08000025", "2019 - 21", 900), fingertips_row("E92000001", "2021/22", 1000),
             fingertips_row("E08000029", "2022/23", 3), fingertips_row("E08000025", "2022/23", 401)]
    ingest_indicators([write_csv(tmp_path / "f.csv", rows, FINGERTIPS_COLUMNS)], "fingertips")
    release = current_release("indicators")
    measure = "fingertips-11201|All ages|Persons"
    assert release.years == ["2021/22", "2022/23"] and release.months == []
    region = release.value(measure, TOTAL, "all", "2021/22", "region")
    assert region % 5 == 0 and abs(region - sum(300 + i for i in range(7))) <= 5
    assert release.value(measure, TOTAL, "all", "2022/23", "E08000029") is WITHHELD
    assert not release.holds(measure, TOTAL, "all", "2019 - 21", "E08000025")
    settings.VRP_SOURCE_DISCLOSURE = "indicator.fingertips-11201=open"
    from core.release import clear_memo
    from core.sources import disclosure_class

    clear_memo()
    assert disclosure_class("indicator.fingertips-11201") == "open"
    assert measure not in current_release("indicators").manifest["measures"]


def test_release_command_lists_the_indicators_source(tmp_path, capsys) -> None:
    """``vrp release indicators`` builds the release with nothing loaded, and with a file loaded."""
    call_command("release", "indicators", "--format", "csv")
    assert capsys.readouterr().out.startswith("source,measure")
    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2021/22"])], "fingertips")
    call_command("release", "indicators", "--format", "csv")
    lines = capsys.readouterr().out.splitlines()
    cell = "indicators,fingertips-11201|All ages|Persons,total,all,2021/22,region,"
    assert any(line.startswith(cell) for line in lines)


def test_an_area_listed_under_two_area_types_is_kept_once(tmp_path) -> None:
    """Fingertips' whole-indicator export (``all_data/csv/by_indicator_id``) lists a metropolitan district under
    every area type it belongs to (districts and counties), with the same figures: the value is kept once. The
    same cell with different figures is refused, naming both lines."""
    rows = []
    for area_type in ("Counties & UAs (from Apr 2023)", "Districts & UAs (from Apr 2023)"):
        rows += [fingertips_row(code, "2021/22", 300 + i, **{"Area Type": area_type}) for i, code in enumerate(LAS)]
    summary = ingest_indicators([write_csv(tmp_path / "all.csv", rows, FINGERTIPS_COLUMNS)], "fingertips")
    assert summary.rows == summary.created == len(LAS) == IndicatorValue.objects.count()
    conflict = write_csv(tmp_path / "conflict.csv", [fingertips_row("E08000025", "2022/23", 5),
                                                     fingertips_row("E08000025", "2022/23", 6)], FINGERTIPS_COLUMNS)
    problems = _refused([conflict], "fingertips")
    assert [(p.line, p.column) for p in problems[:1]] == [(3, "Time period")]
    assert "repeats line 2" in problems[0].message and "different figures" in problems[0].message


def test_areas_outside_the_geography_are_refused_unless_the_analyst_leaves_them_out(tmp_path, capsys) -> None:
    """A Fingertips export of every local authority in England names areas the region's geography does not
    hold: refused by name, or with ``--skip-other-areas`` left out and counted; a malformed code is refused
    either way."""
    rows = [fingertips_row("E08000025", "2021/22", 280), fingertips_row("E06000001", "2021/22", 40,
                                                                        **{"Area Name": "Hartlepool"})]
    england = write_csv(tmp_path / "england.csv", rows, FINGERTIPS_COLUMNS)
    problems = _refused([england], "fingertips")
    assert [(p.line, p.column) for p in problems[:1]] == [(3, "Area Code")] and "E06000001" in problems[0].message
    malformed = write_csv(tmp_path / "malformed.csv", [*rows, fingertips_row("E8000025", "2021/22", 1)],
                          FINGERTIPS_COLUMNS)
    with pytest.raises(InputRejected) as caught:
        ingest_indicators([malformed], "fingertips", skip_other_areas=True)
    assert [(p.line, p.column) for p in caught.value.problems[:1]] == [(4, "Area Code")]
    call_command("ingest", "indicator", str(england), "--skip-other-areas")
    assert "rows for areas outside the geography (left out)  1" in capsys.readouterr().out
    assert list(IndicatorValue.objects.values_list("area_code", "count")) == [("E08000025", 280)]


def test_one_indicator_one_unit(tmp_path) -> None:
    """Values keep their unit: a tidy file giving one measure in two units, or a file giving an indicator already
    held in another unit, is refused by name (its values would be read in the wrong unit); a unit given for an
    indicator held without one is taken."""
    mixed = write_csv(tmp_path / "mixed.csv", [tidy_row("ambulance-callouts", "E08000025", "2023/24", 40),
                                               tidy_row("ambulance-callouts", "E08000026", "2023/24", 9.5,
                                                        unit="per 1,000 residents")], TIDY_COLUMNS)
    problems = _refused([mixed], "tidy")
    assert [(p.line, p.column) for p in problems[:1]] == [(3, "unit")] and "per 1,000 residents" in problems[0].message
    ingest_indicators([fingertips_export(tmp_path / "a.csv", ["2020/21"])], "fingertips")
    ingest_indicators([fingertips_export(tmp_path / "b.csv", ["2021/22"])], "fingertips", unit="per 100,000")
    assert Indicator.objects.get().unit == "per 100,000"
    with pytest.raises(InputRejected) as caught:
        ingest_indicators([fingertips_export(tmp_path / "c.csv", ["2022/23"])], "fingertips", unit="per 1,000")
    assert caught.value.problems[0].column == "--unit" and "held in 'per 100,000'" in caught.value.problems[0].message
    assert not IndicatorValue.objects.filter(period="2022/23").exists()


def test_a_bad_number_is_one_problem_and_a_row_needs_a_count_or_a_value(tmp_path) -> None:
    path = write_csv(tmp_path / "t.csv", [tidy_row("hes-sharp-object", "E08000025", "2023/24", "4x"),
                                          tidy_row("hes-sharp-object", "E08000026", "2023/24", "")], TIDY_COLUMNS)
    assert [(p.line, p.column, p.message) for p in _refused([path], "tidy")[:-1]] == [
        (2, "count", "'4x' is not a number"), (3, "count", "give a count or a value")]


def test_a_file_with_only_its_header_is_refused(tmp_path) -> None:
    """An export that came out empty is a mistake to say, not a file to record as loaded (and then skip)."""
    empty = write_csv(tmp_path / "empty.csv", [], FINGERTIPS_COLUMNS)
    assert [(p.line, p.message) for p in _refused([empty], "fingertips")[:1]] == [
        (2, "the file has no rows (only its header)")]
    assert not IndicatorFile.objects.exists()


def test_a_tidy_file_with_an_unknown_area_or_a_period_it_cannot_read_is_refused_by_name(tmp_path) -> None:
    path = write_csv(tmp_path / "tidy.csv", [tidy_row("hes-sharp-object", "E08000025", "2023/24", 20),
                                             tidy_row("hes-sharp-object", "E09999999", "2023/24", 3),
                                             tidy_row("hes-sharp-object", "E08000026", "Q3 2023", 4)], TIDY_COLUMNS)
    found = {(p.line, p.column): p.message for p in _refused([path], "tidy") if p.file == str(path)}
    assert set(found) == {(3, "area_code"), (4, "period")}
    assert "unknown area code 'E09999999'" in found[(3, "area_code")]
    assert "period 'Q3 2023' is not" in found[(4, "period")]
    assert not IndicatorValue.objects.exists()
