"""Every real geography, population and deprivation file in ../shared/data imports, with the right shape."""

from pathlib import Path

import pytest

from core.problems import InputRejected
from geography.models import Area, AreaLink, Boundary, DeprivationRecord, LsoaChange, PopulationRecord
from geography.services.boundaries import import_boundaries
from geography.services.deprivation import import_deprivation
from geography.services.lookups import import_lookup
from geography.services.population import age_range, import_population, young_count

pytestmark = pytest.mark.django_db

BOUNDARY_FILES = {
    "geography/wm_lsoa21_boundaries.geojson": 1719, "geography/wm_lsoa11_boundaries.geojson": 1680,
    "geography/wm_ltla24_boundaries.geojson": 7, "geography/wm_wards22_boundaries.geojson": 192,
    "geography/boundaries-lsoa-birmingham.geojson": 659, "geography/birmingham_lsoa11_shape.zip": 639,
    "geography/coventry_lsoa_shp/coventry_lsoa.shp": 195,
    "geography/england_lad_2011_gen/england_lad_2011_gen.shp": 326,
    "geography/boundaries_ltla24.gpkg.gz": 361, "geography/boundaries_pfa20.gpkg.gz": 43,
    "geography/boundaries_msoa21.gpkg.gz": 7264, "geography/boundaries_lsoa21.gpkg.gz": 35672,
    "geography/boundaries_lsoa11.gpkg.gz": 34753,
    # one ward is published as two features with the same code: joined into one area
    "geography/boundaries_wards22.gpkg.gz": 8482,
}
LOOKUP_FILES = ["geography/lookup_lsoa21_ward24_ltla24.csv.gz", "geography/lookup_lsoa11_lsoa21_ltla22.csv.gz",
                "geography/lookup_lsoa11_ward17.csv.gz", "geography/lookup_ltla24_csp24_pfa24.csv.gz",
                "geography/LSOA11_LSOA21_LAD22_lookup.csv.gz", "geography/PoliceforceLSOA.csv.gz",
                "geography/lsoa_to_ward.csv", "geography/lsoa2011_centroids.csv.gz",
                "deprivation/lsoa21-lookup.csv.gz", "deprivation/imd_lookups_lsoa21_imd2025_pop2024.csv.gz"]
POPULATION_FILES = {"population/census21_pop_lsoa21_6agegroups.csv.gz": 35672,
                    "population/TS001_usual_residents_LSOA2021.csv.gz": 35672,
                    "population/census_2011_population_hh.csv.gz": 34753,
                    "population/ward21pop_2011_2022.csv.gz": 174 * 12}
DEPRIVATION_FILES = {"deprivation/imd2019_england_lsoa11.csv.gz": 32844,
                     "deprivation/imd2019_england_lsoa11_subdomains.csv.gz": 32844,
                     "deprivation/imd2019_england_lsoa11_indicators.csv.gz": 32844,
                     "deprivation/imd2019_england_ltla22.csv.gz": 309,
                     "deprivation/imd2025_england_lsoa21.csv.gz": 33755,
                     "deprivation/IMD2019_File1_LSOA11_rank_decile.csv.gz": 32844,
                     "deprivation/iod2019_eng_ranks_deciles.csv.gz": 32844,
                     "deprivation/File_1_-_IMD2019_Index_of_Multiple_Deprivation.xlsx": 32844,
                     "deprivation/Deprivation_coventry_imd2019.csv": 195,
                     "deprivation/imd_lookups_lsoa21_imd2025_pop2024.csv.gz": 33755,
                     "deprivation/aggregate-imd25-lookup.xlsx": None}


@pytest.mark.parametrize("name,features", BOUNDARY_FILES.items())
def test_real_boundary_files_import(shared_data: Path, name: str, features: int) -> None:
    """Each real boundary file lands with one boundary per area, in WGS84, simplified for the web."""
    result = import_boundaries(shared_data / name)
    assert result.rows == features
    sample = Boundary.objects.order_by("area_code").first()
    assert -8.7 < sample.min_lon < sample.max_lon < 1.9 and 49.8 < sample.min_lat < sample.max_lat < 61
    assert sample.map_geojson.startswith('{"type":')


def test_outline_without_code_needs_code_option(shared_data: Path) -> None:
    """The West Midlands outline has no code field: refused with the columns listed, accepted with --code."""
    path = shared_data / "geography/west-midlands.gpkg"
    with pytest.raises(InputRejected, match="'Name', 'description'"):
        import_boundaries(path)
    assert import_boundaries(path, code="E47000007", name="West Midlands").rows == 1
    assert Area.objects.get(code="E47000007").level == "combined_authority"


def test_british_national_grid_is_reprojected(shared_data: Path) -> None:
    """Coventry's EPSG:27700 shapefile lands in longitude/latitude around Coventry."""
    import_boundaries(shared_data / "geography/coventry_lsoa_shp/coventry_lsoa.shp")
    b = Boundary.objects.get(area_code="E01009522")
    assert -1.7 < b.min_lon < -1.4 and 52.3 < b.min_lat < 52.5


@pytest.mark.parametrize("name", LOOKUP_FILES)
def test_real_lookup_files_import(shared_data: Path, name: str) -> None:
    results = import_lookup(shared_data / name)
    assert sum(r.rows for r in results) > 300
    assert Area.objects.count() > 300


