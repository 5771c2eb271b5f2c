"""Case-study pages come from the guidance cache, and writing a case study retires what shows it."""

import pytest
from django.urls import reverse

from casestudies.models import CaseStudy, LearningPoint
from guidance.cache import bump_version
from tests.factories import CaseStudyFactory, KnowledgeBiteFactory, LearningPointFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:list")


@pytest.fixture
def case_study():
    theme = ThemeFactory(slug="critical-thinking", title="Critical thinking")
    case_study = CaseStudyFactory(knowledge_bite=theme.knowledge_bite, slug="alice", title="Alice and Beth")
    LearningPointFactory(case_study=case_study, key="open-mind", text="Keep an open mind.", theme=theme)
    return case_study


def main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


@pytest.mark.parametrize("url", [LIST, reverse("casestudies:detail", kwargs={"slug": "alice"}), LIST + "?page=1"])
def test_it_serves_the_list_and_the_page_from_the_cache_until_the_version_moves_on(case_study, client_for, fca, url):
    client = client_for(fca)
    assert "Alice and Beth" in main(client.get(url))
    CaseStudy.objects.filter(pk=case_study.pk).update(title="Alice and Carol")  # no signal, so no bump
    assert CaseStudy.objects.get(pk=case_study.pk).title == "Alice and Carol"
    assert "Alice and Beth" in main(client.get(url))
    bump_version()
    html = main(client.get(url))
    assert "Alice and Carol" in html and "Alice and Beth" not in html


def test_it_shows_edited_learning_on_the_case_study_and_its_theme(case_study, client_for, fca):
    client = client_for(fca)
    theme_url = reverse("guidance:theme", kwargs={"slug": "critical-thinking"})
    for url in [case_study.get_absolute_url(), theme_url]:
        assert "Keep an open mind." in main(client.get(url))
    point = case_study.learning_points.get()
    point.text = "Keep a curious mind."
    point.save()
    assert LearningPoint.objects.get(pk=point.pk).text == "Keep a curious mind."
    for url in [case_study.get_absolute_url(), theme_url]:
        html = main(client.get(url))
        assert "Keep a curious mind." in html and "Keep an open mind." not in html, url


def test_it_shows_a_case_study_linked_to_a_theme_on_the_theme_page(case_study, client_for, fca):
    other = ThemeFactory(knowledge_bite=case_study.knowledge_bite, slug="changing-risk", title="Changing risk")
    client = client_for(fca)
    assert "Alice and Beth" not in main(client.get(other.get_absolute_url()))
    case_study.themes.add(other)
    assert case_study.themes.filter(pk=other.pk).exists()
    assert "Alice and Beth" in main(client.get(other.get_absolute_url()))


def test_it_takes_a_deleted_case_study_off_the_list_and_its_page(case_study, client_for, fca):
    client = client_for(fca)
    assert "Alice and Beth" in main(client.get(LIST))
    client.get(case_study.get_absolute_url())
    CaseStudy.objects.filter(pk=case_study.pk).delete()
    assert not CaseStudy.objects.filter(pk=case_study.pk).exists()
    assert "Alice and Beth" not in main(client.get(LIST))
    assert client.get(case_study.get_absolute_url()).status_code == 404


def test_it_keeps_a_draft_case_study_an_editor_has_seen_hidden_from_fcas(client_for, editor, fca):
    draft = CaseStudyFactory(knowledge_bite=KnowledgeBiteFactory(status="draft"), slug="draft-case", title="Drafted")
    as_editor = client_for(editor)
    assert as_editor.get(draft.get_absolute_url()).status_code == 200
    assert "Drafted" in main(as_editor.get(LIST))
    as_fca = client_for(fca)
    assert as_fca.get(draft.get_absolute_url()).status_code == 404
    assert "Drafted" not in main(as_fca.get(LIST))
    as_editor = client_for(editor)
    assert "Drafted" in main(as_editor.get(draft.get_absolute_url()))
    assert "Drafted" in main(as_editor.get(LIST))
