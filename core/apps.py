from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The deployment checks register themselves; the request memo connects its request signals.
        from core import checks, request_memo  # noqa: F401
