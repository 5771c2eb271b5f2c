from django import forms

from .models import Checklist, ChecklistTemplate, case_reference_validator

CASE_REFERENCE_HINT = "Use the case number, for example ZE21P00123. Do not use names."
TITLE_HINT = "A few words to help you find it again, for example 'New police information'. Do not use names."


class ChooseTemplateForm(forms.Form):
    template = forms.ModelChoiceField(
        queryset=ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED),
        to_field_name="slug",
        error_messages={
            "required": "Choose which checklist you want to start",
            "invalid_choice": "Choose one of the checklists listed",
        },
    )


class DetailsForm(forms.ModelForm):
    """The case reference and short title. Both are checked so that nobody types a name by mistake."""

    class Meta:
        model = Checklist
        fields = ["case_reference", "title"]
        error_messages = {
            "case_reference": {
                "required": "Enter the case number",
                "max_length": "Case numbers are 20 characters or fewer",
            },
            "title": {"required": "Enter a short title", "max_length": "The title must be 120 characters or fewer"},
        }

    def clean_case_reference(self) -> str:
        value = "".join(self.cleaned_data["case_reference"].split()).upper()
        case_reference_validator(value)
        return value

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())
