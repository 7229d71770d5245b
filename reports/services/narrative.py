"""Sentences that state figures, generated from them (never typed): "Robbery rose by 4.1% to 2,310."."""

from core.figures import Missing, known


def number(value: float | int | Missing | None) -> str:
    """A count as people write it: 61,230; a fraction to one decimal place; a missing value as its reason."""
    if isinstance(value, Missing):
        return value.reason
    if value is None:
        return "not known"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def change_sentence(label: str, now: int | Missing, before: int | Missing, period: str, previous: str,
                    comparison: object = None) -> str:
    """``label`` rose, fell or was unchanged, with the percentage where the earlier figure allows one. A period
    with no data says so ("no data for 2023"), never zero; a comparison that is not defined says why (the
    figure's own ``comparison``, e.g. "the data covers only part of 2024"), and only a withheld one says
    "withheld"."""
    if not known(now):
        if isinstance(now, Missing) and len(now.reason) > 20 and period in now.reason:
            # The reason names the period already ("… 2024/25 is not one of them.").
            return f"{label}: no figure is given. {now.reason[:1].upper()}{now.reason[1:].rstrip('.')}."
        if isinstance(now, Missing) and period in now.reason:
            return f"{label}: {number(now)}."  # "no data for 2024", not "no data for 2024 in 2024"
        return f"{label}: {number(now)} in {period}."
    if isinstance(comparison, Missing) and comparison.code == "z" and known(before) and before != 0:
        # Both figures stand; only the comparison between them is not defined (part-covered period, a month
        # that looks incomplete), so both are stated with the reason.
        return (f"{label}: {number(now)} in {period} ({number(before)} in {previous}, but no comparison is made: "
                f"{comparison.reason.removeprefix('not defined: ')}).")
    if not known(before):
        if isinstance(before, Missing) and before.code == "x":
            return f"{label}: {number(now)} in {period}; there is no data for {previous}, so no comparison."
        if isinstance(before, Missing) and before.code != "c":
            return f"{label}: {number(now)} in {period}; no comparison with {previous} ({before.reason})."
        return f"{label}: {number(now)} in {period} (the comparison with {previous} is withheld)."
    if before == 0:
        return f"{label}: {number(now)} in {period}; there were none in {previous}."
    change = 100 * (now - before) / before
    if now == before:
        return f"{label} was unchanged at {number(now)} in {period}."
    verb = "rose" if now > before else "fell"
    return f"{label} {verb} by {abs(change):.1f}% to {number(now)} in {period} (from {number(before)} in {previous})."
