"""GOV.UK form components shared by every app: the date input, radios, checkboxes and the bound
field that templates/gds/ (crispy-forms-gds's templates, overridden) and the error summary read.

Ids follow GOV.UK Frontend: a field's hint is `<id>-hint`, its error `<id>-error` and its character
count `<id>-info`. The first radio, checkbox or date box has the field's own id, so that error
summary links and "Change" links focus it.
"""

import copy
import datetime

from crispy_forms.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms
from django.forms import BoundField
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

DATE_PARTS = ("day", "month", "year")
DATE_BOXES = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
REAL_DATE_MESSAGE = "The date must be a real date, for example 27 3 2026"


class Radios(forms.RadioSelect):
    """GOV.UK radios. The first radio has the field's id; the others add -2, -3 and so on."""

    def id_for_label(self, id_, index=None):
        return id_ if not index else f"{id_}-{int(index) + 1}"


class Checkboxes(forms.CheckboxSelectMultiple):
    """GOV.UK checkboxes, with ids as Radios gives them."""

    id_for_label = Radios.id_for_label


class GovukBoundField(BoundField):
    """What templates/gds/field.html needs of a field, worked out in Python once."""

    @property
    def has_character_count(self) -> bool:
        # crispy-forms-gds's Field.textarea(max_characters=...) marks the box with this class.
        return "govuk-js-character-count" in self.field.widget.attrs.get("class", "")

    @property
    def described_by(self) -> str:
        """The ids that describe the field: its character count, hint and error."""
        ids = [f"{self.auto_id}-info"] if self.has_character_count else []
        if self.help_text:
            ids.append(f"{self.auto_id}-hint")
        if self.errors:
            ids.append(f"{self.auto_id}-error")
        return " ".join(ids)

    @property
    def control(self) -> SafeString:
        """The input, textarea or select with GOV.UK's classes. No `maxlength`: a character count
        lets people go over and then says by how much, rather than cutting their text off."""
        widget = copy.copy(self.field.widget)
        widget.attrs = {name: value for name, value in widget.attrs.items() if name != "maxlength"}
        if isinstance(widget, forms.Textarea):
            base = "govuk-textarea"
        elif isinstance(widget, forms.Select):
            base = "govuk-select"
        else:
            base = "govuk-input"
        classes = [base, *widget.attrs.pop("class", "").split()]
        if self.errors:
            classes.append(f"{base}--error")
        attrs = {"class": " ".join(classes)}
        if self.described_by:
            attrs["aria-describedby"] = self.described_by
        if isinstance(widget, forms.Select):
            # Built here rather than by Django's widget templates, which cost several template
            # nodes for each of dozens of options.
            attrs = {**self.build_widget_attrs(attrs, widget), "id": self.auto_id, "name": self.html_name}
            return format_html("<select{}>\n{}\n</select>", flatatt(attrs), self.options_html)
        return self.as_widget(widget=widget, attrs=attrs)

    @property
    def options_html(self) -> SafeString:
        chosen = "" if self.value() is None else str(self.value())
        return mark_safe(  # noqa: S308 - every value and label is escaped
            "\n".join(
                f'<option value="{conditional_escape(value)}"{" selected" if str(value) == chosen else ""}>'
                f"{conditional_escape(label)}</option>"
                for value, label in self.field.choices
            )
        )

    @property
    def options(self) -> list[dict]:
        """Each radio or checkbox: its id, value, label, hint and whether it is chosen."""
        value = self.value()
        chosen = {str(item) for item in value} if isinstance(value, list | tuple) else {str(value)}
        options = []
        for index, choice in enumerate(self.field.choices):
            option, label = choice
            options.append(
                {
                    "id": self.field.widget.id_for_label(self.auto_id, index),
                    "value": option,
                    "label": label,
                    "hint": getattr(choice, "hint", ""),  # crispy_forms_gds.choices.Choice
                    "checked": str(option) in chosen,
                }
            )
        return options


class DateBoundField(GovukBoundField):
    """A date input's three boxes, and which of them an error is about."""

    @property
    def error_parts(self) -> tuple[str, ...]:
        for error in self.errors.as_data():
            return (error.params or {}).get("parts", DATE_PARTS)
        return ()

    def box_id(self, part: str) -> str:
        return self.auto_id if part == "day" else f"{self.auto_id}.{part}"

    @property
    def id_for_label(self) -> str:
        """The first box in error, else the day box."""
        return self.box_id((self.error_parts or DATE_PARTS)[0])

    @property
    def boxes(self) -> list[dict]:
        value = self.value()
        typed = value if isinstance(value, list | tuple) else self.field.widget.decompress(value)
        errors = self.error_parts
        return [
            {
                "id": self.box_id(part),
                "name": f"{self.html_name}.{part}",
                "label": label,
                "width": width,
                "value": typed[index] or "",
                "error": part in errors,
            }
            for index, (part, label, width) in enumerate(DATE_BOXES)
        ]


class DateInput(forms.MultiWidget):
    """Day, month and year boxes, named <name>.day, <name>.month and <name>.year.

    A single `<name>` holding YYYY-MM-DD is read too, as autosave may send a saved answer back.
    """

    def __init__(self, attrs=None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)
        self.widgets_names = [f".{part}" for part in DATE_PARTS]

    def decompress(self, value):
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return ["", "", ""]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data, files, name):
        if name in data and not any(name + suffix in data for suffix in self.widgets_names):
            return data[name]
        return [data.get(name + suffix, "") for suffix in self.widgets_names]

    def value_omitted_from_data(self, data, files, name):
        return name not in data and super().value_omitted_from_data(data, files, name)

    def id_for_label(self, id_):
        return id_


class DateInputField(forms.Field):
    """A GOV.UK date input, and the one way the service reads a date typed into three boxes.

    Cleans to a `datetime.date`, or None when all three boxes are empty and the field is optional.
    Each error says which boxes to highlight in its `parts` param.
    """

    widget = DateInput
    bound_field_class = DateBoundField
    default_error_messages = {
        "required": "Enter the date",
        "incomplete": "The date must include a %(missing)s",
        "invalid": REAL_DATE_MESSAGE,
    }

    def to_python(self, value) -> datetime.date | None:
        if isinstance(value, str):  # YYYY-MM-DD in one box
            value = value.strip()
            if not value:
                return None
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                raise self._error("invalid", DATE_PARTS) from None
        parts = dict(zip(DATE_PARTS, [(item or "").strip() for item in value or ["", "", ""]], strict=False))
        missing = [part for part in DATE_PARTS if not parts.get(part)]
        if len(missing) == len(DATE_PARTS):
            return None
        if missing:
            raise self._error("incomplete", missing, missing=" and ".join(missing))
        if not all(parts[part].isdigit() for part in DATE_PARTS) or len(parts["year"]) != 4:
            raise self._error("invalid", DATE_PARTS)
        try:
            return datetime.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        except (ValueError, OverflowError):  # a day of 99999999999999999999 overflows
            raise self._error("invalid", DATE_PARTS) from None

    def validate(self, value) -> None:
        if value is None and self.required:
            raise self._error("required", DATE_PARTS)

    def _error(self, code: str, parts, **params) -> forms.ValidationError:
        return forms.ValidationError(self.error_messages[code], code=code, params={**params, "parts": tuple(parts)})


class GovukFormMixin:
    """A form whose fields render with GOV.UK markup (templates/gds/), and never browser validation."""

    bound_field_class = GovukBoundField
    use_required_attribute = False


def form_helper(*fields) -> FormHelper:
    """A crispy-forms helper that lays out `fields` inside the page's own <form> tag and token."""
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = Layout(*fields)
    return helper
