"""Case-study pages come from the guidance cache, and writing a case study retires what shows it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from casestudies.models import CaseStudy
from tests.factories import CaseStudyFactory, KnowledgeBiteFactory, LearningPointFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:list")


@pytest.fixture
def case_study():
    theme = ThemeFactory(slug="critical-thinking", title="Critical thinking")
    case_study = CaseStudyFactory(knowledge_bite=theme.knowledge_bite, slug="alice", title="Alice and Beth")
    LearningPointFactory(case_study=case_study, key="open-mind", text="Keep an open mind.", theme=theme)
    return case_study


def case_study_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries.captured_queries if '"casestudies_' in query["sql"]]


def test_the_list_and_the_page_are_read_from_the_cache(caching, case_study, client_for, fca):
    client = client_for(fca)
    for url in [LIST, case_study.get_absolute_url(), LIST + "?page=1"]:
        assert case_study_queries(client, url)
        assert case_study_queries(client, url) == []


def test_editing_learning_shows_on_the_case_study_and_its_theme(caching, case_study, client_for, fca):
    client = client_for(fca)
    theme_url = reverse("guidance:theme", kwargs={"slug": "critical-thinking"})
    for url in [case_study.get_absolute_url(), theme_url]:
        assert "Keep an open mind." in client.get(url).content.decode()
    point = case_study.learning_points.get()
    point.text = "Keep a curious mind."
    point.save()
    for url in [case_study.get_absolute_url(), theme_url]:
        assert "Keep a curious mind." in client.get(url).content.decode(), url


def test_linking_a_case_study_to_a_theme_shows_it_on_the_theme_page(caching, case_study, client_for, fca):
    other = ThemeFactory(knowledge_bite=case_study.knowledge_bite, slug="changing-risk", title="Changing risk")
    client = client_for(fca)
    assert "Alice and Beth" not in client.get(other.get_absolute_url()).content.decode()
    case_study.themes.add(other)
    assert "Alice and Beth" in client.get(other.get_absolute_url()).content.decode()


def test_a_deleted_case_study_leaves_the_list_and_its_page(caching, case_study, client_for, fca):
    client = client_for(fca)
    assert "Alice and Beth" in client.get(LIST).content.decode()
    client.get(case_study.get_absolute_url())
    CaseStudy.objects.filter(pk=case_study.pk).delete()
    assert "Alice and Beth" not in client.get(LIST).content.decode()
    assert client.get(case_study.get_absolute_url()).status_code == 404


def test_a_draft_case_study_an_editor_has_seen_stays_hidden_from_fcas(caching, client_for, editor, fca):
    draft = CaseStudyFactory(knowledge_bite=KnowledgeBiteFactory(status="draft"), slug="draft-case", title="Drafted")
    as_editor = client_for(editor)
    assert as_editor.get(draft.get_absolute_url()).status_code == 200
    assert "Drafted" in as_editor.get(LIST).content.decode()
    as_fca = client_for(fca)
    assert as_fca.get(draft.get_absolute_url()).status_code == 404
    assert "Drafted" not in as_fca.get(LIST).content.decode()
