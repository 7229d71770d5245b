from django.apps import AppConfig


class CommissioningConfig(AppConfig):
    name = "commissioning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from core import api_registry

        api_registry.register_paths("commissioning.views.OPENAPI_PATHS")
