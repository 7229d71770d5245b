"""Harm weighting: type weights averaged over recorded offences (real Home Office table), weighted Gi* and KDE."""

import csv
import gzip
import io
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.problems import InputRejected
from insights.hotspots.query import gistar_hotspots
from insights.models import HarmWeight
from insights.query.figures import FigureQuery
from insights.query.harm import crime_type_of, derive_type_weights, import_harm_weights

pytestmark = pytest.mark.django_db

PRC = "police-recorded-crime/prc-pfa-201718_new.csv.gz"


def test_a_type_weight_is_the_count_weighted_mean_of_its_offences() -> None:
    weights = {"A": 10.0, "B": 100.0, "C": 5.0}
    counts = [("A", "Violence and Sexual Offences", 30), ("B", "violence and sexual offences", 10),
              ("C", "Public order offences", 4), ("Z", "Robbery", 9)]
    derived = derive_type_weights(weights, counts)
    assert derived["Violence and sexual offences"] == pytest.approx(((10 * 30 + 100 * 10) / 40, 40))
    assert derived["Public order"] == (5.0, 4)
    assert "Robbery" not in derived  # no weight for its only offence code
    assert crime_type_of("Criminal Damage and Arson") == "Criminal damage and arson"
    assert crime_type_of("Fraud") is None


def test_weights_derived_from_the_real_home_office_offence_table(shared_data: Path, tmp_path: Path) -> None:
    # Test weights (not published values): each offence code's weight is its code's length, so the expected
    # type weights can be recomputed here independently of the code under test.
    counts: dict[str, float] = defaultdict(float)
    codes = set()
    with gzip.open(shared_data / PRC, "rt", newline="") as handle:
        for row in csv.DictReader(handle):
            codes.add(row["Offence_Code"])
            counts[(row["Offence_Code"], row["Policeuk_Cat"])] += float(row["Number_of_Offences"])
    offence_file = tmp_path / "offence_weights.csv"
    offence_file.write_text("offence_code,weight\n" + "".join(f"{c},{len(c)}\n" for c in sorted(codes)))
    loaded = import_harm_weights("css", offence_file, "test", shared_data / PRC, source="test weights")
    robbery = {k: n for k, n in counts.items() if k[1].lower() == "robbery"}
    expected = sum(len(code) * n for (code, _), n in robbery.items()) / sum(robbery.values())
    assert loaded["Robbery"] == pytest.approx(expected)
    assert loaded["Anti-social behaviour"] == 0.0
    assert {"Violence and sexual offences", "Burglary", "Possession of weapons", "Public order"} <= set(loaded)
    assert HarmWeight.objects.get(scheme="css", crime_type="Robbery").offences == int(sum(robbery.values()))


def test_bad_weight_files_name_the_line_and_change_nothing(tmp_path: Path) -> None:
    good = tmp_path / "types.csv"
    good.write_text("crime_type,weight\nRobbery,365\nBurglary,100\n")
    import_harm_weights("chi", good, "test")
    bad = tmp_path / "bad.csv"
    bad.write_text("crime_type,weight\nRobbery,lots\nBurglary,-1\nKnitting,4\n")
    with pytest.raises(InputRejected) as caught:
        import_harm_weights("chi", bad, "test")
    assert {p.line for p in caught.value.problems} == {2, 3}
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("crime_type,weight\nKnitting,4\n")
    with pytest.raises(InputRejected, match="not a police.uk crime type"):
        import_harm_weights("chi", unknown, "test")
    assert dict(HarmWeight.objects.filter(scheme="chi").values_list("crime_type", "weight")) == {
        "Robbery": 365.0, "Burglary": 100.0, "Anti-social behaviour": 0.0}


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=400, ed_per_month=10,
                       with_commissioning=False)


