"""A checklist's timeline, a page at a time, for the checklist page and the review page."""

from dataclasses import dataclass

from django.db.models import Q, Subquery

from .formats import moment
from .models import Checklist, Event


@dataclass
class TimelineItem:
    title: str
    actor: str
    when: dict[str, str]
    detail: str


TIMELINE_PAGE_SIZE = 20
MAX_TIMELINE_PAGE = 1_000_000


def page_link(request, number: int, *, param: str = "page", path: str = "", fragment: str = "") -> str:
    """A link to another page of a list, keeping the other GET parameters."""
    params = request.GET.copy()
    params[param] = number
    return f"{path}?{params.urlencode()}{fragment}"


def _timeline_rows(checklist: Checklist, *, limit: int, offset: int) -> list[TimelineItem]:
    events = checklist.events.select_related("actor").order_by("-created_at", "-id")[offset : offset + limit]
    return [
        TimelineItem(
            title=event.get_kind_display(), actor=str(event.actor), when=moment(event.created_at), detail=event.detail
        )
        for event in events
    ]


def timeline_page(request, checklist: Checklist, *, path: str) -> tuple[list[TimelineItem], dict]:
    """One page of the checklist's events, newest first, with links to newer and older ones.

    Every look at a checklist adds an event, so its timeline only grows: the page reads one event
    more than it shows, to know whether there are older ones, rather than counting them all.
    `path` is the page's own address: the links carry the other GET parameters, and `?timeline=N`.
    """
    try:
        # Past the last page shows the newest events; a huge number must not overflow the OFFSET.
        number = min(max(int(request.GET.get("timeline", 1)), 1), MAX_TIMELINE_PAGE)
    except ValueError:
        number = 1

    def read(number: int) -> list[TimelineItem]:
        offset = (number - 1) * TIMELINE_PAGE_SIZE
        return _timeline_rows(checklist, limit=TIMELINE_PAGE_SIZE + 1, offset=offset)

    events = read(number)
    if not events and number > 1:  # past the end: the newest events instead
        number, events = 1, read(1)

    def url(page: int) -> str:
        return page_link(request, page, param="timeline", path=path, fragment="#timeline")

    pagination = {
        "label": "Timeline pages",
        "items": [],
        "previous_url": url(number - 1) if number > 1 else "",
        "next_url": url(number + 1) if len(events) > TIMELINE_PAGE_SIZE else "",
        "previous_label": "Newer events",
        "next_label": "Older events",
    }
    return events[:TIMELINE_PAGE_SIZE], pagination


def decisions(checklist: Checklist) -> list[dict]:
    """The latest return and the sign-off, with who made each, read together in one query."""
    wanted = [
        (kind, label, at)
        for kind, label, at in (
            (Event.Kind.RETURNED, "Returned", checklist.returned_at),
            (Event.Kind.SIGNED_OFF, "Signed off", checklist.signed_off_at),
        )
        if at is not None
    ]
    if not wanted:
        return []

    def latest(kind):
        return Subquery(checklist.events.filter(kind=kind).order_by("-created_at", "-id").values("pk")[:1])

    chosen = Q()
    for kind, _, _ in wanted:
        chosen |= Q(pk=latest(kind))
    by = {event.kind: event.actor for event in Event.objects.filter(chosen).select_related("actor")}
    return [{"label": label, "by": by.get(kind), "on": at} for kind, label, at in wanted]
