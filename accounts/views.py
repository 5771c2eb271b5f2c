import time

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .forms import SignInForm
from .middleware import LAST_ACTIVITY, SessionExpiry, does_not_extend_session


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST: Django's LogoutView refuses GET."""

    template_name = "registration/logged_out.html"


def _session_state(request, now: float) -> dict:
    expiry = SessionExpiry.of(request.session, now)
    return {"signed_in": True, "expires_in": expiry.seconds_left(now), "renewable": expiry.renewable}


@never_cache
@require_POST
def keep_alive(request):
    """The timeout warning's 'Stay signed in' button: restart the inactivity clock."""
    now = time.time()
    request.session[LAST_ACTIVITY] = now
    return JsonResponse(_session_state(request, now))


@never_cache
@login_not_required
@require_GET
@does_not_extend_session
def session_status(request):
    """Whether this browser is signed in, and for how long: asked by the timeout warning, it is not activity."""
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False})
    return JsonResponse(_session_state(request, time.time()))
