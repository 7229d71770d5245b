"""The strategy: measures' statuses computed from the data, never typed; who sees what; governance actions on
the incident action machinery; the public version shows open figures in full and controlled ones as the public
release publishes them."""

import csv
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core import mail

from core.models import AuditEntry
from core.roles import Role
from core.testing.factories import organisation, project, user
from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return
from strategy.models import Board, Measure, Strategy
from strategy.services import plan
from strategy.services.status import AT_RISK, NO_DATA, OFF_TRACK, ON_TRACK, measure_status

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 1)  # every quarter of 2024/25 is due (30 days after it ends)


@pytest.fixture
def scene() -> dict:
    council = organisation("Northfield Council", "local_authority", ["E08000025"])
    other = organisation("Easton Council", "local_authority", ["E08000026"])
    provider = organisation("Second Chance Football")
    sport = project("SP-1", provider=provider, theme="sport")
    strategy = plan.save_strategy("test", Strategy(year=2024, title="Safer streets 2024/25", is_published=True))
    priority = plan.add_priority("test", strategy, "Reach young people early",
                                 sna_findings=["Young people aged 10 to 17 were most often victims of assault."])
    commitment = plan.add_commitment("test", priority, "Sport for 100 young people", council, date(2025, 3, 31),
                                     links={"projects": [sport]})
    theirs = plan.add_commitment("test", priority, "Easton youth outreach", other, date(2025, 3, 31))
    reach = plan.add_measure("test", commitment, Measure(
        figure="reach_under_25", subject="sport", baseline_from="2023-04", baseline_to="2024-03",
        period_from="2024-04", period_to="2025-03", target=Decimal("100"), direction="up"))
    return {"council": council, "other": other, "project": sport, "strategy": strategy, "priority": priority,
            "commitment": commitment, "theirs": theirs, "reach": reach,
            "partner": user(Role.PARTNER, council, "council-partner"),
            "other_partner": user(Role.PARTNER, other, "easton-partner"),
            "commissioner": user(Role.COMMISSIONER, None, "commissioner")}


def accepted_return(sport, start: date, young: int) -> None:
    saved = save_return("test", sport, start, ReturnFigures(reach={("10_17", "male", "new"): young,
                                                                   ("25_plus", "male", "new"): 50}))
    review_return("test", submit_return("test", saved), accept=True)


def test_a_measure_reaching_its_target_from_accepted_returns_is_on_track(scene) -> None:
    for start in (date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)):
        accepted_return(scene["project"], start, 30)
    reading, status = plan.measure_progress(scene["reach"], TODAY)
    assert reading.value == 120 and reading.returns_missing == 0  # the over-24s are not young people
    assert status.state == ON_TRACK and status.label == "On track"
    progress = plan.commitment_progress(scene["commitment"], TODAY)
    assert progress["status"].state == ON_TRACK


def test_two_missing_returns_put_it_at_risk_with_that_reason(scene) -> None:
    accepted_return(scene["project"], date(2024, 4, 1), 60)
    accepted_return(scene["project"], date(2024, 7, 1), 60)  # 120: the target is met, but two returns are missing
    reading, status = plan.measure_progress(scene["reach"], TODAY)
    assert (reading.value, reading.returns_expected, reading.returns_missing) == (120, 4, 2)
    assert status.state == AT_RISK and status.reason == "two returns missing"
    assert plan.commitment_progress(scene["commitment"], TODAY)["status"].reason == "two returns missing"


def test_a_measure_whose_figure_has_no_data_says_so(scene) -> None:
    ed = plan.add_measure("test", scene["commitment"], Measure(
        figure="ed_knife", baseline_from="2023-04", baseline_to="2024-03", period_from="2024-04",
        period_to="2025-03", target=Decimal("50"), direction="down"))
    reading, status = plan.measure_progress(ed, TODAY)
    assert reading.value is None and status.state == NO_DATA
    assert status.reason == "no ED data is loaded for 2024-04 to 2025-03"
    unmatched = plan.add_measure("test", scene["commitment"], Measure(
        figure="reach_under_25", subject="vawg", baseline_from="2023-04", baseline_to="2024-03",
        period_from="2024-04", period_to="2025-03", target=Decimal("10"), direction="up"))
    assert plan.measure_progress(unmatched, TODAY)[1].reason == "no commissioned project matches the measure"


