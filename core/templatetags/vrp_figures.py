"""Template filters for figures: tell a number from a value that cannot be given (``core.figures.Missing``)."""

from django import template

from core.figures import known

register = template.Library()


@register.filter
def is_number(value: object) -> bool:
    """True for a count, rate or amount; False for None and for a withheld or undefined value."""
    return known(value) and isinstance(value, int | float)
