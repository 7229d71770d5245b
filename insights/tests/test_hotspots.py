"""Gi*, queen contiguity and FDR against PySAL (esda, libpysal) on real LSOA boundaries."""

import json
import warnings
from pathlib import Path

import numpy as np
import pytest
import shapely

from insights.hotspots import benjamini_hochberg, g_local_star, queen_weights


@pytest.fixture(scope="module")
def wm_lsoas(shared_data: Path) -> np.ndarray:
    features = json.loads((shared_data / "geography/wm_lsoa21_boundaries.geojson").read_text())["features"]
    return np.array([shapely.geometry.shape(f["geometry"]) for f in features], dtype=object)


def test_queen_contiguity_matches_libpysal(wm_lsoas: np.ndarray) -> None:
    from libpysal.weights import Queen

    ours = queen_weights(wm_lsoas)
    theirs = Queen.from_iterable(list(wm_lsoas))
    for i in range(len(wm_lsoas)):
        assert set(ours[i].indices) == set(theirs.neighbors[i]), i


def test_gi_star_z_scores_equal_esda(wm_lsoas: np.ndarray) -> None:
    from esda.getisord import G_Local
    from libpysal.weights import WSP

    rng = np.random.default_rng(3)
    values = rng.gamma(2.0, 5.0, len(wm_lsoas))
    contiguity = queen_weights(wm_lsoas)
    ours = g_local_star(values, contiguity)
    w = WSP(contiguity).to_W(silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = G_Local(values, w, transform="R", star=True, permutations=0)
    np.testing.assert_allclose(ours.z, theirs.Zs, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.g, theirs.Gs, rtol=1e-12)
    np.testing.assert_allclose(ours.p, 2 * theirs.p_norm, rtol=1e-9)


def test_a_planted_cluster_is_a_hot_spot_after_fdr(wm_lsoas: np.ndarray) -> None:
    contiguity = queen_weights(wm_lsoas)
    rng = np.random.default_rng(5)
    values = rng.poisson(10, len(wm_lsoas)).astype(float)
    centre = 100
    cluster = [centre, *contiguity[centre].indices]
    values[cluster] = 60
    result = g_local_star(values, contiguity)
    assert result.classes[centre] == "hot spot"
    assert sum(c == "hot spot" for c in result.classes) < 60


def test_benjamini_hochberg_known_values() -> None:
    p = np.array([0.01, 0.04, 0.03, 0.005, 0.2])
    # sorted: .005 .01 .03 .04 .2 → ×5/k: .025 .025 .05 .05 .2 → running min from the top
    np.testing.assert_allclose(benjamini_hochberg(p), [0.025, 0.05, 0.05, 0.025, 0.2])


def _benjamini_hochberg_by_hand(p: np.ndarray) -> np.ndarray:
    """The step-up the platform computed by hand before it used SciPy (kept to show nothing changed)."""
    m = len(p)
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    result = np.empty(m)
    result[order] = np.minimum(adjusted, 1.0)
    return result


@pytest.mark.parametrize("seed", range(5))
def test_benjamini_hochberg_equals_the_previous_hand_written_step_up(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Ties, ones and very small values as Gi* p-values over ~1,700 LSOAs have them.
    p = np.concatenate([rng.uniform(0, 1, 1700), rng.uniform(0, 1e-6, 40), np.ones(30), np.full(20, 0.04)])
    rng.shuffle(p)
    np.testing.assert_allclose(benjamini_hochberg(p), _benjamini_hochberg_by_hand(p), rtol=1e-12, atol=0)
    assert benjamini_hochberg(np.array([])).shape == (0,)


def test_gi_star_refuses_too_few_or_missing_values() -> None:
    from scipy import sparse

    with pytest.raises(ValueError):
        g_local_star(np.array([1.0, np.nan, 2.0, 3.0]), sparse.csr_matrix((4, 4)))


def test_gi_star_of_equal_values_finds_nothing_rather_than_nan() -> None:
    from scipy import sparse

    chain = sparse.diags([1.0, 1.0], [-1, 1], shape=(5, 5))
    for values in (np.zeros(5), np.full(5, 3.0)):
        result = g_local_star(values, chain)
        assert result.classes == ["not significant"] * 5
        assert np.isfinite(result.z).all() and (result.p == 1).all()


def test_quartic_kde_integrates_to_the_number_of_points_and_peaks_at_the_cluster() -> None:
    from insights.hotspots.kde import quartic_kde, to_british_national_grid, to_wgs84

    rng = np.random.default_rng(2)
    x, y = to_british_national_grid(np.array([-1.9]), np.array([52.48]))
    px = np.concatenate([x + rng.normal(0, 80, 300), x + rng.uniform(-3000, 3000, 100)])
    py = np.concatenate([y + rng.normal(0, 80, 300), y + rng.uniform(-3000, 3000, 100)])
    lon, lat = to_wgs84(px, py)
    grid = quartic_kde(lon, lat, cell_size_m=100, bandwidth_m=300)
    cell_km2 = (grid.cell_size_m / 1000) ** 2
    assert grid.density_per_km2.sum() * cell_km2 == pytest.approx(400, rel=0.02)
    assert grid.count.sum() == 400
    peak = np.argmax(grid.density_per_km2)
    assert abs(grid.easting[peak] - x[0]) < 200 and abs(grid.northing[peak] - y[0]) < 200


def test_quartic_kde_refuses_unchecked_parameters() -> None:
    from insights.hotspots.kde import quartic_kde

    with pytest.raises(ValueError, match="smaller than the cell size"):
        quartic_kde(np.array([-1.9]), np.array([52.48]), cell_size_m=500, bandwidth_m=100)
    with pytest.raises(ValueError, match="cells"):
        quartic_kde(np.array([-3.0, 1.0]), np.array([51.0, 53.0]), cell_size_m=50, bandwidth_m=100)


@pytest.mark.parametrize("classes,pattern", [
    (["hot spot"] * 9 + ["not significant"], "persistent hotspot"),
    (["not significant"] * 8 + ["hot spot"] * 2, "emerging hotspot"),
    (["hot spot"] * 3 + ["not significant"] * 7, "former hotspot"),
    (["hot spot", "not significant", "hot spot", "not significant", "not significant", "hot spot",
      "not significant", "not significant", "hot spot", "not significant"], "intermittent hotspot"),
    (["not significant"] * 10, "no pattern"),
    (["cold spot"] * 10, "persistent coldspot"),
    ([], "no pattern"),
])
def test_persistence_patterns(classes: list[str], pattern: str) -> None:
    from insights.hotspots.persistence import classify_persistence

    assert classify_persistence(classes) == pattern


def test_persistence_periods_are_counted_back_from_to_and_name_the_months_left_out() -> None:
    from insights.hotspots.query import persistence_periods

    periods, left_out = persistence_periods("2016-07", "2018-07", 12)
    assert periods == [("2016-08", "2017-07"), ("2017-08", "2018-07")]
    assert left_out == ["2016-07"]
    assert persistence_periods("2024-01", "2024-06", 3) == ([("2024-01", "2024-03"), ("2024-04", "2024-06")], [])
