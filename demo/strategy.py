"""A synthetic response strategy for the demo region: priorities citing SNA findings, commitments with measures,
a Steering Group and a Young People Board with meetings, and consultations. Every name is invented and labelled
synthetic. Running it again changes nothing."""

from datetime import UTC, date, datetime
from decimal import Decimal

from commissioning.models import Project
from core.models import Organisation
from strategy.models import Board, Consultation, Measure, Strategy
from strategy.services import plan

YEAR = 2025
PARTNERS = [("Synthetic City Council", "local_authority"), ("Synthetic Demo Police", "police"),
            ("Synthetic Violence Reduction Partnership", "partnership"), ("Synthetic Hillside Academy", "school"),
            ("Synthetic NHS Trust", "nhs")]


def add_strategy(actor: str = "demo") -> int:
    """Create the demo strategy for 2025/26 unless it exists; returns how many commitments were added."""
    if Strategy.objects.filter(year=YEAR).exists():
        return 0
    from core.region import current_region
    from insights.query.areas import area_names

    lad = current_region().lad_codes[0] if current_region().lad_codes else "E08900001"
    lad_name = area_names([lad]).get(lad, "Northfield Vale")  # the region's first authority (the synthetic one's)
    council, police, vrp, school, nhs = [Organisation.objects.get_or_create(name=n, defaults={"kind": k})[0]
                                         for n, k in PARTNERS]
    strategy = plan.save_strategy(actor, Strategy(
        year=YEAR, title="Synthetic response strategy 2025/26", sna_reference="SNA 2024 (synthetic)",
        summary="Invented for the demonstration region: what the partnership will do, and how it will know.",
        is_published=True))
    places = plan.add_priority(actor, strategy, "Violence in the places most affected", sna_findings=[
        "The 10% of LSOAs with the most violence and sexual offences had a large share of them.",
        f"{lad_name} had the highest rate of violence and sexual offences per 1,000 residents (synthetic finding)."])
    young = plan.add_priority(actor, strategy, "Young people reached early", sna_findings=[
        "Emergency department assault attendances were most often of young men aged 18 to 24."])
    sport = list(Project.objects.filter(identifier__startswith="SYN-", theme="sport")[:2])
    streets = plan.add_commitment(actor, places, f"Reduce violence in {lad_name}'s hot spots", police,
                                  date(2026, 3, 31), "Patrols and detached youth work where violence concentrates.",
                                  {"projects": list(Project.objects.filter(identifier__startswith="SYN-",
                                                                           theme="place_based")[:2])})
    plan.add_measure(actor, streets, Measure(figure="violence_rate", area_code=lad, baseline_from="2024-04",
                                             baseline_to="2025-03", period_from="2025-04", period_to="2026-03",
                                             target=Decimal("40"), direction="down"))
    plan.add_measure(actor, streets, Measure(figure="robbery", area_code=lad, baseline_from="2024-04",
                                             baseline_to="2025-03", period_from="2025-04", period_to="2026-03",
                                             target=Decimal("20"), direction="down"))
    reach = plan.add_commitment(actor, young, "Sport and mentoring for 300 young people", council, date(2026, 3, 31),
                                links={"projects": sport})
    plan.add_measure(actor, reach, Measure(figure="reach_under_25", subject="sport", baseline_from="2024-04",
                                           baseline_to="2025-03", period_from="2025-04", period_to="2026-03",
                                           target=Decimal("300"), direction="up"))
    knife = plan.add_commitment(actor, young, "Navigators for every young person attending with a knife injury",
                                nhs, date(2026, 3, 31))
    plan.add_measure(actor, knife, Measure(figure="ed_knife", baseline_from="2024-04", baseline_to="2025-03",
                                           period_from="2025-04", period_to="2026-03", target=Decimal("30"),
                                           direction="down"))
    steering = plan.save_board(actor, Board(name="Steering Group (synthetic)",
                                            purpose="Oversees the strategy and the partnership's spending."),
                               [council, police, vrp, nhs])
    board = plan.save_board(actor, Board(name="Young People Board (synthetic)",
                                         purpose="Young people hold the partnership to account."), [vrp, school])
    meeting = plan.record_meeting(actor, steering, date(2025, 6, 12), "Agreed the strategy's measures.",
                                  {council: 2, police: 1, vrp: 3})
    decision = plan.add_decision(actor, meeting, "Adopt the 2025/26 measures and review them quarterly.", streets)
    plan.add_board_action(actor, meeting, "Map detached youth work against the hot spots", council,
                          datetime(2025, 7, 31, 17, tzinfo=UTC), decision)
    plan.record_meeting(actor, board, date(2025, 7, 3), "Young people reviewed the summer offer.", {vrp: 2, school: 5})
    assembly = plan.save_consultation(actor, Consultation(name="Youth Assembly (synthetic)", held_on=date(2025, 3, 8),
                                                          participants={"10_17": 64, "18_24": 21}))
    plan.add_idea(actor, assembly, "Somewhere safe to go on Friday nights", 31,
                  "Midnight football in three areas, run by young people's choice of clubs.", [reach])
    plan.add_idea(actor, assembly, "Help straight away after someone is hurt", 12,
                  "Hospital navigators meet young people in the emergency department.", [knife])
    forum = plan.save_consultation(actor, Consultation(name="Parent forum (synthetic)", held_on=date(2025, 4, 2),
                                                       participants={"25_plus": 27}))
    plan.add_idea(actor, forum, "Safer routes home from school", 15, "Step Together walking routes.", [streets])
    return 3
