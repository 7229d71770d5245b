"""The whole public surface, as a hostile reader sees it, on a small region where the disclosure rule bites.

Hypothesis picks sources, periods (whole years, part years, reversed, malformed), areas (the region, local
authorities, wards, MSOAs, LSOAs, codes that do not exist), types and parameters the forms do not offer, and
fetches every public figure, map layer, hot-spot layer and release download as an anonymous visitor. Then:

* **no controlled figure below local authority is public**: every ED answer for a ward, MSOA or LSOA, and every
  ED map or hot-spot layer by LSOA, is refused;
* **every controlled count published anywhere is a cell of the public release** (so what a reader collects is
  a subset of the release), rounded to 5 or withheld — the public SNA and annual report included, and the
  training register's figures (the registry's public ``training`` figure for any year and area, the annual
  report's ``training.csv``, public reach's professionals reached, the public strategy's training measure);
* **an attacker's linear programme over everything collected recovers nothing**: over the whole release,
  with every equation its tables imply (written here, independently of ``core.release``), no withheld cell
  can be pinned to a range narrower than the threshold;
* **the mutation check**: the same attacker pins cells of a release built with secondary suppression switched
  off, and the rounding check fails on a release built without rounding.
"""

from collections import defaultdict
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

from core.disclosure import THRESHOLD, Rule, apply_rule
from core.periods import Year, months_between
from core.release import ALL, NO_LOCATION, REGION, TOTAL, current_release, tables
from insights.figures import OVERVIEW

pytestmark = pytest.mark.django_db
CONTROLLED = ("ed", "returns", "incidents", "training")
MISSING = object()


@pytest.fixture
def region(demo_region, tmp_path):
    from insights.query.areas import area_tables

    demo_region(tmp_path / "demo", "2022-01", 36, police_per_month=150, ed_per_month=25, grid=(12, 10))
    _, lsoa21 = area_tables()
    table = lsoa21.to_pydict()
    return {"lsoa": sorted(table["lsoa21_code"]), "msoa": sorted(set(table["msoa_code"])),
            "ward": sorted(set(table["ward_code"])), "lad": sorted(set(table["lad_code"]))}


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@st.composite
def requests(draw: st.DrawFn, region: dict) -> tuple[str, dict]:
    source = draw(st.sampled_from(["ed", "ed", "police", "returns", "nonsense"]))
    year = draw(st.sampled_from([2021, 2022, 2022, 2023, 2023, 2024, 2024, 2025]))
    whole = [(f"{year}-01", f"{year}-12"), (f"{year}-04", f"{year + 1}-03")]
    period = draw(st.sampled_from([*whole, *whole, *whole, (f"{year}-02", f"{year + 1}-01"),
                                   (f"{year}-03", f"{year}-03"), (f"{year}-12", f"{year}-01"), ("", ""),
                                   (f"{year}-13", "x")]))
    level = draw(st.sampled_from(["region", "region", "lad", "lad", "ward", "msoa", "lsoa", "bogus"]))
    params = {"source": source}
    if period[0]:
        params.update({"from": period[0], "to": period[1]})
    if level == "bogus":
        params["area"] = draw(st.sampled_from(["E08999999", "E01999999", "W06000001", "Birmingham"]))
    elif level != "region":
        params["area"] = draw(st.sampled_from(region[level]))
    if draw(st.booleans()):
        params["type"] = draw(st.sampled_from(["knife or sharp object", "body part", "Robbery", "=1+1", ""]))
    if draw(st.booleans()):
        params[draw(st.sampled_from(["by", "level", "weights", "edition", "download"]))] = draw(
            st.sampled_from(["lsoa", "css", "partner", "1", "month"]))
    path = draw(st.sampled_from([*(f"/insights/figures/{f.name}.json" for f in OVERVIEW),
                                 "/insights/figures/types.csv", "/insights/maps/lad.geojson",
                                 "/insights/maps/lsoa.geojson", "/insights/hotspots.geojson",
                                 "/insights/hotspots.csv"]))
    return path, params


