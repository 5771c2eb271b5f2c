from django.conf import settings
from django.urls import reverse


def navigation(request):
    """Navigation that fits the person's role, and the session-timeout settings for the warning."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    match = getattr(request, "resolver_match", None)
    current = match.namespace if match and match.namespace else (match.url_name if match else "")
    items = [
        ("Home", reverse("home"), current == "home"),
        ("Guidance", reverse("guidance:home"), current == "guidance"),
        ("Case studies", reverse("casestudies:list"), current == "casestudies"),
        ("Checklists", reverse("checklists:list"), current == "checklists"),
    ]
    if user.is_supervisor:
        items.append(("Supervision", reverse("supervision:queue"), current == "supervision"))
    if user.is_staff:
        items.append(("Admin", reverse("admin:index"), current == "admin"))
    return {
        "nav_items": [{"label": label, "url": url, "active": active} for label, url, active in items],
        "session_idle_seconds": settings.SESSION_IDLE_TIMEOUT,
        "session_warning_seconds": settings.SESSION_WARNING_BEFORE,
    }
