"""The Home Office success measures: an indicator when one is loaded, "proxy" only when none is; trend against
the baseline year, under-25s where the source has age; comparison areas by a documented distance."""

import pytest

from core.periods import Year
from core.testing.fingertips import LAS, fingertips_export
from partners.services.indicators import ingest_indicators
from partners.services.similar import most_similar
from partners.services.success import sentences, set_baseline_year, success_measures

pytestmark = pytest.mark.django_db
FY = Year(2022, financial=True)


def by_measure(rows):
    return {r["measure"].split(" ")[0]: r for r in rows}


def test_without_indicators_proxies_are_used_and_said_to_be() -> None:
    rows = by_measure(success_measures(FY))
    assert rows["Hospital"]["proxy"] == "yes" and rows["Hospital"]["source"].startswith("proxy: ED assault")
    assert rows["Knife-enabled"]["proxy"] == "yes" and "possession of weapons" in rows["Knife-enabled"]["source"]
    assert rows["Non-domestic"]["proxy"] == "no" and "no source loaded" in rows["Non-domestic"]["source"]
    # Nothing loaded for the year is "no data", never a blank or a zero.
    assert [str(rows[m]["count"]) for m in ("Hospital", "Knife-enabled")] == ["no data for 2022/23"] * 2
    text = sentences(list(rows.values()))
    assert "proxy" in text[0] and "proxy" in text[1]


def test_an_indicator_replaces_the_proxy_with_baseline_and_under_25s(tmp_path) -> None:
    """Counts are the local authorities' sum; the change is against the partnership's baseline year."""
    path = fingertips_export(tmp_path / "f.csv", ["2019/20", "2020/21", "2021/22", "2022/23"], under_25=True)
    ingest_indicators([path], "fingertips", unit="per 100,000", success_measure="hospital_admissions")
    set_baseline_year("test", "2020/21")
    rows = by_measure(success_measures(FY))
    hospital = rows["Hospital"]
    assert hospital["proxy"] == "no" and hospital["source"].startswith("indicator: Hospital admissions for violence")
    # fingertips_export: count = 300 + 40 j - 20 i for local authority j and period i (2022/23 is i = 3).
    assert hospital["period"] == "2022/23" and hospital["count"] == sum(300 + 40 * j - 60 for j in range(7))
    assert hospital["baseline_period"] == "2020/21"
    assert hospital["baseline_count"] == sum(300 + 40 * j - 20 for j in range(7))
    assert hospital["under_25_count"] == sum(100 + 10 * j - 15 for j in range(7))
    expected = round(100 * (hospital["count"] - hospital["baseline_count"]) / hospital["baseline_count"], 1)
    assert hospital["change_since_baseline_percent"] == expected
    assert rows["Knife-enabled"]["proxy"] == "yes"
    text = sentences(list(rows.values()))
    assert "proxy" not in text[0] and "from an indicator" in text[0] and "proxy" in text[1]
    assert f"{hospital['under_25_count']:,} of them aged under 25" in text[0]
    birmingham = by_measure(success_measures(FY, area="E08000025"))["Hospital"]
    assert birmingham["count"] == 240 and birmingham["value"] == pytest.approx(240 / LAS["E08000025"][1] * 1e5)
    assert birmingham["lower_ci95"] < birmingham["value"] < birmingham["upper_ci95"]


def test_the_public_get_indicator_counts_from_the_release_only(tmp_path) -> None:
    from insights.query.access import PUBLIC

    path = fingertips_export(tmp_path / "f.csv", ["2019 - 21", "2021/22", "2022/23"])
    ingest_indicators([path], "fingertips", success_measure="hospital_admissions")
    hospital = by_measure(success_measures(FY, access=PUBLIC))["Hospital"]
    true = sum(300 + 40 * j - 40 for j in range(7))
    assert hospital["proxy"] == "no" and hospital["value"] is None and hospital["unit"] == "count"
    assert hospital["count"] % 5 == 0 and abs(hospital["count"] - true) <= 5


def test_sna_section_uses_the_indicator(tmp_path) -> None:
    from insights.query.access import FULL, for_region
    from insights.query.figures import FigureQuery
    from reports.services.sna import ReportPeriod, _success_section

    section = _success_section(for_region(FigureQuery("police")), {}, ReportPeriod(2022, True), FULL)
    assert "proxy" in section.sentences[0]
    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2021/22", "2022/23"])], "fingertips",
                      success_measure="hospital_admissions")
    section = _success_section(for_region(FigureQuery("police")), {}, ReportPeriod(2022, True), FULL)
    assert "proxy" not in section.sentences[0] and "Hospital admissions for violence" in section.sentences[0]
    assert "proxy" in section.sentences[1]
    assert section.figures[0].shown == ["measure", "source", "period", "count", "under_25_count",
                                        "change_since_baseline_percent"]


