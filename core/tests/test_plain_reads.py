"""``core.plain_reads.values`` reads what the ORM reads: the same rows, order and converted values (JSON decoded,
booleans as booleans), on SQLite and PostgreSQL alike."""

import pytest

from core.models import Region
from core.plain_reads import values
from core.region import current_region, set_region

pytestmark = pytest.mark.django_db


def test_plain_reads_give_the_orms_rows() -> None:
    set_region(None, "First", ["west-midlands"], ["E08000025"])
    set_region(None, "Second", ["warwickshire", "west-mercia"], ["E07000218", "E07000219"], is_synthetic=True)
    columns = ["name", "force_slugs", "lad_codes", "is_current", "is_synthetic"]
    for equal, order in (({}, ["id"]), ({}, ["-id"]), ({"is_current": True}, ["-id"]), ({"is_current": False}, [])):
        expected = list(Region.objects.filter(**equal).order_by(*order).values_list(*columns))
        assert values(Region, columns, equal, order) == expected and expected
    assert values(Region, ["name"], order=["-id"], limit=1) == [("Second",)]
    region = current_region()
    assert (region.name, region.force_slugs, region.lad_codes, region.is_synthetic) == (
        "Second", ["warwickshire", "west-mercia"], ["E07000218", "E07000219"], True)
