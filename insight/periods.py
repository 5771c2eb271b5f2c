"""The periods insight covers: this quarter, last quarter, the last 12 months, or dates a person gives."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

THIS_QUARTER = "this-quarter"
LAST_QUARTER = "last-quarter"
LAST_12_MONTHS = "last-12-months"
CUSTOM = "custom"
CHOICES = [
    (THIS_QUARTER, "This quarter"),
    (LAST_QUARTER, "Last quarter"),
    (LAST_12_MONTHS, "Last 12 months"),
    (CUSTOM, "Choose dates"),
]
DEFAULT = LAST_12_MONTHS
# Custom periods stay within what the figures are for: recent practice, not history.
EARLIEST = datetime.date(2000, 1, 1)
MAX_YEARS = 3


def _date(value: datetime.date) -> str:
    return f"{value:%-d %B %Y}"


@dataclass(frozen=True)
class Period:
    """A run of whole days, both ends included, in the service's time zone."""

    start: datetime.date
    end: datetime.date
    name: str = ""

    @property
    def label(self) -> str:
        dates = f"{_date(self.start)} to {_date(self.end)}"
        names = dict(CHOICES)
        return f"{names[self.name]} ({dates})" if self.name in names and self.name != CUSTOM else dates

    @property
    def since(self) -> datetime.datetime:
        """The first moment of the period."""
        return timezone.make_aware(datetime.datetime.combine(self.start, datetime.time.min))

    @property
    def until(self) -> datetime.datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min))

    def months(self) -> list[datetime.date]:
        """The first day of each calendar month the period touches, in order."""
        month = self.start.replace(day=1)
        months = []
        while month <= self.end:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months

    def as_query(self) -> dict[str, str]:
        """The period as the insight form's query parameters, for links to downloads."""
        if self.name and self.name != CUSTOM:
            return {"period": self.name}
        query = {"period": CUSTOM}
        for name, value in (("from", self.start), ("to", self.end)):
            query.update(
                {f"{name}.day": str(value.day), f"{name}.month": str(value.month), f"{name}.year": str(value.year)}
            )
        return query


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def preset(name: str, today: datetime.date | None = None) -> Period:
    """One of the named periods, ending today at the latest."""
    today = today or timezone.localdate()
    if name == THIS_QUARTER:
        return Period(quarter_start(today), today, name)
    if name == LAST_QUARTER:
        end = quarter_start(today) - datetime.timedelta(days=1)
        return Period(quarter_start(end), end, name)
    if name == LAST_12_MONTHS:
        # Twelve calendar months, this one so far included, so each month's row is a whole month but the last.
        first = today.replace(day=1)
        for _ in range(11):
            first = (first - datetime.timedelta(days=1)).replace(day=1)
        return Period(first, today, name)
    raise ValueError(f"Unknown period: {name}")
