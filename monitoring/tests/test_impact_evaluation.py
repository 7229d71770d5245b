"""The whole evaluation of a project on the demo region's geography, with police counts planted: a halving of
offences in the project's local authority from its start is recovered within the DiD interval (and by the
synthetic control); with nothing planted the interval covers zero. The counts are planted in place of the
warehouse query so the true effect is known; everything else (treated places, quarters, rates, matching,
estimates) runs as in use."""

from datetime import date

import numpy as np
import pytest

from core.testing.factories import project

pytestmark = pytest.mark.django_db
RATE = 2.0  # offences per 1,000 residents a month


@pytest.fixture
def region(demo_region, tmp_path):
    demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=60, ed_per_month=5,
                with_commissioning=False)
    return project("IMPACT-1", area_codes=["E08900001"], planned_start=date(2024, 1, 1))


def planted_counts(multiplier: float, seed: int):
    from insights.hotspots.query import lsoas_in
    from insights.query.areas import area_tables
    from places.services.routes import months_between

    _, lsoa21 = area_tables()
    population = dict(zip(lsoa21.column("lsoa21_code").to_pylist(), lsoa21.column("population").to_pylist(),
                          strict=True))
    treated = set(lsoas_in("E08900001"))

    def counts(query, by):
        rng = np.random.default_rng(seed)
        rows = []
        for code in lsoas_in(None):
            for month in months_between(query.month_from, query.month_to):
                effect = multiplier if code in treated and month >= "2024-01" else 1.0
                rows.append({"lsoa": code, "month": month,
                             "count": int(rng.poisson(RATE * population[code] / 1000 * effect))})
        return rows

    return counts


@pytest.mark.parametrize(("multiplier", "seed"), [(0.5, 1), (1.0, 2)])
def test_a_planted_effect_is_recovered_and_a_placebo_covers_zero(region, monkeypatch, multiplier, seed) -> None:
    from monitoring.services import impact

    monkeypatch.setattr(impact, "counts", planted_counts(multiplier, seed))
    evaluation = impact.evaluate_project(region)
    assert evaluation.start_quarter == "2024-Q1" and evaluation.quarters[0] == "2023-Q1"
    treated = len(evaluation.treated)
    assert treated > 50 and len(evaluation.matched) == 3 * treated
    planted = 3 * RATE * (multiplier - 1)  # per 1,000 a quarter
    did = evaluation.did
    assert did["ci_low"] < planted < did["ci_high"]
    if multiplier != 1.0:
        assert did["ci_high"] < 0
        assert evaluation.synthetic_control["estimate"] == pytest.approx(planted, abs=0.6)
    else:
        assert did["ci_low"] < 0 < did["ci_high"]
    assert "LSOAs of the project's areas" in evaluation.how_treated
    said = " ".join(evaluation.caveats)
    assert "Crime displacement" in said and "Regression to the mean" in said
    assert "Small numbers" not in said  # hundreds of offences a quarter in the treated places


def test_the_caveats_speak_of_small_numbers_and_displacement_from_the_evaluations_own_numbers() -> None:
    from monitoring.services.impact import Evaluation, caveats

    evaluation = Evaluation(None, ("Robbery",), 400.0, "", "2024-Q1", [], [], [], [], [], [], [
        {"method": "difference_in_differences", "clusters": 12},
        {"method": "synthetic_control", "clusters": 4}], [])
    said = caveats(evaluation, np.array([3, 5, 4, 6]), from_points=True)
    assert said[0] == ("Small numbers: the treated places had 4.5 recorded offences a quarter on average, so a few "
                       "incidents more or less move the estimate, and the interval is wide.")
    assert any(c.startswith("Crime displacement") and "within 800 m of the delivery points" in c for c in said)
    assert "Only 12 places are compared, so the clustered interval is approximate." in said
    assert any("cannot be smaller than 0.20" in c for c in said)


def test_treated_places_are_the_lsoas_within_the_radius_of_the_delivery_points(db) -> None:
    """Boundaries 0 m, 250 m, 600 m and 2 km east of a delivery point: within 400 m are treated; within twice
    the radius (where crime could be displaced to) are left out of the comparison pool; further away are not."""
    import shapely

    from commissioning.models import DeliveryLocation
    from geography.models import Boundary
    from monitoring.services.impact import treated_places

    lon, lat = -1.90, 52.48
    metres_east = 1 / (111_320 * np.cos(np.radians(lat)))  # degrees of longitude in a metre, here
    for code, west in (("E01000001", -50), ("E01000002", 250), ("E01000003", 600), ("E01000004", 2000)):
        square = shapely.box(lon + west * metres_east, lat - 0.0005, lon + (west + 100) * metres_east, lat + 0.0005)
        Boundary.objects.create(area_code=code, level="lsoa", geometry_wkb=shapely.to_wkb(square), map_geojson="",
                                min_lon=square.bounds[0], min_lat=square.bounds[1], max_lon=square.bounds[2],
                                max_lat=square.bounds[3])
    funded = project("RADIUS-1", area_codes=["E08000025"])
    DeliveryLocation.objects.create(project=funded, name="Youth centre", latitude=lat, longitude=lon)
    universe = ["E01000001", "E01000002", "E01000003", "E01000004"]
    treated, left_out, how = treated_places(funded, universe, 400.0)
    assert treated == ["E01000001", "E01000002"]
    assert left_out == ["E01000001", "E01000002", "E01000003"]
    assert how == "LSOAs within 400 m of the project's 1 delivery location"
    assert treated_places(funded, universe, 200.0)[0] == ["E01000001"]


def test_the_project_page_leads_to_its_impact_evaluation(client, db) -> None:
    """A commissioner reaches the evaluation from the project's page; with no police data loaded it says why it
    cannot be done yet rather than failing."""
    from core.roles import Role
    from core.testing.factories import user

    funded = project("LINK-1")
    client.force_login(user(Role.COMMISSIONER, None, "commissioner"))
    page = client.get(f"/commissioning/projects/{funded.identifier}/").content.decode()
    assert f'href="/monitoring/impact/{funded.identifier}/"' in page
    evaluation = client.get(f"/monitoring/impact/{funded.identifier}/")
    assert evaluation.status_code == 200
    assert "This project cannot be evaluated yet: police data covers no quarters" in evaluation.content.decode()
