"""Every guidance and case-study page runs a fixed number of queries, with 1 item or 50."""

import pytest
from django.urls import reverse

from guidance.models import Resource
from guidance.services import record_amendment
from tests.factories import (
    CaseStudyFactory,
    KeyFactFactory,
    KnowledgeBiteFactory,
    LearningPointFactory,
    PracticePointFactory,
    ResourceFactory,
    SectionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

KINDS = [Resource.Kind.SERVICE, Resource.Kind.FURTHER_READING, Resource.Kind.ELEARNING]
AVAILABILITY = list(Resource.Availability.values)


def build(size: int) -> None:
    """`size` of everything: bites, themes, sections, points, figures, resources, case studies."""
    bite = KnowledgeBiteFactory(slug="bite", title="Reflective bite")
    themes = [
        ThemeFactory(knowledge_bite=bite, number=i + 1, slug=f"theme-{i}", title=f"Reflective theme {i}")
        for i in range(size)
    ]
    theme = themes[0]
    for i in range(size):
        KnowledgeBiteFactory(title=f"Other bite {i}")
        SectionFactory(knowledge_bite=bite, title=f"Reflective section {i}")
        PracticePointFactory(theme=theme, title=f"Reflective point {i}")
        KeyFactFactory(knowledge_bite=bite, theme=theme, group=f"Group {i % 3}", label=f"Reflective figure {i}")
        ResourceFactory(
            knowledge_bite=bite,
            title=f"Reflective resource {i}",
            kind=KINDS[i % 3],
            availability=AVAILABILITY[i % 3],
            url="https://example.com/r" if i % 3 == 0 else "",
            themes=[theme, themes[-1]],
        )
        case_study = CaseStudyFactory(
            knowledge_bite=bite, slug=f"case-{i}", title=f"Reflective case {i}", themes=themes[:2]
        )
        LearningPointFactory(case_study=case_study, theme=theme, text=f"Reflective learning {i}")
        LearningPointFactory(case_study=case_study, theme=themes[-1])
        for subject in (theme, case_study):
            record_amendment(subject=subject, note=f"Reflective change {i}.", by=None)


# Each bound includes the 9 queries every signed-in request makes here: session, user, roles,
# the request's savepoints and the session's activity stamp. A search finds the matches of every type
# in one query, then reads the hits of each type that has any; one that finds nothing reads the words
# of the content for a spelling suggestion in one more (tests/guidance/test_search_query_counts.py).
# Bite and theme pages include the queries of each related panel other apps register (case
# studies, checklists). Caching is off in tests: these are the costs of rendering the content.
PAGES = {
    "guidance home": (reverse("guidance:home"), 12),
    "knowledge bite": (reverse("guidance:bite", kwargs={"slug": "bite"}), 16),
    "theme": (reverse("guidance:theme", kwargs={"slug": "theme-0"}), 16),
    "resources library": (reverse("guidance:resources"), 13),
    "resources library filtered": (reverse("guidance:resources") + "?theme=theme-0&kind=service", 13),
    "resource": (reverse("guidance:resource", kwargs={"slug": "resource-x"}), 11),
    "search": (reverse("guidance:search") + "?q=reflective", 16),
    "search one type": (reverse("guidance:search") + "?q=reflective&type=practice-points", 10),
    "search without results": (reverse("guidance:search") + "?q=xylophone", 11),
    "case studies": (reverse("casestudies:list"), 12),
    "case study": (reverse("casestudies:detail", kwargs={"slug": "case-0"}), 12),
    "what's changed": (reverse("guidance:changes"), 11),
}


@pytest.mark.parametrize("size", [1, 50])
@pytest.mark.parametrize("page", list(PAGES))
def test_each_page_runs_a_fixed_number_of_queries(client_for, fca, django_assert_max_num_queries, size, page):
    build(size)
    url, bound = PAGES[page]
    if "resource-x" in url:
        url = Resource.objects.order_by("pk").first().get_absolute_url()
    client = client_for(fca)
    with django_assert_max_num_queries(bound):
        response = client.get(url)
    assert response.status_code == 200
