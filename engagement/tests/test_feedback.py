"""Feedback imported as CSV (``vrp events import-feedback``): all or nothing, named errors, re-import changes
nothing, only your own sessions; the change per competency it gives; and the framework administrators edit."""

from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from core.models import AuditEntry
from core.problems import InputRejected
from core.roles import Role
from core.testing.engagement import course, session
from core.testing.factories import organisation, user
from engagement.models import Competency, CompetencyFramework, FeedbackAnswer
from engagement.services.feedback import change_by_competency, import_feedback

pytestmark = pytest.mark.django_db
DAY = date(2024, 6, 5)


@pytest.fixture
def training():
    return session(DAY, reference="FB-1", course=course(competencies=["1.1", "1.2"]))


def _answers() -> list[tuple]:
    return sorted(FeedbackAnswer.objects.values_list("session__reference", "respondent", "competency__code",
                                                     "before", "after"))


GOOD = ("session,respondent,competency,before,after\n"
        "FB-1,1,1.1,2,4\nFB-1,1,1.2,3,3\nFB-1,2,1.1,1,5\nFB-1,2,1.2,2,3\n")


def test_imported_feedback_gives_the_change_per_competency_and_reimport_changes_nothing(training, tmp_path) -> None:
    path = tmp_path / "feedback.csv"
    path.write_text(GOOD)
    call_command("events", "import-feedback", str(path))
    assert _answers() == [("FB-1", 1, "1.1", 2, 4), ("FB-1", 1, "1.2", 3, 3), ("FB-1", 2, "1.1", 1, 5),
                          ("FB-1", 2, "1.2", 2, 3)]
    rows = {r["competency"]: r for r in change_by_competency(first=date(2024, 4, 1), last=date(2025, 3, 31))}
    assert (rows["1.1"]["responses"], rows["1.1"]["mean_confidence_before"], rows["1.1"]["mean_confidence_after"],
            rows["1.1"]["mean_change"], rows["1.1"]["share_more_confident"]) == (2, 1.5, 4.5, 3.0, 1.0)
    assert (rows["1.2"]["mean_change"], rows["1.2"]["share_more_confident"]) == (0.5, 0.5)
    audits = AuditEntry.objects.count()
    assert import_feedback("test", path, path.name) == 0
    assert len(_answers()) == 4 and AuditEntry.objects.count() == audits + 1


def test_every_problem_in_a_feedback_file_is_named_and_nothing_lands(training) -> None:
    bad = ("session,respondent,competency,before,after\n"
           "FB-1,1,1.1,2,4\n"
           "FB-1,one,1.2,3,3\n"      # respondent not a number
           "FB-1,2,3.4,1,5\n"        # a competency the course does not map to
           "FB-1,3,1.1,0,6\n"        # confidence outside 1 to 5
           "NOPE,1,1.1,2,4\n"        # a session that is not there
           "FB-1,1,1.1,3,3\n")       # the same answer twice
    with pytest.raises(InputRejected) as refused:
        import_feedback("test", bad.encode(), "bad.csv")
    assert {(p.line, p.column) for p in refused.value.problems} == {
        (3, "respondent"), (4, "competency"), (5, "before"), (5, "after"), (6, "session"), (7, "competency")}
    assert all(p.file == "bad.csv" for p in refused.value.problems)
    assert _answers() == []
    with pytest.raises(InputRejected) as refused:
        import_feedback("test", b"session,respondent,competency,before\nFB-1,1,1.1,2\n", "short.csv")
    assert [(p.line, p.column) for p in refused.value.problems] == [(1, "after")]
    with pytest.raises(CommandError, match="no such file"):
        call_command("events", "import-feedback", "/no/such/feedback.csv")


def test_a_provider_imports_feedback_for_its_own_sessions_only(training) -> None:
    other = user(Role.PROVIDER, organisation("Bravo"))
    with pytest.raises(InputRejected, match="not one of your sessions"):
        import_feedback(other, GOOD.encode(), "feedback.csv")
    assert _answers() == []
    assert import_feedback(user(Role.PROVIDER, training.organisation), GOOD.encode(), "feedback.csv") == 4


def test_administrators_edit_the_competency_framework_and_courses_show_the_edit(client) -> None:
    """The Exploitation and Abuse Competency Framework is the seed's example; an administrator changes a
    statement and adds a level in the admin pages (audit-logged), and the courses page shows the framework as
    edited. Other roles cannot reach the admin."""
    framework = CompetencyFramework.objects.get(name="Exploitation and Abuse Competency Framework")
    assert [level.number for level in framework.levels.all()] == [1, 2, 3]
    assert Competency.objects.filter(level__framework=framework).count() == 12
    workshop = course("exploitation-awareness", competencies=["1.1", "1.2"])
    statement = Competency.objects.get(level__framework=framework, code="1.2")
    admin = user(Role.ADMINISTRATOR, None, "admin-user")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(user(Role.COMMISSIONER))
    assert client.get(f"/admin/engagement/competency/{statement.pk}/change/").status_code == 302
    client.force_login(admin)
    response = client.post(f"/admin/engagement/competency/{statement.pk}/change/", {
        "level": statement.level_id, "code": "1.2", "statement": "I can spot the signs of exploitation early."})
    assert response.status_code == 302, response.content.decode()[:1500]
    statement.refresh_from_db()
    assert statement.statement == "I can spot the signs of exploitation early."
    assert AuditEntry.objects.filter(object_type="engagement.Competency", action="change").exists()
    response = client.post("/admin/engagement/competencylevel/add/", {
        "framework": framework.pk, "number": "4", "name": "Strategic", "description": "Board members."})
    assert response.status_code == 302 and framework.levels.count() == 4
    client.force_login(user(Role.ANALYST))
    page = client.get("/engagement/courses/").content.decode()
    assert "I can spot the signs of exploitation early." in page and workshop.title in page
