from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Training, events and networks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from engagement import checks  # noqa: F401 - registers the deployment check on the attendee key
