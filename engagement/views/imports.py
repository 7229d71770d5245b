"""Uploading attendance (Eventbrite's attendee report or the platform's CSV) and feedback (CSV)."""

from django.http import HttpRequest, HttpResponse

from core.access import allow
from core.problems import InputRejected
from core.render import form_page
from core.request_limits import accepts_uploads
from core.roles import PROVIDERS_PARTNERS_AND_COMMISSIONERS
from engagement.forms import FeedbackUploadForm, UploadForm
from engagement.services.feedback import FEEDBACK_COLUMNS, import_feedback
from engagement.services.imports import PLAIN_COLUMNS, import_attendance
from engagement.views.sessions import _editable


def _upload(request: HttpRequest, session=None) -> tuple[UploadForm, list, object]:
    form = UploadForm(request.POST or None, request.FILES or None, eventbrite_only=session is not None)
    problems, summary = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        file_format = "eventbrite" if session is not None else form.cleaned_data["file_format"]
        try:
            summary = import_attendance(request.user, upload.read(), upload.name, file_format, session=session,
                                        checked_in_only=form.cleaned_data["checked_in_only"])
        except InputRejected as exc:
            problems = exc.problems
    return form, problems, summary


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
@accepts_uploads
def upload(request: HttpRequest) -> HttpResponse:
    """Import attendance for any of your sessions: the platform's CSV (which can create sessions), or an
    Eventbrite report whose Event ID is linked to a session."""
    form, problems, summary = _upload(request)
    return form_page(request, "engagement/upload.html", {"form": form, "problems": problems, "summary": summary,
                                                         "columns": PLAIN_COLUMNS},
                     form, problems=problems)


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
@accepts_uploads
def session_eventbrite(request: HttpRequest, session_id: int) -> HttpResponse:
    """Import an Eventbrite attendee report into this session."""
    session = _editable(request, session_id)
    form, problems, summary = _upload(request, session)
    return form_page(request, "engagement/upload.html", {"form": form, "problems": problems, "summary": summary,
                                                         "session": session},
                     form, problems=problems)


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
@accepts_uploads
def feedback_upload(request: HttpRequest) -> HttpResponse:
    form = FeedbackUploadForm(request.POST or None, request.FILES or None)
    problems, changed = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            changed = import_feedback(request.user, upload.read(), upload.name)
        except InputRejected as exc:
            problems = exc.problems
    return form_page(request, "engagement/feedback_upload.html", {"form": form, "problems": problems,
                                                                  "changed": changed, "columns": FEEDBACK_COLUMNS},
                     form, problems=problems)
