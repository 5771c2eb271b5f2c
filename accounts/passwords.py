"""Password sign-in: who may use it (PASSWORD_SIGN_IN), and changing or resetting a password.

A refused password sign-in never shows whether the password was right: in "staff" mode the password
of someone who may not use one is never checked, and every failure has the same message and status.
A reset email goes out through the task queue, carrying only the person's id: the link is made when
the email is sent, and the page says the same whether or not the address belongs to anyone.
"""

import logging
import smtplib

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from crispy_forms_gds.layout import Field, Fluid, Size
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.contrib.auth.hashers import make_password
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db.models import Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from config.forms import GovukFormMixin, form_helper
from jobs.retries import retry

from .models import User

logger = logging.getLogger(__name__)

ALL, STAFF, NONE = "all", "staff", "none"
REFUSED = "password_sign_in_refused"
REFUSED_MESSAGES = {
    NONE: "Sign in with your work account. Practice Hub does not accept passwords.",
    STAFF: (
        "Enter a correct username and password. Only administrators sign in with a password: "
        "everyone else signs in with their work account."
    ),
}


def is_administrator(user) -> bool:
    return user.is_staff or user.is_superuser


def password_sign_in_allowed(user) -> bool:
    mode = settings.PASSWORD_SIGN_IN
    return mode == ALL or (mode == STAFF and is_administrator(user))


def has_password_account(user) -> bool:
    """Whether the person signs in here with a password, and so may change it."""
    return user.is_authenticated and user.has_usable_password() and password_sign_in_allowed(user)


def reset_offered() -> bool:
    return settings.PASSWORD_RESET_BY_EMAIL and settings.PASSWORD_SIGN_IN != NONE


class PasswordSignInPolicy:
    """For the sign-in form: refuse a password sign-in that PASSWORD_SIGN_IN does not allow."""

    def clean(self):
        mode = settings.PASSWORD_SIGN_IN
        if mode == ALL:
            return super().clean()
        refused = forms.ValidationError(REFUSED_MESSAGES[mode], code=REFUSED)
        if mode == NONE:
            raise refused
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return super().clean()
        if not User.objects.filter(Q(is_staff=True) | Q(is_superuser=True), username=username).exists():
            # As slow as checking a password, and counted by axes like a wrong one, so that neither
            # the time taken nor a lockout tells an administrator's username from anyone else's.
            make_password(password)
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=self.request)
            raise refused
        try:
            return super().clean()
        except forms.ValidationError as error:
            if error.code == "invalid_login":
                raise refused from None
            raise


def minimum_length() -> int:
    for validator in password_validation.get_default_password_validators():
        if isinstance(validator, password_validation.MinimumLengthValidator):
            return validator.min_length
    return 1


def new_password_hint() -> str:
    return (
        f"Use at least {minimum_length()} characters. A few unrelated words are easy to remember and "
        "hard to guess. Do not use your name, your username or a common password."
    )


class NewPasswordMixin(GovukFormMixin):
    """The new password twice, with GOV.UK labels and messages, and its errors on the first box."""

    error_messages = {
        "password_mismatch": "Enter the same new password in both boxes",
        "password_incorrect": "Your current password is not right. Enter it again.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "New password"
        self.fields["new_password1"].help_text = new_password_hint()
        self.fields["new_password1"].error_messages["required"] = "Enter a new password"
        self.fields["new_password2"].label = "Confirm the new password"
        self.fields["new_password2"].help_text = ""
        self.fields["new_password2"].error_messages["required"] = "Enter the new password again"
        names = [name for name in ("old_password", "new_password1", "new_password2") if name in self.fields]
        self.helper = form_helper(
            *(Field.text(name, label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS) for name in names)
        )

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class ChangePasswordForm(NewPasswordMixin, PasswordChangeForm):
    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, auto_id="%s", **kwargs)
        field = self.fields["old_password"]
        field.label = "Current password"
        field.widget.attrs.pop("autofocus", None)
        field.error_messages["required"] = "Enter your current password"

    def clean_old_password(self):
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            # Guessing the password from a signed-in browser counts towards the same lockout.
            user_login_failed.send(
                sender=__name__, credentials={"username": self.user.get_username()}, request=self.request
            )
            raise


class ResetPasswordForm(NewPasswordMixin, SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)


class RequestResetForm(GovukFormMixin, PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)
        self.helper = form_helper(Field.text("email", label_size=Size.SMALL, field_width=Fluid.TWO_THIRDS))
        field = self.fields["email"]
        field.label = "Email address"
        field.help_text = "The address Practice Hub has for you, usually your work email."
        field.widget.attrs.update(spellcheck="false")
        field.error_messages.update(
            required="Enter your email address",
            invalid="Enter an email address in the correct format, like name@example.com",
            max_length="Enter an email address of 254 characters or fewer",
        )

    def get_users(self, email):
        return (user for user in super().get_users(email) if password_sign_in_allowed(user))

    def save(self, **kwargs) -> None:
        # Enqueued in the request's transaction; the worker sends it, so the page takes as long
        # whether or not anyone has the address.
        for user in self.get_users(self.cleaned_data["email"]):
            send_reset_email.enqueue(user.pk)


@task()
def send_reset_email(user_id: int) -> str:
    """Email one person a link to choose a new password; nobody who may not use one is sent it."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password() or not password_sign_in_allowed(user):
        logger.warning("Skipped a password reset email: user %s may not use a password", user_id)
        return "skipped"
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = settings.SITE_URL + reverse(
        "password_reset_confirm", kwargs={"uidb64": uid, "token": default_token_generator.make_token(user)}
    )
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    body = render_to_string("registration/password_reset_email.txt", {"link": link, "minutes": minutes})
    EmailMessage("Practice Hub: reset your password", body, settings.DEFAULT_FROM_EMAIL, [user.email]).send()
    return "sent"


retry(send_reset_email, on=(smtplib.SMTPException, OSError))


# Views -------------------------------------------------------------------------------------------


class PasswordAccountRequired:
    """Only people who sign in with a password here can change it; everyone else gets a 404."""

    def dispatch(self, request, *args, **kwargs):
        if not has_password_account(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ResetOffered:
    """Reset pages exist only where email resets are offered; they are for people who cannot sign in."""

    @method_decorator(login_not_required)
    def dispatch(self, request, *args, **kwargs):
        if not reset_offered():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ChangePasswordView(PasswordAccountRequired, auth_views.PasswordChangeView):
    """Change your password. The session in use stays signed in; every other one ends."""

    form_class = ChangePasswordForm
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("account")

    def post(self, request, *args, **kwargs):
        # While the account is locked out, not even the right current password is checked.
        credentials = {"username": request.user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, None, credentials)
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Your account", reverse("account")),
                ("Change your password", None),
            ],
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(
            self.request, "Your password has been changed. Anywhere else you were signed in, you have been signed out."
        )
        return response

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class RequestResetView(ResetOffered, auth_views.PasswordResetView):
    form_class = RequestResetForm
    template_name = "registration/password_reset_form.html"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class ResetSentView(ResetOffered, auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "minutes": settings.PASSWORD_RESET_TIMEOUT // 60}


class ResetConfirmView(ResetOffered, auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "registration/password_reset_confirm.html"

    def render_to_response(self, context, **kwargs):
        if not context.get("validlink"):
            kwargs["status"] = 400
        elif context["form"].errors:
            kwargs["status"] = 400
        return super().render_to_response(context, **kwargs)


class ResetDoneView(ResetOffered, auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"
