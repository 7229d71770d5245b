"""Natural ordering of names people read: "Club 5" before "Club 11" (numbers compared as numbers)."""

import re

DIGITS = re.compile(r"(\d+)")


def natural_key(text: str) -> tuple:
    """A sort key that compares runs of digits by their value and the rest without case:
    ``sorted(["Club 11", "club 5"], key=natural_key) == ["club 5", "Club 11"]``."""
    return tuple((0, int(part), "") if part.isdecimal() else (1, 0, part.casefold())
                 for part in DIGITS.split(text or "") if part)
