"""GOV.UK form components (config/forms.py): one date parser with one set of messages, and the ids
that labels and error summaries link to."""

import datetime

import pytest
from django import forms
from django.template.loader import render_to_string

from config.forms import Checkboxes, DateInputField, GovukFormMixin, Radios


class DateForm(GovukFormMixin, forms.Form):
    when = DateInputField(required=False)


class RequiredDateForm(GovukFormMixin, forms.Form):
    when = DateInputField(error_messages={"required": "Enter the date of the visit"})


class ChoicesForm(GovukFormMixin, forms.Form):
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=Radios)
    sizes = forms.MultipleChoiceField(choices=[("s", "Small"), ("m", "Medium")], widget=Checkboxes)
    note = forms.CharField(max_length=10, help_text="A few words")


def typed(day="", month="", year="", form=DateForm):
    return form({"when.day": day, "when.month": month, "when.year": year})


def test_it_reads_the_three_boxes_as_a_date():
    form = typed(" 7", "11 ", "2025")
    assert form.is_valid()
    assert form.cleaned_data["when"] == datetime.date(2025, 11, 7)


def test_three_empty_boxes_are_no_date_unless_one_is_required():
    form = typed()
    assert form.is_valid() and form.cleaned_data["when"] is None
    form = typed(form=RequiredDateForm)
    assert form.errors["when"] == ["Enter the date of the visit"]
    assert form["when"].id_for_label == "id_when"


@pytest.mark.parametrize(
    ("boxes", "message", "parts", "first_box"),
    [
        (("3", "", "2026"), "The date must include a month", ("month",), "id_when.month"),
        (("", "", "2026"), "The date must include a day and month", ("day", "month"), "id_when"),
        (("3", "4", ""), "The date must include a year", ("year",), "id_when.year"),
        (
            ("31", "2", "2026"),
            "The date must be a real date, for example 27 3 2026",
            ("day", "month", "year"),
            "id_when",
        ),
        (
            ("x", "2", "2026"),
            "The date must be a real date, for example 27 3 2026",
            ("day", "month", "year"),
            "id_when",
        ),
        (("1", "2", "26"), "The date must be a real date, for example 27 3 2026", ("day", "month", "year"), "id_when"),
        (
            ("9" * 30, "2", "2026"),
            "The date must be a real date, for example 27 3 2026",
            ("day", "month", "year"),
            "id_when",
        ),
    ],
)
def test_it_says_what_is_wrong_and_which_boxes_to_correct(boxes, message, parts, first_box):
    form = typed(*boxes)
    assert not form.is_valid()
    assert form.errors["when"] == [message]
    assert form["when"].error_parts == parts
    # The error summary links to the first box in error.
    assert form["when"].id_for_label == first_box
    assert [box["error"] for box in form["when"].boxes] == [part in parts for part in ("day", "month", "year")]


def test_what_was_typed_stays_in_the_boxes():
    boxes = typed("31", "2", "2026")["when"].boxes
    assert [(box["id"], box["name"], box["value"]) for box in boxes] == [
        ("id_when", "when.day", "31"),
        ("id_when.month", "when.month", "2"),
        ("id_when.year", "when.year", "2026"),
    ]


def test_a_date_can_come_in_one_box_as_yyyy_mm_dd():
    form = DateForm({"when": "2026-03-27"})
    assert form.is_valid() and form.cleaned_data["when"] == datetime.date(2026, 3, 27)
    form = DateForm({"when": "2026-13-01"})
    assert form.errors["when"] == ["The date must be a real date, for example 27 3 2026"]


def test_a_date_is_omitted_only_when_no_box_is_sent():
    widget = DateForm.base_fields["when"].widget
    assert widget.value_omitted_from_data({}, {}, "when")
    assert not widget.value_omitted_from_data({"when.year": ""}, {}, "when")
    assert not widget.value_omitted_from_data({"when": "2026-03-27"}, {}, "when")


def test_the_first_radio_or_checkbox_has_the_fields_id():
    form = ChoicesForm({"colour": "purple"})
    assert form["colour"].id_for_label == "id_colour"
    assert [option["id"] for option in form["colour"].options] == ["id_colour", "id_colour-2"]
    assert [option["id"] for option in form["sizes"].options] == ["id_sizes", "id_sizes-2"]
    assert form["sizes"].id_for_label == "id_sizes"


def test_a_text_box_has_gov_uk_classes_and_no_browser_limit():
    form = ChoicesForm({"note": "x" * 11})
    control = str(form["note"].control)
    assert 'class="govuk-input govuk-input--error"' in control
    assert 'aria-describedby="id_note-hint id_note-error"' in control
    assert "maxlength" not in control and "required" not in control


def test_the_error_summary_links_each_error_to_its_first_box():
    form = ChoicesForm({"note": "Fine"})
    form.add_error(None, "Something about the whole form")
    html = render_to_string("includes/_error_summary.html", {"form": form})
    assert '<a href="#id_colour">Something about the whole form</a>' in html
    assert '<a href="#id_colour">This field is required.</a>' in html
    assert '<a href="#id_sizes">This field is required.</a>' in html
    assert render_to_string("includes/_error_summary.html", {"form": ChoicesForm()}).strip() == ""