def test_lookup_links_lsoa_to_ward_and_lad_and_lsoa_changes(shared_data: Path) -> None:
    import_lookup(shared_data / "geography/lookup_lsoa21_ward24_ltla24.csv.gz")
    import_lookup(shared_data / "geography/lookup_lsoa11_lsoa21_ltla22.csv.gz")
    link = AreaLink.objects.get(child_code="E01012049", parent_level="lad", parent_vintage="2024")
    assert link.parent_code == "E06000002" and link.parent_vintage == "2024"
    assert AreaLink.objects.get(child_code="E01012049", parent_level="ward").parent_code == "E05009861"
    assert LsoaChange.objects.filter(change_code="S").count() > 500
    assert Area.objects.get(code="E01012049").name == "Middlesbrough 014A"


def test_reimporting_the_same_file_changes_nothing(shared_data: Path) -> None:
    path = shared_data / "geography/lookup_ltla24_csp24_pfa24.csv.gz"
    import_lookup(path)
    before = list(AreaLink.objects.values_list("child_code", "parent_code", "parent_level").order_by("id"))
    again = import_lookup(path)
    assert again[0].skipped_unchanged
    assert list(AreaLink.objects.values_list("child_code", "parent_code", "parent_level").order_by("id")) == before


@pytest.mark.parametrize("name,areas", POPULATION_FILES.items())
def test_real_population_files_import(shared_data: Path, name: str, areas: int) -> None:
    assert import_population(shared_data / name).rows == areas


def test_census_bands_give_young_people_and_totals_merge(shared_data: Path) -> None:
    """Six-band Census 2021 gives residents aged 24 and under; TS001 totals for the same year keep the bands."""
    import_population(shared_data / "population/census21_pop_lsoa21_6agegroups.csv.gz")
    record = PopulationRecord.objects.get(area_code="E01000001", year=2021)
    assert record.aged_24_and_under == record.bands["Aged 15 years and under"] + record.bands["Aged 16 to 24 years"]
    import_population(shared_data / "population/TS001_usual_residents_LSOA2021.csv.gz")
    merged = PopulationRecord.objects.get(area_code="E01000001", year=2021)
    assert merged.bands == record.bands and merged.aged_24_and_under == record.aged_24_and_under


def test_census_2011_persons_with_thousands_separators(shared_data: Path) -> None:
    import_population(shared_data / "population/census_2011_population_hh.csv.gz")
    assert PopulationRecord.objects.get(area_code="E01020634", year=2011).total == 1563


@pytest.mark.parametrize("label,expected", [
    ("Aged 15 years and under", (0, 15)), ("Aged 16 to 24 years", (16, 24)), ("Aged 65 years and over", (65, None)),
    ("UNDER 1", (0, 0)), ("1-4", (1, 4)), ("90+", (90, None)), ("23", (23, 23))])
def test_age_range_reads_published_labels(label: str, expected: tuple) -> None:
    assert age_range(label) == expected


def test_young_count_needs_a_band_boundary_at_24() -> None:
    assert young_count({"0-15": 10, "16-24": 5, "25-64": 50}) == 15
    assert young_count({"0-19": 10, "20-29": 5}) is None


@pytest.mark.parametrize("name,areas", DEPRIVATION_FILES.items())
def test_real_deprivation_files_import(shared_data: Path, name: str, areas: int | None) -> None:
    result = import_deprivation(shared_data / name)
    assert result.rows == areas if areas else result.rows > 7000


def test_imd_measures_are_named_consistently(shared_data: Path) -> None:
    """Three publishers' layouts of IMD 2019 give the same rank and decile under the same names."""
    for name in ("deprivation/imd2019_england_lsoa11.csv.gz", "deprivation/iod2019_eng_ranks_deciles.csv.gz",
                 "deprivation/IMD2019_File1_LSOA11_rank_decile.csv.gz"):
        import_deprivation(shared_data / name)
        values = DeprivationRecord.objects.get(area_code="E01000001", edition=2019).values
        assert values["imd_rank"] == 29199 and values["imd_decile"] == 9
    assert "crime_decile" in values and "housing_and_services_rank" in values
    import_deprivation(shared_data / "deprivation/imd2025_england_lsoa21.csv.gz")
    assert DeprivationRecord.objects.get(area_code="E01000001", edition=2025).values["imd_score"] == 8.742


def test_unmatched_columns_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "mystery.csv"
    path.write_text("area,people\nsomewhere,10\n")
    with pytest.raises(InputRejected) as caught:
        import_population(path, year=2021)
    assert "'area', 'people'" in str(caught.value) and "--code-column" in str(caught.value)


def test_code_column_option_names_an_unusual_column(tmp_path: Path) -> None:
    path = tmp_path / "custom.csv"
    path.write_text("zone,people\nE01000001,1500\nE01000002,1600\n")
    assert import_population(path, year=2021, code_column="zone", count_column="people").rows == 2


def test_bad_number_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "pop2021.csv"
    path.write_text("lsoa21_code,total\nE01000001,1500\nE01000002,lots\n")
    with pytest.raises(InputRejected) as caught:
        import_population(path)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.column) == ("pop2021.csv", 3, "total")
    assert PopulationRecord.objects.count() == 0


def test_bad_code_in_lookup_lands_nothing(tmp_path: Path) -> None:
    path = tmp_path / "lookup.csv"
    good = "".join(f"E0100{n:04d},E09000001\n" for n in range(1, 21))
    path.write_text("lsoa21_code,lad24_code\n" + good + "E01000099,XYZ\n")
    with pytest.raises(InputRejected, match="line 22, column 'lad24_code'"):
        import_lookup(path)
    assert Area.objects.count() == 0 and AreaLink.objects.count() == 0
