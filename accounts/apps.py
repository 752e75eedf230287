from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and cohorts"

    def ready(self) -> None:
        # Every process that can save a user (web workers, management commands, the
        # shell) must drop its cached copy, not only the processes that read one.
        from accounts import backends  # noqa: F401 - connects the cache invalidation signals