def test_status_rules_from_plain_numbers() -> None:
    common = {"target": Decimal("880"), "direction": "down", "baseline": 1000.0, "baseline_months": 12,
              "period_months": 12, "period_end": date(2025, 3, 31), "unit": "rate"}
    up = measure_status(value=560.0, coverage=0.5, today=date(2024, 10, 15), **common)
    assert (up.state, up.reason) == (AT_RISK, "rate up 12% on baseline")  # 560 in half a year against 500
    down = measure_status(value=470.0, coverage=0.5, today=date(2024, 10, 15), **common)
    assert (down.state, down.reason) == (AT_RISK, "rate down 6% on baseline; the target is 12% down")
    assert measure_status(value=430.0, coverage=0.5, today=date(2024, 10, 15), **common).state == ON_TRACK
    missed = measure_status(value=950.0, coverage=1.0, today=date(2025, 5, 1), **common)
    assert missed.state == OFF_TRACK and missed.reason.startswith("target missed")
    nothing = measure_status(value=None, coverage=0.0, today=date(2025, 5, 1), note="no data here", **common)
    assert (nothing.state, nothing.reason) == (NO_DATA, "no data here")


def test_partners_see_their_own_organisations_commitments_and_actions(client, scene) -> None:
    meeting = plan.record_meeting("test", plan.save_board("test", Board(name="Steering Group"),
                                                          [scene["council"], scene["other"]]),
                                  date(2025, 5, 1), attendance={scene["council"]: 2})
    mine = plan.add_board_action("test", meeting, "Council to map youth provision", scene["council"],
                                 datetime(2025, 6, 1, tzinfo=UTC))
    theirs = plan.add_board_action("test", meeting, "Easton to brief its cabinet", scene["other"],
                                   datetime(2025, 6, 1, tzinfo=UTC))
    client.force_login(scene["partner"])
    page = client.get("/strategy/").content.decode()
    assert "Sport for 100 young people" in page and "Easton youth outreach" not in page
    assert "It answers these SNA findings:" in page  # each priority cites the SNA findings it answers
    assert "Young people aged 10 to 17 were most often victims of assault." in page
    assert client.get(f"/strategy/commitments/{scene['theirs'].pk}/").status_code == 404
    meeting_page = client.get(f"/strategy/meetings/{meeting.pk}/").content.decode()
    assert mine.title in meeting_page and theirs.title not in meeting_page
    assert client.get(f"/strategy/actions/{theirs.pk}/").status_code == 404
    csv = client.get("/strategy/2024/progress.csv").content.decode()
    assert "Sport for 100 young people" in csv and "Easton" not in csv
    # The owner adds a narrative update; another organisation's partner cannot.
    response = client.post(f"/strategy/commitments/{scene['commitment'].pk}/", {"text": "Two clubs signed up."})
    assert response.status_code == 302 and scene["commitment"].updates.get().organisation == scene["council"]
    client.force_login(scene["other_partner"])
    assert client.post(f"/strategy/commitments/{scene['commitment'].pk}/", {"text": "x"}).status_code == 404
    client.force_login(scene["commissioner"])
    page = client.get("/strategy/").content.decode()
    assert "Sport for 100 young people" in page and "Easton youth outreach" in page
    # Staff who see every action in the list (an analyst) may read one they do not own, not update it.
    client.force_login(user(Role.ANALYST, None, "strategy-analyst"))
    assert f"/strategy/actions/{theirs.pk}/" in client.get("/strategy/").content.decode()
    read = client.get(f"/strategy/actions/{theirs.pk}/")
    assert read.status_code == 200 and theirs.title in read.content.decode()
    assert "managers update it" in read.content.decode() and "Save" not in read.content.decode()
    assert client.post(f"/strategy/actions/{theirs.pk}/", {"title": "x"}).status_code == 403


def test_the_public_see_the_published_strategy_with_controlled_figures_held_for_the_release(client, scene) -> None:
    for start in (date(2024, 4, 1), date(2024, 7, 1)):
        accepted_return(scene["project"], start, 45)
    client.logout()
    assert client.get("/strategy/").status_code == 302  # the partners' version asks for a sign-in
    page = client.get("/strategy/public/").content.decode()
    assert "Sport for 100 young people" in page and "Reach young people early" in page
    assert "published in the annual release" in page
    assert "90" not in page.split("Sport for 100 young people")[1]  # the reach value itself is not shown
    Strategy.objects.update(is_published=False)
    assert "Sport for 100 young people" not in client.get("/strategy/public/").content.decode()


def test_the_public_page_names_areas_and_does_not_repeat_the_year(client, scene) -> None:
    """A measure for a local authority reads "(Birmingham)", not its code; a strategy titled by its year is not
    headed "2024/25 (2024/25)"."""
    from geography.models import Area

    Area.objects.update_or_create(code="E08000025", defaults={"name": "Birmingham", "level": "lad"})
    plan.add_measure("test", scene["commitment"], Measure(
        figure="robbery", area_code="E08000025", baseline_from="2023-04", baseline_to="2024-03",
        period_from="2024-04", period_to="2025-03", target=Decimal("20"), direction="down"))
    Strategy.objects.update(title="2024/25")
    client.logout()
    page = client.get("/strategy/public/").content.decode()
    assert "Police-recorded robbery (Birmingham)" in page and "(E08000025)" not in page
    assert "2024/25 (2024/25)" not in page and ">2024/25</h2>" in page


