from django.conf import settings
from django.urls import reverse

from .passwords import has_password_account

# Navigation: label, URL name, and the namespace (or URL name) that marks it as current.
NAV_ITEMS = [
    ("Home", "home", "home"),
    ("Guidance", "guidance:home", "guidance"),
    ("Case studies", "casestudies:list", "casestudies"),
    ("Checklists", "checklists:list", "checklists"),
]
SUPERVISOR_NAV_ITEM = ("Supervision", "supervision:queue", "supervision")
INSIGHT_NAV_ITEM = ("Insight", "insight:home", "insight")
STAFF_NAV_ITEM = ("Admin", "admin:index", "admin")
ACCOUNT_NAV_ITEM = ("Your account", "account", "account")
# Links that base.html needs on every page: {{ site_urls.search }}.
SITE_URLS = {
    "home": "home",
    "login": "login",
    "logout": "logout",
    "keep_alive": "keep_alive",
    "session_status": "session_status",
    "search": "guidance:search",
}


def navigation(request):
    """Navigation that fits the person's role, and the session-timeout settings for the warning."""
    urls = {key: reverse(name) for key, name in SITE_URLS.items()}
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"site_urls": urls}
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match and match.namespace else (match.url_name if match else "")
    items = list(NAV_ITEMS)
    if user.can_review:
        items.append(SUPERVISOR_NAV_ITEM)
    if user.sees_insight:
        items.append(INSIGHT_NAV_ITEM)
    if user.is_staff:
        items.append(STAFF_NAV_ITEM)
    if has_password_account(user):
        items.append(ACCOUNT_NAV_ITEM)
    return {
        "site_urls": urls,
        "nav_items": [{"label": label, "url": reverse(name), "active": key == current} for label, name, key in items],
        "session_expiry": getattr(request, "session_expiry", None),
        "session_warning_seconds": settings.SESSION_WARNING_BEFORE,
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
    }