@pytest.fixture
def register(region) -> dict:
    """A small training register in the demo region, two financial years of it, where the rule bites: a few
    professionals (some at several sessions) and young people at each session, some sessions in no local
    authority, some under a published demo project (whose returns report professionals too)."""
    from commissioning.models import Project
    from core.testing.engagement import person, session

    rng = np.random.default_rng(14)
    projects = list(Project.objects.filter(is_published=True)[:2])
    pool = [person(n) for n in range(40)]
    for index in range(48):
        month = Year(2023, financial=True).months[index % 12] if index < 24 else Year(2024, financial=True).months[
            index % 12]
        people = [pool[int(i)] for i in rng.choice(len(pool), size=int(rng.integers(0, 7)), replace=False)]
        counts = {("young_people", "10_17", "female"): int(rng.integers(0, 10)),
                  ("community", "25_plus", "male"): int(rng.integers(0, 4))}
        lad = "" if rng.random() < 0.1 else str(rng.choice(region["lad"]))
        chosen = projects[index % len(projects)] if projects and index % 4 == 0 else None
        session(date(int(month[:4]), int(month[5:]), 1 + index % 27), people, counts, lad_code=lad, project=chosen,
                org=chosen.provider if chosen else None)
    return {"years": [2023, 2024]}


def test_the_public_surface_gives_away_no_withheld_controlled_count(client, region, register) -> None:
    collected = {"answers": 0, "controlled_values": 0, "refused_below_lad": 0, "training_values": 0}

    def ask(path: str, params: dict) -> None:
        response = client.get(path, params)
        assert response.status_code in (200, 400, 403, 404), (path, params, response.status_code)
        below = params.get("area", "")[:3] in ("E01", "E02", "E05")
        if params.get("source") == "ed" and (below or "/lsoa" in path or "hotspots" in path):
            # No controlled figure below local authority: refused, or (headline) the ED rows withheld.
            if response.status_code == 200 and "headline" in path:
                rows = _rows(response, path)
                assert all(r["count"] is None for r in rows if r["source"] == "ed"), (path, params)
            elif response.status_code == 200:
                pytest.fail(f"ED figure below local authority answered 200: {path} {params}")
            collected["refused_below_lad"] += 1
            return
        if response.status_code != 200 or params.get("source") != "ed":
            return
        collected["answers"] += 1
        collected["controlled_values"] += _check_against_release(path, params, _rows(response, path))

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(request=requests(region))
    def check(request: tuple[str, dict]) -> None:
        ask(*request)

    check()

    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(year=st.sampled_from([2021, 2022, 2023, 2023, 2024, 2024, 2025, 2030]),
           area=st.sampled_from([None, None, *region["lad"], NO_LOCATION, "E08999999", region["ward"][0],
                                 region["lsoa"][0]]))
    def check_training(year: int, area: str | None) -> None:
        collected["training_values"] += _check_training(year, area)

    check_training()

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(year=st.sampled_from([2021, 2022, 2023, 2024, 2025]), financial=st.booleans(),
           area=st.sampled_from([None, None, *region["lad"], "E08999999", region["ward"][0], region["lsoa"][0]]),
           theme=st.sampled_from(["", "", "sport", "education", "nonsense"]))
    def check_success_and_reach(year: int, financial: bool, area: str | None, theme: str) -> None:
        collected["other_values"] += _check_success(client, Year(year, financial=financial), area)
        collected["other_values"] += _check_reach_tiles(year, area, theme)

    collected["other_values"] = 0
    check_success_and_reach()
    assert collected["other_values"] > 10
    # And every figure, map and download for every year the release holds, for the region and each authority;
    # ED below local authority for each level and layer (whatever hypothesis drew above).
    release = current_release("ed")
    for label in release.years:
        year = Year.parse(label)
        for area in ["", *region["lad"]]:
            for path in [*(f"/insights/figures/{f.name}.json" for f in OVERVIEW), "/insights/figures/types.csv",
                         "/insights/maps/lad.geojson"]:
                ask(path, {"source": "ed", "from": year.first_month, "to": year.last_month,
                           **({"area": area} if area else {})})
        for level in ("ward", "msoa", "lsoa"):
            ask("/insights/figures/types.json", {"source": "ed", "from": year.first_month, "to": year.last_month,
                                                 "area": region[level][0]})
        for path in ("/insights/maps/lsoa.geojson", "/insights/hotspots.geojson", "/insights/hotspots.csv"):
            ask(path, {"source": "ed", "from": year.first_month, "to": year.last_month})
    for year in register["years"]:
        for area in [None, *region["lad"]]:
            collected["training_values"] += _check_training(year, area)
    collected["training_values"] += _check_training_surface(client, register["years"])
    assert collected["answers"] > 5 and collected["controlled_values"] > 20 and collected["refused_below_lad"] > 3
    assert collected["training_values"] > 40
    # The small register is one where the rule bites, so the attacker below has withheld training cells to attack.
    assert sum(1 for v in current_release("training").cells.values() if v is None) > 20
    for source in CONTROLLED:
        release = current_release(source)
        assert_rounded(release.cells)
        assert_protected(release.cells, _truth(source), release.manifest)


