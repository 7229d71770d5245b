"""The disclosure rule of the public release: one rule, applied to a whole system of linked counts at once.

Only ``core.release`` uses this module: every public figure from a controlled source is read from the release
(``core.release``), so no page, figure or report applies disclosure control of its own.

A release is a set of **cells** (counts) and **lines** (a total cell is the sum of its part cells: a local
authority's types add up to its total, the local authorities add up to the region, the months of a year add up
to the year; or, for an ``AtMost`` line, at least the sum: incidents responded to are at most the incidents).
The rule (``Rule``), applied to every cell of the release together:

1. **Primary suppression.** A count from 1 to ``threshold`` (7) is withheld. Zero is published.
2. **Rounding.** Every published count is rounded to the nearest ``rounding`` (5), as NHS England and
   OpenSAFELY outputs are; so a reader knows a published 45 only as 43 to 47.
3. **Secondary suppression, audited by linear programming over the whole release.** A reader who knows the
   rule knows each published count to within the rounding, that a withheld count is at least 1 (zero is never
   withheld), and every line's equation. For each withheld cell a linear programme over all of that finds the
   least and greatest value the cell could take; when they are less than ``threshold`` apart, the smallest
   published non-zero entry of one of its lines (a part before a total) is withheld too, and the cell is
   checked again, until no withheld cell can be pinned to a range narrower than the threshold.

Withholding a cell only widens what a reader can infer about every other cell (its known range becomes
"at least 1"), so a cell that passed the audit stays passed; only the cells that failed are checked again.
This is the audit of Cox (1980), "Suppression methodology and statistical disclosure control", JASA 75(370),
with the interval ("protection level") requirement of Hundepool et al. (2012), *Statistical Disclosure
Control*, section 4.3, and the rounding base of the NHS England small-number guidance.
"""

from collections.abc import Hashable, Iterable
from dataclasses import dataclass

import numpy as np

__all__ = ["THRESHOLD", "AtMost", "Rule", "RULE", "apply_rule", "known_range", "round_count"]

THRESHOLD = 7
Key = Hashable
Lines = Iterable[tuple[Key, Iterable[Key]]]


class AtMost(tuple):
    """A line that is an inequality: ``AtMost((larger, (smaller,)))`` says the smaller cell is at most the larger
    (incidents responded to are at most the incidents), which a reader knows from the labels. Written as a line
    (total, parts) so that it links cells as lines do; the audit gives its row the bounds (−∞, 0]."""

    __slots__ = ()


@dataclass(frozen=True)
class Rule:
    """The disclosure rule's parameters. ``secondary=False`` or ``rounding=1`` switch a step off (the tests'
    mutation checks); the release always uses ``RULE``."""

    threshold: int = THRESHOLD
    rounding: int = 5
    secondary: bool = True

    @property
    def name(self) -> str:
        return (f"withhold 1-{self.threshold}; round to {self.rounding}; "
                f"{'secondary suppression audited by linear programming' if self.secondary else 'no secondary'}")

    def describe(self) -> str:
        """The rule in the users' words, for pages and manifests."""
        return (f"Counts from 1 to {self.threshold} are withheld; every other count is rounded to the nearest "
                f"{self.rounding}; further counts are withheld wherever a withheld count could otherwise be worked "
                f"out, to within {self.threshold}, from the published counts and totals (checked by linear "
                "programming over the whole release).")


RULE = Rule()