def test_the_public_see_controlled_measures_as_the_release_publishes_them(client, scene) -> None:
    """Progress shown to the public is computed from the published (rounded) value; partners' from the data."""
    from core.release import REGION, current_release
    from core.testing.engagement import person, session
    from strategy.services.public import public_commitment

    for start in (date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)):
        accepted_return(scene["project"], start, 23)
    session(date(2024, 4, 9), [person(n) for n in range(12)], lad_code="E08000025")
    trained = plan.add_measure("test", scene["commitment"], Measure(
        figure="training_professionals", baseline_from="2023-04", baseline_to="2024-03", period_from="2024-04",
        period_to="2025-03", target=Decimal("11"), direction="up"))
    part_year = plan.add_measure("test", scene["commitment"], Measure(
        figure="reach_under_25", subject="sport", baseline_from="2023-04", baseline_to="2023-09",
        period_from="2024-04", period_to="2024-09", target=Decimal("50"), direction="up"))
    full, _ = plan.measure_progress(scene["reach"], TODAY)
    public, status = plan.measure_progress(scene["reach"], TODAY, public=True)
    assert full.value == 92 and public.value == 90 == current_release("returns").value(
        "reach_under_25", "theme", "Sport", "2024/25", REGION)
    assert status.state == OFF_TRACK and status.reason == "target missed: 90 against a target of 100"
    assert plan.measure_progress(trained, TODAY)[0].value == 12
    assert plan.measure_progress(trained, TODAY, public=True)[1].state == OFF_TRACK  # 10 published, 11 wanted
    reading, status = plan.measure_progress(part_year, TODAY, public=True)
    assert reading.value is None and "whole calendar and financial years" in reading.note
    assert status.state == NO_DATA
    shown = {m["label"]: m for m in public_commitment(scene["commitment"], TODAY)["measures"]}
    assert shown["Professionals trained (training register, each once in the year)"]["value"] == 10
    client.logout()
    page = client.get("/strategy/public/").content.decode().split("Sport for 100 young people")[1]
    assert "90" in page and "92" not in page and "the public release, rounded to 5" in page


def test_board_actions_reuse_the_incident_action_machinery(scene) -> None:
    scene["partner"].email = "lead@council.example"
    scene["partner"].save()
    board = plan.save_board("test", Board(name="Young People Board"), [scene["council"]])
    meeting = plan.record_meeting("test", board, date(2025, 5, 1), "Agreed the summer programme.",
                                  {scene["council"]: 3})
    assert [(a.organisation, a.present, a.people) for a in meeting.attendance.all()] == [(scene["council"], True, 3)]
    mail.outbox.clear()
    action = plan.add_board_action("test", meeting, "Publish the summer timetable", scene["council"],
                                   datetime(2025, 5, 10, tzinfo=UTC))
    assert plan.notify_overdue(datetime(2025, 5, 11, tzinfo=UTC)) == 1
    assert plan.notify_overdue(datetime(2025, 5, 12, tzinfo=UTC)) == 0
    assert [m.subject for m in mail.outbox][-1] == "[Young People Board] Overdue: Publish the summer timetable"
    plan.update_board_action(scene["partner"], action, {"status": "done", "completion_evidence": "On the website"})
    action.refresh_from_db()
    assert action.completed_at is not None
    from core.problems import InputRejected

    with pytest.raises(InputRejected, match="only a commissioner"):
        plan.update_board_action(scene["partner"], action, {"organisation": scene["other"]})
    assert AuditEntry.objects.filter(object_type="strategy.BoardAction", action="update").exists()


def test_you_said_we_did_counts_by_age_band_and_refuses_names(client, scene) -> None:
    from core.problems import InputRejected
    from strategy.models import Consultation

    assembly = plan.save_consultation("test", Consultation(name="Youth Assembly", held_on=date(2025, 2, 1),
                                                           participants={"10_17": 41, "18_24": 12}))
    plan.add_idea("test", assembly, "More safe places to go in the evenings", 23, "Funded midnight football",
                  [scene["commitment"]])
    with pytest.raises(InputRejected, match="a name with a title"):
        plan.add_idea("test", assembly, "Mr Smith said the park is unsafe")
    with pytest.raises(InputRejected, match="a count from 1 to the 53 who took part"):
        plan.add_idea("test", assembly, "More buses at night", 54)
    private = plan.save_consultation("test", Consultation(name="Parent forum (not yet published)",
                                                          held_on=date(2025, 3, 1), participants={"25_plus": 9},
                                                          is_published=False))
    plan.add_idea("test", private, "Better lighting on the canal path", 4)
    plan.add_update(scene["partner"], scene["commitment"], "The council's own progress note.")
    page = client.get("/strategy/public/you-said-we-did/").content.decode()
    assert "53 people took part: 41 aged 10 to 17, 12 aged 18 to 24" in page
    assert "More safe places" in page and "Sport for 100 young people" in page
    assert "Parent forum" not in page and "canal path" not in page
    assert "progress note" not in client.get("/strategy/public/").content.decode()  # updates are the partners'


