"""Sentences that state figures, generated from them (never typed): "Robbery rose by 4.1% to 2,310."."""


def number(value: float | int | None) -> str:
    """A count as people write it: 61,230; a fraction to one decimal place; withheld when None."""
    if value is None:
        return "withheld"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def change_sentence(label: str, now: int | None, before: int | None, period: str, previous: str) -> str:
    """``label`` rose, fell or was unchanged, with the percentage where the earlier figure allows one."""
    if now is None or before is None:
        return f"{label}: {number(now)} in {period} (the comparison with {previous} is withheld)."
    if before == 0:
        return f"{label}: {number(now)} in {period}, from none in {previous}."
    change = 100 * (now - before) / before
    if now == before:
        return f"{label} was unchanged at {number(now)} in {period}."
    verb = "rose" if now > before else "fell"
    return f"{label} {verb} by {abs(change):.1f}% to {number(now)} in {period} (from {number(before)} in {previous})."


def share_sentence(part: str, value: float | None, whole: str) -> str:
    if value is None:
        return ""
    return f"{part} accounted for {value:.1f}% of {whole}."
