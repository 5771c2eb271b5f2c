from django import forms
from django.contrib.auth.forms import AuthenticationForm

from .passwords import PasswordSignInPolicy


class SignInForm(PasswordSignInPolicy, AuthenticationForm):
    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account is inactive. Ask your manager to reactivate it.",
    }

    def clean_username(self) -> str:
        # No account has a longer name; checking here keeps it from the failed-attempt log.
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username