def test_most_similar_areas_by_standardised_distance() -> None:
    features = {"A": {"deprivation": 30, "density": 4000, "youth_share": 0.35},
                "B": {"deprivation": 31, "density": 4100, "youth_share": 0.34},
                "C": {"deprivation": 10, "density": 300, "youth_share": 0.25},
                "D": {"deprivation": 29, "density": 3800, "youth_share": 0.36},
                "E": {"deprivation": 20, "density": None, "youth_share": 0.3}}
    found = most_similar("A", features, k=2)
    assert [code for code, _ in found] == ["B", "D"]
    assert found[0][1] < found[1][1]
    assert most_similar("E", features) == []


def test_comparison_areas_come_from_the_loaded_geography(demo_region, tmp_path) -> None:
    """On the demo region (boundaries, population, deprivation by LSOA): every local authority has the three
    features, and a local authority's success measures name its most similar ones and their average value."""
    from core.testing.fingertips import fingertips_row, write_csv
    from partners.services.similar import FEATURES, lad_features

    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=50, ed_per_month=5, grid=(12, 10))
    from core.region import current_region

    lads = current_region().lad_codes
    features = lad_features()
    assert all(features[lad][name] is not None for lad in lads for name in FEATURES)
    rows = [fingertips_row(code, "2022/23", 100 + 10 * i) for i, code in enumerate(lads)]
    ingest_indicators([write_csv(tmp_path / "f.csv", rows, list(rows[0]))], "fingertips",
                      success_measure="hospital_admissions")
    hospital = by_measure(success_measures(FY, area=lads[0]))["Hospital"]
    similar = hospital["comparison_areas"].split(", ")
    assert similar == [code for code, _ in most_similar(lads[0], features)] and lads[0] not in similar
    values = [float(r["Value"]) for r in rows if r["Area Code"] in similar]
    assert hospital["comparison_value"] == pytest.approx(sum(values) / len(values), abs=0.01)


def test_published_most_similar_groups_are_used_where_loaded(tmp_path) -> None:
    from django.core.management import CommandError, call_command

    from core.testing.fingertips import write_csv
    from partners.models import SimilarArea

    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2022/23"])], "fingertips",
                      success_measure="hospital_admissions")
    groups = write_csv(tmp_path / "groups.csv", [
        {"area_code": "E08000025", "similar_area_code": "E08000028", "rank": "1"},
        {"area_code": "E08000025", "similar_area_code": "E08000030", "rank": "2"}],
        ["area_code", "similar_area_code", "rank"])
    call_command("similar_groups", str(groups), "--source", "test groups")
    call_command("similar_groups", str(groups), "--source", "test groups")
    assert SimilarArea.objects.count() == 2
    hospital = by_measure(success_measures(FY, area="E08000025"))["Hospital"]
    assert hospital["comparison_areas"] == "E08000028, E08000030"
    assert hospital["comparison_basis"] == "published most similar group (test groups)"
    sandwell, walsall = (LAS[c] for c in ("E08000028", "E08000030"))
    # fingertips_export: local authority j has 300 + 40 j admissions (Sandwell j = 3, Walsall j = 5).
    expected = ((300 + 120) / sandwell[1] + (300 + 200) / walsall[1]) / 2 * 100_000
    assert hospital["comparison_value"] == pytest.approx(expected, abs=0.01)
    text = sentences(success_measures(FY, area="E08000025"))[0]
    assert (f"The rate was {hospital['value']:,.1f} against {expected:,.1f} on average in its most similar areas "
            "(published most similar group (test groups))") in text
    bad = write_csv(tmp_path / "bad.csv", [{"area_code": "E08000025", "similar_area_code": "E08999999"}],
                    ["area_code", "similar_area_code"])
    with pytest.raises(CommandError, match="bad.csv, line 2, column 'similar_area_code'"):
        call_command("similar_groups", str(bad), "--source", "x")
    assert SimilarArea.objects.count() == 2


def test_the_baseline_is_a_period_of_the_same_kind_and_length(tmp_path) -> None:
    """A 3-year pooled count is compared with the 3-year pooled count starting in the baseline year, never with a
    single year that happens to start then (which would read as a 220% rise)."""
    from core.testing.fingertips import TIDY_COLUMNS, tidy_row, write_csv

    rows = [tidy_row("homicide-index", "E08000025", period, count)
            for period, count in (("2019", 30), ("2019 - 21", 90), ("2020 - 22", 96))]
    ingest_indicators([write_csv(tmp_path / "t.csv", rows, TIDY_COLUMNS)], "tidy", success_measure="homicide")
    set_baseline_year("test", "2019")
    homicide = by_measure(success_measures(Year(2022), area="E08000025"))["Non-domestic"]
    assert (homicide["period"], homicide["count"]) == ("2020 - 22", 96)
    assert (homicide["baseline_period"], homicide["baseline_count"]) == ("2019 - 21", 90)
    assert homicide["change_since_baseline_percent"] == round(100 * (96 - 90) / 90, 1)


