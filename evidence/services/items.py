"""Who sees which evidence, and the functions that change it (each indexed and audited with the change)."""

from django.db import transaction
from django.db.models import QuerySet

from core import audit
from core.access import Viewer, role_of
from core.audit import Actor
from core.problems import InputRejected
from core.roles import ANALYSTS, PARTNERS_AND_STAFF
from evidence.models import Attachment, EvidenceItem
from evidence.services import attachments
from evidence.services.search import index_item


def visible_items(user: Viewer) -> QuerySet[EvidenceItem]:
    """Editors see everything, drafts included; partners published items; everyone else published public ones."""
    role = role_of(user)
    items = EvidenceItem.objects.all()
    if role in ANALYSTS:
        return items
    items = items.filter(status=EvidenceItem.Status.PUBLISHED)
    if role in PARTNERS_AND_STAFF:
        return items
    return items.filter(visibility=EvidenceItem.Visibility.PUBLIC)


def search_scope(user: Viewer) -> str:
    """The search scope (``evidence.services.search.SCOPES``) matching ``visible_items`` for this user."""
    role = role_of(user)
    return "all" if role in ANALYSTS else "partners" if role in PARTNERS_AND_STAFF else "public"


def may_edit(user: Viewer) -> bool:
    return role_of(user) in ANALYSTS


@transaction.atomic
def save_item(actor: Actor, item: EvidenceItem, projects: list | None = None) -> EvidenceItem:
    """Save an item (validated by its form) and its linked projects, re-index it and audit the change."""
    created = item.pk is None
    item.save()
    if projects is not None:
        item.projects.set(projects)
    index_item(item)
    audit.record(actor, "create" if created else "update", item)
    return item


@transaction.atomic
def add_attachment(actor: Actor, item: EvidenceItem, name: str, data: bytes) -> Attachment:
    """Check, store and extract an uploaded file; raises InputRejected for a wrong type or size."""
    problems = attachments.check_upload(name, data)
    if problems:
        raise InputRejected(problems)
    text, note = attachments.extract_text(name, data)
    checksum, stored = attachments.store(data, name)
    attachment = Attachment.objects.create(
        item=item, original_name=name[:255], content_type=attachments.TYPES[attachments.suffix_of(name)],
        size_bytes=len(data), sha256=checksum, stored_name=stored, extracted_text=text, extraction_note=note)
    index_item(item)
    audit.record(actor, "attach", item, summary=f"{item.title[:200]}: {name[:90]}")
    return attachment