def _published(value, cell) -> int:
    """``value`` (published somewhere) is the release's ``cell``: its rounded count, or withheld where the cell is
    withheld; a value the release does not hold may only be a true zero or "no data". 1 when a cell was checked."""
    from core.figures import Missing

    if cell is MISSING:
        assert value == 0 or isinstance(value, Missing) and value.code != "c", (value, "not a cell of the release")
        return 0
    if cell is None:
        assert isinstance(value, Missing) and value.code == "c", (value, "published a withheld cell")
    else:
        assert not isinstance(value, Missing) and value == cell and cell % 5 == 0, (value, cell)
    assert not (isinstance(value, int) and 1 <= value <= THRESHOLD)
    return 1


def _check_training(year: int, area: str | None) -> int:
    """The registry's public ``training`` figure and public reach for one year and area: every value a cell of the
    training release (or refused with a reason); returns how many values were checked."""
    from core import figures as registry
    from core.problems import Refused
    from engagement.figures import PUBLIC_TRAINING, TrainingAccess
    from monitoring.services.periods import financial_year_label
    from monitoring.services.reach import public_reach

    release = current_release("training")
    label = financial_year_label(year)
    table = registry.get("training").table(year, TrainingAccess(full=False, area=area))
    if table.refused:
        assert not table.rows and (label not in release.years or (area or REGION) not in release.areas)
        return 0
    checked = 0
    for row in table.rows:
        measure, breakdown, category = PUBLIC_TRAINING[row["measure"]]
        checked += _published(row["value"], release.cells.get((measure, breakdown, category, label, area or REGION),
                                                               MISSING))
    try:
        reached = public_reach(label, area)["professionals_reached"]
    except Refused:
        return checked
    return checked + _published(reached, release.cells.get(("professionals_reached", TOTAL, ALL, label,
                                                            area or REGION), MISSING))


def _check_success(client, year: Year, area: str | None) -> int:
    """The public success measures' ED proxy (hospital admissions for assault with a knife): its counts for the
    year and the baseline are the ED release's knife cells, or not given."""
    response = client.get("/partners/success.json", {"year": year.label, **({"area": area} if area else {})})
    assert response.status_code in (200, 400), (year.label, area, response.status_code)
    if response.status_code != 200:
        return 0
    release = current_release("ed")
    row = next(r for r in _rows(response, "success.json") if r["measure"].startswith("Hospital admissions"))
    checked = 0
    for key, period in (("count", row["period"]), ("baseline_count", row["baseline_period"])):
        cell = release.cells.get(("attendances", "type", "knife or sharp object", period, area or REGION), MISSING)
        if cell is MISSING:
            assert row[key] is None, (row, key)
            continue
        assert row[key] == cell, (row, key, cell)
        checked += 1
    for key in ("under_25_count", "under_25_baseline_count"):
        assert row[key] is None or row[key] % 5 == 0, row  # not in the release by type and age: not given
    return checked


