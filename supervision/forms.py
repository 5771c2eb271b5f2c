"""Thin forms for the supervision pages. Workflow rules stay in services."""

import datetime

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from accounts.models import Team, User
from checklists.models import Checklist, ChecklistTemplate, Step
from checklists.services import MAX_COMMENT_LENGTH
from config.forms import DateInputField, GovukFormMixin, form_helper

QUEUE_STATUSES = {
    Checklist.Status.SUBMITTED: "Waiting for review",
    Checklist.Status.RETURNED: "Returned for more reflection",
    Checklist.Status.SIGNED_OFF: "Signed off",
}
SMALL_LABEL = {"label_size": Size.for_label(Size.SMALL)}


def person_label(user: User) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


class QueueFilterForm(GovukFormMixin, forms.Form):
    """GET filters for the queue. Only the person's own teams and colleagues can be chosen."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Waiting for review"), *QUEUE_STATUSES.items()],
        error_messages={"invalid_choice": "Choose waiting for review, returned or signed off"},
    )
    team = forms.ChoiceField(
        label="Team", required=False, error_messages={"invalid_choice": "Choose one of the teams you supervise"}
    )
    practitioner = forms.ChoiceField(
        label="Practitioner",
        required=False,
        error_messages={"invalid_choice": "Choose a practitioner from the teams you supervise"},
    )
    template = forms.ChoiceField(
        label="Checklist", required=False, error_messages={"invalid_choice": "Choose one of the checklists listed"}
    )

    def __init__(self, *args, teams: list[Team], people: list[User], templates: list[ChecklistTemplate], **kwargs):
        super().__init__(*args, **kwargs)
        self._teams = {team.slug: team for team in teams}
        self.fields["team"].choices = [("", "All your teams"), *((team.slug, team.name) for team in teams)]
        self.fields["practitioner"].choices = [
            ("", "Everyone"),
            *((str(person.pk), person_label(person)) for person in people),
        ]
        # Versions of one checklist share a slug; filter by the slug and show the newest title.
        titles: dict[str, str] = {}
        self._template_ids: dict[str, list[int]] = {}
        for template in templates:
            titles.setdefault(template.slug, template.title)
            self._template_ids.setdefault(template.slug, []).append(template.pk)
        self.fields["template"].choices = [("", "All checklists"), *sorted(titles.items(), key=lambda kv: kv[1])]

    def clean_status(self) -> str:
        return self.cleaned_data["status"] or Checklist.Status.SUBMITTED

    @property
    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("team", "practitioner", "template"))

    @property
    def checklist_filters(self) -> dict:
        """The chosen filters as lookups on Checklist's own columns, so the queries need no joins."""
        data = self.cleaned_data
        lookups = {}
        if data["team"]:
            lookups["team_id"] = self._teams[data["team"]].pk
        if data["practitioner"]:
            lookups["author_id"] = int(data["practitioner"])
        if data["template"]:
            lookups["template_id__in"] = self._template_ids[data["template"]]
        return lookups


class TeamFilterForm(GovukFormMixin, forms.Form):
    team = forms.ChoiceField(
        label="Team", required=False, error_messages={"invalid_choice": "Choose one of the teams you supervise"}
    )

    def __init__(self, *args, teams: list[Team], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "All your teams"), *((team.slug, team.name) for team in teams)]


class CommentBodyMixin:
    """Comment text: line endings normalised, then the required and length checks."""

    body_required = True
    body_required_message = "Enter your comment"

    def clean_body(self) -> str:
        body = (self.cleaned_data.get("body") or "").replace("\r\n", "\n").strip()
        if self.body_required and not body:
            raise forms.ValidationError(self.body_required_message)
        if len(body) > MAX_COMMENT_LENGTH:
            raise forms.ValidationError(
                f"Your comment is {len(body):,} characters. It must be {MAX_COMMENT_LENGTH:,} characters or fewer"
            )
        return body


def _body_field(*, label: str, hint: str = "") -> forms.CharField:
    # Not `required`: clean_body gives the message.
    return forms.CharField(label=label, help_text=hint, required=False, strip=False, widget=forms.Textarea)


def _body_layout() -> Field:
    return Field.textarea("body", label_size=Size.SMALL, rows=5, max_characters=MAX_COMMENT_LENGTH)


class StepChoiceMixin:
    """A step of this checklist's template, or the whole checklist. Any other id is refused."""

    def __init__(self, *args, steps: list[Step], **kwargs):
        super().__init__(*args, **kwargs)
        self._steps = {str(step.pk): step for step in steps}
        self.fields["step"].choices = [
            ("", "Whole checklist"),
            *((str(step.pk), f"Step {step.number}: {step.title}") for step in steps),
        ]
        self.helper = form_helper(_body_layout(), Field("step", context=SMALL_LABEL))

    def clean_step(self) -> Step | None:
        value = self.cleaned_data.get("step")
        return self._steps[value] if value else None


class CommentForm(GovukFormMixin, CommentBodyMixin, StepChoiceMixin, forms.Form):
    prefix = "comment"

    body = _body_field(label="Comment")
    step = forms.ChoiceField(
        label="What is it about?",
        required=False,
        error_messages={"invalid_choice": "Choose the whole checklist or one of its steps"},
    )


class ReturnForm(GovukFormMixin, CommentBodyMixin, StepChoiceMixin, forms.Form):
    prefix = "return"
    body_required_message = "Enter what you would like the practitioner to reflect on further"

    body = _body_field(
        label="What should they reflect on further?",
        hint="They will see this beside the checklist, can change their answers, and then submit it again.",
    )
    step = forms.ChoiceField(
        label="Which part is it about?",
        required=False,
        error_messages={"invalid_choice": "Choose the whole checklist or one of its steps"},
    )


class SignOffForm(GovukFormMixin, CommentBodyMixin, forms.Form):
    prefix = "signoff"
    body_required = False

    body = _body_field(label="Comment (optional)", hint="For example, what was done well.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = form_helper(_body_layout())


class DiscussedForm(GovukFormMixin, forms.Form):
    """The date a checklist was discussed in supervision: today or earlier, and not before 2000."""

    EARLIEST = datetime.date(2000, 1, 1)

    discussed = DateInputField(
        label="Discussed in supervision",
        required=True,
        error_messages={"required": "Enter the date of the supervision discussion"},
    )

    def __init__(self, *args, checklist: Checklist, **kwargs):
        super().__init__(*args, **kwargs)
        if checklist.discussed_on:
            hint = f"Recorded as {checklist.discussed_on:%-d %B %Y}. Enter a new date to change it."
        else:
            hint = f"When did you discuss this checklist with {checklist.author}?"
        self.fields["discussed"].help_text = f"{hint} For example, 27 3 2026."
        self.helper = form_helper(
            Field("discussed", context={"legend_size": Size.for_legend(Size.MEDIUM), "legend_tag": "h3"})
        )

    def clean_discussed(self) -> datetime.date:
        on = self.cleaned_data["discussed"]
        if on > timezone.localdate():
            raise forms.ValidationError("The date must be today or in the past")
        if on < self.EARLIEST:
            raise forms.ValidationError(
                f"The date must be after {self.EARLIEST:%-d %B %Y}", params={"parts": ("year",)}
            )
        return on
