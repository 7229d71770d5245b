"""Deployment check: the attendee key must be the deployment's own secret, not the development default."""

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from vrp.config import SETTINGS


@register(deploy=True)
def attendee_key_is_not_the_development_default(**_: object) -> list[CheckMessage]:
    """With the shipped key anyone could recompute a professional's key from a guessed email."""
    if settings.VRP_ATTENDEE_KEY == SETTINGS["VRP_ATTENDEE_KEY"].default:
        return [Warning("VRP_ATTENDEE_KEY is the development default, which anyone can read in the source.",
                        hint="Set VRP_ATTENDEE_KEY once to a long random value and keep it: changing it later "
                             "counts every professional again.", id="vrp.W002")]
    return []
