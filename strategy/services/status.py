"""A measure's status, computed from the data each time, never typed in; a commitment's from its measures.

Rules, in order (the page's "How status is worked out" says the same):

1. **No data** — the figure has no value for the period (and no return is missing).
2. **At risk: returns missing** — returns due in the period have not come in: "two returns missing".
3. **On track** — the value meets the target pro rata: for a period partly covered so far, the target is
   scaled by the share covered (months with data; for returns, up to the latest period whose return is due;
   for the training register, the time elapsed), since counts and reach build up over a period.
4. **Off track** — the period is over (fully covered and ended: for returns, its last return due) and the target
   was not met.
5. **At risk** — otherwise, with the change on the baseline (the baseline's months with data scaled to the part
   of the period covered): "rate up 12% on baseline",
   or "count down 3% on baseline; the target is 10% down".

A commitment takes the worst status of its measures (off track, at risk, no data, on track) and every reason.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA, NO_MEASURES = "on_track", "at_risk", "off_track", "no_data", "no_measures"
LABELS = {ON_TRACK: "On track", AT_RISK: "At risk", OFF_TRACK: "Off track", NO_DATA: "No data",
          NO_MEASURES: "No measures yet"}
SEVERITY = [OFF_TRACK, AT_RISK, NO_DATA, ON_TRACK]
NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


@dataclass(frozen=True)
class Status:
    state: str
    reason: str
    value: float | None = None
    baseline: float | None = None
    expected: float | None = None

    @property
    def label(self) -> str:
        return LABELS[self.state]


def _count_words(n: int, noun: str) -> str:
    return f"{NUMBERS[n] if n < len(NUMBERS) else n} {noun}{'' if n == 1 else 's'}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


def measure_status(*, value: float | None, coverage: float, target: Decimal | float, direction: str,
                   baseline: float | None, baseline_months: float, period_months: int, period_end: date,
                   today: date, unit: str = "count", returns_missing: int = 0, note: str = "") -> Status:
    """The status of one measure from its reading (see the module's rules).

    ``coverage`` is the share of the period the value covers; ``baseline`` is the figure over the baseline
    period of ``baseline_months`` months, scaled here to the measured period's covered length.
    """
    if returns_missing:
        reason = _count_words(returns_missing, "return") + " missing"
        if value is None:
            return Status(AT_RISK, reason)
    elif value is None:
        return Status(NO_DATA, note or "no data")
    target = float(target)
    expected = target * coverage
    comparable = None if baseline is None or not baseline_months else baseline * period_months * coverage / \
        baseline_months
    meets = value <= expected if direction == "down" else value >= expected
    if returns_missing:
        return Status(AT_RISK, reason, value, comparable, expected)
    if meets:
        return Status(ON_TRACK, f"{_number(value)} against {_number(expected)} expected by now "
                                f"(target {_number(target)})", value, comparable, expected)
    if coverage >= 1 and today > period_end:
        return Status(OFF_TRACK, f"target missed: {_number(value)} against a target of {_number(target)}", value,
                      comparable, expected)
    if comparable:
        change = 100 * (value - comparable) / comparable
        needed = 100 * (expected - comparable) / comparable
        moved = f"{unit} {'up' if change > 0 else 'down'} {abs(change):.0f}% on baseline"
        wrong_way = (change > 0) if direction == "down" else (change < 0)
        if wrong_way or round(change) == 0:
            return Status(AT_RISK, moved, value, comparable, expected)
        return Status(AT_RISK, f"{moved}; the target is {abs(needed):.0f}% {'down' if needed < 0 else 'up'}",
                      value, comparable, expected)
    return Status(AT_RISK, f"{_number(value)} against {_number(expected)} expected by now", value, comparable,
                  expected)


def commitment_status(statuses: list[Status]) -> Status:
    """The worst of a commitment's measure statuses, with the reasons of those not on track."""
    if not statuses:
        return Status(NO_MEASURES, "no measures yet")
    worst = min(statuses, key=lambda s: SEVERITY.index(s.state)).state
    reasons = [s.reason for s in statuses if s.state != ON_TRACK] or [s.reason for s in statuses]
    return Status(worst, "; ".join(reasons))