def test_a_force_extract_for_the_police_force_area_gives_the_regions_figure(tmp_path, shared_data) -> None:
    """Knife-enabled serious violence from a force extract published for the West Midlands police force area
    (E23000014; its local authorities are the region's, from the real lookup): the region's row uses the
    force area's own count, rate and confidence limits, not a sum of local authorities it does not have."""
    from core.testing.fingertips import TIDY_COLUMNS, tidy_row, write_csv
    from geography.services.lookups import import_lookup

    import_lookup(shared_data / "geography/lookup_ltla24_csp24_pfa24.csv.gz", keep=set(LAS))
    rows = [tidy_row("knife-enabled", "E23000014", period, count, value=str(rate), lower_ci95=str(rate - 2),
                     upper_ci95=str(rate + 2), unit="per 100,000", measure_name="Knife-enabled offences",
                     source="West Midlands Police extract (test)")
            for period, count, rate in (("2019/20", 3100, 106.0), ("2022/23", 2790, 95.4))]
    path = write_csv(tmp_path / "wmp.csv", rows, [*TIDY_COLUMNS, "lower_ci95", "upper_ci95"])
    ingest_indicators([path], "tidy", success_measure="knife_violence")
    knife = by_measure(success_measures(FY))["Knife-enabled"]
    assert (knife["proxy"], knife["period"], knife["count"], knife["value"]) == ("no", "2022/23", 2790, 95.4)
    assert (knife["lower_ci95"], knife["upper_ci95"]) == (93.4, 97.4)
    assert (knife["baseline_period"], knife["baseline_count"], knife["baseline_value"]) == ("2019/20", 3100, 106.0)
    assert knife["change_since_baseline_percent"] == round(100 * (95.4 - 106.0) / 106.0, 1)
    # The public see it through the release: the force area's count in the region only, rounded.
    from insights.query.access import PUBLIC

    public = by_measure(success_measures(FY, access=PUBLIC))["Knife-enabled"]
    assert public["value"] is None and public["count"] % 5 == 0 and abs(public["count"] - 2790) <= 5
    assert abs(public["baseline_count"] - 3100) <= 5
    # Where every local authority's count is given too, the region's count is their sum, in full and in the
    # release alike (never the two added together).
    more = [tidy_row("knife-enabled", code, "2022/23", 400, unit="per 100,000", measure_name="Knife-enabled offences",
                     source="West Midlands Police extract (test)") for code in LAS]
    ingest_indicators([write_csv(tmp_path / "lads.csv", more, TIDY_COLUMNS)], "tidy")
    assert by_measure(success_measures(FY))["Knife-enabled"]["count"] == 400 * len(LAS)
    public = by_measure(success_measures(FY, access=PUBLIC))["Knife-enabled"]
    assert abs(public["count"] - 400 * len(LAS)) <= 5 * len(LAS)


def test_a_local_authoritys_deprivation_is_its_lsoas_newest_edition_mean(shared_data) -> None:
    """Without a score of its own, a local authority's deprivation is the mean IMD score of its LSOAs in the
    newest edition loaded, never two editions averaged together; its own score, where loaded, comes first."""
    from geography.models import DeprivationRecord
    from geography.services.lookups import import_lookup
    from partners.services.similar import lad_features

    first, second = "E01010113", "E01010114"
    import_lookup(shared_data / "geography/lookup_lsoa21_ward24_ltla24.csv.gz", keep={first, second})
    for code, old, new in ((first, 40.0, 30.0), (second, 20.0, 10.0)):
        DeprivationRecord.objects.create(area_code=code, edition=2019, values={"imd_score": old, "crime_score": 1})
        DeprivationRecord.objects.create(area_code=code, edition=2025, values={"imd_score": new})
    from insights.query.areas import local_authority_of

    lad = local_authority_of(first)
    assert lad == local_authority_of(second) == "E08000029"
    assert lad_features()[lad]["deprivation"] == 20.0
    DeprivationRecord.objects.create(area_code=lad, edition=2019, values={"imd_score": 17.5})
    assert lad_features()[lad]["deprivation"] == 17.5


def test_an_indicator_configured_open_is_shown_to_the_public_in_full(tmp_path, settings) -> None:
    """Disclosure is a property of the source: an indicator its publisher already publishes in full, configured
    open, gives the public its rate and confidence limits as published; controlled, only the release's count."""
    from core.release import clear_memo
    from insights.query.access import PUBLIC

    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2021/22", "2022/23"])], "fingertips",
                      success_measure="hospital_admissions")
    controlled = by_measure(success_measures(FY, area="E08000025", access=PUBLIC))["Hospital"]
    assert controlled["value"] is None and controlled["count"] % 5 == 0
    settings.VRP_SOURCE_DISCLOSURE = "indicator.fingertips-11201=open"
    clear_memo()
    opened = by_measure(success_measures(FY, area="E08000025", access=PUBLIC))["Hospital"]
    assert opened["count"] == 280 and opened["value"] == pytest.approx(280 / LAS["E08000025"][1] * 1e5)
    assert opened["lower_ci95"] < opened["value"] < opened["upper_ci95"]
