"""Actions people owe the partnership: an owner organisation, a due time, a status, and one overdue email.

Shared by incident responses (``incidents.Action``) and governance (``strategy.BoardAction``): the concrete
models add what the action belongs to and their owner organisation (each with its own reverse name); the
services here tell owners by email (through Django's email backends, so a partnership plugs in what it uses)
and notify each overdue action once.
"""

from collections.abc import Callable
from datetime import datetime

from django.core.mail import send_mail
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone


class OwnedAction(models.Model):
    """The fields every owned action has; subclasses add ``organisation`` (the owner) and what it belongs to."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True)
    completion_evidence = models.TextField(blank=True, help_text="What shows it was done (no personal details).")
    completed_at = models.DateTimeField(null=True, blank=True)
    overdue_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["due_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)


OPEN_STATUSES = (OwnedAction.Status.OPEN, OwnedAction.Status.IN_PROGRESS)


def owner_emails(organisation: object | None) -> list[str]:
    """The email addresses of the active users of ``organisation`` (none when there is no owner)."""
    from core.models import User

    if organisation is None:
        return []
    return list(User.objects.filter(organisation=organisation, is_active=True).exclude(email="")
                .values_list("email", flat=True))


def mark_completion(action: OwnedAction) -> None:
    """Stamp ``completed_at`` when an action becomes done, and clear it when it is reopened."""
    if action.status == OwnedAction.Status.DONE and action.completed_at is None:
        action.completed_at = timezone.now()
    elif action.status != OwnedAction.Status.DONE:
        action.completed_at = None


def apply_changes(action: OwnedAction, changes: dict, may_manage: bool, who_may: str) -> tuple[dict, bool]:
    """Apply ``changes`` to ``action`` and save it: status, notes and evidence for anyone who may see it; owner,
    due time and title only when ``may_manage`` (else refused, naming ``who_may``). Marks completion.

    Returns the fields' values before (as text, for the audit and timeline) and whether the owner changed.
    The caller has checked the free text for identifiers first.
    """
    from core.problems import InputRejected, Problem

    allowed = {"status", "notes", "completion_evidence"} | ({"organisation", "due_at", "title"}
                                                            if may_manage else set())
    refused = set(changes) - allowed
    if refused:
        raise InputRejected([Problem("action", f"only {who_may} may change this", column=c) for c in refused])
    before = {k: str(getattr(action, k)) for k in changes}
    reassigned = "organisation" in changes and changes["organisation"] != action.organisation
    for name, value in changes.items():
        setattr(action, name, value)
    mark_completion(action)
    action.save()
    return before, reassigned


def notify_overdue(actions: QuerySet, now: datetime, subject: Callable[[OwnedAction], str],
                   recipients: Callable[[OwnedAction], list[str]] | None = None) -> int:
    """Email the owners of the open actions in ``actions`` that were due before ``now``, once each.

    ``subject`` makes each email's subject line; ``recipients`` chooses who is told (by default every active
    user of the owning organisation; incidents narrow it to those who may see the action).
    Every overdue action is marked notified (even one whose owner
    has no email address), so none is emailed twice; returns how many were marked.
    """
    overdue = actions.filter(due_at__lt=now, overdue_notified_at__isnull=True, status__in=OPEN_STATUSES)
    count = 0
    for action in overdue:
        addresses = recipients(action) if recipients else owner_emails(action.organisation)
        if addresses:
            send_mail(subject(action),
                      f"This action was due {timezone.localtime(action.due_at):%A %d %B %Y, %H:%M} and is not done.\n"
                      "Sign in to the VRP Platform to update it.", None, addresses)
        type(action).objects.filter(pk=action.pk).update(overdue_notified_at=now)
        count += 1
    return count
