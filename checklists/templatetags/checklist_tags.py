import datetime

from django import template

from checklists.formats import govuk_time, moment
from checklists.models import Checklist
from checklists.related import checklists_for_theme

register = template.Library()

TAG_COLOURS = {
    Checklist.Status.DRAFT: "govuk-tag--grey",
    Checklist.Status.SUBMITTED: "govuk-tag--blue",
    Checklist.Status.RETURNED: "govuk-tag--orange",
    Checklist.Status.SIGNED_OFF: "govuk-tag--green",
}


@register.filter(name="govuk_time")
def govuk_time_filter(value: datetime.datetime | None) -> str:
    """A time in the GOV.UK style, in local time: "9:28pm"."""
    return govuk_time(value) if value else ""


@register.filter
def govuk_datetime(value: datetime.datetime | None) -> str:
    """A moment in the GOV.UK style, in local time: "3 March 2026 at 9:28pm"."""
    return moment(value)["text"] if value else ""


@register.inclusion_tag("checklists/_status_tag.html")
def status_tag(checklist: Checklist) -> dict:
    """A checklist's status as a GOV.UK tag, one colour per status."""
    return {"label": checklist.get_status_display(), "colour": TAG_COLOURS.get(checklist.status, "")}


@register.inclusion_tag("checklists/_related_checklists.html")
def related_checklists(theme) -> dict:
    """Published checklists with a step that links to one of this theme's practice points."""
    return {"templates": checklists_for_theme(theme), "theme": theme}
