"""The disclosure rule over random linked tables (hypothesis), checked by an attacker's linear programme.

The attacker here is written independently of ``core.disclosure``: scipy's ``linprog`` over every equation the
tables imply, each published count known only to within the rounding, each withheld count at least 1.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from core.disclosure import RULE, THRESHOLD, AtMost, Rule, apply_rule

tables = st.integers(1, 4).flatmap(lambda rows: st.integers(1, 4).flatmap(lambda cols: st.lists(
    st.lists(st.one_of(st.integers(0, 12), st.integers(0, 60)), min_size=cols, max_size=cols),
    min_size=rows, max_size=rows)))


def linked(grid: list[list[int]]) -> tuple[dict, list]:
    """A two-way table with its row, column and grand totals as cells, and the lines a reader knows."""
    counts = {(r, c): n for r, row in enumerate(grid) for c, n in enumerate(row)}
    rows, cols = len(grid), len(grid[0])
    for r in range(rows):
        counts[(r, "T")] = sum(grid[r])
    for c in range(cols):
        counts[("T", c)] = sum(grid[r][c] for r in range(rows))
    counts[("T", "T")] = sum(map(sum, grid))
    lines = [((r, "T"), [(r, c) for c in range(cols)]) for r in range(rows)]
    lines += [(("T", c), [(r, c) for r in range(rows)]) for c in range(cols)]
    lines += [(("T", "T"), [(r, "T") for r in range(rows)]), (("T", "T"), [("T", c) for c in range(cols)])]
    return counts, lines


def attacker_ranges(published: dict, lines: list, rounding: int = 5, at_most: list | None = None) -> dict:
    """For each withheld cell, the least and greatest value consistent with everything published (and with
    ``at_most``: (larger, smaller) pairs the reader knows from the labels)."""
    keys = sorted(published, key=str)
    index = {k: i for i, k in enumerate(keys)}
    equations = []
    for total, parts in lines:
        row = np.zeros(len(keys))
        row[index[total]] = -1
        for part in parts:
            row[index[part]] += 1
        equations.append(row)
    half = rounding // 2
    bounds = [(1, None) if published[k] is None else (0, 0) if published[k] == 0
              else (max(published[k] - half, THRESHOLD + 1), published[k] + half) for k in keys]
    below = []
    for larger, smaller in at_most or []:
        row = np.zeros(len(keys))
        row[index[smaller]], row[index[larger]] = 1, -1
        below.append(row)
    known = {"A_eq": equations, "b_eq": np.zeros(len(equations)), "bounds": bounds, "method": "highs",
             **({"A_ub": below, "b_ub": np.zeros(len(below))} if below else {})}
    found = {}
    for key in (k for k in keys if published[k] is None):
        objective = np.zeros(len(keys))
        objective[index[key]] = 1
        low = linprog(objective, **known)
        high = linprog(-objective, **known)
        assert low.status == 0, "the published figures must be consistent with some counts"
        found[key] = (low.fun, np.inf if high.status == 3 else -high.fun)
    return found


@settings(max_examples=150, deadline=None)
@given(tables)
def test_published_counts_are_zero_or_rounded_and_never_small(grid: list[list[int]]) -> None:
    counts, lines = linked(grid)
    published = apply_rule(counts, lines)
    for key, value in published.items():
        if value is None:
            assert counts[key] > 0, "zero is never withheld"
        else:
            assert value % 5 == 0 and not 1 <= value <= THRESHOLD
            assert abs(value - counts[key]) <= 2
        if 1 <= counts[key] <= THRESHOLD:
            assert value is None


@settings(max_examples=120, deadline=None)
@given(tables)
def test_no_withheld_cell_can_be_pinned_to_a_range_narrower_than_the_threshold(grid: list[list[int]]) -> None:
    counts, lines = linked(grid)
    published = apply_rule(counts, lines)
    for key, (low, high) in attacker_ranges(published, lines).items():
        assert low - 1e-6 <= counts[key] <= high + 1e-6, "the attacker's model must hold the truth"
        assert high - low >= THRESHOLD - 1e-6, (key, counts[key], low, high)


def test_switching_secondary_suppression_off_lets_a_reader_pin_a_count() -> None:
    """3 beside 8 with their total 11: rounded, 8 and 11 both read 10, so the 3 is pinned to 1–4 unless a
    partner is withheld with it."""
    counts = {"a": 3, "b": 8, "total": 11}
    lines = [("total", ["a", "b"])]
    weak = apply_rule(counts, lines, Rule(secondary=False))
    low, high = attacker_ranges(weak, lines)["a"]
    assert high - low < THRESHOLD
    strong = apply_rule(counts, lines, RULE)
    assert all(high - low >= THRESHOLD for low, high in attacker_ranges(strong, lines).values())


def test_switching_rounding_off_publishes_exact_counts() -> None:
    counts, lines = linked([[12, 40], [31, 9]])
    assert any(v % 5 for v in apply_rule(counts, lines, Rule(rounding=1)).values() if v is not None)
    assert all(v % 5 == 0 for v in apply_rule(counts, lines).values() if v is not None)


@pytest.mark.parametrize("count,withheld", [(0, False), (1, True), (7, True), (8, False), (300, False)])
def test_threshold(count: int, withheld: bool) -> None:
    counts = {"a": count, "b": 100, "c": 100, "t": count + 200}
    published = apply_rule(counts, [("t", ["a", "b", "c"])])
    assert (published["a"] is None) is withheld


@pytest.mark.django_db
def test_a_release_is_built_once_per_data_version_and_shown_by_the_command(demo_region, tmp_path, capsys) -> None:
    from django.core.management import call_command

    from core.models import PublicRelease
    from core.release import current_release, data_version
    from core.sources import get
    demo_region(tmp_path / "demo", "2023-01", 12, police_per_month=20, ed_per_month=10,
                with_commissioning=False, grid=(6, 5))
    first = current_release("ed")
    assert current_release("ed").data_version == first.data_version
    assert PublicRelease.objects.filter(source="ed").count() == 1
    assert first.years == ["2023"] and first.manifest["rule"] == RULE.name
    from core.region import current_region

    assert first.data_version == data_version(get("ed").release, current_region().lad_codes)
    call_command("release", "ed")
    out = capsys.readouterr().out
    assert f"data version {first.data_version}" in out and "rounded to the nearest 5" in out


def test_only_the_release_applies_the_disclosure_rule() -> None:
    """No view, figure, API or report imports the disclosure module: public figures come from the release."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent.parent
    importers = sorted(str(p.relative_to(root)) for p in root.glob("*/**/*.py")
                       if ".venv" not in p.parts and "tests" not in p.relative_to(root).parts
                       and "core.disclosure" in p.read_text(encoding="utf-8"))
    assert importers == ["core/release.py"]


