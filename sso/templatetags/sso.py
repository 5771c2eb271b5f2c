from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def work_account_sign_in_enabled() -> bool:
    """Whether sign-in with a work account (OpenID Connect) is configured."""
    return settings.OIDC_ENABLED
