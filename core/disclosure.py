"""Statistical disclosure control for published figures: one rule, applied in the query layer.

The rule (the platform's, documented in the README):

1. **Primary suppression.** A count from 1 to ``THRESHOLD`` (7) is not published; neither is any rate
   computed from it. Zero is published: it reveals no individual.
2. **Secondary suppression.** Where a table is published with its totals, a suppressed cell must not be
   recoverable by subtracting the published cells from a published total. So every row and every column
   that has a suppressed cell has at least two, the extra one being the smallest non-zero published cell
   in that line (the least information lost; a total only when no cell will do). The totals themselves form
   a line (they add up to the grand total), so a suppressed total also needs a partner. Repeated until no
   line changes.

This is the "at least two suppressed cells per line" rule of the ONS and NHS Digital small-number
guidance, applied with the minimum-count heuristic of Cox (1980), "Suppression methodology and statistical
disclosure control", JASA 75(370). It protects against differencing within one table; combinations of tables
are the caller's concern (the query layer publishes one geography level per table).
"""

from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np

THRESHOLD = 7

__all__ = ["THRESHOLD", "SuppressedTable", "is_primary", "suppress_groups", "suppress_list", "suppress_table"]


def is_primary(count: int | None) -> bool:
    """True when ``count`` is small enough to identify someone (1 to THRESHOLD)."""
    return count is not None and 1 <= count <= THRESHOLD


@dataclass
class SuppressedTable:
    """A two-way table after disclosure control. Suppressed cells and totals are absent (None)."""

    cells: dict[tuple[Hashable, Hashable], int | None]
    row_totals: dict[Hashable, int | None]
    column_totals: dict[Hashable, int | None]
    grand_total: int | None = None
    suppressed: set[tuple[Hashable, Hashable]] = field(default_factory=set)


TOTAL = "__total__"


def suppress_table(cells: dict[tuple[Hashable, Hashable], int]) -> SuppressedTable:
    """Apply the rule to a table of counts keyed by (row, column); totals are the true sums.

    The table is taken with its margins (row totals, column totals and the grand total), since each
    row, each column and the line of totals is an equation a reader can solve. Missing keys count as zero.
    Returns the published cells and totals, with None where suppressed.
    """
    rows = sorted({r for r, _ in cells}, key=str)
    columns = sorted({c for _, c in cells}, key=str)
    value = {(r, c): int(cells.get((r, c), 0)) for r in rows for c in columns}
    for r in rows:
        value[(r, TOTAL)] = sum(value[(r, c)] for c in columns)
    for c in [*columns, TOTAL]:
        value[(TOTAL, c)] = sum(value[(r, c)] for r in rows)
    hidden = {key for key, n in value.items() if is_primary(n)}
    # Each line is an equation: its cells add up to its margin cell.
    lines = [[(r, c) for c in [*columns, TOTAL]] for r in [*rows, TOTAL]] + \
            [[(r, c) for r in [*rows, TOTAL]] for c in [*columns, TOTAL]]
    # A total is a partner only when no cell will do.
    _hide_partners(value, hidden, lines, lambda k: (value[k], k[0] == TOTAL or k[1] == TOTAL, str(k)))
    _audit(value, hidden, rows, columns)
    published = {k: None if k in hidden else value[k] for k in value}
    return SuppressedTable(
        cells={(r, c): published[(r, c)] for r in rows for c in columns},
        row_totals={r: published[(r, TOTAL)] for r in rows},
        column_totals={c: published[(TOTAL, c)] for c in columns},
        grand_total=published[(TOTAL, TOTAL)],
        suppressed={(r, c) for r, c in hidden if TOTAL not in (r, c)})


