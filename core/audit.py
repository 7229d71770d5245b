"""The audit log: who changed what, when. Service functions call ``record`` in the same transaction
as the change, so a change and its audit entry land together or not at all."""

from typing import TYPE_CHECKING, Any, TypeAlias

from django.db import models

from core.models import AuditEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.models import User

#: Who made a change: the signed-in user, or a string naming the command line ("cli:ingest"), or None.
Actor: TypeAlias = "User | AnonymousUser | str | None"


def record(actor: Actor, action: str, obj: models.Model | None = None, *, object_type: str = "",
           object_id: str = "", summary: str = "", changes: dict | None = None) -> AuditEntry:
    """Append an audit entry.

    ``actor`` is a User, or None / a string for the command line (e.g. ``"cli:ingest"``).
    ``obj`` names the changed record; ``object_type``/``object_id`` do when there is no model instance.
    """
    user = actor if getattr(actor, "pk", None) else None
    label = actor if isinstance(actor, str) else (actor.get_username() if user else "system")
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id or str(obj.pk)
        summary = summary or str(obj)[:300]
    return AuditEntry.objects.create(
        actor=user, actor_label=label[:150], action=action, object_type=object_type,
        object_id=object_id, summary=summary[:300], changes=changes or {},
    )


def model_changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Field → [old, new] for the fields that differ between two ``model_to_dict`` snapshots."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after))
            if before.get(k) != after.get(k)}
