from django.apps import AppConfig
from django.db.models.signals import post_migrate


class IncidentsConfig(AppConfig):
    name = "incidents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # After migrate and after a flush (which empties every table), the default protocol exists again,
        # as Django's own permissions do.
        post_migrate.connect(ensure_default_protocol, sender=self)


def ensure_default_protocol(sender: AppConfig, using: str = "default", **kwargs: object) -> None:
    from django.apps import apps as global_apps

    from incidents.migrations import _protocol

    _protocol.create(kwargs.get("apps") or global_apps, None)
