"""Editors curate guidance and case studies in admin."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from casestudies.models import CaseStudy, LearningPoint
from guidance.models import KeyFact, KnowledgeBite, PracticePoint, Resource, Section, Theme
from tests.factories import CaseStudyFactory, KnowledgeBiteFactory, LearningPointFactory, PracticePointFactory

pytestmark = pytest.mark.django_db

MODELS = [KnowledgeBite, Section, Theme, PracticePoint, KeyFact, Resource, CaseStudy, LearningPoint]


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_an_editor_can_list_search_and_add_each_kind_of_content(client_for, editor, loaded, model):
    client = client_for(editor)
    assert client.get(admin_url(model, "changelist")).status_code == 200
    assert client.get(admin_url(model, "changelist"), {"q": "abuse"}).status_code == 200
    assert client.get(admin_url(model, "add")).status_code == 200
    obj = model.objects.first()
    response = client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    content_type = ContentType.objects.get_for_model(model)
    assert reverse("admin:view_on_site", args=[content_type.pk, obj.pk]) in response.content.decode()


def test_view_on_site_takes_the_editor_to_the_page(client_for, editor, loaded):
    point = PracticePoint.objects.get(key="what-so-what-then-what")
    content_type = ContentType.objects.get_for_model(PracticePoint)
    response = client_for(editor).get(reverse("admin:view_on_site", args=[content_type.pk, point.pk]))
    assert response.status_code == 302
    assert response["Location"].endswith("/guidance/themes/changing-risk-and-need/#pp-what-so-what-then-what")


def test_practice_points_are_edited_inside_their_theme(client_for, editor, loaded):
    theme = Theme.objects.get(number=2)
    html = client_for(editor).get(admin_url(Theme, "change", theme.pk)).content.decode()
    assert 'name="practice_points-TOTAL_FORMS"' in html
    assert "non-engagement-questions" in html


def test_learning_points_are_edited_inside_their_case_study(client_for, editor, loaded):
    case_study = CaseStudy.objects.get(slug="alice-and-beth")
    html = client_for(editor).get(admin_url(CaseStudy, "change", case_study.pk)).content.decode()
    assert 'name="learning_points-TOTAL_FORMS"' in html
    assert "keep-an-open-mind" in html


def test_an_editor_changes_a_practice_point_and_fcas_see_it(client_for, editor, fca):
    point = PracticePointFactory(title="Before", key="before")
    client = client_for(editor)
    response = client.post(
        admin_url(PracticePoint, "change", point.pk),
        {"theme": point.theme.pk, "title": "After editing", "key": "before", "order": 0, "body": "New **body**."},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.title == "After editing"
    html = client_for(fca).get(point.theme.get_absolute_url()).content.decode()
    assert "After editing" in html and "<strong>body</strong>" in html


def test_an_editor_publishes_a_draft_bite_with_an_action(client_for, editor):
    bite = KnowledgeBiteFactory(status="draft")
    response = client_for(editor).post(
        admin_url(KnowledgeBite, "changelist"), {"action": "publish", "_selected_action": [bite.pk]}
    )
    assert response.status_code == 302
    bite.refresh_from_db()
    assert bite.status == KnowledgeBite.Status.PUBLISHED


def test_the_list_filters_work(client_for, editor, loaded):
    client = client_for(editor)
    response = client.get(admin_url(Resource, "changelist"), {"availability__exact": "coming_soon"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 3
    response = client.get(admin_url(KnowledgeBite, "changelist"), {"status__exact": "draft"})
    assert response.context["cl"].result_count == 0


def test_a_reserved_bite_slug_is_refused_in_admin(client_for, editor):
    response = client_for(editor).post(
        admin_url(KnowledgeBite, "add"),
        {
            "title": "Search",
            "slug": "search",
            "status": "draft",
            "source_report": "Report",
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
            "themes-TOTAL_FORMS": 0,
            "themes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "is the address of another guidance page" in response.content.decode()
    assert not KnowledgeBite.objects.filter(slug="search").exists()


@pytest.mark.parametrize("persona", ["fca", "supervisor"])
def test_people_who_are_not_editors_cannot_curate(client_for, request, persona):
    case_study = CaseStudyFactory()
    LearningPointFactory(case_study=case_study)
    client = client_for(request.getfixturevalue(persona))
    for model in MODELS:
        response = client.get(admin_url(model, "changelist"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
