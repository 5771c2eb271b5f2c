"""Thin forms for the supervision pages. Workflow rules stay in services."""

import datetime

from crispy_forms_gds.layout import Field, Size
from django import forms
from django.utils import timezone

from accounts.models import Team, User
from checklists.models import Checklist, ChecklistTemplate, Step
from checklists.services import MAX_COMMENT_LENGTH
from config.forms import DateInputField, GovukFormMixin, Radios, form_helper

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


def clean_comment_text(value: str | None) -> str:
    """Comment text as it is stored: line endings normalised and the ends trimmed."""
    return (value or "").replace("\r\n", "\n").strip()


def comment_length_error(body: str) -> str | None:
    if len(body) > MAX_COMMENT_LENGTH:
        return f"Your comment is {len(body):,} characters. It must be {MAX_COMMENT_LENGTH:,} characters or fewer"
    return None


class CommentBodyMixin:
    """Comment text: line endings normalised, then the required and length checks."""

    body_required = True
    body_required_message = "Enter your comment"

    def clean_body(self) -> str:
        body = clean_comment_text(self.cleaned_data.get("body"))
        if self.body_required and not body:
            raise forms.ValidationError(self.body_required_message)
        if error := comment_length_error(body):
            raise forms.ValidationError(error)
        return body


def _comment_textarea(rows: int = 5) -> forms.Textarea:
    # The class is what crispy-forms-gds's Field.textarea(max_characters=...) gives a character count.
    return forms.Textarea(attrs={"rows": rows, "class": "govuk-js-character-count"})


def _body_field(*, label: str, hint: str = "", rows: int = 5) -> forms.CharField:
    # Not `required`: clean_body gives the message.
    return forms.CharField(label=label, help_text=hint, required=False, strip=False, widget=_comment_textarea(rows))


def _body_layout(rows: int = 5) -> Field:
    return Field.textarea("body", label_size=Size.SMALL, rows=rows, max_characters=MAX_COMMENT_LENGTH)


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
    """A comment on one step, which the form carries in a hidden field; without one, on the whole checklist.

    Each step's form has its own ids (step-2-comment-body), so that a page can hold one per step.
    """

    prefix = "comment"

    body = _body_field(label="Comment", rows=3)
    step = forms.ChoiceField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "Choose the whole checklist or one of its steps"},
    )

    def __init__(self, *args, for_step: Step | None = None, **kwargs):
        if for_step is not None:
            kwargs.setdefault("initial", {"step": str(for_step.pk)})
        super().__init__(*args, **kwargs)
        chosen = self.data.get(self.add_prefix("step")) if self.is_bound else self.initial.get("step")
        # The step whose answers the form sits beside, once it is known to be one of this checklist's.
        self.for_step = self._steps.get(chosen) if isinstance(chosen, str) else None
        if self.for_step is not None:
            self.auto_id = f"step-{self.for_step.number}-%s"
            self.fields["body"].label = f"Your comment on step {self.for_step.number}"
        self.helper = form_helper(_body_layout(rows=3), Field("step"))


class ReturnForm(GovukFormMixin, CommentBodyMixin, StepChoiceMixin, forms.Form):
    """A return sent straight to its address, as DecisionForm sends one: the reason and, optionally, a step."""

    prefix = "return"
    body_required_message = "Enter what you would like the practitioner to reflect on further"

    body = _body_field(label="What should they reflect on further?")
    step = forms.ChoiceField(
        label="Which part is it about?",
        required=False,
        error_messages={"invalid_choice": "Choose the whole checklist or one of its steps"},
    )


class SignOffForm(GovukFormMixin, CommentBodyMixin, forms.Form):
    """The confirmed sign-off, with the note carried from the decision in a hidden field."""

    prefix = "signoff"
    body_required = False

    body = forms.CharField(required=False, strip=False, widget=forms.HiddenInput)


class DecisionForm(GovukFormMixin, forms.Form):
    """Sign off or return for more reflection: a reason is needed to return, a note to sign off is optional."""

    prefix = "decision"
    SIGN_OFF = "sign_off"
    RETURN = "return"
    CHOOSE = "Choose whether to sign off the checklist or return it for more reflection"

    decision = forms.ChoiceField(
        label="What do you want to do?",
        choices=[(SIGN_OFF, "Sign off"), (RETURN, "Return for more reflection")],
        widget=Radios,
        error_messages={"required": CHOOSE, "invalid_choice": CHOOSE},
    )
    sign_off_note = forms.CharField(
        label="Note (optional)",
        help_text="For example, what was done well.",
        required=False,
        strip=False,
        widget=_comment_textarea(4),
    )
    return_reason = forms.CharField(
        label="What should they reflect on further?",
        help_text="Say what needs more thought. They will see this with the checklist.",
        required=False,
        strip=False,
        widget=_comment_textarea(4),
    )

    def clean_sign_off_note(self) -> str:
        return clean_comment_text(self.cleaned_data.get("sign_off_note"))

    def clean_return_reason(self) -> str:
        return clean_comment_text(self.cleaned_data.get("return_reason"))

    def clean(self):
        data = super().clean()
        # Only the text under the chosen option counts: the other may hold something typed before a change of mind.
        name = {self.SIGN_OFF: "sign_off_note", self.RETURN: "return_reason"}.get(data.get("decision"))
        if name is None:
            return data
        text = data.get(name, "")
        if name == "return_reason" and not text:
            self.add_error(name, ReturnForm.body_required_message)
        elif error := comment_length_error(text):
            self.add_error(name, error)
        return data

    @property
    def text(self) -> str:
        """The reason or note that goes with the chosen decision."""
        data = self.cleaned_data
        return data["return_reason"] if data["decision"] == self.RETURN else data["sign_off_note"]


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