def _check_reach_tiles(year: int, area: str | None, theme: str) -> int:
    """The public commissioning dashboard's reach tiles for a year, area and theme: the returns release's cells (the
    professionals reached, the training release's), or none with the reason."""
    from commissioning.models import Theme
    from commissioning.services.dashboard import ProjectFilters, reach_tiles
    from monitoring.services.periods import financial_year_label
    from monitoring.services.reach import REACHED

    tiles, note = reach_tiles(ProjectFilters(theme=theme, area=area or "", year=year), [], False)
    if not tiles:
        assert note, "a refusal says why"
        return 0
    assert (area or "")[:3] not in ("E01", "E02", "E05"), "no reach below local authority is public"
    release = current_release("returns")
    label = dict(Theme.choices).get(theme)
    for tile in tiles:
        if tile["measure"] == REACHED:  # the register and the returns beyond it: published for every theme only
            assert not label
            cell = current_release("training").cells.get((REACHED, TOTAL, ALL, financial_year_label(year),
                                                           area or REGION), MISSING)
        else:
            cell = release.cells.get((tile["measure"], "theme" if label else TOTAL, label or ALL,
                                      financial_year_label(year), area or REGION), MISSING)
        _published(tile["total"], cell)
    return len(tiles)


def _check_training_surface(client, years: list[int]) -> int:
    """The release download, the public annual report's ``training`` figure and the public strategy's training
    measure publish the training release's cells and nothing else."""
    from decimal import Decimal

    from engagement.figures import PUBLIC_TRAINING
    from monitoring.services.periods import financial_year_label
    from reports.services.annual import build_annual
    from strategy.models import Measure, Strategy
    from strategy.services import plan
    from strategy.services.public import public_commitment

    release = current_release("training")
    rows = _rows(client.get("/insights/release/training.csv"), "training.csv")
    assert {(r["measure"], r["breakdown"], r["category"], str(r["period"]), r["area"]): r["count"] for r in rows} == \
        release.cells
    checked = 0
    strategy = plan.save_strategy("test", Strategy(year=2024, title="Training", is_published=True))
    priority = plan.add_priority("test", strategy, "Train professionals")
    from core.models import Organisation

    commitment = plan.add_commitment("test", priority, "Train the workforce",
                                     Organisation.objects.get_or_create(name="Council")[0], date(2026, 3, 31))
    for year in years:
        label = financial_year_label(year)
        figure = next(f for s in build_annual(year)["sections"] for f in s.figures if f.name == "training")
        assert figure.columns == ["measure", "value"]
        for row in figure.rows:
            measure, breakdown, category = PUBLIC_TRAINING[row["measure"]]
            checked += _published(row["value"], release.cells.get((measure, breakdown, category, label, REGION),
                                                                   MISSING))
        first, last = Year(year, financial=True).first_month, Year(year, financial=True).last_month
        plan.add_measure("test", commitment, Measure(figure="training_professionals", baseline_from=first,
                                                     baseline_to=last, period_from=first, period_to=last,
                                                     target=Decimal("10"), direction="up"))
    for shown in public_commitment(commitment)["measures"]:
        label = financial_year_label(int(shown["period"][:4]))
        cell = release.cells.get(("professionals_reached", "counted_by", "training register", label, REGION), MISSING)
        assert shown["value"] == (None if cell in (None, MISSING) else cell), (shown, cell)
        checked += 1
    return checked


def _rows(response, path: str) -> list[dict]:
    import csv
    import json

    if path.endswith(".csv"):
        rows = list(csv.DictReader(body(response).decode().splitlines()))
        return [{k: None if v == "[c]" else int(v) if v.isdigit() else v for k, v in r.items()} for r in rows]
    document = json.loads(body(response))
    if path.endswith(".geojson"):
        return [f["properties"] for f in document["features"]]
    return document["rows"]