def round_count(count: int, rule: Rule = RULE) -> int:
    """``count`` rounded to the nearest ``rule.rounding`` (counts are whole, so no half-way cases arise)."""
    base = rule.rounding
    return (count + base // 2) // base * base if base > 1 else count


def known_range(published: int | None, rule: Rule = RULE) -> tuple[float, float]:
    """What a reader who knows the rule can say of a count from its published value alone."""
    if published is None:
        return 1.0, np.inf
    if published == 0:
        return 0.0, 0.0
    half = rule.rounding // 2
    return float(max(published - half, rule.threshold + 1)), float(published + half)


def apply_rule(counts: dict[Key, int], lines: Lines, rule: Rule = RULE) -> dict[Key, int | None]:
    """The published value of every cell of ``counts`` (None where withheld) under ``rule``.

    ``lines`` are (total key, part keys): the parts add up to the total; an ``AtMost`` line says only that they
    are at most the total. Every key of a line must be a key of ``counts``.
    """
    value = {key: int(n) for key, n in counts.items()}
    lines = [(AtMost if isinstance(line, AtMost) else tuple)((line[0], tuple(line[1]))) for line in lines]
    hidden = {key for key, n in value.items() if 1 <= n <= rule.threshold}
    if rule.secondary:
        _audit(value, hidden, lines, rule)
    return {key: None if key in hidden else round_count(n, rule) for key, n in value.items()}


def _audit(value: dict, hidden: set, lines: list, rule: Rule) -> None:
    """Withhold partners until no withheld cell can be pinned to a range narrower than the threshold."""
    lines_of: dict[Key, list[int]] = {}
    for index, (total, parts) in enumerate(lines):
        for key in (total, *parts):
            lines_of.setdefault(key, []).append(index)
    to_check = {key for key in hidden if key in lines_of}
    while to_check:
        published = {key: None if key in hidden else round_count(n, rule) for key, n in value.items()}
        pinned = [key for key, width in _widths(to_check, published, lines, lines_of, rule, value).items()
                  if width < rule.threshold]
        to_check = set()
        for key in sorted(pinned, key=str):
            partner = _partner(key, value, hidden, lines, lines_of)
            if partner is None:
                continue  # every entry near it is withheld already: nothing pins it any more
            hidden.add(partner)
            to_check |= {key, partner}


def _partner(key: Key, value: dict, hidden: set, lines: list, lines_of: dict) -> Key | None:
    """The entry to withhold beside a pinned cell: the smallest published non-zero part of its lines, else
    the smallest such total, else the same over the lines of its lines (a pin through several lines)."""
    near = [lines[i] for i in lines_of[key]]
    for pool in ([p for _, parts in near for p in parts], [t for t, _ in near],
                 [k for t, parts in near for j in lines_of.get(t, []) for k in (lines[j][0], *lines[j][1])]
                 + [k for _, parts in near for p in parts for j in lines_of.get(p, [])
                    for k in (lines[j][0], *lines[j][1])]):
        candidates = sorted({k for k in pool if k not in hidden and value[k] > 0}, key=lambda k: (value[k], str(k)))
        if candidates:
            return candidates[0]
    return None


def _widths(keys: set, published: dict, lines: list, lines_of: dict, rule: Rule, value: dict
            ) -> dict[Key, float]:
    """For each of ``keys``: how far apart its least and greatest values are, over everything a reader knows
    (each published count's range, withheld counts at least 1, every line's equation) — or, where that is
    already at least the threshold, a lower bound on it that proves so.

    One linear programme per connected group of cells, solved with HiGHS; only the objective changes from one
    cell to the next, so each solve starts from the previous one's basis. The true counts are one solution, so
    the least value is at most the true one: when the greatest is at least ``threshold`` above the truth the
    cell is safe without solving for the least.
    """
    import highspy
    from scipy.sparse import lil_matrix

    widths: dict[Key, float] = {}
    remaining = set(keys)
    while remaining:
        component = _component(min(remaining, key=str), lines, lines_of)
        position = {k: i for i, k in enumerate(component)}
        rows = sorted({i for k in component for i in lines_of.get(k, [])})
        matrix = lil_matrix((len(rows), len(component)))
        for row, index in enumerate(rows):
            total, parts = lines[index]
            matrix[row, position[total]] -= 1
            for part in parts:
                matrix[row, position[part]] += 1
        matrix = matrix.tocsc()
        at_most = np.array([isinstance(lines[index], AtMost) for index in rows], dtype=bool)
        ranges = [known_range(published[k], rule) for k in component]
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("presolve", "off")
        solver.setOptionValue("solver", "simplex")
        solver.setOptionValue("threads", 1)
        model = highspy.HighsLp()
        model.num_col_, model.num_row_ = len(component), len(rows)
        model.col_cost_ = np.zeros(len(component))
        model.col_lower_ = np.array([low for low, _ in ranges])
        model.col_upper_ = np.array([highspy.kHighsInf if high == np.inf else high for _, high in ranges])
        model.row_upper_ = np.zeros(len(rows))
        model.row_lower_ = np.where(at_most, -highspy.kHighsInf, 0.0)
        model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        model.a_matrix_.start_ = matrix.indptr
        model.a_matrix_.index_ = matrix.indices
        model.a_matrix_.value_ = matrix.data
        solver.passModel(model)
        previous = None
        for key in sorted(remaining & set(component), key=str):
            column = position[key]
            if previous is not None:
                solver.changeColCost(previous, 0.0)
            solver.changeColCost(column, 1.0)
            previous = column
            solver.changeObjectiveSense(highspy.ObjSense.kMaximize)
            solver.run()
            status = solver.getModelStatus()
            if status in (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible):
                widths[key] = np.inf  # no reader can pin it
                continue
            high = solver.getInfo().objective_function_value if status == highspy.HighsModelStatus.kOptimal else None
            if high is not None and high - value[key] >= rule.threshold:
                widths[key] = high - value[key]
                continue
            solver.changeObjectiveSense(highspy.ObjSense.kMinimize)
            solver.run()
            low = (solver.getInfo().objective_function_value
                   if solver.getModelStatus() == highspy.HighsModelStatus.kOptimal else None)
            # True counts satisfy every constraint, so the programme is feasible; any solver trouble counts as
            # pinned, so that more is withheld rather than less.
            widths[key] = high - low if high is not None and low is not None else 0.0
        remaining -= set(component)
    return widths


def _component(key: Key, lines: list, lines_of: dict) -> list:
    """Every cell linked to ``key`` through lines (the equations a reader can combine with it)."""
    seen, stack, done_lines = {key}, [key], set()
    while stack:
        current = stack.pop()
        for index in lines_of.get(current, []):
            if index in done_lines:
                continue
            done_lines.add(index)
            total, parts = lines[index]
            for k in (total, *parts):
                if k not in seen:
                    seen.add(k)
                    stack.append(k)
    return sorted(seen, key=str)
