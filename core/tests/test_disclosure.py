"""Disclosure control: properties over random tables (hypothesis), checked with a linear programme."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from core.disclosure import THRESHOLD, suppress_list, suppress_table

tables = st.integers(1, 5).flatmap(lambda rows: st.integers(1, 5).flatmap(lambda cols: st.lists(
    st.lists(st.one_of(st.integers(0, 12), st.integers(0, 200)), min_size=cols, max_size=cols),
    min_size=rows, max_size=rows)))


def as_cells(grid: list[list[int]]) -> dict:
    return {(r, c): n for r, row in enumerate(grid) for c, n in enumerate(row)}


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_published_cell_or_total_is_a_small_count(grid: list[list[int]]) -> None:
    result = suppress_table(as_cells(grid))
    published = [*result.cells.values(), *result.row_totals.values(), *result.column_totals.values(),
                 result.grand_total]
    assert all(not 1 <= v <= THRESHOLD for v in published if v is not None)


@settings(max_examples=200, deadline=None)
@given(tables)
def test_no_suppressed_cell_can_be_recovered_from_published_figures(grid: list[list[int]]) -> None:
    """For each suppressed cell, the published cells and totals (with counts ≥ 0) allow more than one value."""
    result = suppress_table(as_cells(grid))
    hidden = sorted(result.suppressed)
    if not hidden:
        return
    index = {k: i for i, k in enumerate(hidden)}
    rows_eq, rhs = [], []
    for totals, axis in ((result.row_totals, 0), (result.column_totals, 1)):
        for name, total in totals.items():
            if total is None:
                continue
            line = [k for k in result.cells if k[axis] == name]
            coefficients = np.zeros(len(hidden))
            for k in line:
                if k in index:
                    coefficients[index[k]] = 1
            if coefficients.any():
                rows_eq.append(coefficients)
                rhs.append(total - sum(result.cells[k] for k in line if k not in index))
    if result.grand_total is not None:
        rows_eq.append(np.ones(len(hidden)))
        rhs.append(result.grand_total - sum(v for k, v in result.cells.items() if k not in index))
    for k, i in index.items():
        objective = np.zeros(len(hidden))
        objective[i] = 1
        low = linprog(objective, A_eq=rows_eq or None, b_eq=rhs or None, bounds=(0, None))
        high = linprog(-objective, A_eq=rows_eq or None, b_eq=rhs or None, bounds=(0, None))
        assert low.status == 0 and high.status in (0, 3)  # 3: unbounded above, so certainly not pinned
        if high.status == 0:
            assert -high.fun - low.fun >= 1 - 1e-9, f"cell {k} is pinned to {low.fun}"


def test_one_line_with_a_total() -> None:
    published, total = suppress_list({"A": 3, "B": 40, "C": 12, "D": 0})
    assert published == {"A": None, "B": 40, "C": None, "D": 0}
    assert total == 55


def test_a_single_small_cell_suppresses_the_total_instead() -> None:
    published, total = suppress_list({"A": 3, "B": 0})
    assert published == {"A": None, "B": 0} and total is None


@pytest.mark.parametrize("count,hidden", [(0, False), (1, True), (7, True), (8, False)])
def test_threshold(count: int, hidden: bool) -> None:
    published, _ = suppress_list({"A": count, "B": 100, "C": 100})
    assert (published["A"] is None) is hidden
