"""Commitments and measures are edited and withdrawn, never deleted: an edit is audited field by field before and
after; a withdrawn one is kept (when and why) but left out of the public strategy and every status roll-up."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from core.models import AuditEntry
from core.problems import InputRejected
from core.roles import Role
from core.testing.factories import organisation, user
from strategy.models import Measure, Strategy
from strategy.services import plan
from strategy.services.status import NO_MEASURES

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 1)


@pytest.fixture
def scene() -> dict:
    council = organisation("Northfield Council", "local_authority", ["E08000025"])
    other = organisation("Easton Council", "local_authority", ["E08000026"])
    strategy = plan.save_strategy("test", Strategy(year=2024, title="Safer streets 2024/25", is_published=True))
    priority = plan.add_priority("test", strategy, "Reach young people early")
    commitment = plan.add_commitment("test", priority, "Sport for 100 young people", council, date(2025, 3, 31))
    kept = plan.add_commitment("test", priority, "Mentoring in every school", council, date(2025, 3, 31))
    reach = plan.add_measure("test", commitment, Measure(
        figure="reach_under_25", subject="sport", baseline_from="2023-04", baseline_to="2024-03",
        period_from="2024-04", period_to="2025-03", target=Decimal("100"), direction="up"))
    return {"council": council, "other": other, "strategy": strategy, "priority": priority,
            "commitment": commitment, "kept": kept, "reach": reach,
            "partner": user(Role.PARTNER, council, "council-partner"),
            "commissioner": user(Role.COMMISSIONER, None, "commissioner")}


def _latest(object_type: str) -> AuditEntry:
    return AuditEntry.objects.filter(object_type=object_type).latest("id")


def test_editing_a_commitment_is_audited_before_and_after(scene) -> None:
    commitment = plan.edit_commitment("test", scene["commitment"], {
        "title": "Sport for 150 young people", "owner": scene["other"], "due_date": date(2025, 9, 30)})
    commitment.refresh_from_db()
    assert (commitment.title, commitment.owner, commitment.due_date) == (
        "Sport for 150 young people", scene["other"], date(2025, 9, 30))
    entry = _latest("strategy.Commitment")
    assert entry.action == "update" and entry.changes == {
        "title": ["Sport for 100 young people", "Sport for 150 young people"],
        "owner": ["Northfield Council", "Easton Council"], "due_date": ["2025-03-31", "2025-09-30"]}
    # Nothing changed, nothing recorded; names and contact details are refused by field.
    audits = AuditEntry.objects.count()
    plan.edit_commitment("test", commitment, {"title": "Sport for 150 young people"})
    assert AuditEntry.objects.count() == audits
    with pytest.raises(InputRejected) as refused:
        plan.edit_commitment("test", commitment, {"description": "Call Mr Smith on 07700 900123"})
    assert {p.column for p in refused.value.problems} == {"description"}


def test_editing_a_measure_is_validated_as_a_new_one_and_audited(scene) -> None:
    measure = Measure.objects.get(pk=scene["reach"].pk)
    measure.target, measure.period_to = Decimal("80"), "2025-06"
    plan.edit_measure("test", measure)
    entry = _latest("strategy.Measure")
    assert entry.action == "update" and entry.changes == {"target": ["100.000", "80"],
                                                          "period_to": ["2025-03", "2025-06"]}
    assert Measure.objects.get(pk=measure.pk).target == Decimal("80")
    wrong = Measure.objects.get(pk=measure.pk)
    wrong.area_code = "E08000099"
    with pytest.raises(InputRejected) as refused:
        plan.edit_measure("test", wrong)
    assert {p.column for p in refused.value.problems} == {"area_code"}
    assert Measure.objects.get(pk=measure.pk).area_code == ""


def test_a_withdrawn_measure_is_kept_but_leaves_the_status_and_the_public_page(client, scene) -> None:
    client.logout()
    assert "Young people aged 24 and under reached" in client.get("/strategy/public/").content.decode()
    plan.withdraw_measure("test", scene["reach"], "The project closed early.")
    kept = Measure.objects.get(pk=scene["reach"].pk)
    assert kept.withdrawn_at is not None and kept.withdrawn_reason == "The project closed early."
    entry = _latest("strategy.Measure")
    assert entry.action == "withdraw" and entry.changes["withdrawn_reason"] == ["", "The project closed early."]
    assert entry.changes["withdrawn_at"][0] == ""
    progress = plan.commitment_progress(scene["commitment"], TODAY)
    assert progress["measures"] == [] and progress["status"].state == NO_MEASURES
    assert "Young people aged 24 and under reached" not in client.get("/strategy/public/").content.decode()
    with pytest.raises(InputRejected, match="withdrawn on"):
        plan.edit_measure("test", kept)
    with pytest.raises(InputRejected, match="withdrawn on"):
        plan.withdraw_measure("test", kept, "again")
    client.force_login(scene["commissioner"])
    page = client.get(f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()
    assert "Withdrawn measures" in page and "The project closed early." in page
    assert f"/strategy/measures/{kept.pk}/edit/" not in page


def test_a_withdrawn_commitment_is_kept_but_leaves_the_public_and_every_roll_up(client, scene, tmp_path) -> None:
    from reports.services.strategy_annex import build_annex

    with pytest.raises(InputRejected, match="say why"):
        plan.withdraw_commitment("test", scene["commitment"], "  ")
    plan.withdraw_commitment("test", scene["commitment"], "Merged into the schools commitment.")
    entry = _latest("strategy.Commitment")
    assert entry.action == "withdraw" and entry.changes["withdrawn_reason"] == [
        "", "Merged into the schools commitment."]
    client.logout()
    public = client.get("/strategy/public/").content.decode()
    assert "Sport for 100 young people" not in public and "Mentoring in every school" in public
    client.force_login(scene["partner"])
    rows = list(csv.DictReader(io.StringIO(client.get("/strategy/2024/progress.csv").content.decode())))
    assert {r["commitment"] for r in rows} == {"Mentoring in every school"}
    home = client.get("/strategy/2024/").content.decode()
    assert "Withdrawn (kept, not counted)" in home and "Sport for 100 young people" in home
    page = client.get(f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()
    assert "Withdrawn" in page and "Merged into the schools commitment." in page  # the record is kept
    annex = str(build_annex(2024, TODAY))
    assert "Mentoring in every school" in annex and "Sport for 100 young people" not in annex
    with pytest.raises(InputRejected, match="withdrawn on"):
        plan.edit_commitment("test", scene["commitment"], {"title": "Back again"})
    with pytest.raises(InputRejected, match="withdrawn on"):
        plan.add_measure("test", scene["commitment"], Measure(
            figure="reach_under_25", baseline_from="2023-04", baseline_to="2024-03", period_from="2024-04",
            period_to="2025-03", target=Decimal("1"), direction="up"))


def test_commissioners_edit_and_withdraw_through_the_pages_and_partners_are_refused(client, scene) -> None:
    commitment, measure = scene["commitment"], scene["reach"]
    urls = [f"/strategy/commitments/{commitment.pk}/edit/", f"/strategy/commitments/{commitment.pk}/withdraw/",
            f"/strategy/measures/{measure.pk}/edit/", f"/strategy/measures/{measure.pk}/withdraw/"]
    client.force_login(scene["partner"])  # the owner's partner adds updates, but does not change the plan
    assert [client.get(u).status_code for u in urls] == [403] * 4
    assert client.post(urls[1], {"reason": "No"}).status_code == 403
    client.force_login(scene["commissioner"])
    page = client.get(f"/strategy/commitments/{commitment.pk}/").content.decode()
    assert all(u in page for u in urls)
    form = client.get(urls[0]).content.decode()
    assert 'value="Sport for 100 young people"' in form and 'class="govuk-input' in form
    assert client.post(urls[0], {"title": "", "owner": scene["council"].pk, "due_date": "2025-03-31"}
                       ).status_code == 400
    assert client.post(urls[0], {"title": "Sport for 120 young people", "owner": scene["council"].pk,
                                 "due_date": "2025-03-31"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Sport for 120 young people"
    measure_form = client.get(urls[2]).content.decode()
    assert '<option value="sport" selected>' in measure_form  # the theme it follows
    saved = client.post(urls[2], {"figure": "reach_under_25", "theme": "sport", "baseline_from": "2023-04",
                                  "baseline_to": "2024-03", "period_from": "2024-04", "period_to": "2025-03",
                                  "target": "90", "direction": "up"})
    assert saved.status_code == 302 and Measure.objects.get(pk=measure.pk).target == Decimal("90")
    assert client.post(urls[3], {"reason": ""}).status_code == 400
    assert client.post(urls[3], {"reason": "Counted elsewhere."}).status_code == 302
    assert Measure.objects.get(pk=measure.pk).withdrawn_reason == "Counted elsewhere."
    assert client.post(urls[1], {"reason": "Done differently."}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.withdrawn_reason == "Done differently."
    assert client.post(urls[0], {"title": "Again", "owner": scene["council"].pk, "due_date": "2025-03-31"}
                       ).status_code == 400  # a withdrawn commitment is kept as it was