def test_a_quarter_whose_return_is_not_yet_due_is_not_expected(scene) -> None:
    """Reach builds up as returns come in, 30 days after each quarter: mid-year the target is scaled to the
    quarters whose returns are due, and the period is not judged over (off track) until its last return is."""
    accepted_return(scene["project"], date(2024, 4, 1), 30)
    accepted_return(scene["project"], date(2024, 7, 1), 30)
    # 1 December: April to September is reported (the October–December return is due on 30 January).
    reading, status = plan.measure_progress(scene["reach"], date(2024, 12, 1))
    assert (reading.value, reading.returns_expected, reading.returns_missing) == (60, 2, 0)
    assert reading.coverage == pytest.approx(183 / 365)
    assert (status.state, status.reason) == (ON_TRACK, "60 against 50.14 expected by now (target 100)")
    accepted_return(scene["project"], date(2024, 10, 1), 30)
    # 5 April: 90 against a target of 100, but the January–March return is not due until 30 April.
    reading, status = plan.measure_progress(scene["reach"], date(2025, 4, 5))
    assert reading.value == 90 and status.state == ON_TRACK
    assert status.reason == "90 against 75.34 expected by now (target 100)"
    # 5 May: it is due and missing.
    assert plan.measure_progress(scene["reach"], date(2025, 5, 5))[1].reason == "one return missing"
    accepted_return(scene["project"], date(2025, 1, 1), 5)
    reading, status = plan.measure_progress(scene["reach"], date(2025, 5, 5))
    assert reading.coverage == 1.0
    assert (status.state, status.reason) == (OFF_TRACK, "target missed: 95 against a target of 100")


def test_a_baseline_with_months_missing_stands_for_the_months_it_covers(scene, monkeypatch) -> None:
    """Six months of a twelve-month baseline loaded: the baseline is the rate of those six, not half a year's
    count set against a whole year."""
    from strategy.services.figures import Reading

    def reading(figure, area, first_month, last_month, *args) -> Reading:
        return Reading(300.0, 0.5) if first_month == "2023-04" else Reading(660.0, 1.0)

    monkeypatch.setattr(plan, "read_figure", reading)
    violence = plan.add_measure("test", scene["commitment"], Measure(
        figure="violence", baseline_from="2023-04", baseline_to="2024-03", period_from="2024-04",
        period_to="2025-03", target=Decimal("500"), direction="down"))
    _, status = plan.measure_progress(violence, date(2025, 3, 15))
    assert status.baseline == 600
    assert (status.state, status.reason) == (AT_RISK, "count up 10% on baseline")


