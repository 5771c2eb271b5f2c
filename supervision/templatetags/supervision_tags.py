import datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def govuk_datetime(value: datetime.datetime | None) -> str:
    """A moment in the GOV.UK style, in local time: '3 March 2026 at 2:05pm'."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return f"{local:%-d %B %Y} at {local:%-I:%M}{local:%p}".replace("AM", "am").replace("PM", "pm")
