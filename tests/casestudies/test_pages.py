"""Case study list and detail pages."""

import pytest
from django.urls import reverse

from tests.factories import CaseStudyFactory, KnowledgeBiteFactory, LearningPointFactory, ThemeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("casestudies:list")


def test_the_list_shows_each_case_study_with_its_review_and_themes(client_for, fca, loaded):
    html = client_for(fca).get(LIST).content.decode()
    assert 'href="/case-studies/alice-and-beth/">Alice and Beth</a>' in html
    assert 'href="/case-studies/child-y-annie/">Child Y (Annie)</a>' in html
    assert "Warwickshire Safeguarding Partnership" in html
    assert "published September 2020" in html
    assert 'href="/guidance/themes/critical-thinking-and-challenge/"' in html


def test_the_list_is_paginated(client_for, fca, db):
    bite = KnowledgeBiteFactory()
    for n in range(23):
        CaseStudyFactory(knowledge_bite=bite, title=f"Review {n:02}", order=n)
    client = client_for(fca)
    first, second = client.get(LIST), client.get(LIST, {"page": 2})
    assert len(first.context["case_studies"]) == 20
    assert len(second.context["case_studies"]) == 3
    assert 'href="?page=2" rel="next"' in first.content.decode()
    assert client.get(LIST, {"page": 3}).status_code == 404


def test_the_list_says_when_there_are_none(client_for, fca, db):
    assert "There are no case studies yet." in client_for(fca).get(LIST).content.decode()


def test_the_detail_page_tells_the_whole_case_study(client_for, fca, loaded):
    response = client_for(fca).get(reverse("casestudies:detail", kwargs={"slug": "alice-and-beth"}))
    assert response.status_code == 200
    html = response.content.decode()
    for text in [
        "Warwickshire Safeguarding Partnership",
        "Local child safeguarding practice review",
        "September 2020",
        'id="what-cafcass-knew">What Cafcass knew</h2>',
        "Restraining Order",
        'id="what-happened">What happened</h2>',
        "third party interference",
        'id="learning">Learning</h2>',
        '<li id="lp-keep-an-open-mind">',
        '<li id="lp-healthy-scepticism">',
        'id="sources">Sources</h2>',
        "Alice_and_Beth_SCR_-_Report.pdf",
        'href="/guidance/themes/critical-thinking-and-challenge/"',
        "Last reviewed",
        "Review due",
    ]:
        assert text in html, text


def test_a_case_study_without_a_publication_date_says_so(client_for, fca, loaded):
    html = client_for(fca).get(reverse("casestudies:detail", kwargs={"slug": "child-y-annie"})).content.decode()
    assert "Not given in the Knowledge Bite" in html
    assert "<blockquote" in html  # the overview report's analysis, quoted


def test_learning_points_link_to_their_theme(client_for, fca, db):
    theme = ThemeFactory(slug="sharing", title="Sharing information")
    case_study = CaseStudyFactory(knowledge_bite=theme.knowledge_bite, slug="case")
    LearningPointFactory(case_study=case_study, key="tell", text="Tell the new authority.", theme=theme)
    LearningPointFactory(case_study=case_study, key="no-theme", text="Record the rationale.")
    html = client_for(fca).get(case_study.get_absolute_url()).content.decode()
    assert '<li id="lp-tell">' in html and '<li id="lp-no-theme">' in html
    assert 'Theme: <a class="govuk-link" href="/guidance/themes/sharing/">' in html


def test_a_case_study_of_a_draft_bite_is_hidden_from_fcas(client_for, fca, supervisor, editor, db):
    case_study = CaseStudyFactory(knowledge_bite=KnowledgeBiteFactory(status="draft"), slug="draft-case")
    assert client_for(fca).get(case_study.get_absolute_url()).status_code == 404
    assert client_for(supervisor).get(case_study.get_absolute_url()).status_code == 404
    assert client_for(editor).get(case_study.get_absolute_url()).status_code == 200
    assert "draft-case" not in client_for(fca).get(LIST).content.decode()
    assert "draft-case" in client_for(editor).get(LIST).content.decode()


def test_a_stored_script_in_a_case_study_is_not_rendered(client_for, fca, db):
    case_study = CaseStudyFactory(what_happened="<script>alert(1)</script> Then **this**.", slug="xss")
    LearningPointFactory(case_study=case_study, text="<iframe src=x></iframe> learn")
    html = client_for(fca).get(case_study.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html and "<iframe" not in html
    assert "<strong>this</strong>" in html
