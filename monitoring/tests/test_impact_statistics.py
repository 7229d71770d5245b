"""The impact statistics on seeded panels: a planted effect is recovered within its interval, a placebo panel's
interval covers zero, and every estimate and error equals statsmodels (DiD and event study, errors clustered by
place) and pysyncon (an independent synthetic control implementation from PyPI) on the same panel."""

import functools

import numpy as np
import pandas as pd
import pytest

from monitoring.impact import (
    difference_in_differences,
    event_study,
    mahalanobis_matches,
    placebo_in_space,
    pre_period_trend,
    simplex_weights,
    standardised_mean_difference,
    synthetic_control,
)

PLANTED = -2.0


def panel(effect: float, seed: int, places: int = 40, treated: int = 12, quarters: int = 12, start: int = 6
          ) -> pd.DataFrame:
    """Quarterly outcomes of ``places`` places with their own level and trend and noise; the first ``treated``
    places change by ``effect`` from quarter ``start``."""
    rng = np.random.default_rng(seed)
    rows = []
    for p in range(places):
        level, trend = rng.normal(12, 3), rng.normal(0.1, 0.05)
        for q in range(quarters):
            is_treated, post = int(p < treated), int(q >= start)
            rows.append({"place": f"E01{p:06d}", "treated": is_treated, "post": post, "relative": q - start,
                         "y": level + trend * q + rng.normal(0, 1.0) + effect * is_treated * post})
    return pd.DataFrame(rows)


def clustered_fit(formula: str, frame: pd.DataFrame):
    import statsmodels.formula.api as smf

    return smf.ols(formula, frame).fit(cov_type="cluster", cov_kwds={"groups": pd.factorize(frame["place"])[0]},
                                       use_t=True)


def test_did_recovers_a_planted_effect_and_a_placebo_interval_covers_zero() -> None:
    planted = panel(PLANTED, seed=11)
    result = difference_in_differences(planted.y, planted.treated, planted.post, planted.place)
    assert result.ci_low < PLANTED < result.ci_high and result.ci_high < 0
    assert result.clusters == 40 and result.degrees_of_freedom == 39
    placebo = panel(0.0, seed=12)
    result = difference_in_differences(placebo.y, placebo.treated, placebo.post, placebo.place)
    assert result.ci_low < 0 < result.ci_high


@pytest.mark.parametrize("seed", [21, 22])
def test_did_with_errors_clustered_by_place_equals_statsmodels(seed: int) -> None:
    frame = panel(PLANTED, seed=seed)
    ours = difference_in_differences(frame.y, frame.treated, frame.post, frame.place)
    fit = clustered_fit("y ~ treated + post + treated:post", frame)
    assert ours.estimate == pytest.approx(fit.params["treated:post"], abs=1e-9)
    assert ours.standard_error == pytest.approx(fit.bse["treated:post"], abs=1e-9)
    assert (ours.ci_low, ours.ci_high) == pytest.approx(tuple(fit.conf_int().loc["treated:post"]), abs=1e-9)
    assert ours.p_value == pytest.approx(fit.pvalues["treated:post"], abs=1e-9)
    classical = difference_in_differences(frame.y, frame.treated, frame.post)
    import statsmodels.formula.api as smf

    plain = smf.ols("y ~ treated + post + treated:post", frame).fit()
    assert classical.standard_error == pytest.approx(plain.bse["treated:post"], abs=1e-9)
    assert classical.standard_error != pytest.approx(ours.standard_error, rel=1e-3)


def test_event_study_equals_statsmodels_and_shows_the_effect_after_the_start_only() -> None:
    frame = panel(PLANTED, seed=31)
    terms = event_study(frame.y, frame.treated, frame.relative, frame.place)
    fit = clustered_fit("y ~ C(relative, Treatment(-1)) + treated + treated:C(relative, Treatment(-1))", frame)
    assert [t.relative_period for t in terms] == list(range(-6, 6))
    for term in terms:
        if term.relative_period == -1:
            assert (term.estimate, term.standard_error) == (0.0, 0.0)
            continue
        name = f"treated:C(relative, Treatment(-1))[T.{term.relative_period}]"
        assert term.estimate == pytest.approx(fit.params[name], abs=1e-9)
        assert term.standard_error == pytest.approx(fit.bse[name], abs=1e-9)
        assert term.ci_low == pytest.approx(fit.conf_int().loc[name, 0], abs=1e-9)
    after = [t for t in terms if t.relative_period >= 0]
    assert all(t.ci_high < 0 for t in after)
    assert sum(t.ci_low < 0 < t.ci_high for t in terms if t.relative_period < -1) >= 4


