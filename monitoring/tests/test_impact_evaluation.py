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