def _check_against_release(path: str, params: dict, rows: list[dict]) -> int:
    """Every ED count in the answer equals the release's cell for it; returns how many were checked."""
    release = current_release("ed")
    year = Year.of_months(params.get("from"), params.get("to"))
    period = year.label if year else None
    area = params.get("area") or REGION

    kind = params.get("type") or ""
    chosen = ("type", kind) if kind else (TOTAL, ALL)

    def cell(breakdown: str, category: str, when: str, where: str):
        """The release's value; a cell it does not hold may only be published as nothing (null) or a true 0
        (a type that ED data does not have)."""
        return release.cells.get(("attendances", breakdown, category, when, where), MISSING)

    checked = 0
    name = path.rsplit("/", 1)[-1].split(".")[0]
    for row in rows:
        expected = []
        if name == "types" and period:
            expected = [("count", cell("type", row["type"], period, area))]
        elif name == "local_authorities" and period:
            where = NO_LOCATION if row["lad"] == "no location" else row["lad"]
            expected = [("count", cell(*chosen, period, where))]
        elif name == "trend":
            expected = [("count", cell(TOTAL, ALL, row["month"], area))]
        elif name == "seasonality" and params.get("from", "") <= params.get("to", ""):
            # The average of a calendar month: the sum of the release's cells of its months in the period (a
            # month the release does not hold is left out), withheld when any of them is.
            held = [c for c in (cell(TOTAL, ALL, m, area) for m in months_between(params["from"], params["to"])
                                if int(m[5:]) == row["month_of_year"]) if c is not MISSING]
            assert row["months"] == len(held), (path, params, row)
            assert row["count"] == (None if None in held else sum(held)), (path, params, row, held)
            checked += 1
        elif name == "headline" and row["source"] == "ed" and period:
            category = {"ed_assaults": (TOTAL, ALL), "ed_knife": ("type", "knife or sharp object"),
                        "ed_under_25": ("age_group", "24 and under")}[row["measure"]]
            expected = [("count", cell(*category, period, area))]
        elif path.endswith("lad.geojson") and period:
            expected = [("count", cell(*chosen, period, row["code"]))]
        elif name == "comparison" and period and row["area"] != "region":
            expected = [("count", cell(*chosen, period, row["area"]))]
        for key, value in expected:
            if value is MISSING:
                # A month the release does not hold is not available (null), never a zero; a type the source has
                # never recorded is a true 0.
                assert row[key] is None if name == "trend" else row[key] in (None, 0), (path, params, row)
                continue
            assert row[key] == value, (path, params, row, value)
            assert row[key] is None or row[key] % 5 == 0
            checked += 1
        for key in ("count", "previous_year_count", "rolling_12_months"):
            if row.get("source") == "police":
                continue  # the headline's police rows: open data, in full
            value = row.get(key)
            assert not (isinstance(value, int) and 1 <= value <= THRESHOLD), (path, params, row)
    return checked


def _truth(source: str) -> dict:
    from core import sources
    from core.region import current_region

    counts, _, _ = tables(sources.get(source).release, current_region().lad_codes)
    return counts


def assert_rounded(cells: dict) -> None:
    assert all(v is None or v % 5 == 0 for v in cells.values()), "a published controlled count is not rounded"


