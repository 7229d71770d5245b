"""Before-and-after confidence, per competency of the session's course: entered from a short form, or
imported as CSV, and summarised as the change per competency for commissioners.

Each response is anonymous: a number within its session, never a person. Confidence is 1 (not at all
confident) to 5 (very confident). The feedback CSV has one row per respondent and competency::

    session,respondent,competency,before,after
    S-2025-00012,1,1.2,2,4

``competency`` is the competency's code; re-importing a file sets the same answers again (no change).
"""

import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path

from django.db import transaction
from django.db.models import Max, QuerySet

from core import audit
from core.problems import InputRejected, Problem
from engagement.models import Competency, FeedbackAnswer, Session
from engagement.services.imports import decode
from engagement.services.scope import organisations_for

FEEDBACK_COLUMNS = ["session", "respondent", "competency", "before", "after"]
SCALE = range(1, 6)


def course_competencies(session: Session) -> list[Competency]:
    if session.course_id is None:
        return []
    return list(session.course.competencies.select_related("level").order_by("level__number", "code"))


@transaction.atomic
def record_response(actor: object, session: Session, answers: dict[int, tuple[int, int]]) -> int:
    """Save one respondent's answers (competency id → (before, after)) as the session's next respondent."""
    allowed = {c.pk: c for c in course_competencies(session)}
    problems = [Problem("feedback", "not a competency of this session's course", column=str(pk))
                for pk in answers if pk not in allowed]
    problems += [Problem("feedback", "confidence is from 1 to 5", column=allowed[pk].code)
                 for pk, (before, after) in answers.items() if pk in allowed and (before not in SCALE
                                                                                 or after not in SCALE)]
    if not answers:
        problems.append(Problem("feedback", "answer at least one question"))
    if problems:
        raise InputRejected(problems)
    respondent = (session.feedback.aggregate(n=Max("respondent"))["n"] or 0) + 1
    FeedbackAnswer.objects.bulk_create([FeedbackAnswer(session=session, respondent=respondent, competency=allowed[pk],
                                                       before=before, after=after)
                                        for pk, (before, after) in answers.items()])
    audit.record(actor, "feedback", session, changes={"respondent": respondent, "answers": len(answers)})
    return respondent


def import_feedback(actor: object, upload: Path | bytes, file_name: str) -> int:
    """Import a feedback CSV, all or nothing; returns how many answers were added or changed."""
    raw = upload.read_bytes() if isinstance(upload, Path) else upload
    reader = csv.reader(io.StringIO(decode(raw, file_name), newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in FEEDBACK_COLUMNS if c not in header]
    if missing:
        raise InputRejected([Problem(file_name, f"the column {c!r} is missing; the columns are "
                                     f"{', '.join(FEEDBACK_COLUMNS)}", line=1, column=c) for c in missing])
    rows = [(reader.line_num, {c: (cells[header.index(c)].strip() if header.index(c) < len(cells) else "")
                               for c in FEEDBACK_COLUMNS}) for cells in reader if any(x.strip() for x in cells)]
    allowed = set(organisations_for(actor).values_list("pk", flat=True))
    sessions = {s.reference: s for s in Session.objects.filter(reference__in={r["session"] for _, r in rows})
                .select_related("course") if s.organisation_id in allowed}
    competencies = {s: {c.code: c for c in course_competencies(session)} for s, session in sessions.items()}
    problems: list[Problem] = []
    answers: dict[tuple[str, int, str], tuple[int, int, int]] = {}
    for line, row in rows:
        before_count = len(problems)

        def fail(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(file_name, message, line=line, column=column))

        session = sessions.get(row["session"])
        if session is None:
            fail("session", f"{row['session']!r} is not one of your sessions")
            continue
        if not row["respondent"].isdecimal() or not 0 < int(row["respondent"]) < 100_000:
            fail("respondent", f"{row['respondent']!r}: number respondents 1, 2, 3… within the session")
        if row["competency"] not in competencies[row["session"]]:
            fail("competency", f"{row['competency']!r} is not a competency of {session.reference}'s course")
        for column in ("before", "after"):
            if row[column] not in {str(n) for n in SCALE}:
                fail(column, f"{row[column]!r}: confidence is a whole number from 1 to 5")
        if len(problems) > before_count:
            continue
        key = (row["session"], int(row["respondent"]), row["competency"])
        if key in answers:
            fail("competency", f"this answer is also given on line {answers[key][2]}")
            continue
        answers[key] = (int(row["before"]), int(row["after"]), line)
    if not answers and not problems:
        problems.append(Problem(file_name, "the file has no answers"))
    if problems:
        raise InputRejected(problems)
    changed = 0
    with transaction.atomic():
        for (reference, respondent, code), (before, after, _) in answers.items():
            answer, created = FeedbackAnswer.objects.get_or_create(
                session=sessions[reference], respondent=respondent, competency=competencies[reference][code],
                defaults={"before": before, "after": after})
            if not created and (answer.before, answer.after) != (before, after):
                answer.before, answer.after = before, after
                answer.save(update_fields=["before", "after"])
                changed += 1
            changed += created
        audit.record(actor, "import_feedback", object_type="engagement.FeedbackAnswer",
                     summary=f"{file_name}: {changed} answers added or changed", changes={"answers": changed})
    return changed


def change_by_competency(answers: QuerySet[FeedbackAnswer] | None = None, first: date | None = None,
                         last: date | None = None) -> list[dict]:
    """Per competency: responses, mean confidence before and after, the mean change, and the share of
    respondents more confident after. Plain rows, for the figures page and the annual report."""
    chosen = answers if answers is not None else FeedbackAnswer.objects.all()
    if first is not None and last is not None:
        chosen = chosen.filter(session__date__gte=first, session__date__lte=last)
    grouped: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for competency_id, before, after in chosen.values_list("competency_id", "before", "after"):
        grouped[competency_id].append((before, after))
    names = {c.pk: c for c in Competency.objects.filter(pk__in=grouped).select_related("level__framework")}
    rows = []
    for pk, pairs in grouped.items():
        competency = names[pk]
        n = len(pairs)
        mean_before = sum(b for b, _ in pairs) / n
        mean_after = sum(a for _, a in pairs) / n
        rows.append({"framework": competency.level.framework.name, "competency": competency.code,
                     "statement": competency.statement, "responses": n,
                     "mean_confidence_before": round(mean_before, 2), "mean_confidence_after": round(mean_after, 2),
                     "mean_change": round(mean_after - mean_before, 2),
                     "share_more_confident": round(sum(1 for b, a in pairs if a > b) / n, 3)})
    return sorted(rows, key=lambda r: (r["framework"], code_order(r["competency"])))


def code_order(code: str) -> list[tuple[int, int, str]]:
    """Sort key of a competency code: 1.2 before 1.10, numbers before letters."""
    return [(0, int(part), "") if part.isdecimal() else (1, 0, part) for part in code.split(".")]