def test_harm_weighted_gistar_weights_each_crime_by_its_type(demo: dict, tmp_path: Path) -> None:
    from insights.ingest.police_uk_format import CRIME_TYPES

    weights = {name: float(i + 1) for i, name in enumerate(sorted(CRIME_TYPES.values()))}
    path = tmp_path / "types.csv"
    path.write_text("crime_type,weight\n" + "".join(f"{t},{w}\n" for t, w in weights.items()))
    import_harm_weights("css", path, "test")
    query = FigureQuery(month_from="2024-01", month_to="2024-12")
    plain = gistar_hotspots(query)
    weighted = gistar_hotspots(query, weights="css")
    assert [r["lsoa"] for r in weighted] == [r["lsoa"] for r in plain]
    # Recompute harm per 1,000 from the generated files and check the values and the z-scores follow.
    harm: dict[str, float] = defaultdict(float)
    for file in (tmp_path / "demo" / "police").glob("*.csv"):
        with open(file, newline="") as handle:
            for row in csv.DictReader(handle):
                harm[row["LSOA code"]] += weights[row["Crime type"]]
    rate_ratio = [(r["value"], p["value"]) for r, p in zip(weighted, plain, strict=True) if p["count"]]
    population = {p["lsoa"]: p["count"] * 1000 / p["value"] for p in plain if p["count"]}
    for row in weighted[:40]:
        if row["lsoa"] in population:
            assert row["value"] == pytest.approx(harm[row["lsoa"]] * 1000 / population[row["lsoa"]], rel=1e-3)
    assert any(abs(w - p) > 1e-6 for w, p in rate_ratio)
    assert any(abs(w["z"] - p["z"]) > 1e-3 for w, p in zip(weighted, plain, strict=True))


def test_weights_must_be_loaded_and_apply_to_police_data_only(demo: dict) -> None:
    with pytest.raises(CommandError, match="no css harm weights are loaded"):
        call_command("hotspots", "--weights", "css", "--from", "2024-01", "--to", "2024-12")
    with pytest.raises(InputRejected, match="police recorded crime only"):
        gistar_hotspots(FigureQuery(source="ed", month_from="2024-01", month_to="2024-12"), weights="chi")


def test_harm_weighted_kde_and_command_line(demo: dict, tmp_path: Path) -> None:
    path = tmp_path / "types.csv"
    path.write_text("crime_type,weight\n" + "".join(f"{t},{2.0}\n" for t in (
        "Violence and sexual offences", "Public order", "Criminal damage and arson", "Shoplifting", "Other theft",
        "Vehicle crime", "Burglary", "Drugs", "Robbery", "Possession of weapons", "Theft from the person",
        "Bicycle theft", "Other crime")))
    out = io.StringIO()
    call_command("harm_weights", "import", "--scheme", "chi", str(path), stdout=out)
    assert "14 crime types" in out.getvalue()

    def density(weights: str) -> np.ndarray:
        printed = io.StringIO()
        call_command("hotspots", "--method", "kde", "--from", "2024-06", "--to", "2024-06", "--cell-size", "250",
                     "--bandwidth", "500", "--weights", weights, stdout=printed)
        return np.array([float(r["density_per_km2"]) for r in csv.DictReader(io.StringIO(printed.getvalue()))])

    plain, weighted = density("none"), density("chi")
    # Every type weighs 2 except anti-social behaviour (0): weighted density is at most twice the plain one.
    assert weighted.sum() < 2 * plain.sum() and weighted.sum() > plain.sum()
    gi = io.StringIO()
    call_command("hotspots", "--weights", "chi", "--from", "2024-01", "--to", "2024-12", stdout=gi)
    assert len(list(csv.DictReader(io.StringIO(gi.getvalue())))) == demo["lsoas"]


def test_the_hotspots_page_offers_loaded_weights(demo: dict, tmp_path: Path, client) -> None:
    assert b"Harm weighting" not in client.get("/insights/hotspots/?from=2024-01&to=2024-12").content
    path = tmp_path / "types.csv"
    path.write_text("crime_type,weight\nViolence and sexual offences,100\nRobbery,50\n")
    import_harm_weights("css", path, "test", source="ONS CSS test edition")
    page = client.get("/insights/hotspots/?from=2024-01&to=2024-12&type=Robbery&weights=css")
    assert b"ONS CSS test edition" in page.content and page.status_code == 200
    csv_rows = client.get("/insights/hotspots.csv?from=2024-01&to=2024-12&type=Robbery&weights=css").content
    plain_rows = client.get("/insights/hotspots.csv?from=2024-01&to=2024-12&type=Robbery").content
    weighted = {r["lsoa"]: r["value"] for r in csv.DictReader(io.StringIO(csv_rows.decode()))}
    plain = {r["lsoa"]: r["value"] for r in csv.DictReader(io.StringIO(plain_rows.decode()))}
    published = [k for k in plain if plain[k]]
    assert published and all(float(weighted[k]) == pytest.approx(50 * float(plain[k]), rel=1e-2) for k in published)
