"""Template versions in admin: a used version is frozen; the next version copies it; publishing retires the old."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from checklists.models import Checklist, ChecklistTemplate, Prompt, Question, Step
from checklists.services import create_next_version, publish_template
from tests.factories import AnswerFactory, ChecklistFactory, ChecklistTemplateFactory

from .walkthrough_support import build_walkthrough_template

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:checklists_checklisttemplate_changelist")


def change_url(obj) -> str:
    return reverse(f"admin:checklists_{obj._meta.model_name}_change", args=[obj.pk])


@pytest.fixture
def used(walkthrough_template, fca):
    ChecklistFactory(template=walkthrough_template, author=fca)
    return walkthrough_template


def test_an_editor_can_change_an_unused_version(client_for, editor, walkthrough_template):
    client = client_for(editor)
    content = client.get(change_url(walkthrough_template)).content.decode()
    assert 'name="title"' in content and "Not used yet" in content
    assert 'name="steps-0-title"' in content
    question = walkthrough_template.questions.get(key="what-happened")
    response = client.post(
        change_url(question),
        {
            "template": walkthrough_template.pk,
            "step": question.step_id,
            "order": 1,
            "key": "what-happened",
            "text": "What exactly is the new information?",
            "help_text": "",
            "kind": "long_text",
            "choices": "[]",
            "required": "on",
            "max_length": 2000,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.text == "What exactly is the new information?"


def test_a_used_versions_wording_is_read_only_in_admin(client_for, editor, used):
    client = client_for(editor)
    content = client.get(change_url(used)).content.decode()
    assert 'name="title"' not in content  # shown, not editable
    assert "Used by 1 checklist" in content and "Create the next version" in content
    assert 'name="steps-0-title"' not in content  # the steps are read-only too
    before = used.title
    # Only its position may change (tests/checklists/test_template_order.py); posted wording is ignored.
    response = client.post(change_url(used), {"title": "Changed", "slug": "changed", "version": 9, "position": 0})
    assert response.status_code == 200  # shown again: the inlines' management forms were not sent
    used.refresh_from_db()
    assert (used.title, used.slug, used.version) == (before, "what-so-what-then-what", 1)


@pytest.mark.parametrize("model", [Step, Question, Prompt])
def test_a_used_versions_steps_questions_and_prompts_cannot_be_changed_or_deleted(client_for, editor, used, model):
    obj = model.objects.filter(template=used).first()
    client = client_for(editor)
    response = client.get(change_url(obj))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="title"' not in content and 'name="text"' not in content and 'name="_save"' not in content
    assert client.post(change_url(obj), {"title": "Changed", "text": "Changed"}).status_code == 403
    delete_url = reverse(f"admin:checklists_{model._meta.model_name}_delete", args=[obj.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_question_cannot_be_added_to_a_used_version(client_for, editor, used):
    step = used.steps.first()
    response = client_for(editor).post(
        reverse("admin:checklists_question_add"),
        {
            "template": used.pk,
            "step": step.pk,
            "order": 9,
            "key": "sneaky",
            "text": "A new question?",
            "kind": "long_text",
            "choices": "[]",
            "max_length": 100,
        },
    )
    assert response.status_code == 200  # the form is shown again with an error
    assert not used.questions.filter(key="sneaky").exists()


def test_the_model_check_refuses_changes_to_a_used_version(used):
    question = used.questions.first()
    question.text = "Reworded"
    with pytest.raises(ValidationError, match="in use by checklists"):
        question.full_clean()
    used.title = "Reworded"
    with pytest.raises(ValidationError, match="in use by checklists"):
        used.full_clean()
    step = Step(template=used, number=9, title="A new step")
    with pytest.raises(ValidationError):
        step.full_clean()


def test_an_unused_version_passes_the_model_check(walkthrough_template):
    question = walkthrough_template.questions.first()
    question.text = "Reworded"
    question.full_clean()


def test_the_next_version_action_copies_everything_as_a_draft(client_for, editor, used):
    response = client_for(editor).post(
        CHANGELIST, {"action": "make_next_version", "_selected_action": [used.pk]}, follow=True
    )
    assert response.status_code == 200
    copy = ChecklistTemplate.objects.get(slug=used.slug, version=2)
    assert b"as a draft" in response.content
    assert copy.status == ChecklistTemplate.Status.DRAFT and copy.title == used.title
    assert not copy.is_frozen

    def shape(template):
        return {
            "steps": [
                (
                    s.number,
                    s.title,
                    s.intro,
                    sorted(s.practice_points.values_list("pk", flat=True)),
                    sorted(s.key_facts.values_list("pk", flat=True)),
                    sorted(s.learning_points.values_list("pk", flat=True)),
                )
                for s in template.steps.order_by("number")
            ],
            "questions": sorted(
                (q.key, q.step.number, q.order, q.text, q.help_text, q.kind, q.required, q.max_length, str(q.choices))
                for q in template.questions.all()
            ),
            "prompts": sorted(
                (p.key, p.show_on_step.number, p.question.key, p.title, p.body, p.key_fact_id, p.practice_point_id)
                + (tuple(p.any_of), p.min_matches)
                for p in template.prompts.all()
            ),
        }

    assert shape(copy) == shape(used)
    # The copy's prompts and questions belong to the copy.
    assert set(copy.prompts.values_list("question__template", flat=True)) == {copy.pk}
    assert set(copy.questions.values_list("step__template", flat=True)) == {copy.pk}


def test_publishing_a_version_retires_the_previous_one(client_for, editor, used):
    draft = create_next_version(template=used)
    response = client_for(editor).post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True)
    assert b"Version 1 is now retired" in response.content
    used.refresh_from_db()
    draft.refresh_from_db()
    assert used.status == ChecklistTemplate.Status.RETIRED
    assert draft.status == ChecklistTemplate.Status.PUBLISHED and draft.published_at
    # Checklists started from version 1 keep pointing at its wording.
    assert Checklist.objects.get().template == used


def test_publishing_two_versions_of_one_checklist_at_once_is_refused(client_for, editor, used):
    draft = create_next_version(template=used)
    response = client_for(editor).post(
        CHANGELIST, {"action": "publish", "_selected_action": [used.pk, draft.pk]}, follow=True
    )
    assert b"Choose only one version of each checklist to publish" in response.content
    draft.refresh_from_db()
    assert draft.status == ChecklistTemplate.Status.DRAFT


def test_an_empty_version_cannot_be_published(editor):
    empty = ChecklistTemplateFactory(status=ChecklistTemplate.Status.DRAFT)
    with pytest.raises(Exception, match="no steps or questions"):
        publish_template(template=empty)


def test_retiring_stops_new_checklists_but_old_ones_carry_on(client_for, editor, fca, used):
    client_for(editor).post(CHANGELIST, {"action": "retire", "_selected_action": [used.pk]})
    used.refresh_from_db()
    assert used.status == ChecklistTemplate.Status.RETIRED
    client = client_for(fca)
    assert used.title.encode() not in client.get(reverse("checklists:start")).content
    checklist = Checklist.objects.get()
    assert client.get(reverse("checklists:step", kwargs={"pk": checklist.pk, "number": 1})).status_code == 200


def test_editors_cannot_see_or_change_checklists_in_admin(client_for, editor, fca, walkthrough_template):
    checklist = ChecklistFactory(template=walkthrough_template, author=fca)
    client = client_for(editor)
    assert client.get(reverse("admin:checklists_checklist_changelist")).status_code == 404
    assert client.get(reverse("admin:checklists_checklist_change", args=[checklist.pk])).status_code == 404
    assert b"checklists/checklist/" not in client.get(reverse("admin:index")).content


def test_superusers_can_only_read_checklists_in_admin(client_for, superuser, fca, walkthrough_template):
    checklist = ChecklistFactory(template=walkthrough_template, author=fca, title="Original title")
    AnswerFactory(checklist=checklist, question=walkthrough_template.questions.first(), value="An answer")
    client = client_for(superuser)
    response = client.get(reverse("admin:checklists_checklist_change", args=[checklist.pk]))
    assert response.status_code == 200 and b"An answer" in response.content
    assert (
        client.post(reverse("admin:checklists_checklist_change", args=[checklist.pk]), {"title": "Changed"}).status_code
        == 403
    )
    assert (
        client.post(reverse("admin:checklists_checklist_delete", args=[checklist.pk]), {"post": "yes"}).status_code
        == 403
    )
    checklist.refresh_from_db()
    assert checklist.title == "Original title"


def test_a_second_template_in_the_guidance_fixture_is_independent(guidance, walkthrough_template):
    other = build_walkthrough_template(guidance, slug="another", title="Another")
    assert set(other.questions.values_list("key", flat=True)) == set(
        walkthrough_template.questions.values_list("key", flat=True)
    )
    assert not other.is_frozen


def test_an_editor_marks_a_question_of_a_new_version_as_an_action_question(client_for, editor, used):
    client = client_for(editor)
    draft = create_next_version(template=used)
    question = draft.questions.get(key="what-happened")
    page = client.get(change_url(question)).content.decode()
    assert 'name="collects_actions"' in page
    response = client.post(
        change_url(question),
        {
            "template": draft.pk,
            "step": question.step_id,
            "order": question.order,
            "key": question.key,
            "text": question.text,
            "help_text": question.help_text,
            "kind": question.kind,
            "choices": "[]",
            "required": "on" if question.required else "",
            "max_length": question.max_length,
            "collects_actions": "on",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.collects_actions
    # The version in use keeps its question as it was; the template page lists which questions take actions.
    assert not used.questions.get(key="what-happened").collects_actions
    assert "Collects actions" in client.get(change_url(draft)).content.decode()
    listed = client.get(reverse("admin:checklists_question_changelist"), {"collects_actions__exact": "1"})
    assert list(listed.context["cl"].result_list) == [question]


def test_the_next_version_keeps_action_questions(used):
    used.questions.filter(key="what-happened").update(collects_actions=True)
    copy = create_next_version(template=used)
    assert list(copy.questions.filter(collects_actions=True).values_list("key", flat=True)) == ["what-happened"]


def test_a_used_versions_question_cannot_be_made_an_action_question(client_for, editor, used):
    question = used.questions.get(key="what-happened")
    response = client_for(editor).post(change_url(question), {"collects_actions": "on", "text": question.text})
    assert response.status_code == 403
    question.refresh_from_db()
    assert not question.collects_actions
