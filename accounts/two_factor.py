"""Two-factor sign-in for staff password accounts: a code from an authenticator app, or a backup code.

The flow: the password is right, so the session holds a *pending* sign-in, in which nobody is signed
in yet; the person gives a code (or sets up their app first, if they have none); only then are they
signed in, with the device recorded in the session, where django-otp's OTPMiddleware reads it. As
nobody is signed in before the code, axes counts wrong passwords and wrong codes together, and its
reset on a successful sign-in comes only after both.

SecondFactorMiddleware catches a staff session signed in by password some other way (one from before
TWO_FACTOR_REQUIRED was turned on, or someone made staff while signed in) and sends it to give a
code before it reaches anything else, admin included.
"""

import re
import time
from base64 import b32encode
from dataclasses import dataclass

import django_otp
import segno
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from config.forms import GovukFormMixin, form_helper

from .models import User
from .passwords import is_administrator, password_sign_in_allowed

PENDING = "two_factor_pending"
NEW_BACKUP_CODES = "two_factor_new_backup_codes"
BACKUP_CODE_COUNT = 10
APP_CODE = re.compile(r"[0-9]{6}")
BACKUP_CODE = re.compile(r"[a-z2-7]{8}")  # django-otp's StaticToken.random_token()
# Sessions these backends signed in were signed in with a password. Django's test client and the
# admin's own login record the first backend in AUTHENTICATION_BACKENDS, which is axes'.
PASSWORD_BACKENDS = {"django.contrib.auth.backends.ModelBackend", "axes.backends.AxesStandaloneBackend"}
# Pages an unverified staff session may still reach: giving or setting up a code, and leaving.
UNVERIFIED_VIEWS = {
    "two_factor_verify",
    "two_factor_setup",
    "two_factor_cancel",
    "logout",
    "session_status",
    "keep_alive",
}


def uses_two_factor(user) -> bool:
    """Staff and superusers who sign in with a password may set up (and may be made to use) a second factor."""
    return is_administrator(user) and user.has_usable_password() and password_sign_in_allowed(user)


def app_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).order_by("-pk").first()


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def needed_at_sign_in(user) -> bool:
    """Required for staff when TWO_FACTOR_REQUIRED is on; anyone who has set it up is always asked."""
    return is_administrator(user) and (settings.TWO_FACTOR_REQUIRED or app_device(user) is not None)


def _with_query(name: str, request) -> str:
    """The URL of `name`, keeping this request's query (its `next`)."""
    query = request.GET.urlencode()
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _safe_next(request, url: str | None) -> str:
    if url and url_has_allowed_host_and_scheme(url, {request.get_host()}, require_https=request.is_secure()):
        return url
    return reverse(settings.LOGIN_REDIRECT_URL)


# The pending sign-in ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pending:
    user: User
    backend: str
    next_url: str


def begin(request, user, *, next_url: str):
    """The password was right: hold the sign-in until a code is given, and ask for one."""
    request.session.cycle_key()
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "hash": user.get_session_auth_hash(),
        "since": time.time(),
        "next": next_url,
    }
    return redirect("two_factor_verify" if app_device(user) else "two_factor_setup")


def _pending(request) -> Pending | None:
    data = request.session.get(PENDING)
    if not data:
        return None
    user = User.objects.filter(pk=data["user"], is_active=True).first()
    # It lasts as long as an idle session, and ends if the password or PASSWORD_SIGN_IN changes meanwhile.
    if (
        time.time() - data["since"] > settings.SESSION_IDLE_TIMEOUT
        or user is None
        or not constant_time_compare(user.get_session_auth_hash(), data["hash"])
        or not password_sign_in_allowed(user)
    ):
        del request.session[PENDING]
        return None
    return Pending(user=user, backend=data["backend"], next_url=_safe_next(request, data["next"]))


def _signing_in(request) -> tuple[User, Pending | None] | None:
    """Who is giving a code: a pending sign-in, or someone signed in whose session has no code yet."""
    if request.user.is_authenticated:
        return request.user, None
    pending = _pending(request)
    return (pending.user, pending) if pending else None


