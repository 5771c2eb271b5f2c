"""Page links for the one pagination partial (config/pagination.py, includes/_pagination.html)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string

from config.pagination import pagination


def numbers(links) -> list:
    return [item.get("number", "…") for item in links["items"]]


def test_it_links_the_pages_around_the_current_one_and_both_ends():
    page = Paginator(range(500), 10).page(10)
    links = pagination(page)
    assert numbers(links) == [1, "…", 9, 10, 11, "…", 50]
    assert [item["number"] for item in links["items"] if item.get("current")] == [10]
    assert (links["previous_url"], links["next_url"]) == ("?page=9", "?page=11")


def test_its_links_keep_the_other_parameters():
    page = Paginator(range(30), 10).page(1)
    links = pagination(page, query="status=draft&case=ZE21")
    assert links["previous_url"] == ""
    assert links["next_url"] == "?status=draft&case=ZE21&page=2"


def test_the_partial_shows_nothing_for_a_single_page_and_escapes_its_links():
    assert (
        render_to_string(
            "includes/_pagination.html", {"pagination": pagination(Paginator(range(5), 10).page(1))}
        ).strip()
        == ""
    )
    html = render_to_string(
        "includes/_pagination.html", {"pagination": pagination(Paginator(range(30), 10).page(2), query="a=1")}
    )
    assert 'href="?a=1&amp;page=3" rel="next"' in html
    assert 'aria-current="page">2</a>' in html
    assert '<span class="govuk-visually-hidden"> page</span>' in html
