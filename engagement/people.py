"""Counting professionals once without keeping who they are.

A professional's ``person_key`` is HMAC-SHA256 (RFC 2104) of their normalised email under the secret
``VRP_ATTENDEE_KEY``: the same email gives the same key at every session, so distinct keys count people,
while the key alone cannot be turned back into the email, nor recomputed by anyone without the secret (a
plain hash of an email can be, by hashing a list of likely addresses). With no email the key is made from
the name and organisation (weaker: a typo makes a second person); with neither, the attendance counts as
a person of its own.

Names and emails are kept only while a certificate or follow-up needs them: until ``personal_data_until``,
the session date plus ``VRP_TRAINING_PERSONAL_DATA_DAYS``; ``vrp events remove-personal-data`` (from cron)
blanks them after that, leaving the key, sector, organisation and role that the figures use.
"""

import hashlib
import hmac
import re
import uuid
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

__all__ = ["normalise_email", "person_key", "personal_data_until", "is_email"]

WHITESPACE = re.compile(r"\s+")


def normalise_email(email: str) -> str:
    """An email as compared for counting: trimmed and lower-cased (mail providers treat case alike)."""
    return email.strip().lower()


def is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


def _keyed(text: str) -> str:
    return hmac.new(settings.VRP_ATTENDEE_KEY.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def person_key(email: str = "", name: str = "", organisation: str = "") -> str:
    """The keyed hash a professional is counted by: of the email if given, else of name and organisation,
    else a key of its own (this attendance counts as one person)."""
    if email.strip():
        return _keyed("email:" + normalise_email(email))
    if name.strip():
        return _keyed("name:" + WHITESPACE.sub(" ", name.strip().casefold()) + "|"
                      + WHITESPACE.sub(" ", organisation.strip().casefold()))
    return _keyed("unnamed:" + uuid.uuid4().hex)


def personal_data_until(session_date: date) -> date:
    """The last day a professional's name and email may be kept for a session held on ``session_date``."""
    return session_date + timedelta(days=settings.VRP_TRAINING_PERSONAL_DATA_DAYS)
