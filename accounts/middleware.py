import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

LAST_ACTIVITY = "last_activity"
SIGNED_IN_AT = "signed_in_at"
# Write the activity stamp at most this often, so that busy pages don't write a session per request.
TOUCH_INTERVAL = 30


def _wants_fragment(request) -> bool:
    # Read the header itself: this runs before django-htmx's middleware sets request.htmx.
    return request.headers.get("HX-Request") == "true" or "application/json" in request.headers.get("Accept", "")


def session_expired_response(request) -> HttpResponse:
    """Background requests (autosave, keep-alive) get a 401 they can show, never a login page."""
    response = HttpResponse(
        "You have been signed out. Your text is still on this page: sign in again in a new tab, then save.",
        status=401,
        content_type="text/plain; charset=utf-8",
    )
    response["X-Session-Expired"] = "1"
    return response


class SessionTimeoutMiddleware:
    """Signs people out after a period of inactivity, or after an absolute lifetime."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            last = session.get(LAST_ACTIVITY, now)
            started = session.setdefault(SIGNED_IN_AT, now)
            if now - last > settings.SESSION_IDLE_TIMEOUT or now - started > settings.SESSION_ABSOLUTE_LIFETIME:
                logout(request)
                if _wants_fragment(request):
                    return session_expired_response(request)
                messages.info(
                    request,
                    "You were signed out to protect the information in Practice Hub. Sign in again to carry on.",
                )
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            if now - last >= TOUCH_INTERVAL or LAST_ACTIVITY not in session:
                session[LAST_ACTIVITY] = now
            request.session_expires_at = session[LAST_ACTIVITY] + settings.SESSION_IDLE_TIMEOUT
        elif _wants_fragment(request) and request.method == "POST":
            return session_expired_response(request)
        return self.get_response(request)
