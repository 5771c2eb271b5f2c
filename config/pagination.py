"""Links for the GOV.UK pagination component (includes/_pagination.html), from a Django Page."""

from django.core.paginator import Page, Paginator


def pagination(page: Page, *, query: str = "", param: str = "page", label: str = "Pagination") -> dict:
    """Numbered links around the current page, with previous and next.

    `query` is the list's other GET parameters, already encoded, which every link keeps.
    """

    def url(number: int) -> str:
        return f"?{query}&{param}={number}" if query else f"?{param}={number}"

    items = [
        {"ellipsis": True}
        if number == Paginator.ELLIPSIS
        else {"number": number, "url": url(number), "current": number == page.number}
        for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
    ]
    return {
        "label": label,
        "items": items,
        "previous_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
        "previous_label": "Previous",
        "next_label": "Next",
    }
