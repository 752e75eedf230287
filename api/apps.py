from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "JSON API"

    def ready(self) -> None:
        # drf-spectacular finds the token scheme (an extension) only once its module is imported.
        from api import schema  # noqa: F401
