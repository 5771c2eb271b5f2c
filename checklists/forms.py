import datetime

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.layout import Field, Fixed, Size
from django import forms
from django.utils.safestring import mark_safe

from config.forms import Checkboxes, DateInputField, GovukFormMixin, Radios, form_helper
from guidance.markdown import render_markdown

from .models import Checklist, ChecklistTemplate, Question, case_reference_validator
from .walkthrough import field_name, is_exclusive

CASE_REFERENCE_HINT = "Use the case number, for example ZE21P00123. Do not use names."
TITLE_HINT = "A few words to help you find it again, for example 'New police information'. Do not use names."
UNSAVEABLE_CHARACTER = "Your answer contains a character that cannot be saved. Remove it and try again."
CHOICE_MESSAGES = {
    Question.Kind.YES_NO: "Choose yes or no.",
    Question.Kind.YES_NO_UNSURE: "Choose yes, no or not sure.",
    Question.Kind.SINGLE_CHOICE: "Choose one of the options given.",
    Question.Kind.MULTIPLE_CHOICE: "Choose from the options given.",
}


class ChooseTemplateForm(GovukFormMixin, forms.Form):
    """Which published checklist to start: one radio each, its summary as the radio's hint."""

    template = forms.ChoiceField(
        label="Which checklist do you want to start?",
        help_text="Each checklist is about one case. You will give the case number next.",
        widget=Radios,
        error_messages={
            "required": "Choose which checklist you want to start",
            "invalid_choice": "Choose one of the checklists listed",
        },
    )

    def __init__(self, *args, templates: list[ChecklistTemplate], **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)
        self._templates = {template.slug: template for template in templates}
        self.fields["template"].choices = [
            # Summaries are editors' Markdown, sanitised by render_markdown.
            Choice(template.slug, template.title, hint=mark_safe(render_markdown(template.summary)))  # noqa: S308
            for template in templates
        ]
        self.helper = form_helper(
            Field(
                "template",
                context={
                    "legend_size": Size.for_legend(Size.LARGE),
                    "legend_tag": "h1",
                    "label_size": Size.for_label(Size.SMALL),
                    "item_hint_class": "app-template-summary",
                },
            )
        )

    def clean_template(self) -> ChecklistTemplate:
        return self._templates[self.cleaned_data["template"]]


class DetailsForm(GovukFormMixin, forms.ModelForm):
    """The case reference and short title. Both are checked so that nobody types a name by mistake."""

    class Meta:
        model = Checklist
        fields = ["case_reference", "title"]
        labels = {"case_reference": "Case number", "title": "Short title"}
        help_texts = {"case_reference": CASE_REFERENCE_HINT, "title": TITLE_HINT}
        widgets = {
            "case_reference": forms.TextInput(
                attrs={"spellcheck": "false", "autocomplete": "off", "autocapitalize": "characters"}
            ),
            "title": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        error_messages = {
            "case_reference": {
                "required": "Enter the case number",
                "max_length": "Case numbers are 20 characters or fewer",
            },
            "title": {"required": "Enter a short title", "max_length": "The title must be 120 characters or fewer"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="%s", **kwargs)
        self.helper = form_helper(
            Field.text("case_reference", label_size=Size.MEDIUM, field_width=Fixed.TWENTY),
            Field.text("title", label_size=Size.MEDIUM),
        )

    def clean_case_reference(self) -> str:
        value = "".join(self.cleaned_data["case_reference"].split()).upper()
        case_reference_validator(value)
        return value

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())


class AnswerTextField(forms.CharField):
    """A text answer, with line endings as they are stored, and the question's own limit."""

    def __init__(self, *, limit: int, **kwargs):
        # CharField's own validator refuses NUL characters, which no database column can hold.
        kwargs.setdefault("error_messages", {"null_characters_not_allowed": UNSAVEABLE_CHARACTER})
        super().__init__(required=False, strip=False, **kwargs)
        self.limit = limit

    def to_python(self, value) -> str:
        return super().to_python(value).replace("\r\n", "\n")

    def validate(self, value: str) -> None:
        super().validate(value)
        # Only spaces is an empty answer, whatever its length.
        if value.strip() and len(value) > self.limit:
            raise forms.ValidationError(
                f"Your answer is {len(value):,} characters. It must be {self.limit:,} characters or fewer.",
                code="max_length",
            )


class AnswerChoicesField(forms.MultipleChoiceField):
    """Ticked options, where an exclusive one ("None of these", "None yet") must be ticked on its own."""

    def __init__(self, *, exclusive: dict[str, str], **kwargs):
        super().__init__(required=False, **kwargs)
        self.exclusive = exclusive  # value: label

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        chosen = [item for item in value if item in self.exclusive]
        if chosen and len(value) > 1:
            raise forms.ValidationError(
                f"Select the options that apply, or select ‘{self.exclusive[chosen[0]]}’ on its own.",
                code="exclusive",
            )


def answer_field(question: Question) -> forms.Field:
    """The form field for one question. Every answer is optional until the checklist is submitted."""
    kind = Question.Kind
    if question.is_text:
        widget = forms.Textarea if question.kind == kind.LONG_TEXT else forms.TextInput
        return AnswerTextField(limit=question.max_length, widget=widget)
    if question.kind == kind.DATE:
        return DateInputField(required=False)
    choices = [(option["value"], option["label"]) for option in question.options]
    messages = {"invalid_choice": CHOICE_MESSAGES[question.kind]}
    if question.kind == kind.MULTIPLE_CHOICE:
        exclusive = {option["value"]: option["label"] for option in question.options if is_exclusive(option)}
        return AnswerChoicesField(exclusive=exclusive, choices=choices, widget=Checkboxes, error_messages=messages)
    return forms.ChoiceField(required=False, choices=choices, widget=Radios, error_messages=messages)


class StepForm(GovukFormMixin, forms.Form):
    """A step's questions, one field each, named q-<key> (see checklists/walkthrough.py).

    The step page checks every answer it posts with it; autosave checks the one answer it sends,
    with `questions=[that question]`. Each answer is valid or not on its own, so the valid ones
    can be saved whatever the others say.
    """

    def __init__(self, data=None, *, questions):
        super().__init__(data, auto_id="%s")
        for question in questions:
            self.fields[field_name(question)] = answer_field(question)

    def is_sent(self, name: str) -> bool:
        """Whether the POST carries this answer at all. A missing box is never read as an empty
        answer, which would clear a saved one; only checkboxes send nothing when none is ticked."""
        return not self.fields[name].widget.value_omitted_from_data(self.data, self.files, self.add_prefix(name))

    def answer(self, name: str) -> str | list[str]:
        """A valid answer as services.save_answer takes it, a date as YYYY-MM-DD."""
        value = self.cleaned_data[name]
        if isinstance(value, datetime.date):
            return value.isoformat()
        return "" if value is None else value
