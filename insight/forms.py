"""The insight page's choices: which of the person's teams, and which period."""

from django import forms
from django.utils import timezone

from accounts.models import Team
from config.forms import DateInputField, GovukFormMixin, Radios

from . import periods
from .periods import Period


class InsightForm(GovukFormMixin, forms.Form):
    """Read from the query string. The view has already refused a team the person may not see."""

    team = forms.ChoiceField(label="Team", required=False)
    period = forms.ChoiceField(
        label="Period",
        choices=periods.CHOICES,
        widget=Radios,
        error_messages={"invalid_choice": "Choose this quarter, last quarter, the last 12 months or your own dates"},
    )
    start = DateInputField(
        label="From",
        help_text="For example, 1 4 2027.",
        required=False,
        error_messages={
            "invalid": "The start date must be a real date, for example 1 4 2027",
            "incomplete": "The start date must include a %(missing)s",
        },
    )
    end = DateInputField(
        label="To",
        help_text="For example, 30 6 2027.",
        required=False,
        error_messages={
            "invalid": "The end date must be a real date, for example 30 6 2027",
            "incomplete": "The end date must include a %(missing)s",
        },
    )

    def __init__(self, data, *, teams: list[Team], **kwargs):
        # A first visit has no period yet: show, and check, the default.
        if not data.get("period"):
            data = data.copy()
            data["period"] = periods.DEFAULT
        super().__init__(data, **kwargs)
        self.fields["team"].choices = [("", "All your teams"), *((team.slug, team.name) for team in teams)]

    def add_prefix(self, field_name: str) -> str:
        # The date boxes are named from.day and to.day in addresses, as people read them.
        return {"start": "from", "end": "to"}.get(field_name, field_name)

    def clean(self):
        data = super().clean()
        if data.get("period") != periods.CUSTOM:
            # Dates left in the hidden boxes do not apply to a named period.
            for name in ("start", "end"):
                self.errors.pop(name, None)
                data[name] = None
            return data
        if "start" in self.errors or "end" in self.errors:
            return data
        start, end = data.get("start"), data.get("end")
        if start is None:
            self.add_error("start", "Enter the start date")
        if end is None:
            self.add_error("end", "Enter the end date")
        if start is None or end is None:
            return data
        if start < periods.EARLIEST:
            self.add_error("start", f"The start date must be on or after {periods.EARLIEST:%-d %B %Y}")
        elif end > timezone.localdate():
            self.add_error("end", "The end date must be today or in the past")
        elif end < start:
            self.add_error("end", "The end date must be the same as or after the start date")
        elif end > periods.add_years(start, periods.MAX_YEARS):
            self.add_error("end", f"The dates must be no more than {periods.MAX_YEARS} years apart")
        return data

    @property
    def chosen_period(self) -> Period:
        data = self.cleaned_data
        if data["period"] == periods.CUSTOM:
            return Period(data["start"], data["end"], periods.CUSTOM)
        return periods.preset(data["period"])
