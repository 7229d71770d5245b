"""Area codes as people type them: parsed, checked and put in order."""

import pytest

from geography.codes import parse_area_codes


def test_codes_typed_with_any_separator_come_back_sorted_once_each() -> None:
    assert parse_area_codes(" e08000025; E05011118,E08000025\nE01033620 ") == ["E01033620", "E05011118", "E08000025"]
    assert parse_area_codes("") == []


def test_a_code_of_no_known_level_is_named() -> None:
    with pytest.raises(ValueError, match="XX123, E99999999"):
        parse_area_codes("E08000025 XX123 E99999999")
