"""Did the violence in a funded place change? The evaluation of one project from police.uk data.

Method (the page, the report and ``vrp evaluate project ID`` say the same):

1. **Treated places.** The 2021 LSOAs whose boundary comes within ``radius_m`` of one of the project's delivery
   locations (distances in British National Grid metres); without boundaries, the LSOAs the points fall in;
   a project without delivery locations is evaluated on the LSOAs of its areas.
2. **Periods.** Calendar quarters, complete in the warehouse. The quarter the project started (its planned
   start, else its award date) is the first "after" quarter; up to ``quarters_before`` before and
   ``quarters_after`` from it.
3. **Outcome.** Police-recorded offences of the chosen types per 1,000 residents per quarter.
4. **Comparison places.** The region's other LSOAs, leaving out a ring of twice the radius around the delivery
   points (where crime could be displaced to, or deterred in), matched to each treated place on pre-period
   trend, deprivation (IMD score) and population (``monitoring.impact.matching``, Mahalanobis, three each,
   without replacement). Missing deprivation is taken as the candidates' median.
5. **Estimates.** The event study by quarter and the difference in differences with 95% intervals clustered by
   place (``monitoring.impact.did``, ``event_study``); the synthetic control of the treated places' combined
   rate from the closest matches (no more of them than pre-start quarters, so the weights are unique), with
   its placebo-in-space p-value (``monitoring.impact.synthetic_control``).
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from commissioning.models import Project
from insights.query.figures import FigureQuery, counts

DEFAULT_RADIUS_M = 400.0
DEFAULT_TYPES = ("Violence and sexual offences",)
PER_TREATED = 3


@dataclass
class Evaluation:
    """Everything the page, the report and the CSVs show, as plain data."""

    project: Project
    types: tuple[str, ...]
    radius_m: float
    how_treated: str
    start_quarter: str
    quarters: list[str]
    treated: list[dict]
    matched: list[dict]
    balance: list[dict]
    panel: list[dict]
    event_study: list[dict]
    estimates: list[dict]
    synthetic: list[dict]
    caveats: list[str] = field(default_factory=list)

    @property
    def did(self) -> dict:
        return next(e for e in self.estimates if e["method"] == "difference_in_differences")

    @property
    def synthetic_control(self) -> dict | None:
        return next((e for e in self.estimates if e["method"] == "synthetic_control"), None)


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def _quarter_months(quarter: str) -> tuple[str, str]:
    year, number = int(quarter[:4]), int(quarter[-1])
    return f"{year}-{3 * number - 2:02d}", f"{year}-{3 * number:02d}"


def _shift(quarter: str, by: int) -> str:
    index = int(quarter[:4]) * 4 + int(quarter[-1]) - 1 + by
    return f"{index // 4}-Q{index % 4 + 1}"


def _complete_quarters() -> list[str]:
    """Calendar quarters whose three months are all in the police warehouse."""
    from insights.models import WarehousePartition

    months = set(WarehousePartition.objects.filter(source="police", is_current=True).values_list("month", flat=True))
    quarters = sorted({quarter_of(date(int(m[:4]), int(m[5:7]), 1)) for m in months})
    return [q for q in quarters if all(f"{q[:4]}-{m:02d}" in months
                                       for m in range(3 * int(q[-1]) - 2, 3 * int(q[-1]) + 1))]


def _lsoa_geometries(codes: list[str]) -> dict:
    """LSOA code → boundary in British National Grid metres, for the codes that have one."""
    import shapely

    from geography.models import Boundary
    from places.services.nearby import project

    rows = list(Boundary.objects.filter(level="lsoa", area_code__in=codes).values_list("area_code", "geometry_wkb"))
    if not rows:
        return {}
    # One transformation for every boundary at once (a transformer per polygon is slow).
    projected = project(shapely.GeometryCollection(list(shapely.from_wkb([bytes(w) for _, w in rows]))))
    return {code: geometry for (code, _), geometry in zip(rows, projected.geoms, strict=True)}


def _points(project_obj: Project) -> list:
    import shapely

    from places.services.nearby import project

    return [project(shapely.Point(loc.longitude, loc.latitude)) for loc in project_obj.locations.all()]


def treated_places(project_obj: Project, universe: list[str], radius_m: float) -> tuple[list[str], list[str], str]:
    """(treated LSOAs, LSOAs to leave out of the comparison pool, how the treated places were chosen)."""
    from insights.hotspots.query import lsoas_in

    locations = list(project_obj.locations.all())
    if locations:
        geometries = _lsoa_geometries(universe)
        if geometries:
            import shapely

            points = shapely.union_all(_points(project_obj))
            near, ring = points.buffer(radius_m), points.buffer(2 * radius_m)
            treated = sorted(c for c, g in geometries.items() if g.intersects(near))
            excluded = sorted(c for c, g in geometries.items() if g.intersects(ring))
            return treated, excluded, (f"LSOAs within {radius_m:,.0f} m of the project's {len(locations)} delivery "
                                       f"location{'s' if len(locations) != 1 else ''}")
        treated = sorted({loc.lsoa_code for loc in locations if loc.lsoa_code})
        return treated, treated, "the LSOAs the delivery locations are in (no LSOA boundaries are loaded)"
    if project_obj.area_codes:
        treated = sorted({code for area in project_obj.area_codes for code in lsoas_in(area)})
        return treated, treated, f"the LSOAs of the project's areas ({', '.join(project_obj.area_codes)})"
    raise ValueError("the project has no delivery locations or areas to evaluate")


def evaluate_project(project_obj: Project, radius_m: float = DEFAULT_RADIUS_M, types: tuple[str, ...] = DEFAULT_TYPES,
                     quarters_before: int = 8, quarters_after: int = 8) -> Evaluation:
    """Evaluate one project (see the module's method). Raises ValueError, saying why, when it cannot be done."""
    from insights.hotspots.query import lsoas_in
    from insights.query.areas import area_names, area_tables
    from insights.query.priority import _deprivation
    from monitoring.impact import (
        difference_in_differences,
        event_study,
        mahalanobis_matches,
        placebo_in_space,
        pre_period_trend,
        standardised_mean_difference,
        synthetic_control,
    )

    start_day = project_obj.planned_start or project_obj.award_date
    start = quarter_of(start_day)
    available = _complete_quarters()
    before = [q for q in available if _shift(start, -quarters_before) <= q < start]
    after = [q for q in available if start <= q <= _shift(start, quarters_after - 1)]
    if len(before) < 2 or not after:
        raise ValueError(f"police data covers {available[0] if available else 'no quarters'} to "
                         f"{available[-1] if available else ''}: an evaluation of a start in {start} needs at least "
                         "two complete quarters before it and one from it")
    quarters = before + after
    _, lsoa21 = area_tables()
    population = {c: p for c, p in zip(lsoa21.column("lsoa21_code").to_pylist(),
                                       lsoa21.column("population").to_pylist(), strict=True) if p}
    universe = [c for c in lsoas_in(None) if c in population]
    treated, excluded, how = treated_places(project_obj, universe, radius_m)
    treated = [c for c in treated if c in population]
    if not treated:
        raise ValueError("none of the project's places is an LSOA of the region with a population")
    query = FigureQuery("police", _quarter_months(quarters[0])[0], _quarter_months(quarters[-1])[1], types=types)
    by_place: dict[str, dict[str, int]] = {}
    for row in counts(query, ["lsoa", "month"]):
        if row["lsoa"]:
            quarter = quarter_of(date(int(row["month"][:4]), int(row["month"][5:7]), 1))
            place = by_place.setdefault(row["lsoa"], {})
            place[quarter] = place.get(quarter, 0) + row["count"]

    def rates(code: str) -> np.ndarray:
        return np.array([by_place.get(code, {}).get(q, 0) * 1000 / population[code] for q in quarters])

    deprivation = _deprivation(universe)
    known = [v for v in deprivation.values() if v is not None]
    fallback = float(np.median(known)) if known else 0.0

    known_covariates: dict[str, np.ndarray] = {}

    def covariates(code: str) -> np.ndarray:
        if code not in known_covariates:
            known_covariates[code] = np.array([pre_period_trend(rates(code)[:len(before)]),
                                               deprivation.get(code, fallback), population[code]])
        return known_covariates[code]

    pool = sorted(set(universe) - set(excluded) - set(treated))
    matches = mahalanobis_matches({c: covariates(c) for c in treated}, {c: covariates(c) for c in pool}, PER_TREATED)
    comparison = [m.comparison for m in matches]
    if len(comparison) < 2:
        raise ValueError("too few comparison places are left in the region to match")
    names = area_names(treated + comparison)
    columns = ("pre_period_trend", "deprivation_score", "population")
    treated_rows = [{"lsoa": c, "name": names.get(c, ""), **dict(zip(columns, np.round(covariates(c), 4).tolist(),
                                                                        strict=True))} for c in treated]
    matched_rows = [{"treated_lsoa": m.treated, "comparison_lsoa": m.comparison,
                     "comparison_name": names.get(m.comparison, ""), "distance": round(m.distance, 4),
                     **dict(zip(columns, np.round(covariates(m.comparison), 4).tolist(), strict=True))}
                    for m in matches]
    balance = []
    for index, column in enumerate(columns):
        t = np.array([covariates(c)[index] for c in treated])
        k = np.array([covariates(c)[index] for c in comparison])
        smd = standardised_mean_difference(t, k)
        balance.append({"covariate": column, "treated_mean": round(float(t.mean()), 4),
                        "comparison_mean": round(float(k.mean()), 4),
                        "standardised_mean_difference": None if smd is None else round(smd, 3)})

    panel = [{"lsoa": code, "treated": int(code in treated), "quarter": q, "relative_quarter": i - len(before),
              "post": int(q >= start), "count": by_place.get(code, {}).get(q, 0), "population": population[code],
              "rate_per_1000": by_place.get(code, {}).get(q, 0) * 1000 / population[code]}
             for code in treated + comparison for i, q in enumerate(quarters)]
    y = np.array([r["rate_per_1000"] for r in panel])
    is_treated = np.array([r["treated"] for r in panel])
    place = np.array([r["lsoa"] for r in panel])
    did = difference_in_differences(y, is_treated, np.array([r["post"] for r in panel]), place)
    terms = event_study(y, is_treated, np.array([r["relative_quarter"] for r in panel]), place)
    estimates = [{"method": "difference_in_differences", **did.as_dict()}]

    treated_counts = np.array([sum(by_place.get(c, {}).get(q, 0) for c in treated) for q in quarters])
    treated_rate = treated_counts * 1000 / sum(population[c] for c in treated)
    donors = list(dict.fromkeys(m.comparison for m in sorted(matches, key=lambda m: m.distance)))[:len(before)]
    synthetic_rows: list[dict] = []
    if len(donors) >= 2:
        donor_rates = np.column_stack([rates(c) for c in donors])
        fit = synthetic_control(treated_rate, donor_rates, len(before))
        placebo = placebo_in_space(treated_rate, donor_rates, len(before))
        estimates.append({"method": "synthetic_control", "estimate": fit.estimate, "standard_error": None,
                          "ci_low": None, "ci_high": None, "p_value": placebo.p_value, "observations": len(quarters),
                          "degrees_of_freedom": None, "clusters": len(donors)})
        synthetic_rows = [{"quarter": q, "treated_rate_per_1000": round(float(a), 4),
                           "synthetic_rate_per_1000": round(float(s), 4), "gap": round(float(a - s), 4)}
                          for q, a, s in zip(quarters, treated_rate, fit.synthetic, strict=True)]
        weights = {c: round(float(w), 4) for c, w in zip(donors, fit.weights, strict=True)}
        for row in matched_rows:
            row["synthetic_weight"] = weights.get(row["comparison_lsoa"])
    event_rows = [{"relative_quarter": t.relative_period, "quarter": quarters[t.relative_period + len(before)],
                   "estimate": t.estimate, "standard_error": t.standard_error, "ci_low": t.ci_low,
                   "ci_high": t.ci_high} for t in terms]
    evaluation = Evaluation(project_obj, tuple(types), radius_m, how, start, quarters, treated_rows, matched_rows,
                            balance, panel, event_rows, estimates, synthetic_rows)
    evaluation.caveats = caveats(evaluation, treated_counts, bool(project_obj.locations.exists()))
    return evaluation


def caveats(evaluation: Evaluation, treated_counts: np.ndarray, from_points: bool) -> list[str]:
    """What a reader should keep in mind, in plain words, from this evaluation's own numbers."""
    said = []
    per_quarter = float(treated_counts.mean()) if len(treated_counts) else 0.0
    if per_quarter < 20:
        said.append(f"Small numbers: the treated places had {per_quarter:.1f} recorded offences a quarter on average, "
                    "so a few incidents more or less move the estimate, and the interval is wide.")
    if from_points:
        said.append(f"Crime displacement: crime may move to nearby streets rather than stop. Places within "
                    f"{2 * evaluation.radius_m:,.0f} m of the delivery points were left out of the comparison, "
                    "but displacement further away, or benefits spreading to nearby places, are not measured.")
    else:
        said.append("Crime displacement: crime may move to neighbouring areas rather than stop; the comparison places "
                    "may include some of those neighbours.")
    said.append("Regression to the mean: places are often chosen because violence there was unusually high, and "
                "unusually high figures tend to fall back by themselves. Compare the quarters before the start in the "
                "event study: a fall that began before the work is not its effect.")
    drifting = [r["quarter"] for r in evaluation.event_study
                if r["relative_quarter"] < -1 and (r["ci_low"] > 0 or r["ci_high"] < 0)]
    if drifting:
        said.append(f"Before the start the treated places already differed from the comparison places beyond chance "
                    f"in {', '.join(drifting)}: the parallel-trends assumption is in doubt, so read the difference in "
                    "differences with care.")
    places = evaluation.did["clusters"] or 0
    if places < 30:
        said.append(f"Only {places} places are compared, so the clustered interval is approximate.")
    synthetic = evaluation.synthetic_control
    if synthetic is not None:
        donors = synthetic["clusters"]
        said.append(f"The synthetic control is built from {donors} comparison places, so its placebo p-value cannot be "
                    f"smaller than {1 / (donors + 1):.2f}.")
    said.append("Police-recorded crime depends on reporting and recording: work that builds trust can raise "
                "recorded crime while harm falls.")
    return said


def event_study_chart(rows: list[dict], title: str) -> str:
    """Estimates with 95% intervals by quarter around the start, zero marked, as an accessible SVG."""
    from html import escape

    width, height, left, right, top, bottom = 720, 300, 64, 24, 16, 56
    values = [v for r in rows for v in (r["ci_low"], r["ci_high"], r["estimate"])] + [0.0]
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    low, high = low - span * 0.1, high + span * 0.1

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    step = (width - left - right) / max(len(rows), 1)
    parts = [f'<line x1="{left}" x2="{width - right}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#0b0c0c"/>',
             f'<text x="{left - 6}" y="{y(0) + 4:.1f}" text-anchor="end">0</text>',
             f'<text x="{left - 6}" y="{y(high) + 12:.1f}" text-anchor="end">{high:.2f}</text>',
             f'<text x="{left - 6}" y="{y(low):.1f}" text-anchor="end">{low:.2f}</text>']
    for i, r in enumerate(rows):
        x = left + step * (i + 0.5)
        colour = "#d4351c" if r["relative_quarter"] >= 0 else "#1d70b8"
        if r["relative_quarter"] == 0:
            parts.append(f'<line x1="{x - step / 2:.1f}" x2="{x - step / 2:.1f}" y1="{top}" y2="{height - bottom}" '
                         'stroke="#505a5f" stroke-dasharray="4 3"/>')
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y(r["ci_low"]):.1f}" y2="{y(r["ci_high"]):.1f}" '
                     f'stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<circle cx="{x:.1f}" cy="{y(r["estimate"]):.1f}" r="4" fill="{colour}"/>')
        parts.append(f'<text x="{x:.1f}" y="{height - bottom + 16}" text-anchor="middle">'
                     f'{r["relative_quarter"]}</text>')
    parts.append(f'<text x="{(left + width - right) / 2:.1f}" y="{height - 12}" text-anchor="middle">'
                 'Quarters from the start (0 = the quarter it started; -1 is the reference)</text>')
    description = ("Difference between treated and comparison places in each quarter, relative to the quarter "
                   "before the start, with 95% intervals; the same numbers are in the table.")
    return (f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}: {escape(description)}" '
            'xmlns="http://www.w3.org/2000/svg" class="chart" font-family="system-ui, sans-serif" font-size="12">'
            + "".join(parts) + "</svg>")
