"""The annual report's training, networks and events section (partner edition).

Every sentence is generated from the figures in ``engagement.figures``, and each figure is written beside
the report as ``data/<name>.csv``: ``data/training.csv`` holds the headline ``measure,value`` rows
(``professionals_trained``, ``attendances``…). The public edition gains this section only through the
public release, which applies the disclosure rule to the whole release at once.
"""

from insights import charts
from monitoring.services.periods import financial_year_bounds, financial_year_label
from reports.services.narrative import number
from reports.services.sna import Figure, Section


def _figure(name: str, rows: list[dict], chart: str = "") -> Figure:
    from engagement.figures import FIGURES

    spec = FIGURES[name]
    return Figure(name, spec.title, list(spec.columns), rows, chart, spec.note)


def annual_section(year: int, section_number: int) -> Section:
    """The section for financial year ``year``: sentences and figures, unsuppressed."""
    from engagement.figures import (
        attendance_by_local_authority,
        attendance_by_theme,
        events_and_reach,
        feedback_by_competency,
        headline,
        network_membership,
        professionals_by_sector,
        sessions_by_month_and_team,
    )
    from engagement.services.reach import professionals_reached

    label = financial_year_label(year)
    first, last = financial_year_bounds(year)
    section = Section(section_number, "Training, networks and events", chart_of="sessions_by_month_and_team",
                      table_of="training")
    values = {r["measure"]: r["value"] for r in headline(year)}
    months = sessions_by_month_and_team(year)
    by_month: dict[str, int] = {}
    for row in months:
        by_month[row["month"]] = by_month.get(row["month"], 0) + row["attendances"]
    section.sentences.append(
        f"In {label} the partnership's training and awareness raising reached "
        f"{number(values['professionals_trained'])} professionals (each counted once in the year) in "
        f"{number(values['sessions'])} sessions: {number(values['attendances'])} attendances in all, about "
        f"{number(round(values['attendances'] / 12))} a month, of which {number(values['young_people_attendances'])} "
        "were by children and young people (counted as attendances, not people: the platform holds no names for "
        "them).")
    reached = professionals_reached(year)
    if reached["returns"]:
        section.sentences.append(
            f"With the professionals trained that providers report in their monitoring returns, "
            f"{number(reached['total'])} professionals were reached ({number(reached['in_both'])} who are in both "
            "the register and a return counted once).")
    for row in network_membership(year):
        if row["members_at_start"] or row["members_at_end"]:
            section.sentences.append(f"{row['network']} had {number(row['members_at_start'])} members on "
                                     f"{first.day} {first:%B %Y} and {number(row['members_at_end'])} on "
                                     f"{last.day} {last:%B %Y}.")
    events = events_and_reach(year)
    if events:
        section.sentences.append(f"{number(len(events))} events reached {number(sum(e['attendances'] for e in events))}"
                                 " attendances: " + "; ".join(f"{e['event']} ({number(e['attendances'])})"
                                                              for e in events[:6]) + ".")
    feedback = feedback_by_competency(year)
    if feedback:
        responses = sum(r["responses"] for r in feedback)
        mean_change = sum(r["mean_change"] * r["responses"] for r in feedback) / responses
        section.sentences.append(f"In {number(responses)} feedback answers on {number(len(feedback))} "
                                 f"competencies, confidence rose by {mean_change:.1f} points on a scale of 1 to 5 "
                                 "on average.")
    section.figures.append(_figure("training", headline(year)))
    section.figures.append(_figure("sessions_by_month_and_team", months, charts.bar_chart(
        list(by_month), [float(v) for v in by_month.values()], "Attendances by month",
        "Professionals, children, young people and other adults at every session.") if by_month else ""))
    section.figures.append(_figure("professionals_by_sector", professionals_by_sector(year)))
    section.figures.append(_figure("attendance_by_theme", attendance_by_theme(year)))
    section.figures.append(_figure("attendance_by_local_authority", attendance_by_local_authority(year)))
    section.figures.append(_figure("network_membership", network_membership(year)))
    section.figures.append(_figure("events_and_reach", events))
    section.figures.append(_figure("feedback_by_competency", feedback))
    return section