def incidents_and_responses(incidents: list[int], responded: list[int]) -> tuple[dict, list, list]:
    """Incidents and those responded to, by area with their totals; the reader knows responded ≤ incidents."""
    counts = {}
    for measure, values in (("incidents", incidents), ("responded", responded)):
        counts.update({(measure, a): n for a, n in enumerate(values)})
        counts[(measure, "T")] = sum(values)
    lines = [((m, "T"), [(m, a) for a in range(len(incidents))]) for m in ("incidents", "responded")]
    pairs = [(("incidents", a), ("responded", a)) for a in [*range(len(incidents)), "T"]]
    return counts, lines, pairs


def test_an_inequality_the_reader_knows_is_audited() -> None:
    """1 and 25 incidents (total 26), 0 and 23 responded to: withholding the 1 and its partner the 25 is safe
    for equations only, but a reader who knows responded ≤ incidents puts the 25 at 23 or more, so the 1 at
    1–4 — unless the audit knows it too (``AtMost``)."""
    counts, lines, pairs = incidents_and_responses([1, 25], [0, 23])
    blind = apply_rule(counts, lines)
    assert any(high - low < THRESHOLD for low, high in attacker_ranges(blind, lines, at_most=pairs).values())
    audited = apply_rule(counts, lines + [AtMost((larger, (smaller,))) for larger, smaller in pairs])
    ranges = attacker_ranges(audited, lines, at_most=pairs)
    assert ranges and all(high - low >= THRESHOLD - 1e-6 for low, high in ranges.values())


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.floats(0, 1)), min_size=2, max_size=4))
def test_no_withheld_cell_is_pinned_with_the_inequalities_a_reader_knows(areas: list) -> None:
    incidents = [n for n, _ in areas]
    responded = [int(n * share) for n, share in areas]
    counts, lines, pairs = incidents_and_responses(incidents, responded)
    published = apply_rule(counts, lines + [AtMost((larger, (smaller,))) for larger, smaller in pairs])
    for key, (low, high) in attacker_ranges(published, lines, at_most=pairs).items():
        assert low - 1e-6 <= counts[key] <= high + 1e-6
        assert high - low >= THRESHOLD - 1e-6, (key, counts[key], low, high)