def wide(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The treated places' mean as one treated series, and ten comparison places as donors."""
    treated = frame[frame.treated == 1].groupby("relative").y.mean().to_numpy()
    donors = frame[frame.treated == 0].pivot(index="relative", columns="place", values="y").iloc[:, :10]
    return treated, donors.to_numpy(), list(donors.columns)


@pytest.fixture
def tight_pysyncon(monkeypatch):
    """pysyncon's Synth with its own SLSQP weight solver run to a tight tolerance (its default stops near 1e-4)."""
    from pysyncon import Synth

    monkeypatch.setattr(Synth, "w_optimize", staticmethod(functools.partial(
        Synth.w_optimize, qp_options={"maxiter": 10000, "ftol": 1e-15})))
    return Synth


def test_synthetic_control_equals_pysyncon_and_its_placebo_test(tight_pysyncon) -> None:
    from pysyncon import Dataprep
    from pysyncon.utils import PlaceboTest

    frame = panel(PLANTED, seed=41, quarters=14, start=10)
    treated, donors, names = wide(frame)
    pre = 10
    ours = synthetic_control(treated, donors, pre)
    units = ["treated", *names]
    long = pd.DataFrame([{"unit": unit, "time": t + 1, "y": series[t]} for unit, series in
                         zip(units, [treated, *donors.T], strict=True) for t in range(len(treated))])
    periods = list(range(1, pre + 1))
    prep = Dataprep(foo=long, predictors=["y"], predictors_op="mean", dependent="y", unit_variable="unit",
                    time_variable="time", treatment_identifier="treated", controls_identifier=names,
                    time_predictors_prior=[1], time_optimize_ssr=periods,
                    special_predictors=[("y", [t], "mean") for t in periods[1:]])
    theirs = tight_pysyncon()
    theirs.fit(dataprep=prep, custom_V=np.ones(pre))
    # The objective is flat near its optimum: with scipy 1.17 (whose SLSQP was rewritten) pysyncon's weights
    # and ours differ by a few millionths, for the same pre-start fit to one part in a hundred thousand.
    np.testing.assert_allclose(ours.weights, np.asarray(theirs.W), atol=1e-5)
    their_fit = treated[:pre] - donors[:pre] @ np.asarray(theirs.W)
    assert ((treated[:pre] - donors[:pre] @ ours.weights) ** 2).sum() == pytest.approx((their_fit ** 2).sum(),
                                                                                       rel=1e-5)
    att = theirs.att(time_period=range(pre + 1, len(treated) + 1))
    assert ours.estimate == pytest.approx(att["att"], abs=1e-5)
    assert ours.estimate == pytest.approx(PLANTED, abs=0.8)

    placebo = placebo_in_space(treated, donors, pre)
    test = PlaceboTest()
    test.fit(dataprep=prep, scm=tight_pysyncon(), scm_options={"custom_V": np.ones(pre)}, max_workers=1,
             verbose=False)
    for j, name in enumerate(names):
        mine = synthetic_control(donors[:, j], np.delete(donors, j, axis=1), pre)
        # pysyncon's solver differentiates numerically, so on a few placebos it stops a little short of the
        # optimum: the paths agree to 1e-5 and ours never fits the pre-start periods worse (beyond rounding).
        np.testing.assert_allclose(mine.gaps, test.gaps[name].to_numpy(), atol=1e-5)
        others = np.delete(donors, j, axis=1)
        scale = np.column_stack([others[:pre], donors[:pre, j]]).std(axis=1, ddof=1)
        assert ((mine.gaps[:pre] / scale) ** 2).sum() <= ((test.gaps[name].to_numpy()[:pre] / scale) ** 2).sum() * (
            1 + 1e-9)  # where both reach the optimum, rounding may leave ours a hair above
    # pysyncon counts the placebos at least as extreme; the treated unit itself is one more (Firpo & Possebom 2018).
    assert placebo.p_value == pytest.approx(test.pvalue(treatment_time=pre + 0.5) + 1 / (len(names) + 1), abs=1e-12)
    assert placebo.p_value == pytest.approx(1 / 11)  # the planted effect is the most extreme of the eleven


def test_simplex_weights_are_exact_and_convex() -> None:
    rng = np.random.default_rng(51)
    donors = rng.normal(size=(12, 6))
    inside = donors @ np.array([0.5, 0.3, 0.2, 0, 0, 0])
    np.testing.assert_allclose(simplex_weights(inside, donors), [0.5, 0.3, 0.2, 0, 0, 0], atol=1e-10)
    outside = rng.normal(size=12) * 5
    weights = simplex_weights(outside, donors)
    assert weights.min() >= 0 and weights.sum() == pytest.approx(1, abs=1e-12)
    from scipy.optimize import minimize

    check = minimize(lambda w: ((donors @ w - outside) ** 2).sum(), np.full(6, 1 / 6), method="SLSQP",
                     bounds=[(0, 1)] * 6, constraints={"type": "eq", "fun": lambda w: w.sum() - 1},
                     options={"ftol": 1e-15, "maxiter": 1000})
    assert ((donors @ weights - outside) ** 2).sum() <= check.fun * (1 + 1e-9)


def test_matching_takes_the_nearest_places_once_each_and_reports_balance() -> None:
    treated = {"T1": np.array([1.0, 30.0, 1500.0]), "T2": np.array([0.0, 10.0, 1400.0])}
    candidates = {"C1": np.array([1.1, 29.0, 1510.0]), "C2": np.array([0.9, 31.0, 1490.0]),
                  "C3": np.array([0.1, 11.0, 1390.0]), "C4": np.array([-3.0, 5.0, 3000.0])}
    matches = mahalanobis_matches(treated, candidates, per_treated=2)
    assert {(m.treated, m.comparison) for m in matches} == {("T1", "C1"), ("T1", "C2"), ("T2", "C3"), ("T2", "C4")}
    assert len({m.comparison for m in matches}) == 4
    assert standardised_mean_difference(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert pre_period_trend(np.array([1.0, 3.0, 5.0])) == pytest.approx(2.0)
