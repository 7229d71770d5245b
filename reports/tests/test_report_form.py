"""The analysts' report form renders valid GOV.UK markup."""

import re

import pytest

from reports.forms import JobForm


@pytest.mark.django_db
def test_the_edition_is_a_select_with_no_maxlength() -> None:
    # A CharField (max_length=10) given a Select widget rendered maxlength="10" on the <select>, which is invalid.
    html = str(JobForm())
    select = re.search(r"<select[^>]*name=\"edition\"[^>]*>", html)
    assert select is not None and "maxlength" not in select.group(0), html
    assert not [tag for tag in re.findall(r"<select[^>]*>", html) if "maxlength" in tag]
    choices = [value for value, _ in JobForm().fields["edition"].choices]
    assert choices == ["public", "partner"]
