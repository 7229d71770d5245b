from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "places"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The directory's API in the OpenAPI document; its postcode centroids answer geography's lookup (the
        # area picker's "B12 9QT").
        from core import api_registry
        from geography.services import postcodes

        api_registry.register_paths("places.api.OPENAPI_PATHS")
        postcodes.register_lookup(postcode_point)


def postcode_point(text: str) -> tuple[float, float] | None:
    from places.services.directory import postcode_point as directory_point

    return directory_point(text)