def attacker_lines(cells: dict, manifest: dict) -> list[tuple[tuple, list[tuple]]]:
    """Every equation a reader can write from the release's tables (the structure, not ``core.release``)."""
    lines = []
    by_group = defaultdict(list)
    for key in cells:
        measure, breakdown, category, period, area = key
        if breakdown != TOTAL:
            by_group[(measure, breakdown, period, area)].append(key)
    for (measure, _, period, area), parts in by_group.items():
        lines.append(((measure, TOTAL, ALL, period, area), parts))
    if manifest["areas_add_up"]:
        areas = [a for a in manifest["areas"] if a != REGION]
        for key in cells:
            measure, breakdown, category, period, area = key
            if area == REGION:
                lines.append((key, [(measure, breakdown, category, period, a) for a in areas
                                    if (measure, breakdown, category, period, a) in cells]))
    # A reader who reads the labels knows that ED's age groups are sums of its age bands.
    young = {"0-9", "10-17", "18-24"}

    def group_of(band: str) -> str:
        return "not known" if band in ("unknown", "not known") else "24 and under" if band in young else "25 and over"

    for key in cells:
        measure, breakdown, category, period, area = key
        if breakdown == "age_group":
            bands = manifest["categories"][measure].get("age_band", [])
            lines.append((key, [(measure, "age_band", b, period, area) for b in bands
                                if group_of(b) == category and (measure, "age_band", b, period, area) in cells]))
    for key in cells:
        measure, breakdown, _, period, area = key
        year = Year.parse(period)
        months = [(measure, TOTAL, ALL, m, area) for m in year.months] if year else []
        if breakdown == TOTAL and months and all(m in cells for m in months):
            lines.append((key, months))
    return lines


def attacker_inequalities(cells: dict, manifest: dict) -> list[tuple[tuple, tuple]]:
    """(larger, smaller) cells a reader knows from the labels: incidents responded to are at most the incidents;
    professionals the training register counts are at most professionals' attendances."""
    pairs = []
    for key in cells:
        measure, breakdown, category, period, area = key
        if measure == "responded_to" and ("incidents", *key[1:]) in cells:
            pairs.append((("incidents", *key[1:]), key))
        if (measure, breakdown, category) == ("professionals_reached", "counted_by", "training register"):
            larger = ("attendances", "audience", "professionals", period, area)
            if larger in cells:
                pairs.append((larger, key))
    return pairs


def assert_protected(cells: dict, truth: dict, manifest: dict) -> None:
    """No withheld cell can be pinned to a range narrower than the threshold (scipy's HiGHS, the attacker)."""
    keys = sorted(cells, key=str)
    index = {k: i for i, k in enumerate(keys)}
    lines = attacker_lines(cells, manifest)
    matrix = lil_matrix((len(lines), len(keys)))
    for row, (total, parts) in enumerate(lines):
        matrix[row, index[total]] -= 1
        for part in parts:
            matrix[row, index[part]] += 1
    matrix = matrix.tocsr()
    zeros = np.zeros(len(lines))
    # What a reader knows from the labels beyond equations: each smaller cell is at most its larger one.
    below = lil_matrix((max(len(pairs := attacker_inequalities(cells, manifest)), 1), len(keys)))
    for row, (larger, smaller) in enumerate(pairs):
        below[row, index[smaller]], below[row, index[larger]] = 1, -1
    known = {"A_ub": below.tocsr(), "b_ub": np.zeros(below.shape[0])} if pairs else {}
    bounds = [(1, None) if cells[k] is None else (0, 0) if cells[k] == 0
              else (max(cells[k] - 2, THRESHOLD + 1), cells[k] + 2) for k in keys]
    for key in (k for k in keys if cells[k] is None):
        objective = np.zeros(len(keys))
        objective[index[key]] = 1.0
        high = linprog(-objective, A_eq=matrix, b_eq=zeros, bounds=bounds, method="highs", **known)
        if high.status == 3 or -high.fun - truth[key] >= THRESHOLD:
            continue  # the truth is a solution, so the least value is at most the truth
        low = linprog(objective, A_eq=matrix, b_eq=zeros, bounds=bounds, method="highs", **known)
        assert low.status == 0 and high.status == 0
        assert low.fun - 1e-6 <= truth[key] <= -high.fun + 1e-6, "the attacker's equations must hold the truth"
        assert -high.fun - low.fun >= THRESHOLD - 1e-6, f"{key} (true {truth[key]}) pinned to {low.fun}..{-high.fun}"


