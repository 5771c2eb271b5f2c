"""Guidance pages: who may see them, drafts, sanitised Markdown, and what each page shows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from guidance.models import KnowledgeBite, Resource
from tests.factories import (
    CaseStudyFactory,
    KeyFactFactory,
    KnowledgeBiteFactory,
    PracticePointFactory,
    ResourceFactory,
    SectionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    bite = KnowledgeBiteFactory(slug="annual-report", title="Annual report bite")
    section = SectionFactory(knowledge_bite=bite, slug="the-panel", title="The Panel")
    theme = ThemeFactory(knowledge_bite=bite, number=1, slug="daily-life", title="Daily life")
    PracticePointFactory(theme=theme, key="voice", title="Hear the child")
    resource = ResourceFactory(knowledge_bite=bite, slug="wheel", title="Diversity Wheel", themes=[theme])
    case_study = CaseStudyFactory(knowledge_bite=bite, slug="alice", title="Alice", themes=[theme])
    return {"bite": bite, "section": section, "theme": theme, "resource": resource, "case_study": case_study}


def urls(content):
    return [
        reverse("guidance:home"),
        reverse("guidance:bite", kwargs={"slug": "annual-report"}),
        reverse("guidance:theme", kwargs={"slug": "daily-life"}),
        reverse("guidance:resources"),
        reverse("guidance:resource", kwargs={"slug": "wheel"}),
        reverse("guidance:search"),
        reverse("guidance:search") + "?q=child",
        reverse("casestudies:list"),
        reverse("casestudies:detail", kwargs={"slug": "alice"}),
        reverse("guidance:changes"),
    ]


# --- Permission ladder --------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in_from_every_page(client, content):
    for url in urls(content):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("login") + "?next=" + url.replace("?", "%3F").replace("=", "%3D")


@pytest.mark.parametrize("persona", ["fca", "supervisor", "editor", "superuser"])
def test_every_signed_in_role_can_read_every_page(request, client_for, content, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in urls(content):
        assert client.get(url).status_code == 200, url


def test_an_unknown_page_is_not_found(client_for, fca, content):
    client = client_for(fca)
    for url in [
        reverse("guidance:bite", kwargs={"slug": "nope"}),
        reverse("guidance:theme", kwargs={"slug": "nope"}),
        reverse("guidance:resource", kwargs={"slug": "nope"}),
        reverse("casestudies:detail", kwargs={"slug": "nope"}),
    ]:
        assert client.get(url).status_code == 404, url


# --- Drafts -------------------------------------------------------------------------------------


@pytest.fixture
def draft(content):
    bite = content["bite"]
    bite.status = KnowledgeBite.Status.DRAFT
    bite.save()
    return content


def test_an_fca_cannot_open_any_page_of_a_draft_bite(client_for, fca, draft):
    client = client_for(fca)
    for url in urls(draft)[1:3] + [urls(draft)[4], urls(draft)[8]]:
        assert client.get(url).status_code == 404, url


def test_an_editor_previews_a_draft_with_a_warning(client_for, editor, draft):
    client = client_for(editor)
    for url in urls(draft)[1:3] + [urls(draft)[4], urls(draft)[8]]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "This Knowledge Bite is a draft. Only content editors can see it." in response.content.decode()


def test_drafts_are_left_out_of_lists_for_fcas_but_not_editors(client_for, fca, editor, draft):
    for url, text in [
        (reverse("guidance:home"), "Annual report bite"),
        (reverse("guidance:resources"), "Diversity Wheel"),
        (reverse("casestudies:list"), "Alice"),
        (reverse("guidance:search") + "?q=daily", 'href="/guidance/themes/daily-life/"'),
        (reverse("guidance:search") + "?q=wheel", 'href="/guidance/resources/wheel/"'),
    ]:
        assert text not in client_for(fca).get(url).content.decode(), url
        assert text in client_for(editor).get(url).content.decode(), url


def test_a_published_bite_shows_no_draft_warning(client_for, fca, content):
    response = client_for(fca).get(urls(content)[1])
    assert "is a draft" not in response.content.decode()


# --- Sanitised Markdown -------------------------------------------------------------------------


def test_an_editors_script_never_reaches_the_theme_page(client_for, fca, content):
    point = PracticePointFactory(
        theme=content["theme"],
        title="Careful",
        body='<script>alert("x")</script>\n\n[click](javascript:alert(1)) <img src=x onerror=alert(1)> **bold**',
    )
    point.refresh_from_db()
    assert "<script>" in point.body  # stored as typed
    html = client_for(fca).get(urls(content)[2]).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html
    assert "<strong>bold</strong>" in html


def test_markdown_is_rendered_with_govuk_classes(client_for, fca, content):
    theme = content["theme"]
    theme.key_messages = "First message.\n\n- one\n- two"
    theme.save()
    html = client_for(fca).get(urls(content)[2]).content.decode()
    assert '<p class="govuk-body">First message.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html


# --- Guidance home ------------------------------------------------------------------------------


def test_the_home_page_lists_bites_with_their_themes_and_links_onwards(client_for, fca, content):
    html = client_for(fca).get(reverse("guidance:home")).content.decode()
    assert 'href="/guidance/annual-report/"' in html
    assert 'href="/guidance/themes/daily-life/"' in html
    assert 'href="/guidance/resources/"' in html
    assert 'href="/case-studies/"' in html


def test_the_home_page_says_when_there_is_nothing_yet(client_for, fca, editor, db):
    assert "There are no Knowledge Bites yet." in client_for(fca).get(reverse("guidance:home")).content.decode()
    assert "Add a Knowledge Bite" not in client_for(fca).get(reverse("guidance:home")).content.decode()
    assert "Add a Knowledge Bite" in client_for(editor).get(reverse("guidance:home")).content.decode()


def test_the_home_page_is_paginated(client_for, fca, db):
    for n in range(12):
        KnowledgeBiteFactory(source_published=datetime.date(2020, 1, 1) + datetime.timedelta(days=n))
    client = client_for(fca)
    first = client.get(reverse("guidance:home")).content.decode()
    second = client.get(reverse("guidance:home") + "?page=2").content.decode()
    assert first.count('class="govuk-heading-l" id="bite-') == 10
    assert second.count('class="govuk-heading-l" id="bite-') == 2
    assert client.get(reverse("guidance:home") + "?page=9").status_code == 404


# --- Knowledge Bite page ------------------------------------------------------------------------


def test_the_bite_page_charts_each_group_of_figures_with_a_table(client_for, fca, content):
    bite = content["bite"]
    KeyFactFactory(knowledge_bite=bite, key="all", group="Notifications", label="All", value=482, unit="incidents")
    KeyFactFactory(
        knowledge_bite=bite, key="deaths", group="Notifications", label="Deaths", value=206, unit="incidents"
    )
    KeyFactFactory(knowledge_bite=bite, key="da", group="Factors (%)", label="Domestic abuse", value=Decimal("42.6"))
    html = client_for(fca).get(bite.get_absolute_url()).content.decode()
    # Counts are scaled to the largest in their group; percentages drawn at their own value.
    assert '<div class="app-bar-chart__row" id="fact-all">' in html
    assert "app-bar-chart__bar--w100" in html
    assert "app-bar-chart__bar--w43" in html  # 206 / 482
    assert html.count('class="app-bar-chart__track" aria-hidden="true"') == 3
    assert html.count('<table class="govuk-table app-figure-table">') == 2
    assert "Notifications: the figures and what they count</caption>" in html
    assert '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Value</th>' in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric app-figure-value">42.6%</td>' in html
    assert '<dd class="app-bar-chart__value">482 incidents</dd>' in html


def test_the_bite_page_shows_sections_with_anchors_and_review_dates(client_for, fca, content):
    html = client_for(fca).get(content["bite"].get_absolute_url()).content.decode()
    assert 'id="the-panel">The Panel</h2>' in html
    assert 'href="#the-panel"' in html
    assert "Last reviewed" in html and "1 June 2021" in html
    assert "Review due" in html and "1 June 2099" in html
    assert "Review overdue" not in html
    assert 'href="/case-studies/alice/"' in html


def test_an_overdue_review_is_flagged(client_for, fca, content):
    bite = content["bite"]
    bite.review_due = datetime.date(2020, 1, 1)
    bite.save()
    assert "Review overdue" in client_for(fca).get(bite.get_absolute_url()).content.decode()


def test_the_bite_page_lists_services_and_further_reading(client_for, fca, content):
    bite = content["bite"]
    ResourceFactory(knowledge_bite=bite, title="Psychology Service", kind=Resource.Kind.SERVICE)
    ResourceFactory(
        knowledge_bite=bite,
        title="Working Together",
        kind=Resource.Kind.FURTHER_READING,
        url="https://www.gov.uk/working-together",
        availability=Resource.Availability.AVAILABLE,
    )
    html = client_for(fca).get(bite.get_absolute_url()).content.decode()
    assert 'id="support-services"' in html and "Psychology Service" in html
    assert 'id="further-reading"' in html
    assert 'href="https://www.gov.uk/working-together"' in html
    assert 'href="/guidance/resources/?kind=elearning">eLearning</a> (1)' in html


def test_editors_get_an_edit_link_and_fcas_do_not(client_for, fca, editor, content):
    url = content["bite"].get_absolute_url()
    edit = reverse("admin:guidance_knowledgebite_change", args=[content["bite"].pk])
    assert edit not in client_for(fca).get(url).content.decode()
    assert edit in client_for(editor).get(url).content.decode()


# --- Theme page ---------------------------------------------------------------------------------


def test_the_theme_page_shows_everything_about_the_theme(client_for, fca, content):
    theme = content["theme"]
    KeyFactFactory(knowledge_bite=content["bite"], theme=theme, label="Suicide", value=20, note="Of all incidents.")
    html = client_for(fca).get(theme.get_absolute_url()).content.decode()
    assert 'id="key-messages"' in html and "The key messages." in html
    assert 'id="why-it-matters"' in html and "Why it matters for FCAs." in html
    assert '<div class="app-practice-point" id="pp-voice">' in html and "Hear the child" in html
    assert '<th scope="row" class="govuk-table__header">Suicide</th>' in html and ">20%<" in html
    assert "Diversity Wheel" in html
    assert 'href="/case-studies/alice/"' in html
    assert "Last reviewed" in html and "Review due" in html


def test_the_theme_page_never_links_internal_or_coming_soon_resources(client_for, fca, content):
    theme = content["theme"]
    ResourceFactory(title="On the intranet", url="https://intranet.invalid/x", availability="internal", themes=[theme])
    ResourceFactory(title="Not yet", url="https://example.com/soon", availability="coming_soon", themes=[theme])
    ResourceFactory(title="Public", url="https://example.com/public", availability="available", themes=[theme])
    html = client_for(fca).get(theme.get_absolute_url()).content.decode()
    assert "https://intranet.invalid/x" not in html
    assert "https://example.com/soon" not in html
    assert 'href="https://example.com/public"' in html
    assert '<strong class="govuk-tag govuk-tag--light-blue app-tag--phrase">Cafcass intranet only</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--grey">Coming soon</strong>' in html


def test_the_theme_page_links_to_its_neighbours(client_for, fca, content):
    ThemeFactory(knowledge_bite=content["bite"], number=2, slug="second", title="Second theme")
    html = client_for(fca).get(content["theme"].get_absolute_url()).content.decode()
    assert 'href="/guidance/themes/second/" rel="next"' in html
    assert 'rel="prev"' not in html


def test_the_theme_page_shows_case_study_learning_tied_to_it(client_for, fca, content):
    from tests.factories import LearningPointFactory

    other = CaseStudyFactory(knowledge_bite=content["bite"], slug="annie", title="Annie")
    LearningPointFactory(
        case_study=other, key="fathers", text="Explore the histories of fathers.", theme=content["theme"]
    )
    html = client_for(fca).get(content["theme"].get_absolute_url()).content.decode()
    assert 'href="/case-studies/annie/#lp-fathers"' in html
    assert "Explore the histories of fathers." in html


def test_the_theme_page_says_when_it_has_no_practice_points_or_resources(client_for, fca, db):
    theme = ThemeFactory(slug="empty")
    html = client_for(fca).get(theme.get_absolute_url()).content.decode()
    assert "There are no practice points for this theme yet." in html
    assert "There are no resources for this theme yet." in html


# --- Resource page ------------------------------------------------------------------------------


def test_the_resource_page_shows_where_to_find_it(client_for, fca, content):
    html = client_for(fca).get(content["resource"].get_absolute_url()).content.decode()
    assert "Cafcass intranet only" in html
    assert 'href="/guidance/themes/daily-life/"' in html
    assert 'href="/guidance/annual-report/"' in html


def test_a_bite_cannot_take_the_address_of_another_page(db):
    from django.core.exceptions import ValidationError

    bite = KnowledgeBiteFactory.build(slug="search")
    with pytest.raises(ValidationError):
        bite.full_clean()
