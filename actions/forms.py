"""The action form (what, who, by when) and the small forms that close an action."""

import datetime

from django import forms
from django.utils import timezone

from config.forms import DateInputField, GovukFormMixin, Radios

from .models import MAX_DESCRIPTION_LENGTH, Action

AGENCY_ROLE_LENGTH = 100
CHOOSE_STATUS = "Select done or no longer needed"
RELOAD = "Reload the page and try again"


def _textarea(rows: int) -> forms.Textarea:
    # The class gives the box a GOV.UK character count.
    return forms.Textarea(attrs={"rows": rows, "class": "govuk-js-character-count"})


def _clean_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


class ActionForm(GovukFormMixin, forms.Form):
    """What will be done, who does it and by when. Checked here, then again by the services."""

    description = forms.CharField(
        label="What will be done?",
        help_text="Say what will happen, not who the family are. Do not use names.",
        required=False,
        strip=False,
        widget=_textarea(4),
    )
    owner = forms.ChoiceField(
        label="Who will do it?",
        choices=Action.Owner.choices,
        widget=Radios,
        error_messages={"required": "Select who will do it", "invalid_choice": "Select who will do it"},
    )
    agency_role = forms.CharField(
        label="Their role",
        help_text="For example, allocated social worker or health visitor. Give a role, not a name.",
        required=False,
        max_length=AGENCY_ROLE_LENGTH,
        error_messages={"max_length": f"The role must be {AGENCY_ROLE_LENGTH} characters or fewer"},
    )
    due_on = DateInputField(
        label="When is it due?",
        help_text="For example, 27 3 2027.",
        required=True,
        error_messages={"required": "Enter the date it is due"},
    )

    def __init__(self, *args, action: Action | None = None, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)

    def clean_description(self) -> str:
        description = _clean_text(self.cleaned_data.get("description"))
        if not description:
            raise forms.ValidationError("Enter what will be done")
        if len(description) > MAX_DESCRIPTION_LENGTH:
            raise forms.ValidationError(
                f"What will be done is {len(description):,} characters. "
                f"It must be {MAX_DESCRIPTION_LENGTH} characters or fewer"
            )
        return description

    def clean_due_on(self) -> datetime.date:
        due_on = self.cleaned_data["due_on"]
        # A date already set may stay as it is once it has passed; a new one may not be in the past.
        unchanged = self.action is not None and due_on == self.action.due_on
        if not unchanged and due_on < timezone.localdate():
            raise forms.ValidationError("The date it is due must be today or in the future")
        if due_on > timezone.localdate() + datetime.timedelta(days=3 * 366):
            raise forms.ValidationError("The date it is due must be within the next 3 years")
        return due_on

    def clean(self):
        data = super().clean()
        if data.get("owner") == Action.Owner.AGENCY and not _clean_text(data.get("agency_role")):
            self.add_error("agency_role", "Enter the role of the person at the other agency")
        return data

    @property
    def values(self) -> dict:
        """The cleaned wording, as the services take it."""
        data = self.cleaned_data
        return {
            "description": data["description"],
            "owner": data["owner"],
            "agency_role": _clean_text(data.get("agency_role")),
            "due_on": data["due_on"],
        }


class CloseActionForm(GovukFormMixin, forms.Form):
    """Mark an action done or no longer needed. The revision guards against a stale tab."""

    status = forms.ChoiceField(
        label="Where does this action stand?",
        choices=[(Action.Status.DONE, "Done"), (Action.Status.NOT_NEEDED, "No longer needed")],
        widget=Radios,
        error_messages={
            "required": "Select done or no longer needed",
            "invalid_choice": "Select done or no longer needed",
        },
    )
    done_on = DateInputField(label="When was it done?", help_text="For example, 27 3 2027.", required=False)
    done_note = forms.CharField(
        label="Note (optional)", help_text="How it went.", required=False, strip=False, widget=_textarea(3)
    )
    reason = forms.CharField(label="Why is it no longer needed?", required=False, strip=False, widget=_textarea(3))
    revision = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"required": "Reload the page and try again"}
    )

    def __init__(self, *args, action: Action, **kwargs):
        self.action = action
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == Action.Status.DONE:
            text, field = _clean_text(data.get("done_note")), "done_note"
            on = data.get("done_on") or timezone.localdate()
            if "done_on" not in self.errors and on > timezone.localdate():
                self.add_error("done_on", "The date it was done must be today or in the past")
            data["on"] = on
        else:
            text, field = _clean_text(data.get("reason")), "reason"
            data["on"] = timezone.localdate()
            if status == Action.Status.NOT_NEEDED and not text:
                self.add_error("reason", "Enter why the action is no longer needed")
        if len(text) > MAX_DESCRIPTION_LENGTH:
            self.add_error(field, f"The note must be {MAX_DESCRIPTION_LENGTH} characters or fewer")
        data["note"] = text
        return data
