"""The commissioners' manage pages write through named services: each write lands with its audit entry."""

import pytest

from commissioning.models import Funder, Programme
from core.models import AuditEntry
from core.roles import Role
from core.testing.factories import funder, project, user
from monitoring.models import OutcomeMeasure
from monitoring.services.measures import MeasureExists, add_outcome_measure

pytestmark = pytest.mark.django_db


def test_a_funder_and_a_programme_added_on_the_page_are_audited(client) -> None:
    client.force_login(user(Role.COMMISSIONER, None, "commissioner"))
    assert client.post("/commissioning/manage/funders/new/", {"name": "Home Office"}).status_code == 302
    created = Funder.objects.get(name="Home Office")
    assert client.post("/commissioning/manage/programmes/new/", {
        "code": "CIF-25", "title": "Community Initiatives Fund", "funder": created.pk}).status_code == 302
    programme = Programme.objects.get(code="CIF-25")
    audited = set(AuditEntry.objects.filter(action="create").values_list("object_type", "object_id"))
    assert {("commissioning.Funder", str(created.pk)), ("commissioning.Programme", str(programme.pk))} <= audited
    # A refused form writes nothing.
    assert client.post("/commissioning/manage/funders/new/", {"name": ""}).status_code == 400
    assert Funder.objects.count() == 1


def test_an_outcome_measure_is_added_once_per_name(client) -> None:
    grant = project("P-9", funder=funder())
    client.force_login(user(Role.COMMISSIONER, None, "commissioner"))
    url = f"/commissioning/manage/projects/{grant.identifier}/measures/new/"
    assert client.post(url, {"name": "Exclusions avoided", "unit": "young people", "target": "20"}).status_code == 302
    again = client.post(url, {"name": "Exclusions avoided", "unit": "young people"})
    assert again.status_code == 400 and b"already has a measure with that name" in again.content
    measure = OutcomeMeasure.objects.get(project=grant)
    assert AuditEntry.objects.filter(action="create", object_type="monitoring.OutcomeMeasure",
                                     object_id=str(measure.pk)).count() == 1
    with pytest.raises(MeasureExists):
        add_outcome_measure("cli:test", grant, OutcomeMeasure(name="Exclusions avoided", unit="people"))
    assert OutcomeMeasure.objects.count() == 1
