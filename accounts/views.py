import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import passwords, two_factor
from .forms import SignInForm
from .middleware import LAST_ACTIVITY, SessionExpiry, does_not_extend_session


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if two_factor.needed_at_sign_in(user):
            return two_factor.begin(self.request, user, next_url=self.get_success_url())
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, passwords.REFUSED):
            response.status_code = 400
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        return {
            **context,
            "password_sign_in": settings.PASSWORD_SIGN_IN,
            "password_reset_offered": passwords.reset_offered(),
            # With password sign-in off there are no boxes to link its refusal to.
            "password_off_errors": [("#main-content", error) for error in context["form"].non_field_errors()],
        }


@login_not_required
@require_GET
def admin_login(request):
    """The admin's own sign-in form would skip PASSWORD_SIGN_IN and the second factor: use ours."""
    if request.user.is_authenticated:
        if request.user.is_active and request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    next_url = request.GET.get("next", "")
    return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}" if next_url else reverse("login"))


@never_cache
@require_GET
def account(request):
    """Your account: your password, and for staff the second factor."""
    user = request.user
    uses_two_factor = two_factor.uses_two_factor(user)
    device = two_factor.app_device(user) if uses_two_factor else None
    return render(
        request,
        "accounts/account.html",
        {
            "password_account": passwords.has_password_account(user),
            "uses_two_factor": uses_two_factor,
            "app_device": device,
            "backup_codes_left": two_factor.backup_codes_left(user) if device else 0,
            "breadcrumbs": [("Home", reverse("home")), ("Your account", None)],
        },
    )


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