def _verified(request, user, device, pending: Pending | None) -> str:
    """Sign the person in with this device; returns where they go next."""
    if pending is not None:
        del request.session[PENDING]
        user.otp_device = device  # django-otp records it in the session as they are signed in
        auth_login(request, user, backend=pending.backend)
        return pending.next_url
    request.session.cycle_key()
    django_otp.login(request, device)
    return _safe_next(request, request.GET.get("next"))


def _end(request, pending: Pending | None) -> None:
    if pending is not None:
        request.session.pop(PENDING, None)
    else:
        logout(request)


def _credentials(user) -> dict:
    return {"username": user.get_username()}


def _count_wrong_code(request, user, pending: Pending | None) -> bool:
    """Tell axes about a wrong code, as about a wrong password; True if that locks the person out."""
    user_login_failed.send(sender=__name__, credentials=_credentials(user), request=request)
    if getattr(request, "axes_locked_out", False):
        _end(request, pending)
        return True
    return False


class SecondFactorMiddleware:
    """Until a staff password session has given its code, every page sends it to give one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not settings.TWO_FACTOR_REQUIRED:
            return None
        user = request.user
        if not user.is_authenticated or not is_administrator(user):
            return None
        if request.session.get(BACKEND_SESSION_KEY) not in PASSWORD_BACKENDS or user.is_verified():
            return None
        if request.resolver_match.view_name in UNVERIFIED_VIEWS:
            return None
        target = reverse("two_factor_verify" if app_device(user) else "two_factor_setup")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")


# Forms ------------------------------------------------------------------------------------------------


class CodeForm(GovukFormMixin, forms.Form):
    """A six-digit code from the app, or (when signing in) a backup code; spaces and dashes are ignored."""

    code = forms.CharField(
        label="Code",
        strip=True,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, backup_codes: bool = True, **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)
        self.helper = form_helper(Field.text("code", label_size=Size.SMALL, field_width=Fixed.TEN))
        self.backup_codes = backup_codes
        if backup_codes:
            self.fields["code"].label = "Code from your authenticator app, or a backup code"
            self.fields["code"].help_text = "For example, 123456 or abcd efgh"
            self.format_message = "Enter the 6-digit code from your authenticator app, or a backup code"
        else:
            self.fields["code"].label = "Code from your authenticator app"
            self.fields["code"].help_text = "The 6 digits your app shows for Practice Hub, for example 123456"
            self.format_message = "Enter the 6-digit code from your authenticator app"
        self.fields["code"].error_messages["required"] = self.format_message

    def clean_code(self) -> str:
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"]).lower()
        if APP_CODE.fullmatch(code) or (self.backup_codes and BACKUP_CODE.fullmatch(code)):
            return code
        raise forms.ValidationError(self.format_message, code="format")


WRONG_CODE = "That code is not right. Enter the code your app shows now, or a backup code you have not used."
WRONG_SETUP_CODE = "That code is not right. Enter the code your app shows now for Practice Hub."
WAIT = "Wait a few seconds, then enter the code your app shows."


def _check(device, code: str) -> str:
    """'ok', 'wrong', or 'wait' (django-otp's back-off after recent wrong codes; not a guess)."""
    allowed, _ = device.verify_is_allowed()
    if not allowed:
        return "wait"
    return "ok" if device.verify_token(code) else "wrong"


def check_code(user, code: str) -> tuple[TOTPDevice | StaticDevice | None, str]:
    """Check a sign-in code against the person's app, or their backup codes (each works once)."""
    model = TOTPDevice if APP_CODE.fullmatch(code) else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).order_by("-pk").first()
        if device is None:
            return None, "wrong"
        outcome = _check(device, code)
    return (device if outcome == "ok" else None), outcome


def make_backup_codes(user) -> list[str]:
    """Replace the person's backup codes with new ones, and return them to show once."""
    device = StaticDevice.objects.filter(user=user).order_by("pk").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="Backup codes")
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    device.throttle_reset()
    return codes


