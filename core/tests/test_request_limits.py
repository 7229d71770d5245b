"""Request bodies over the route's limit are refused from their declared size, before a byte is read.

A 300 MB anonymous multipart POST was written to temporary storage before its 403 (the CSRF check reads the
body first). Now every request is held to VRP_MAX_REQUEST_MB and only an upload page, for the roles that
may use it, to VRP_MAX_UPLOAD_MB.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.test import RequestFactory

from core.roles import Role
from core.testing.factories import user

pytestmark = pytest.mark.django_db


class Untouchable(io.RawIOBase):
    """A request body that counts every byte anyone reads from it."""

    def __init__(self) -> None:
        super().__init__()
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        buffer[:1] = b"x"
        self.read_bytes += 1
        return 1


def _post(path: str, declared: int, cookies: str = "csrftoken=" + "k" * 32) -> tuple[int, int]:
    """(status, bytes read) for a multipart POST declaring ``declared`` bytes, through the whole app, with a
    CSRF cookie (so that the CSRF check, reading the form for its token, would read the body)."""
    body = Untouchable()
    environ = RequestFactory()._base_environ(
        PATH_INFO=path, REQUEST_METHOD="POST", CONTENT_LENGTH=str(declared), HTTP_COOKIE=cookies,
        CONTENT_TYPE="multipart/form-data; boundary=xyz")
    environ["wsgi.input"] = body
    statuses = []
    response = WSGIHandler()(environ, lambda status, headers: statuses.append(status))
    response.close()
    return int(statuses[0].split()[0]), body.read_bytes


def test_a_large_anonymous_post_is_refused_unread(settings) -> None:
    for path in ("/places/directory/submit/", "/accounts/login/", "/evidence/manage/1/attachments/",
                 "/commissioning/manage/import/", "/no/such/page/", "/admin/login/"):
        assert _post(path, 300 * 1024 * 1024) == (413, 0), path


def test_uploads_are_allowed_only_where_a_signed_in_role_may_upload(client, settings) -> None:
    """An analyst may send a 3 MB attachment (over the 2 MB form limit) to the evidence upload page; a
    provider, who may not use that page, is refused by size before anything reads the body."""
    from core.testing.documents import pdf_with_text
    from evidence.models import EvidenceItem
    from evidence.services.items import save_item

    item = save_item("test", EvidenceItem(title="Big report", summary="s", kind="toolkit", status="published"))
    big_pdf = pdf_with_text("findings") + b"%" + b"0" * (3 * 1024 * 1024)
    assert settings.VRP_MAX_REQUEST_BYTES < len(big_pdf) < settings.VRP_MAX_UPLOAD_BYTES
    path = f"/evidence/manage/{item.pk}/attachments/"
    client.force_login(user(Role.PROVIDER, None, "provider-upload"))
    assert client.post(path, {"file": SimpleUploadedFile("big.pdf", big_pdf)}).status_code == 413
    client.force_login(user(Role.ANALYST, None, "analyst-upload"))
    assert client.post(path, {"file": SimpleUploadedFile("big.pdf", big_pdf)}).status_code == 302
    assert item.attachments.count() == 1
    # Even an analyst's upload has its limit, and a form that takes no files has the form limit.
    settings.VRP_MAX_UPLOAD_BYTES = 1024 * 1024
    assert client.post(path, {"file": SimpleUploadedFile("big.pdf", big_pdf)}).status_code == 413
    assert client.post("/evidence/manage/new/", {"title": "x" * (3 * 1024 * 1024)}).status_code == 413


def test_a_post_within_the_limit_goes_through(client) -> None:
    response = client.post("/accounts/login/", {"username": "nobody", "password": "wrong"})
    assert response.status_code == 200 and b"Please enter a correct username" in response.content
