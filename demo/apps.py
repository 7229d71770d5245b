from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demonstration region: an app only so that ``vrp demo`` is its command (it has no models)."""

    name = "demo"
    verbose_name = "Demonstration region"