def test_a_commitment_links_what_delivers_it(client, scene) -> None:
    """Projects, school plans, incidents' follow-up work and evidence items; an incident action that is not
    follow-up work is refused; a follow-up's title is shown only to those the incidents' rules show it to."""
    from core.problems import InputRejected
    from evidence.models import EvidenceItem
    from evidence.services.items import save_item
    from incidents.models import Incident
    from incidents.services.response import add_action, change_status, record_incident
    from places.models import PreventionPlan, School

    item = save_item("test", EvidenceItem(title="Sport-based mentoring", summary="s", kind="toolkit",
                                          status="published"))
    school_plan = PreventionPlan.objects.create(school=School.objects.create(urn=100777, name="Hillside Academy"),
                                                academic_year=2024)
    incident = record_incident("test", Incident(occurred_at=datetime(2024, 9, 5, 20, tzinfo=UTC),
                                                incident_type="assault", severity="serious", summary="Example."))
    during = add_action("test", incident, "Visit the families", scene["other"], datetime(2024, 9, 6, tzinfo=UTC))
    change_status("test", incident, "closed", follow_up="Mediation sessions at the youth club",
                  follow_up_owner=scene["other"])
    follow_up = incident.actions.get(is_follow_up=True)
    with pytest.raises(InputRejected, match="link incident follow-up work only"):
        plan.update_links("test", scene["commitment"], {"incident_follow_ups": [during]})
    plan.update_links("test", scene["commitment"], {"school_plans": [school_plan], "incident_follow_ups": [follow_up],
                                                    "evidence": [item]})
    client.force_login(user(Role.INCIDENT_COORDINATOR, None, "coordinator"))
    page = client.get(f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()
    for shown in ("Project SP-1", "Hillside Academy 2024/25", "Mediation sessions at the youth club",
                  "Sport-based mentoring"):
        assert shown in page, shown
    client.force_login(scene["partner"])  # the commitment's owner, not invited to the incident
    page = client.get(f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()
    assert "Mediation sessions" not in page
    assert "Incident follow-up: work from an incident response (Easton Council, open)" in page


def test_commitments_are_named_only_where_the_viewer_may_see_them(client, scene) -> None:
    """"You said, we did" names the commitments of published strategies only; a partner's consultation and
    meeting pages link its own commitments, name other published ones and leave out the rest."""
    from strategy.models import Consultation

    draft = plan.save_strategy("test", Strategy(year=2025, title="Draft 2025/26"))
    hidden = plan.add_commitment("test", plan.add_priority("test", draft, "Draft priority"), "Draft youth hubs",
                                 scene["other"], date(2026, 3, 31))
    assembly = plan.save_consultation("test", Consultation(name="Youth Assembly", held_on=date(2025, 2, 1),
                                                           participants={"10_17": 41}))
    plan.add_idea("test", assembly, "Somewhere to go after school", 9, "Youth hubs",
                  [scene["commitment"], scene["theirs"], hidden])
    meeting = plan.record_meeting("test", plan.save_board("test", Board(name="Steering Group"), [scene["council"]]),
                                  date(2025, 5, 1))
    plan.add_decision("test", meeting, "Plan the hubs", hidden)
    client.logout()
    public = client.get("/strategy/public/you-said-we-did/").content.decode()
    assert "Sport for 100 young people" in public and "Easton youth outreach" in public
    assert "Draft youth hubs" not in public
    client.force_login(scene["partner"])
    page = client.get(f"/strategy/consultations/{assembly.pk}/").content.decode()
    assert f'href="/strategy/commitments/{scene["commitment"].pk}/"' in page
    assert "Easton youth outreach (Easton Council)" in page
    assert f'/strategy/commitments/{scene["theirs"].pk}/' not in page and "Draft youth hubs" not in page
    assert "Draft youth hubs" not in client.get(f"/strategy/meetings/{meeting.pk}/").content.decode()
    client.force_login(scene["commissioner"])
    assert "Draft youth hubs" in client.get(f"/strategy/meetings/{meeting.pk}/").content.decode()


def test_a_success_measure_follows_its_indicator_by_whole_year(client, scene, tmp_path) -> None:
    """A Home Office success measure from its indicator (a Fingertips export), compared with its target; the
    public see the release's rounded count; a part year, or a year the indicator has not reached, says why."""
    from core.testing.fingertips import fingertips_export
    from partners.services.indicators import ingest_indicators
    from strategy.services.public import public_commitment

    def success(period_from: str, period_to: str, target: str = "2600") -> Measure:
        return plan.add_measure("test", scene["commitment"], Measure(
            figure="success_measure", subject="hospital_admissions", baseline_from="2023-04", baseline_to="2024-03",
            period_from=period_from, period_to=period_to, target=Decimal(target), direction="down"))

    admissions = success("2024-04", "2025-03")
    reading, status = plan.measure_progress(admissions, TODAY)
    assert reading.value is None and status.state == NO_DATA  # no indicator, no ED data: the proxy has none
    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2021/22", "2022/23", "2023/24", "2024/25"])],
                      "fingertips", success_measure="hospital_admissions")
    # fingertips_export: count = 300 + 40 j - 20 i for local authority j (seven) and period i (2024/25 is i = 3).
    reading, status = plan.measure_progress(admissions, TODAY)
    assert reading.value == sum(300 + 40 * j - 60 for j in range(7)) == 2520
    assert reading.note.startswith("indicator: Hospital admissions for violence")
    assert status.baseline == sum(300 + 40 * j - 40 for j in range(7))
    assert (status.state, status.reason) == (ON_TRACK, "2,520 against 2,600 expected by now (target 2,600)")
    missed = success("2024-04", "2025-03", "2400")
    assert plan.measure_progress(missed, TODAY)[1].reason == "target missed: 2,520 against a target of 2,400"
    later = plan.measure_progress(success("2025-04", "2026-03"), TODAY)[0]
    assert later.value is None and later.note.endswith("is for 2024/25")
    part = plan.measure_progress(success("2024-04", "2024-09"), TODAY)[0]
    assert part.value is None and "whole calendar or financial year" in part.note
    public_value = next(m for m in public_commitment(scene["commitment"], TODAY)["measures"]
                        if m["label"].startswith("A Home Office success measure"))["value"]
    assert public_value % 5 == 0 and abs(public_value - 2520) <= 5
    from core.problems import InputRejected

    with pytest.raises(InputRejected, match="choose the success measure"):
        plan.add_measure("test", scene["commitment"], Measure(
            figure="success_measure", baseline_from="2023-04", baseline_to="2024-03", period_from="2024-04",
            period_to="2025-03", target=Decimal("1"), direction="down"))
    # A commissioner chooses one on the measure form; without one the form says so.
    client.force_login(scene["commissioner"])
    form = {"figure": "success_measure", "baseline_from": "2023-04", "baseline_to": "2024-03",
            "period_from": "2024-04", "period_to": "2025-03", "target": "3", "direction": "down"}
    url = f"/strategy/commitments/{scene['commitment'].pk}/measures/new/"
    refused = client.post(url, form)
    assert refused.status_code == 400 and "Choose the success measure" in refused.content.decode()
    assert client.post(url, {**form, "success_measure": "homicide"}).status_code == 302
    assert scene["commitment"].measures.filter(figure="success_measure", subject="homicide").exists()


def test_measures_say_what_they_count_and_where(client, scene) -> None:
    """Two reach measures for different themes are told apart; an area is named, not coded."""
    from geography.models import Area

    Area.objects.update_or_create(code="E08000025", defaults={"name": "Birmingham", "level": "lad"})
    plan.add_measure("test", scene["commitment"], Measure(
        figure="reach_under_25", subject="vawg", area_code="E08000025", baseline_from="2023-04",
        baseline_to="2024-03", period_from="2024-04", period_to="2025-03", target=Decimal("10"), direction="up"))
    client.force_login(scene["partner"])
    page = client.get(f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()
    assert "Young people aged 24 and under reached (accepted returns): Sport" in page
    assert "Young people aged 24 and under reached (accepted returns): Violence against women and girls" in page
    assert "<td class=\"govuk-table__cell\">Birmingham</td>" in page
    csv = client.get("/strategy/2024/progress.csv").content.decode()
    assert "reached (accepted returns): Sport" in csv


def test_board_actions_email_their_owner_organisation_and_vrp_strategy_notifies_overdue_once(
        scene, django_capture_on_commit_callbacks) -> None:
    from io import StringIO

    from django.core.management import call_command

    scene["partner"].email = "lead@council.example"
    scene["partner"].save()
    scene["other_partner"].email = "lead@easton.example"
    scene["other_partner"].save()
    meeting = plan.record_meeting("test", plan.save_board("test", Board(name="Steering Group"),
                                                          [scene["council"], scene["other"]]),
                                  date(2025, 5, 1), attendance={scene["council"]: 2})
    assert [(a.organisation.name, a.present, a.people) for a in meeting.attendance.all()] == [
        ("Easton Council", False, 0), ("Northfield Council", True, 2)]
    decision = plan.add_decision("test", meeting, "Map youth provision in every ward", scene["commitment"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        action = plan.add_board_action("test", meeting, "Map youth provision", scene["council"],
                                       datetime(2025, 5, 10, tzinfo=UTC), decision)
    assert [m.to for m in mail.outbox] == [["lead@council.example"]]
    with django_capture_on_commit_callbacks(execute=True):
        plan.update_board_action(scene["commissioner"], action, {"organisation": scene["other"]})
    assert mail.outbox[-1].to == ["lead@easton.example"] and "Action for Easton Council" in mail.outbox[-1].subject
    out = StringIO()
    call_command("strategy", "notify-overdue", stdout=out)
    assert out.getvalue().strip() == "Notified 1 overdue action."
    assert mail.outbox[-1].to == ["lead@easton.example"] and "Overdue" in mail.outbox[-1].subject
    call_command("strategy", "notify-overdue", stdout=out)
    assert out.getvalue().strip().endswith("Notified 0 overdue actions.")
    audited = set(AuditEntry.objects.filter(object_type__in=["strategy.BoardAction", "strategy.Decision",
                                                             "strategy.Meeting"]).values_list("object_type", "action"))
    assert audited == {("strategy.Meeting", "create"), ("strategy.Decision", "create"),
                       ("strategy.BoardAction", "create"), ("strategy.BoardAction", "update")}


def test_vrp_report_strategy_for_a_year_without_a_strategy_says_so(tmp_path) -> None:
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="there is no strategy for 1999"):
        call_command("report", "strategy", "--year", "1999", "--out", str(tmp_path))


def test_a_measure_follows_an_area_of_the_region_only(client, scene) -> None:
    """A name typed for a code, a code of another region, or a level no figure is counted by is refused, with
    the reason by the field, and nothing is saved."""
    client.force_login(scene["commissioner"])
    url = f"/strategy/commitments/{scene['commitment'].pk}/measures/new/"
    form = {"figure": "robbery", "baseline_from": "2023-04", "baseline_to": "2024-03", "period_from": "2024-04",
            "period_to": "2025-03", "target": "20", "direction": "down"}
    from html import unescape

    for area, reason in (("Bham", "'Bham' is not the ONS code of a local authority, ward, MSOA or LSOA"),
                         ("E08000001", "E08000001 is not an area of the region"),
                         ("E12000005", "'E12000005' is not the ONS code of a local authority")):
        refused = client.post(url, {**form, "area_code": area})
        assert refused.status_code == 400 and reason in unescape(refused.content.decode()), area
    refused = client.post(url, {**form, "target": "-5"})
    assert refused.status_code == 400 and "a target is a count or rate of 0 or more" in refused.content.decode()
    assert not scene["commitment"].measures.filter(figure="robbery").exists()
    assert client.post(url, {**form, "area_code": "E08000026"}).status_code == 302


def test_the_spend_page_refuses_a_year_out_of_range(client, scene) -> None:
    client.force_login(scene["commissioner"])
    for year in ("99999", "-5", "1999", "soon"):
        refused = client.get(f"/strategy/spend/?year={year}")
        assert refused.status_code == 400, year
        assert "Financial year (first year)" in refused.content.decode() and "There is a problem" in \
            refused.content.decode()
        assert client.get(f"/strategy/spend.csv?year={year}").status_code == 400
    page = client.get("/strategy/spend/?year=2024")
    assert page.status_code == 200 and "Spend against need and evidence, 2024/25" in page.content.decode()


def test_evidence_ratings_and_the_money_split_between_local_authorities(scene) -> None:
    """Effective: a published item with a YEF impact band of high or moderate, or an EMMIE effect of 3 or 4;
    rated lower: not shown effective; no rating (or only a draft's): unrated. A project serving two local
    authorities puts half its money in each."""
    from commissioning.models import Project
    from evidence.models import EvidenceItem
    from evidence.services.items import save_item
    from strategy.services.spend import evidence_rating, spend_against_need

    def rated(title: str, status: str = "published", **ratings) -> EvidenceItem:
        return save_item("test", EvidenceItem(title=title, summary="s", kind="toolkit", status=status, **ratings))

    cases = [({"yef_impact_band": "moderate"}, "effective"), ({"emmie_effect": 4}, "effective"),
             ({"yef_impact_band": "low", "emmie_effect": 1}, "not_shown_effective"), ({}, "unrated")]
    for n, (ratings, expected) in enumerate(cases):
        funded = project(f"EV-{n}", area_codes=["E08000025"])
        funded.evidence.add(rated(f"Item {n}", **ratings))
        assert evidence_rating(funded) == expected, ratings
    draft_only = project("EV-draft", area_codes=["E08000025"])
    draft_only.evidence.add(rated("Draft", status="draft", yef_impact_band="high"))
    assert evidence_rating(draft_only) == "unrated"
    Project.objects.filter(identifier="EV-0").update(area_codes=["E08000025", "E08000026"],
                                                     amount_awarded=Decimal("30000"))
    rows = {(r["lad"], r["theme"]): r for r in spend_against_need(2023)}  # the factory's award date: March 2024
    birmingham, next_door = rows[("E08000025", "Sport")], rows[("E08000026", "Sport")]
    assert next_door["amount_awarded"] == 15000 == next_door["amount_effective"]
    # SP-1, EV-1 to EV-3 and EV-draft at 10,000 each, half of EV-0; effective: EV-1 and half of EV-0.
    assert birmingham["amount_awarded"] == 65000 and birmingham["amount_effective"] == 25000
    assert birmingham["amount_unrated"] == 30000 and birmingham["share_effective_percent"] == 38.5


def test_where_money_need_and_evidence_disagree_is_said_in_words() -> None:
    from strategy.services.spend import disagreements

    def row(lad: str, name: str, awarded: int, effective: int, index: float) -> dict:
        return {"lad": lad, "name": name, "amount_awarded": Decimal(awarded), "amount_effective": Decimal(effective),
                "violence_rate_per_1000": 30.0, "priority_index": index}

    said = disagreements([row("E08000025", "Birmingham", 20000, 15000, 80.0),
                          row("E08000026", "Coventry", 60000, 10000, 20.0),
                          row("E08000027", "Dudley", 20000, 20000, 50.0)])
    assert said == [
        "Birmingham has among the highest need (priority index 80.0) but received 20% of the money, less than an "
        "equal share.",
        "Dudley has among the highest need (priority index 50.0) but received 20% of the money, less than an equal "
        "share.",
        "In Coventry less than a quarter of the money (17%) goes to approaches rated effective."]
    assert disagreements([row("E08000025", "Birmingham", 20000, 0, 80.0)]) == []  # one authority: none to compare


def test_status_is_never_a_stored_field() -> None:
    from strategy.models import Commitment

    for model in (Commitment, Measure):
        assert not {f.name for f in model._meta.get_fields()} & {"status", "state", "rag", "progress"}, model


def test_a_commissioner_changes_what_delivers_a_commitment(client, scene) -> None:
    from evidence.models import EvidenceItem
    from evidence.services.items import save_item
    from incidents.models import Incident
    from incidents.services.response import add_action, change_status, record_incident

    item = save_item("test", EvidenceItem(title="Detached youth work", summary="s", kind="toolkit",
                                          status="published"))
    incident = record_incident("test", Incident(occurred_at=datetime(2024, 9, 5, 20, tzinfo=UTC),
                                                incident_type="assault", severity="serious", summary="Example."))
    during = add_action("test", incident, "Visit the families", scene["council"], datetime(2024, 9, 6, tzinfo=UTC))
    change_status("test", incident, "closed", follow_up="Youth club sessions", follow_up_owner=scene["council"])
    follow_up = incident.actions.get(is_follow_up=True)
    url = f"/strategy/commitments/{scene['commitment'].pk}/links/"
    client.force_login(scene["partner"])
    assert client.get(url).status_code == 403 and client.post(url, {"evidence": [item.pk]}).status_code == 403
    client.force_login(scene["commissioner"])
    form = client.get(url).content.decode()
    assert f'<option value="{scene["project"].pk}" selected>' in form  # the links it has
    refused = client.post(url, {"projects": [scene["project"].pk], "incident_follow_ups": [during.pk]})
    assert refused.status_code == 400 and not scene["commitment"].incident_follow_ups.exists()
    saved = client.post(url, {"projects": [scene["project"].pk], "incident_follow_ups": [follow_up.pk],
                              "evidence": [item.pk]})
    assert saved.status_code == 302
    assert list(scene["commitment"].evidence.all()) == [item]
    assert list(scene["commitment"].incident_follow_ups.all()) == [follow_up]
    entry = AuditEntry.objects.filter(object_type="strategy.Commitment", action="update").latest("id")
    assert entry.changes["evidence"] == ["", "Detached youth work"]
    assert "Change what delivers it" in client.get(f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()


def test_a_partner_sees_controlled_measures_in_full_for_its_own_areas_only(client, scene) -> None:
    """The platform's one rule: a partner sees a controlled figure in full for an area of its organisation, and
    elsewhere (the region) as the public does, from the release; commissioners see it in full."""
    for start in (date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)):
        accepted_return(scene["project"], start, 23)  # 92 young people in Birmingham (E08000025)
    local = plan.add_measure("test", scene["commitment"], Measure(
        figure="reach_under_25", subject="sport", area_code="E08000025", baseline_from="2023-04",
        baseline_to="2024-03", period_from="2024-04", period_to="2025-03", target=Decimal("100"), direction="up"))
    partner, commissioner = scene["partner"], scene["commissioner"]
    assert plan.reads_in_full(partner, local) and not plan.reads_in_full(partner, scene["reach"])
    assert plan.measure_progress(local, TODAY, viewer=partner)[0].value == 92
    region, status = plan.measure_progress(scene["reach"], TODAY, viewer=partner)
    assert region.value == 90 and region.note == "the public release, rounded to 5"
    assert plan.measure_progress(scene["reach"], TODAY, viewer=commissioner)[0].value == 92
    client.force_login(partner)
    rows = list(csv.DictReader(client.get("/strategy/2024/progress.csv").content.decode().splitlines()))
    assert sorted((r["area"], r["value"]) for r in rows) == [("E08000025", "92.0"), ("region", "90.0")]
    assert "the public release, rounded to 5" in client.get(
        f"/strategy/commitments/{scene['commitment'].pk}/").content.decode()
    client.force_login(commissioner)
    rows = list(csv.DictReader(client.get("/strategy/2024/progress.csv").content.decode().splitlines()))
    assert sorted((r["area"], r["value"]) for r in rows if r["area"]) == [("E08000025", "92.0"), ("region", "92.0")]


def test_an_update_from_a_text_actor_is_refused_clearly(scene) -> None:
    """The CLI (a text actor) is no one: its update is refused by name, not a crash; nothing lands."""
    from core.problems import InputRejected

    with pytest.raises(InputRejected, match="signed-in person"):
        plan.add_update("cli", scene["commitment"], "Progress from a script.")
    assert not scene["commitment"].updates.exists()
    assert not plan.may_update("cli", scene["commitment"]) and not plan.may_manage("cli")


def test_the_commitment_forms_name_follow_ups_as_the_incident_rules_allow(client, scene) -> None:
    """A commissioner (not a coordinator, not invited) choosing follow-up work in the new-commitment and links
    forms sees each follow-up's owner and status, never its title; a coordinator sees the title."""
    from incidents.models import Incident
    from incidents.services.response import change_status, record_incident

    incident = record_incident("test", Incident(occurred_at=datetime(2024, 9, 5, 20, tzinfo=UTC),
                                                incident_type="assault", severity="serious", summary="Example."))
    change_status("test", incident, "closed", follow_up="Mediation for the Smith family",
                  follow_up_owner=scene["other"])
    follow_up = incident.actions.get(is_follow_up=True)
    urls = (f"/strategy/priorities/{scene['priority'].pk}/commitments/new/",
            f"/strategy/commitments/{scene['commitment'].pk}/links/")
    client.force_login(scene["commissioner"])
    for url in urls:
        form = client.get(url).content.decode()
        assert f'value="{follow_up.pk}"' in form, url  # it may still be linked
        assert "Mediation for the Smith family" not in form, url
        assert "Work from an incident response (Easton Council, open, due" in form, url
    client.force_login(user(Role.ADMINISTRATOR, None, "admin"))  # administrators coordinate incidents
    for url in urls:
        assert "Mediation for the Smith family" in client.get(url).content.decode(), url
