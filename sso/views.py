"""Sign-in with a work account: start, callback, sign-out at both ends, and the pages a person may meet."""

import logging
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView, View
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from accounts.views import SignOutView as PasswordSignOutView

from .provider import ProviderUnavailable, provider_for
from .services import SignInRefused, has_no_role

logger = logging.getLogger(__name__)

# Kept in the session of a person signed in through the provider, for RP-initiated logout.
ID_TOKEN = "sso_id_token"
END_SESSION_ENDPOINT = "sso_end_session_endpoint"

# Why a sign-in did not happen: the page's heading, what to say, and the status.
PROBLEMS = {
    "state": (
        "Sign-in could not be completed",
        "The sign-in had expired or was already used, or it was not started in this browser. "
        "You have not been signed in. Start again from the sign-in page.",
        400,
    ),
    "unverified": (
        "Your sign-in could not be checked",
        "The answer from your organisation's sign-in service could not be verified, so you have not "
        "been signed in. Start again from the sign-in page. If it keeps happening, tell the service desk.",
        400,
    ),
    "cancelled": (
        "You have not been signed in",
        "Your organisation's sign-in service did not sign you in to Practice Hub. "
        "If you did not cancel, ask the service desk whether your work account may use Practice Hub.",
        400,
    ),
    "unavailable": (
        "The sign-in service is not available",
        "Practice Hub cannot reach your organisation's sign-in service at the moment. Try again in a few minutes.",
        503,
    ),
    SignInRefused.UNKNOWN: (
        "You do not have a Practice Hub account",
        "Your work account is not set up for Practice Hub. "
        "Ask your practice supervisor or an administrator to give you access.",
        403,
    ),
    SignInRefused.INACTIVE: (
        "Your Practice Hub account is not active",
        "Your work account signed you in, but your Practice Hub account has been deactivated. "
        "Ask your manager or an administrator to reactivate it.",
        403,
    ),
    SignInRefused.NEEDS_LINKING: (
        "An administrator needs to link your account",
        "Your work account matches a Practice Hub account that cannot be linked automatically. "
        "Ask an administrator to link it for you.",
        403,
    ),
}


def _require_enabled() -> None:
    if not settings.OIDC_ENABLED:
        raise Http404


def problem(request, kind: str, *, end_session: bool = True):
    """A sign-in that did not happen: say why, having ended whatever session the browser had."""
    if end_session:
        request.session.flush()
    heading, message, status = PROBLEMS[kind]
    context = {"heading": heading, "message": message, "offer_password": kind == "unavailable"}
    return render(request, "sso/problem.html", context, status=status)


@method_decorator([login_not_required, never_cache], name="dispatch")
class StartView(OIDCAuthenticationRequestView):
    """Send the browser to the provider, with state, a nonce and a PKCE challenge kept in the session."""

    def __init__(self, **kwargs):
        # The library reads the endpoint here; it is discovered when the request comes.
        View.__init__(self, **kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request):
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_for(request).authorization_endpoint
        except ProviderUnavailable:
            # Nothing has started yet, so there is nothing to end.
            return problem(request, "unavailable", end_session=False)
        return super().get(request)


@method_decorator([login_not_required, never_cache], name="dispatch")
class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: check state, then (in the backend) the code, PKCE, the ID token and nonce."""

    def get(self, request):
        _require_enabled()
        if request.GET.get("error"):
            return problem(request, "cancelled")
        if "code" not in request.GET or request.GET.get("state") not in request.session.get("oidc_states", {}):
            return problem(request, "state")
        try:
            return super().get(request)
        except SignInRefused as refusal:
            logger.info("Work-account sign-in refused: %s", refusal.reason)
            return problem(request, refusal.reason)
        except (SuspiciousOperation, jwt.InvalidTokenError) as error:
            logger.warning("Work-account sign-in failed verification: %s", error)
            return problem(request, "unverified")
        except requests.HTTPError as error:
            # The provider refused a request: the code (used, or its PKCE verifier wrong), or the token.
            status = error.response.status_code if error.response is not None else 0
            logger.warning("The provider's token endpoint answered %s", status)
            return problem(request, "unverified" if 400 <= status < 500 else "unavailable")
        except (ProviderUnavailable, requests.RequestException) as error:
            logger.warning("The provider did not answer: %s", type(error).__name__)
            return problem(request, "unavailable")

    def login_failure(self):
        return problem(self.request, "unverified")

    def login_success(self):
        sign_in = self.user.sso_sign_in
        response = super().login_success()
        session = self.request.session
        session[ID_TOKEN] = sign_in["id_token"]
        session[END_SESSION_ENDPOINT] = sign_in["end_session_endpoint"]
        if has_no_role(self.user):
            return redirect("sso:no_team")
        return response


def provider_sign_out_url(request) -> str:
    """Where the provider ends its own session (RP-initiated logout), or "" if it can't or needn't."""
    endpoint = request.session.get(END_SESSION_ENDPOINT)
    id_token = request.session.get(ID_TOKEN)
    if not (settings.OIDC_ENABLED and endpoint and id_token):
        return ""
    query = {
        "id_token_hint": id_token,
        "client_id": settings.OIDC_RP_CLIENT_ID,
        "post_logout_redirect_uri": request.build_absolute_uri(reverse("sso:signed_out")),
    }
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{urlencode(query)}"


class SignOutView(PasswordSignOutView):
    """Sign-out ends the Practice Hub session, then the provider's, for a person who signed in there."""

    def post(self, request, *args, **kwargs):
        provider_url = provider_sign_out_url(request)  # read before the session is flushed
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response


@method_decorator(login_not_required, name="dispatch")
class SignedOutView(TemplateView):
    """Where the provider sends the browser once it has signed the person out too."""

    template_name = "registration/logged_out.html"


class NoTeamView(TemplateView):
    """Signed in through the provider, but in no team yet."""

    template_name = "sso/no_team.html"

    def get(self, request, *args, **kwargs):
        if not has_no_role(request.user):
            return redirect("home")
        return super().get(request, *args, **kwargs)
