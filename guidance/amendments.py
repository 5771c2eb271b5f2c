"""Amendments: an editor's save in admin says whether it changes what the guidance says.

A substantive change is recorded with a public change note (guidance.services.record_amendment).
It is listed on the changed item's page and on "What's changed", and FCAs whose recent checklists
showed that guidance are told of it (checklists.amendments).
"""

from django import forms
from django.db.models import Case, CharField, F, Value, When

from .models import AMENDMENT_NOTE_MAX_LENGTH, Amendment
from .services import record_amendment

# How many amendments an item's page lists; "What's changed" has the rest.
ON_ITEM_PAGE = 5
# What readers call each kind of item that can be amended, by model name.
KINDS = {
    "theme": "Learning theme",
    "practicepoint": "Practice point",
    "keyfact": "Key figure",
    "casestudy": "Case study",
}

NOTE_REQUIRED = "Enter a change note that says what changed, because this changes what the guidance says"
NOTE_WITHOUT_CHANGE = (
    "Tick ‘This changes what the guidance says’ to publish the change note, or delete the note if the change is "
    "only to wording, spelling or layout"
)


class AmendmentAdminForm(forms.ModelForm):
    """An admin change form with the question every save of guidance answers: is this substantive?"""

    substantive = forms.BooleanField(
        required=False,
        label="This changes what the guidance says",
        help_text=(
            "Tick this when FCAs need to know, for example when a practice point now asks them to do something "
            "different. Leave it unticked for corrections to spelling, wording or layout."
        ),
    )
    change_note = forms.CharField(
        required=False,
        max_length=AMENDMENT_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Change note",
        help_text=(
            f"What changed, in plain words, up to {AMENDMENT_NOTE_MAX_LENGTH} characters. It is shown on the "
            "guidance page, on “What’s changed”, and to FCAs whose checklists used this guidance."
        ),
        error_messages={"max_length": f"The change note must be {AMENDMENT_NOTE_MAX_LENGTH} characters or fewer"},
    )

    def clean_change_note(self) -> str:
        return " ".join(self.cleaned_data["change_note"].split())

    def clean(self):
        cleaned = super().clean()
        note = cleaned.get("change_note", "")
        if cleaned.get("substantive") and not note and "change_note" not in self.errors:
            self.add_error("change_note", NOTE_REQUIRED)
        elif note and not cleaned.get("substantive"):
            self.add_error("substantive", NOTE_WITHOUT_CHANGE)
        return cleaned


class AmendmentAdminMixin:
    """For the admin of each kind of guidance FCAs are told about when it changes.

    Adding a new item asks nothing: there is no earlier version to have used.
    """

    form = AmendmentAdminForm
    amendment_fieldset = (
        "Is this a substantive change?",
        {
            "fields": ["substantive", "change_note"],
            "description": (
                "FCAs who used this guidance in a checklist are told of substantive changes, with your note."
            ),
        },
    )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is None else [*fieldsets, self.amendment_fieldset]

    def amendment_subject(self, obj):
        """What the change is to: the object saved, unless the admin is of a part of something larger."""
        return obj

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the inlines, so that the amendment names the item as it now is.
        if change and form.cleaned_data.get("substantive"):
            record_amendment(
                subject=self.amendment_subject(form.instance), note=form.cleaned_data["change_note"], by=request.user
            )


def with_kinds(amendments):
    """Say what kind of item each amendment is about, from its content type, in the same query."""
    return amendments.annotate(
        subject_model=F("content_type__model"),
        kind=Case(
            *(When(content_type__model=model, then=Value(label)) for model, label in KINDS.items()),
            default=Value("Guidance"),
            output_field=CharField(),
        ),
    )


def _newest(amendments) -> list[Amendment]:
    return list(with_kinds(amendments).order_by("-changed_at", "-id")[:ON_ITEM_PAGE])


def for_theme(theme, user) -> list[Amendment]:
    """The newest amendments to a theme and to the practice points and figures within it."""
    return _newest(Amendment.objects.visible_to(user).filter(theme=theme))


def for_bite(bite, user) -> list[Amendment]:
    """The newest amendments to anything in a Knowledge Bite."""
    return _newest(Amendment.objects.visible_to(user).filter(knowledge_bite=bite))


def for_subject(subject, user) -> list[Amendment]:
    """The newest amendments to one item, such as a case study."""
    return _newest(Amendment.objects.visible_to(user).about(subject))