def test_the_mutation_check_fails_without_secondary_suppression_or_rounding(region) -> None:
    from core import sources
    from core.region import current_region

    spec = sources.get("ed").release
    counts, lines, manifest = tables(spec, current_region().lad_codes)
    weak = apply_rule(counts, lines, Rule(secondary=False))
    with pytest.raises(AssertionError, match="pinned"):
        assert_protected(weak, counts, manifest)
    with pytest.raises(AssertionError, match="not rounded"):
        assert_rounded(apply_rule(counts, lines, Rule(rounding=1)))
    # The age groups' lines (each group the sum of its bands) are audited: without them a reader who adds up the
    # bands pins a withheld cell.
    def by_bands(line: tuple) -> bool:
        return line[0][1] == "age_group" and all(p[1] == "age_band" for p in line[1])

    assert sum(1 for line in lines if by_bands(line)) > 20
    blind = apply_rule(counts, [line for line in lines if not by_bands(line)])
    with pytest.raises(AssertionError, match="pinned"):
        assert_protected(blind, counts, manifest)


def test_the_public_reports_publish_controlled_counts_from_the_release_only(region) -> None:
    from reports.services.annual import build_annual
    from reports.services.sna import ReportPeriod, build_sna

    release = current_release("ed")
    report = build_sna(ReportPeriod(2023), edition="public")
    figures = {f.name: f for s in report["sections"] for f in s.figures}
    for row in figures["ed_trend"].rows:
        assert row["count"] == release.value("attendances", TOTAL, ALL, row["month"], REGION)
    for row in figures["ed_age_band"].rows:
        assert row["count"] == release.value("attendances", "age_band", row["age_band"], "2023", REGION)
    for row in figures["ed_sex"].rows:
        assert row["count"] == release.value("attendances", "sex", row["sex"], "2023", REGION)
    ed_headline = [r for r in figures["headline"].rows if r["source"] == "ed"]
    for row in ed_headline:
        category = {"ed_assaults": (TOTAL, ALL), "ed_knife": ("type", "knife or sharp object"),
                    "ed_under_25": ("age_group", "24 and under")}[row["measure"]]
        assert row["count"] == release.value("attendances", *category, "2023", REGION), row
        if "2022" in release.years:
            assert row["previous_year_count"] == release.value("attendances", *category, "2022", REGION), row
    assert len(ed_headline) == 3
    for row in figures["success_measures"].rows:
        for key in ("count", "baseline_count", "under_25_count", "under_25_baseline_count"):
            value = row.get(key)
            assert not isinstance(value, int) or "ED" not in str(row["source"]) or value % 5 == 0, row
    assert "ed_age_sex" not in figures and figures["day_and_hour"].rows == []
    annual = build_annual(2023)
    reach = current_release("returns")
    by_theme = next(f for s in annual["sections"] for f in s.figures if f.name == "reach_by_theme")
    for row in by_theme.rows:
        assert row["reach_under_25"] == reach.value("reach_under_25", "theme", row["theme"], "2023/24", REGION)
    incidents = next(f for s in annual["sections"] for f in s.figures if f.name == "incidents_by_month")
    assert all(r["incidents"] is None or getattr(r["incidents"], "code", "") == "c" or r["incidents"] % 5 == 0
               for r in incidents.rows)


