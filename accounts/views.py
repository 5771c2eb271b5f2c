import time

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import JsonResponse
from django.views.decorators.http import require_POST

from .forms import SignInForm
from .middleware import LAST_ACTIVITY


class SignInView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """Sign-out is a POST: Django's LogoutView refuses GET."""

    template_name = "registration/logged_out.html"


@require_POST
def keep_alive(request):
    """The timeout warning's 'Stay signed in' button: restart the inactivity clock."""
    request.session[LAST_ACTIVITY] = time.time()
    return JsonResponse({"expires_in": settings.SESSION_IDLE_TIMEOUT})