def grouped(code: str, size: int = 4) -> str:
    """A key or code in groups, as people read and type it: 'abcd efgh'."""
    return " ".join(code[i : i + size] for i in range(0, len(code), size))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth link as an inline SVG QR code, drawn here: no image service sees the key."""
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=4, dark="#0b0c0c", light="#ffffff", title="QR code to add Practice Hub to your authenticator app"
    )
    # The title is ours and the rest is path data; the role makes the <title> its accessible name.
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))  # noqa: S308


# Views ------------------------------------------------------------------------------------------------


def _locked_out(request, user, pending):
    credentials = _credentials(user)
    if AxesProxyHandler.is_locked(request, credentials):
        _end(request, pending)
        return get_lockout_response(request, None, credentials)
    return None


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def verify(request):
    """The second step of signing in: a code from the app, or a backup code."""
    person = _signing_in(request)
    if person is None:
        return redirect("login")
    user, pending = person
    if pending is None and (user.is_verified() or not is_administrator(user)):
        return redirect(_safe_next(request, request.GET.get("next")))
    if app_device(user) is None:
        return redirect(_with_query("two_factor_setup", request))
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if locked := _locked_out(request, user, pending):
            return locked
        if form.is_valid():
            device, outcome = check_code(user, form.cleaned_data["code"])
            if device is not None:
                return redirect(_verified(request, user, device, pending))
            form.add_error("code", WAIT if outcome == "wait" else WRONG_CODE)
            if outcome == "wrong" and _count_wrong_code(request, user, pending):
                return get_lockout_response(request, None, _credentials(user))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "backup_codes_left": backup_codes_left(user)},
        status=400 if form.errors else 200,
    )


@never_cache
@login_not_required
@require_http_methods(["GET", "POST"])
def setup(request):
    """Add Practice Hub to an authenticator app: a QR code and the key, confirmed with a code."""
    person = _signing_in(request)
    if person is None:
        return redirect("login")
    user, pending = person
    if not uses_two_factor(user):
        raise Http404
    signing_in = pending is not None or not user.is_verified()
    if signing_in and app_device(user) is not None:
        # A password alone never replaces an app that is already set up.
        return redirect(_with_query("two_factor_verify", request))
    device = app_device(user, confirmed=False) or TOTPDevice.objects.create(
        user=user, name="Authenticator app", confirmed=False
    )
    form = CodeForm(request.POST if request.method == "POST" else None, backup_codes=False)
    if request.method == "POST":
        if signing_in and (locked := _locked_out(request, user, pending)):
            return locked
        if form.is_valid():
            with transaction.atomic():
                outcome = _check(device, form.cleaned_data["code"])
                if outcome == "ok":
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                    codes = make_backup_codes(user)
            if outcome == "ok":
                next_url = _verified(request, user, device, pending)
                request.session[NEW_BACKUP_CODES] = {"codes": codes, "next": next_url}
                return redirect("two_factor_backup_codes")
            form.add_error("code", WAIT if outcome == "wait" else WRONG_SETUP_CODE)
            if outcome == "wrong" and signing_in and _count_wrong_code(request, user, pending):
                return get_lockout_response(request, None, _credentials(user))
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_code": qr_code_svg(device), "key": grouped(key), "signing_in": signing_in},
        status=400 if form.errors else 200,
    )


@login_not_required
@require_POST
def cancel(request):
    """Stop signing in: the pending sign-in ends, as does a session that has not given its code."""
    logout(request)
    return redirect("login")


@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes(request):
    """New backup codes, shown once; and a button to make new ones, which retires the old."""
    user = request.user
    if not uses_two_factor(user) or app_device(user) is None:
        raise Http404
    if not user.is_verified():
        return redirect(f"{reverse('two_factor_verify')}?{urlencode({'next': request.path})}")
    if request.method == "POST":
        request.session[NEW_BACKUP_CODES] = {"codes": make_backup_codes(user), "next": reverse("account")}
        return redirect("two_factor_backup_codes")
    new = request.session.pop(NEW_BACKUP_CODES, None)
    return render(
        request,
        "accounts/backup_codes.html",
        {
            "codes": [grouped(code) for code in new["codes"]] if new else None,
            "next_url": _safe_next(request, new["next"]) if new else reverse("account"),
            "codes_left": backup_codes_left(user),
        },
    )