def test_the_public_project_list_gives_the_attacker_no_withheld_reach(region) -> None:
    """The attacker also reads the public project list: each published project's theme and the local authorities it
    serves. With one unknown reach per project (at least 0) and every published cell of the returns release a sum
    of them, no withheld cell can be pinned to a range narrower than the threshold. (When a project serving
    several authorities counted in each, the release could not audit "the authorities add up to the region",
    yet where every project of a theme serves one authority the project list says it holds: 15 withheld cells
    of the synthetic demo were pinned so.)"""
    from commissioning.models import Project
    from core.release import OUTSIDE
    from insights.query.areas import local_authority_of

    release = current_release("returns")
    truth = _truth("returns")
    projects = [(p.get_theme_display(), {local_authority_of(c) for c in p.area_codes or []} - {None})
                for p in Project.objects.filter(is_published=True)]
    region_lads = set(region["lad"])

    def members(breakdown: str, category: str, area: str) -> np.ndarray:
        def counted(theme: str, lads: set) -> bool:
            alone = next(iter(lads)) if len(lads) == 1 and lads <= region_lads else NO_LOCATION
            return (breakdown == TOTAL or theme == category) and area in (REGION, alone)
        return np.array([1.0 if counted(*p) else 0.0 for p in projects])

    assert projects and sum(1 for _, lads in projects if len(lads) == 1) > 3
    checked = 0
    for measure in release.manifest["measures"]:
        for period in release.years:
            cells = {k: v for k, v in release.cells.items() if k[0] == measure and k[3] == period and k[4] != OUTSIDE}
            rows = np.array([members(k[1], k[2], k[4]) for k in cells])
            low = np.array([1 if v is None else 0 if v == 0 else max(v - 2, THRESHOLD + 1) for v in cells.values()])
            high = np.array([np.inf if v is None else v + 2 for v in cells.values()])
            finite = np.isfinite(high)
            a_ub, b_ub = np.vstack([rows[finite], -rows]), np.concatenate([high[finite], -low])
            for index, (key, value) in enumerate(cells.items()):
                if value is not None:
                    continue
                top = linprog(-rows[index], A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
                if top.status == 3 or -top.fun - truth[key] >= THRESHOLD:
                    checked += 1
                    continue
                bottom = linprog(rows[index], A_ub=a_ub, b_ub=b_ub, bounds=(0, None), method="highs")
                assert bottom.status == 0 and top.status == 0
                assert -top.fun - bottom.fun >= THRESHOLD - 1e-6, (key, truth[key], bottom.fun, -top.fun)
                checked += 1
    assert checked > 10


def test_the_attacker_recovers_no_withheld_indicator_count(tmp_path) -> None:
    """A partner's controlled indicator with small counts (Fingertips' own layout, the West Midlands districts):
    its public release withholds some, and the attacker's linear programme pins none."""
    from core.testing.fingertips import FINGERTIPS_COLUMNS, LAS, fingertips_row, write_csv
    from partners.services.indicators import ingest_indicators

    rng = np.random.default_rng(11201)
    rows = [fingertips_row(code, period, int(rng.integers(0, 25)), **({"Age": age} if age else {}))
            for period in ("2021/22", "2022/23", "2022") for code in LAS for age in ("", "<25 yrs")]
    ingest_indicators([write_csv(tmp_path / "f.csv", rows, FINGERTIPS_COLUMNS)], "fingertips")
    release = current_release("indicators")
    assert sum(1 for v in release.cells.values() if v is None) > 5
    assert_rounded(release.cells)
    assert_protected(release.cells, _truth("indicators"), release.manifest)


def test_the_public_release_pages_publish_no_exact_count_and_no_hash_of_the_records(region, client) -> None:
    """The release's page and downloads carry its cells (rounded or withheld) and what the rule is, but not the
    exact number of records (never rounded), not how many withheld counts are 1 to 7, and not the plain SHA-256
    of the records (a reader could hash guessed records and compare): its data version is keyed with the site's
    secret."""
    import json

    for source in CONTROLLED:
        release = current_release(source)
        document = json.loads(body(client.get(f"/insights/release/{source}.json")))
        text = json.dumps(document)
        assert "withheld_primary" not in text and '"records"' not in text, source
        assert release.data_version not in text and document["data_version"] == release.public_version
        assert document["manifest"]["cells"] == len(release.cells)
        page = client.get(f"/insights/release/{source}/").content.decode()
        assert release.data_version[:12] not in page and release.public_version in page
        assert release.data_version[:12] not in release.describe()
