"""Thin forms for the supervision pages. Workflow rules stay in services."""

import datetime

from django import forms
from django.forms import BoundField
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import Team, User
from checklists.models import Checklist, ChecklistTemplate, Step
from checklists.services import MAX_COMMENT_LENGTH

QUEUE_STATUSES = {
    Checklist.Status.SUBMITTED: "Waiting for review",
    Checklist.Status.RETURNED: "Returned for more reflection",
    Checklist.Status.SIGNED_OFF: "Signed off",
}


def person_label(user: User) -> str:
    full_name = user.get_full_name()
    return f"{full_name} ({user.username})" if full_name else user.username


class SelectBoundField(BoundField):
    """A select's <option> tags, built once here: a template loop costs several nodes for each of dozens."""

    @cached_property
    def options_html(self) -> SafeString:
        value = self.value()
        chosen = "" if value is None else str(value)
        return mark_safe(  # noqa: S308 - every value and label is escaped
            "\n".join(
                f'<option value="{conditional_escape(option)}"{" selected" if str(option) == chosen else ""}>'
                f"{conditional_escape(label)}</option>"
                for option, label in self.field.choices
            )
        )


class SelectField(forms.ChoiceField):
    """A ChoiceField for supervision/_select.html."""

    bound_field_class = SelectBoundField


class ErrorAnchorMixin:
    """Where the error summary links for an error that is not about one box: the first box."""

    @property
    def error_anchor(self) -> str:
        return self[next(iter(self.fields))].id_for_label


class QueueFilterForm(ErrorAnchorMixin, forms.Form):
    """GET filters for the queue. Only the person's own teams and colleagues can be chosen."""

    status = SelectField(
        label="Status",
        required=False,
        choices=[("", "Waiting for review"), *QUEUE_STATUSES.items()],
        error_messages={"invalid_choice": "Choose waiting for review, returned or signed off"},
    )
    team = SelectField(
        label="Team", required=False, error_messages={"invalid_choice": "Choose one of the teams you supervise"}
    )
    practitioner = SelectField(
        label="Practitioner",
        required=False,
        error_messages={"invalid_choice": "Choose a practitioner from the teams you supervise"},
    )
    template = SelectField(
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


class TeamFilterForm(ErrorAnchorMixin, forms.Form):
    team = SelectField(
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
    # Not `required`: clean_body gives the message, so the browser's own validation never fires.
    return forms.CharField(label=label, help_text=hint, required=False, strip=False, widget=forms.Textarea)


class StepChoiceMixin:
    """A step of this checklist's template, or the whole checklist. Any other id is refused."""

    def _setup_steps(self, steps: list[Step]) -> None:
        self._steps = {str(step.pk): step for step in steps}
        self.fields["step"].choices = [
            ("", "Whole checklist"),
            *((str(step.pk), f"Step {step.number}: {step.title}") for step in steps),
        ]

    def clean_step(self) -> Step | None:
        value = self.cleaned_data.get("step")
        return self._steps[value] if value else None


class CommentForm(ErrorAnchorMixin, CommentBodyMixin, StepChoiceMixin, forms.Form):
    prefix = "comment"

    body = _body_field(label="Comment")
    step = SelectField(
        label="What is it about?",
        required=False,
        error_messages={"invalid_choice": "Choose the whole checklist or one of its steps"},
    )

    def __init__(self, *args, steps: list[Step], **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_steps(steps)


class ReturnForm(ErrorAnchorMixin, CommentBodyMixin, StepChoiceMixin, forms.Form):
    prefix = "return"
    body_required_message = "Enter what you would like the practitioner to reflect on further"

    body = _body_field(
        label="What should they reflect on further?",
        hint="They will see this beside the checklist, can change their answers, and then submit it again.",
    )
    step = SelectField(
        label="Which part is it about?",
        required=False,
        error_messages={"invalid_choice": "Choose the whole checklist or one of its steps"},
    )

    def __init__(self, *args, steps: list[Step], **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_steps(steps)


class SignOffForm(ErrorAnchorMixin, CommentBodyMixin, forms.Form):
    prefix = "signoff"
    body_required = False

    body = _body_field(label="Comment (optional)", hint="For example, what was done well.")


class DiscussedForm(forms.Form):
    """A GOV.UK date input: day, month and year in separate boxes."""

    prefix = "discussed"
    EARLIEST_YEAR = 2000
    # Set by clean(): the message, and which of the three boxes to highlight.
    date_error = ""
    date_error_fields: tuple[str, ...] = ()

    day = forms.CharField(required=False)
    month = forms.CharField(required=False)
    year = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        parts = {name: (data.get(name) or "").strip() for name in ("day", "month", "year")}
        missing = [name for name, value in parts.items() if not value]
        if len(missing) == 3:
            self._date_error("Enter the date of the supervision discussion", ["day", "month", "year"])
        elif missing:
            self._date_error(f"The date must include a {' and '.join(missing)}", missing)
        elif not all(value.isdigit() for value in parts.values()) or len(parts["year"]) != 4:
            self._date_error("The date must be a real date, like 27 3 2026", ["day", "month", "year"])
        else:
            try:
                on = datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
            except ValueError:
                self._date_error("The date must be a real date, like 27 3 2026", ["day", "month", "year"])
            else:
                if on > timezone.localdate():
                    self._date_error("The date must be today or in the past", ["day", "month", "year"])
                elif on.year < self.EARLIEST_YEAR:
                    self._date_error(f"The date must be after 1 January {self.EARLIEST_YEAR}", ["year"])
                else:
                    data["on"] = on
        return data

    @property
    def error_anchor(self) -> str:
        return f"id_{self.prefix}-{(self.date_error_fields or ['day'])[0]}"

    @property
    def parts(self) -> list[tuple[str, str, int, str]]:
        """Each box of the date input: name, label, width and what was typed."""
        sizes = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
        return [
            (name, label, width, (self[name].value() or "") if self.is_bound else "") for name, label, width in sizes
        ]

    def _date_error(self, message: str, fields: list[str]) -> None:
        self.date_error = message
        self.date_error_fields = fields
        raise forms.ValidationError(message)
