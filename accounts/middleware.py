import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import http_date, urlencode

LAST_ACTIVITY = "last_activity"
SIGNED_IN_AT = "signed_in_at"
# Write the activity stamp at most this often (and at most once per sixtieth of the timeout), so
# that busy pages don't write a session per request. The expiry sent to the browser allows for it.
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


def does_not_extend_session(view):
    """Mark a view whose requests are not activity: they never restart the inactivity clock."""
    view.does_not_extend_session = True
    return view


@dataclass(frozen=True)
class SessionExpiry:
    """When a signed-in session ends: the earlier of its inactivity expiry and its absolute lifetime."""

    expires_at: float
    renewable: bool  # activity would move the end later (false once the absolute lifetime is what ends it)

    @classmethod
    def of(cls, session, now: float) -> "SessionExpiry":
        idle_end = session.get(LAST_ACTIVITY, now) + settings.SESSION_IDLE_TIMEOUT
        absolute_end = session.get(SIGNED_IN_AT, now) + settings.SESSION_ABSOLUTE_LIFETIME
        return cls(expires_at=min(idle_end, absolute_end), renewable=idle_end < absolute_end)

    def seconds_left(self, now: float | None = None) -> int:
        # Rounded down, so that the browser never counts past the real end.
        return max(0, math.floor(self.expires_at - (time.time() if now is None else now)))

    def add_headers(self, response) -> None:
        response["X-Session-Expires"] = http_date(math.floor(self.expires_at))
        # Seconds, so that a browser whose clock is wrong still counts down correctly.
        response["X-Session-Expires-In"] = str(self.seconds_left())
        response["X-Session-Renewable"] = "1" if self.renewable else "0"


class SessionTimeoutMiddleware:
    """Signs people out after a period of inactivity, or after an absolute lifetime.

    Every response to a signed-in person says when their session ends (X-Session-Expires-In), so
    that the page's warning counts down from the truth.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            session.setdefault(SIGNED_IN_AT, now)
            if SessionExpiry.of(session, now).expires_at < now:
                logout(request)
                if _wants_fragment(request):
                    return session_expired_response(request)
                messages.info(
                    request,
                    "You were signed out to protect the information in Practice Hub. Sign in again to carry on.",
                )
                return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
            session.setdefault(LAST_ACTIVITY, now)
            request.session_expiry = SessionExpiry.of(session, now)
        elif _wants_fragment(request) and request.method == "POST":
            return session_expired_response(request)
        response = self.get_response(request)
        if request.user.is_authenticated and "X-Session-Expired" not in response:
            # Read again: the view may have restarted the clock (keep-alive) or signed someone in.
            SessionExpiry.of(request.session, time.time()).add_headers(response)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if getattr(view_func, "does_not_extend_session", False) or not request.user.is_authenticated:
            return None
        now = time.time()
        session = request.session
        interval = min(TOUCH_INTERVAL, settings.SESSION_IDLE_TIMEOUT / 60)
        if now - session.get(LAST_ACTIVITY, 0) >= interval:
            session[LAST_ACTIVITY] = now
            request.session_expiry = SessionExpiry.of(session, now)
        return None
