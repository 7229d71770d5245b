"""Deployment checks of our own, run by ``vrp check --deploy`` beside Django's."""

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

from vrp.config import SETTINGS


@register(deploy=True)
def secret_key_is_not_the_development_default(**_: object) -> list[CheckMessage]:
    """The shipped key is public (it is in this repository): a deployment must set its own."""
    if settings.SECRET_KEY == SETTINGS["VRP_SECRET_KEY"].default:
        return [Warning("VRP_SECRET_KEY is the development default, which anyone can read in the source.",
                        hint="Set VRP_SECRET_KEY to a long random value (e.g. `python -c \"import secrets; "
                             "print(secrets.token_urlsafe(50))\"`).", id="vrp.W001")]
    return []
