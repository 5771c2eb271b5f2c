"""The resources library: filters by theme, kind and availability, pagination and empty states."""

import pytest
from django.urls import reverse

from guidance.models import Resource
from tests.factories import KnowledgeBiteFactory, ResourceFactory, ThemeFactory

pytestmark = pytest.mark.django_db

URL = reverse("guidance:resources")


@pytest.fixture
def library():
    bite = KnowledgeBiteFactory()
    one = ThemeFactory(knowledge_bite=bite, number=1, slug="one", title="Theme one")
    two = ThemeFactory(knowledge_bite=bite, number=2, slug="two", title="Theme two")
    ResourceFactory(knowledge_bite=bite, title="Trauma course", kind="elearning", themes=[one])
    ResourceFactory(knowledge_bite=bite, title="Wheel tool", kind="tool", themes=[one, two])
    ResourceFactory(knowledge_bite=bite, title="Soon leaflet", kind="tool", availability="coming_soon", themes=[two])
    ResourceFactory(
        knowledge_bite=bite,
        title="Mermaids",
        kind="service",
        availability="available",
        url="https://mermaidsuk.org.uk/",
        themes=[two],
    )
    return {"one": one, "two": two}


def titles(response) -> list[str]:
    return [resource.title for resource in response.context["resources"]]


def test_it_lists_every_resource_with_its_themes(client_for, fca, library):
    response = client_for(fca).get(URL)
    assert response.status_code == 200
    assert sorted(titles(response)) == ["Mermaids", "Soon leaflet", "Trauma course", "Wheel tool"]
    html = response.content.decode()
    assert "4 resources" in html
    assert 'href="/guidance/themes/two/">2. Theme two</a>' in html
    assert 'href="https://mermaidsuk.org.uk/"' in html


def test_it_filters_by_theme(client_for, fca, library):
    response = client_for(fca).get(URL, {"theme": "one"})
    assert sorted(titles(response)) == ["Trauma course", "Wheel tool"]


def test_it_filters_by_several_themes_without_repeating_a_resource(client_for, fca, library):
    response = client_for(fca).get(URL, {"theme": ["one", "two"]})
    assert sorted(titles(response)) == ["Mermaids", "Soon leaflet", "Trauma course", "Wheel tool"]


def test_it_filters_by_kind_and_theme_together(client_for, fca, library):
    response = client_for(fca).get(URL, {"kind": "tool", "theme": "two"})
    assert sorted(titles(response)) == ["Soon leaflet", "Wheel tool"]


def test_it_filters_by_availability(client_for, fca, library):
    response = client_for(fca).get(URL, {"availability": "coming_soon"})
    assert titles(response) == ["Soon leaflet"]


def test_it_shows_the_selected_filters_with_links_that_remove_each(client_for, fca, library):
    html = client_for(fca).get(URL, {"kind": ["tool", "service"], "theme": "two"}).content.decode()
    assert "Selected filters" in html
    assert '<span class="govuk-visually-hidden">Remove this filter:</span> Tool</a>' in html
    assert 'href="/guidance/resources/?kind=service&amp;theme=two"' in html  # removes "tool"
    assert 'href="/guidance/resources/?kind=tool&amp;kind=service"' in html  # removes the theme
    assert 'value="tool" checked' in html
    assert 'href="/guidance/resources/">Clear filters</a>' in html


def test_it_explains_when_no_resource_matches(client_for, fca, library):
    response = client_for(fca).get(URL, {"kind": "webinar"})
    assert response.status_code == 200
    assert titles(response) == []
    assert "No resources match your filters." in response.content.decode()


def test_it_explains_when_there_are_no_resources_at_all(client_for, fca, db):
    assert "There are no resources yet." in client_for(fca).get(URL).content.decode()


def test_an_unknown_filter_value_is_a_clear_error_not_a_crash(client_for, fca, library):
    response = client_for(fca).get(URL, {"kind": "podcast", "theme": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Select a type of resource from the list" in html
    assert "Select a theme from the list" in html
    assert 'href="#filter-kind-1"' in html


def test_it_is_paginated_twenty_to_a_page(client_for, fca, db):
    theme = ThemeFactory()
    for n in range(45):
        ResourceFactory(knowledge_bite=theme.knowledge_bite, title=f"Item {n:02}", themes=[theme])
    client = client_for(fca)
    pages = [client.get(URL, {"theme": theme.slug, "page": page}) for page in (1, 2, 3)]
    assert [len(titles(page)) for page in pages] == [20, 20, 5]
    assert len({t for page in pages for t in titles(page)}) == 45
    html = pages[0].content.decode()
    assert "Page 1 of 3" in html
    assert f'href="?theme={theme.slug}&amp;page=2" rel="next"' in html
    assert client.get(URL, {"page": 4, "theme": theme.slug}).status_code == 404
    assert client.get(URL, {"page": "x"}).status_code == 404


def test_a_theme_page_links_to_its_resources_in_the_library(client_for, fca, library):
    html = client_for(fca).get(library["one"].get_absolute_url()).content.decode()
    assert 'href="/guidance/resources/?theme=one"' in html


def test_a_resource_page_for_a_public_item_links_to_it(client_for, fca, library):
    mermaids = Resource.objects.get(title="Mermaids")
    html = client_for(fca).get(mermaids.get_absolute_url()).content.decode()
    assert 'href="https://mermaidsuk.org.uk/"' in html
