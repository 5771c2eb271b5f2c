"""The `related_checklists` tag that theme pages can use to offer the checklists linked to them."""

import pytest
from django.template import Context, Template

from checklists.models import ChecklistTemplate
from guidance.models import Theme

from .walkthrough_support import build_walkthrough_template

pytestmark = pytest.mark.django_db


def render(theme) -> str:
    return Template("{% load checklist_tags %}{% related_checklists theme %}").render(Context({"theme": theme}))


def test_it_lists_published_checklists_whose_steps_link_to_the_theme(guidance, walkthrough_template):
    walkthrough_template.steps.get(number=1).practice_points.add(guidance["practice_point"])
    html = render(guidance["theme"])
    assert "Start ‘New information: What? So What? Then What?’" in html
    assert walkthrough_template.get_start_url() in html
    assert html.count("<li>") == 1  # two of its steps link to the theme; it is listed once


def test_it_leaves_out_drafts_and_retired_versions(guidance):
    build_walkthrough_template(guidance, status=ChecklistTemplate.Status.RETIRED, version=1)
    build_walkthrough_template(guidance, slug="another", title="Another", status=ChecklistTemplate.Status.DRAFT)
    assert render(guidance["theme"]).strip() == ""


def test_it_shows_nothing_for_a_theme_no_checklist_links_to(guidance, walkthrough_template):
    other = Theme.objects.create(knowledge_bite=guidance["bite"], number=6, slug="leadership", title="Leadership")
    assert render(other).strip() == ""


def test_the_theme_page_shows_the_checklists_panel(client_for, fca, guidance, walkthrough_template):
    response = client_for(fca).get(guidance["theme"].get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="reflective-checklists"' in content
    assert "New information: What? So What? Then What?" in content
    assert walkthrough_template.get_start_url() in content


def test_the_bite_page_shows_the_checklists_panel(client_for, fca, guidance, walkthrough_template):
    content = client_for(fca).get(guidance["bite"].get_absolute_url()).content.decode()
    assert 'id="reflective-checklists"' in content and walkthrough_template.get_start_url() in content


def test_the_start_link_leads_to_the_case_details_page(client_for, fca, walkthrough_template):
    response = client_for(fca).get(walkthrough_template.get_start_url())
    assert response.status_code == 200
    assert b"About the case" in response.content
