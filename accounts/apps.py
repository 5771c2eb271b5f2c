from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(sender, **kwargs):
    # Permissions only exist after migrate has created them, so the group is synced here.
    from .roles import ensure_content_editors_group, ensure_practice_leads_group

    ensure_content_editors_group()
    ensure_practice_leads_group()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and teams"

    def ready(self) -> None:
        post_migrate.connect(_sync_roles, dispatch_uid="accounts.sync_roles")