def _audit(value: dict, hidden: set, rows: list, columns: list) -> None:
    """Hide more cells until no hidden cell can be pinned by combining lines.

    Two hidden cells per line stop a reader who subtracts within one line, but not one who adds and
    subtracts several lines. For each hidden cell a linear programme (counts ≥ 0, every line's equation)
    finds the least and greatest value it could take; if they differ by less than 1, the smallest non-zero
    published cell in its row or column is hidden too, and the audit starts again (Cox 1980, section 4).
    """
    from scipy.optimize import linprog

    while True:
        unknown = sorted(hidden, key=str)
        if not unknown:
            return
        position = {k: i for i, k in enumerate(unknown)}
        equations, constants = [], []
        for line_cells, margin in _lines(rows, columns):
            coefficients = np.zeros(len(unknown))
            constant = 0.0
            for k, sign in [*((k, 1.0) for k in line_cells), (margin, -1.0)]:
                if k in position:
                    coefficients[position[k]] += sign
                else:
                    constant -= sign * value[k]
            if coefficients.any():
                equations.append(coefficients)
                constants.append(constant)
        pinned = None
        for k in unknown:
            if TOTAL in k:
                continue
            objective = np.zeros(len(unknown))
            objective[position[k]] = 1.0
            low = linprog(objective, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
            high = linprog(-objective, A_eq=equations, b_eq=constants, bounds=(0, None), method="highs")
            if high.status == 0 and -high.fun - low.fun < 1 - 1e-9:
                pinned = k
                break
        if pinned is None:
            return
        neighbours = [(r, pinned[1]) for r in [*rows, TOTAL]] + [(pinned[0], c) for c in [*columns, TOTAL]]
        candidates = _smallest_published(value, hidden, neighbours)
        if not candidates:
            # Pinned through other lines (the grand total, say): widen to every line with a hidden entry.
            linked = [k for line, margin in _lines(rows, columns) for k in [*line, margin]
                      if any(j in hidden for j in [*line, margin])]
            candidates = _smallest_published(value, hidden, linked)
        if not candidates:
            return
        hidden.add(candidates[0])


def _smallest_published(value: dict, hidden: set, keys: list) -> list:
    """Published non-zero entries among ``keys``, smallest first, cells before totals."""
    return [k for _, _, _, k in sorted({(value[k], TOTAL in k, str(k), k) for k in keys
                                        if k not in hidden and value[k] > 0})]


def _lines(rows: list, columns: list):
    for r in [*rows, TOTAL]:
        yield [(r, c) for c in columns], (r, TOTAL)
    for c in [*columns, TOTAL]:
        yield [(r, c) for r in rows], (TOTAL, c)


def suppress_list(counts: dict[Hashable, int]) -> tuple[dict[Hashable, int | None], int | None]:
    """Apply the rule to one line of counts with its total (e.g. counts by local authority and the region).

    Returns the published counts (None where suppressed) and the published total.
    """
    table = suppress_table({("all", key): n for key, n in counts.items()})
    return {key: table.cells[("all", key)] for key in counts}, table.grand_total


def suppress_groups(counts: dict[Hashable, int], groups: Iterable[Collection[Hashable]]
                    ) -> dict[Hashable, int | None]:
    """Apply the rule to counts that belong to groups whose totals are published elsewhere.

    Each group (e.g. the LSOAs of one ward, of one MSOA, of one local authority) is a line whose total a
    reader knows from another table; groups may overlap. Primary suppression hides 1–``THRESHOLD``; then,
    until no group changes, a group with exactly one hidden member hides its smallest non-zero published
    member too (the rule's second part, applied over every group at once, so that the pattern is the same
    whichever group a reader starts from). Returns the published counts, None where suppressed.
    """
    value = {key: int(n) for key, n in counts.items()}
    hidden = {key for key, n in value.items() if is_primary(n)}
    lines = [[key for key in group if key in value] for group in groups]
    _hide_partners(value, hidden, lines, lambda key: (value[key], str(key)))
    return {key: None if key in hidden else n for key, n in value.items()}


def _hide_partners(value: dict, hidden: set, lines: list[list], order: Callable[[Hashable], tuple]) -> None:
    """The rule's second part: until no line changes, a line with exactly one hidden entry hides its first
    published non-zero entry by ``order`` too. (A line whose other entries are all 0 is left: its one hidden
    entry is then its whole total, and zeros are never hidden.)"""
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(1 for key in line if key in hidden) != 1:
                continue
            candidates = sorted((key for key in line if key not in hidden and value[key] > 0), key=order)
            if candidates:
                hidden.add(candidates[0])
                changed = True
