"""The strategy's progress annex: every priority, commitment and measure with its computed status, as a report in
the Strategic Needs Assessment's style (HTML, PDF, a CSV per table; ``reports.services.sna.write_report``).

The annex is the partners' edition: controlled figures appear unsuppressed, so it says "not for publication";
the public read the published strategy page, which holds controlled values for the annual release.
"""

from datetime import date

from django.utils import timezone

from core.region import current_region
from strategy.models import BoardAction, Consultation, Strategy
from strategy.services.plan import commitment_progress


def build_annex(year: int, today: date | None = None) -> dict:
    """The progress annex of the strategy for financial year ``year`` (raises Strategy.DoesNotExist)."""
    from insights import charts
    from insights.query.areas import area_names
    from reports.services.sna import Figure, Section

    strategy = Strategy.objects.get(year=year)
    today = today or timezone.localdate()
    region = current_region()
    sections, counts = [], {}
    for number, priority in enumerate(strategy.priorities.all(), start=2):
        section = Section(number, priority.title)
        if priority.sna_findings:
            section.sentences.append("It answers these SNA findings: " + " ".join(priority.sna_findings))
        rows = []
        for commitment in priority.commitments.current().select_related("owner"):
            progress = commitment_progress(commitment, today)
            counts[progress["status"].label] = counts.get(progress["status"].label, 0) + 1
            section.sentences.append(f"{commitment.title} ({commitment.owner.name}, due "
                                     f"{commitment.due_date:%d %B %Y}): {progress['status'].label.lower()}"
                                     f"{' – ' + progress['status'].reason if progress['status'].reason else ''}.")
            latest = commitment.updates.first()
            if latest:
                section.sentences.append(f"Latest update ({latest.created_at:%d %B %Y}): {latest.text}")
            for m in progress["measures"]:
                code = m["measure"].area_code
                rows.append({"commitment": commitment.title, "owner": commitment.owner.name,
                             "figure": m["label"], "area": code or "region",
                             "area_name": area_names([code]).get(code, code) if code else region.name,
                             "period": f"{m['measure'].period_from} to {m['measure'].period_to}",
                             "baseline": m["status"].baseline, "value": m["reading"].value,
                             "target": m["measure"].target, "direction": m["measure"].direction,
                             "status": m["status"].label, "reason": m["status"].reason})
        # Printed: what is measured, where, the value against its target and the status; the CSV has the owner,
        # period, baseline, direction and the status's reason too.
        section.figures.append(Figure(f"priority_{priority.order}_measures", f"Measures: {priority.title}",
                                      ["commitment", "owner", "figure", "area", "area_name", "period", "baseline",
                                       "value", "target", "direction", "status", "reason"], rows,
                                      shown=["commitment", "figure", "area_name", "value", "target", "status"]))
        sections.append(section)
    summary = Section(1, "Progress at a glance")
    summary.sentences.append(f"{strategy.title}: {sum(counts.values())} commitments under "
                             f"{strategy.priorities.count()} priorities, as computed from the data on "
                             f"{today:%d %B %Y}.")
    status_rows = [{"status": k, "commitments": v} for k, v in sorted(counts.items())]
    summary.figures.append(Figure("status_counts", "Commitments by status", ["status", "commitments"], status_rows,
                                  charts.bar_chart([r["status"] for r in status_rows],
                                                   [r["commitments"] for r in status_rows], "Commitments by status",
                                                   "The number of commitments in each status.")
                                  if status_rows else ""))
    governance = Section(len(sections) + 2, "Governance: actions agreed by boards")
    actions = BoardAction.objects.filter(meeting__held_on__year__in=[year, year + 1]).select_related(
        "meeting__board", "organisation")
    governance.figures.append(Figure("board_actions", "Actions agreed by boards",
                                     ["board", "meeting", "action", "owner", "due", "status"],
                                     [{"board": a.meeting.board.name, "meeting": a.meeting.held_on, "action": a.title,
                                       "owner": a.organisation.name if a.organisation else "",
                                       "due": timezone.localtime(a.due_at).date(), "status": a.get_status_display()}
                                      for a in actions]))
    ideas = [{"consultation": c.name, "you_said": i.text, "raised_by": i.raised_by, "we_did": i.response,
              "commitments": "; ".join(x.title for x in i.commitments.all())}
             for c in Consultation.objects.prefetch_related("ideas__commitments") for i in c.ideas.all()]
    voice = Section(len(sections) + 3, "Community voice: you said, we did")
    voice.figures.append(Figure("you_said_we_did", "You said, we did",
                                ["consultation", "you_said", "raised_by", "we_did", "commitments"], ideas))
    return {"title": f"Response strategy {strategy.label}: progress annex", "place": region.name,
            "edition": "partner", "sections": [summary, *sections, governance, voice],
            "generated_at": timezone.now(),
            "is_synthetic": region.is_synthetic, "stem": f"strategy-{strategy.label.replace('/', '-')}-progress"}
