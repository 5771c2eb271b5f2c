"""Search runs a fixed number of queries, with 1 or 50 of each type of content, on either database.

A search that finds nothing, with its spelling suggestion, and a page of one type of results each
stay within 10 queries. Results of every type add one query for each type that has any.
"""

import pytest
from django.urls import reverse

from tests.guidance.test_query_counts import build

pytestmark = pytest.mark.django_db

URL = reverse("guidance:search")


def signed_in(client_for, user):
    """A client partway through a visit: its session's activity stamp is fresh, so this page does not write it."""
    client = client_for(user)
    client.get(reverse("guidance:home"))
    return client


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize(
    ("query", "only", "suggestion"),
    [
        ("xylophone", "", ""),
        ("reflectve xylophone", "", "reflective xylophone"),  # every word, then any word, then a suggestion
        ("reflectve", "practice-points", "reflective"),
    ],
)
def test_a_search_that_finds_nothing_runs_at_most_10_queries(
    client_for, fca, django_assert_max_num_queries, size, query, only, suggestion
):
    build(size)
    client = signed_in(client_for, fca)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": query, "type": only})
    assert response.status_code == 200
    results = response.context["results"]
    assert (results.groups, results.suggestion) == ([], suggestion)
    assert f"There are no results for ‘{query}’" in response.content.decode()


@pytest.mark.parametrize("size", [1, 50])
def test_a_page_of_one_type_of_results_runs_at_most_10_queries(client_for, fca, django_assert_max_num_queries, size):
    build(size)
    client = signed_in(client_for, fca)
    with django_assert_max_num_queries(10):
        response = client.get(URL, {"q": "reflective", "type": "practice-points"})
    assert response.status_code == 200
    assert response.context["results"].groups[0].total == size


@pytest.mark.parametrize("size", [1, 50])
def test_results_of_every_type_add_one_query_for_each_type_found(
    client_for, fca, django_assert_max_num_queries, plus_session, size
):
    build(size)
    client = signed_in(client_for, fca)
    # The user, their roles, the synonyms, the matches of every type, then the hits of each of the
    # seven types found here (no checklists).
    with django_assert_max_num_queries(plus_session(5 + 7)):
        response = client.get(URL, {"q": "reflective"})
    assert response.status_code == 200
    groups = response.context["results"].groups
    assert len(groups) == 7 and all(group.total == size for group in groups)
