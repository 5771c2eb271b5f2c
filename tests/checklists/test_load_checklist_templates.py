"""load_checklist_templates: idempotent, resolves guidance references, never changes a version in use."""

import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from checklists.models import ChecklistTemplate, Prompt, Question, Step
from guidance.models import KeyFact
from tests.factories import ChecklistFactory

pytestmark = pytest.mark.django_db


def small_template(**overrides) -> dict:
    template = {
        "slug": "small",
        "version": 1,
        "title": "A small checklist",
        "summary": "For testing.",
        "steps": [
            {
                "number": 1,
                "title": "What?",
                "intro": "Say what happened.",
                "guidance": {
                    "practice_points": ["4/interacting-risks"],
                    "key_facts": ["da-substance-misuse"],
                    "learning_points": ["child-y-annie/previous-histories-of-fathers"],
                },
                "questions": [
                    {"key": "what", "text": "What happened?", "kind": "long_text", "required": True},
                    {
                        "key": "risks",
                        "text": "Which risks?",
                        "kind": "multiple_choice",
                        "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
                    },
                ],
            },
            {"number": 2, "title": "So what?", "questions": [{"key": "safe", "text": "Safe?", "kind": "yes_no"}]},
        ],
        "prompts": [
            {
                "key": "both",
                "show_on_step": 2,
                "title": "Both risks",
                "body": "They interact.",
                "key_fact": "da-substance-misuse",
                "practice_point": "4/interacting-risks",
                "when": {"question": "risks", "any_of": ["a", "b"], "min_matches": 2},
            }
        ],
    }
    template.update(overrides)
    return template


def load(tmp_path, *templates) -> tuple[str, str]:
    path = tmp_path / "templates.yaml"
    path.write_text(yaml.safe_dump({"templates": list(templates)}))
    out, err = io.StringIO(), io.StringIO()
    call_command("load_checklist_templates", file=path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_loads_the_real_templates_after_the_knowledge_bite():
    call_command("load_knowledge_bite", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_checklist_templates", stdout=out)
    assert "6 created" in out.getvalue()
    published = ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)
    assert set(published.values_list("slug", flat=True)) == {
        "what-so-what-then-what",
        "non-engagement",
        "sharing-information",
        "pivotal-moment",
    }
    prompt = Prompt.objects.get(
        template__in=published, template__slug="what-so-what-then-what", key="interacting-risks"
    )
    assert prompt.key_fact.display_value == "24%"
    assert prompt.min_matches == 2
    assert Step.objects.filter(practice_points__isnull=False).exists()

    counts = (ChecklistTemplate.objects.count(), Step.objects.count(), Question.objects.count(), Prompt.objects.count())
    out = io.StringIO()
    call_command("load_checklist_templates", stdout=out)
    assert "0 created, 0 updated, 6 unchanged" in out.getvalue()
    assert counts == (
        ChecklistTemplate.objects.count(),
        Step.objects.count(),
        Question.objects.count(),
        Prompt.objects.count(),
    )


def test_it_creates_a_template_with_its_guidance_links_and_publishes_it(tmp_path, guidance):
    out, _ = load(tmp_path, small_template())
    assert "Created A small checklist (small version 1) and published it." in out
    template = ChecklistTemplate.objects.get(slug="small")
    assert template.status == ChecklistTemplate.Status.PUBLISHED and template.published_at
    step = template.steps.get(number=1)
    assert list(step.practice_points.all()) == [guidance["practice_point"]]
    assert list(step.key_facts.all()) == [guidance["key_fact"]]
    assert list(step.learning_points.all()) == [guidance["learning_point"]]
    risks = template.questions.get(key="risks")
    assert risks.choices == [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]
    assert (risks.order, template.questions.get(key="what").required) == (1, True)
    prompt = template.prompts.get()
    assert (prompt.question, prompt.show_on_step.number, prompt.any_of) == (risks, 2, ["a", "b"])


def test_loading_twice_changes_nothing(tmp_path, guidance):
    load(tmp_path, small_template())
    template = ChecklistTemplate.objects.get(slug="small")
    question_ids = sorted(template.questions.values_list("pk", flat=True))
    out, _ = load(tmp_path, small_template())
    assert "Unchanged: A small checklist" in out
    assert sorted(template.questions.values_list("pk", flat=True)) == question_ids


def test_an_unresolved_reference_fails_clearly_and_loads_nothing(tmp_path, guidance):
    broken = small_template()
    broken["steps"][0]["guidance"]["practice_points"] = ["4/no-such-point"]
    broken["steps"][1]["guidance"] = {"key_facts": ["no-such-fact"], "learning_points": ["nobody/nothing"]}
    with pytest.raises(CommandError) as error:
        load(tmp_path, small_template(slug="fine"), broken)
    message = str(error.value)
    assert "practice point '4/no-such-point' does not match anything" in message
    assert "key fact 'no-such-fact'" in message and "learning point 'nobody/nothing'" in message
    assert not ChecklistTemplate.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t["steps"][0]["questions"][0].update(kind="essay"), "kind 'essay' is not one of"),
        (lambda t: t["steps"][0]["questions"][1].update(choices=[]), "choice questions need choices"),
        (lambda t: t["prompts"][0].update(show_on_step=9), "show_on_step 9 is not a step"),
        (lambda t: t["prompts"][0]["when"].update(question="nope"), "'nope' is not a question of this template"),
        (lambda t: t["prompts"][0]["when"].update(any_of=["a", "z"]), "z are not answers to 'risks'"),
        (lambda t: t["prompts"][0]["when"].update(min_matches=3), "min_matches must be from 1"),
        (lambda t: t["steps"][1]["questions"].append({"key": "what", "text": "Again?"}), "keys must be different"),
        (lambda t: t.update(version="one"), "version must be a whole number"),
    ],
)
def test_a_malformed_template_fails_with_a_clear_message(tmp_path, guidance, change, message):
    template = small_template()
    change(template)
    with pytest.raises(CommandError, match="Nothing was loaded") as error:
        load(tmp_path, template)
    assert message in str(error.value)
    assert not ChecklistTemplate.objects.exists()


def test_a_missing_or_broken_file_fails_clearly(tmp_path):
    with pytest.raises(CommandError, match="There is no file at"):
        call_command("load_checklist_templates", file=tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("templates: [unclosed")
    with pytest.raises(CommandError, match="is not valid YAML"):
        call_command("load_checklist_templates", file=broken)


def test_an_unused_version_is_updated_to_match_the_file(tmp_path, guidance):
    load(tmp_path, small_template())
    changed = small_template(title="A small checklist, reworded")
    changed["steps"][1]["questions"][0]["text"] = "Is the child safe tonight?"
    out, _ = load(tmp_path, changed)
    assert "Updated A small checklist, reworded" in out
    template = ChecklistTemplate.objects.get(slug="small")
    assert template.title == "A small checklist, reworded"
    assert template.questions.get(key="safe").text == "Is the child safe tonight?"
    assert template.status == ChecklistTemplate.Status.PUBLISHED


def test_a_version_in_use_is_never_changed_and_the_difference_is_reported(tmp_path, guidance, fca):
    load(tmp_path, small_template())
    template = ChecklistTemplate.objects.get(slug="small")
    ChecklistFactory(template=template, author=fca)
    changed = small_template(title="Reworded")
    changed["steps"][1]["questions"][0]["text"] = "Is the child safe tonight?"
    out, err = load(tmp_path, changed)
    assert "is used by checklists, so it is frozen" in err
    assert "version 2" in err
    template.refresh_from_db()
    assert template.title == "A small checklist"
    assert template.questions.get(key="safe").text == "Safe?"


def test_a_new_version_in_the_file_is_published_and_retires_the_old_one(tmp_path, guidance, fca):
    load(tmp_path, small_template())
    first = ChecklistTemplate.objects.get(slug="small", version=1)
    ChecklistFactory(template=first, author=fca)
    out, _ = load(tmp_path, small_template(), small_template(version=2, title="Version two"))
    assert "retiring version 1" in out
    first.refresh_from_db()
    assert first.status == ChecklistTemplate.Status.RETIRED
    assert ChecklistTemplate.objects.get(slug="small", version=2).status == ChecklistTemplate.Status.PUBLISHED


def test_an_ambiguous_key_fact_is_refused(tmp_path, guidance):
    from guidance.models import KnowledgeBite

    other_bite = KnowledgeBite.objects.create(slug="another-bite", title="Another", source_report="Another report")
    KeyFact.objects.create(
        knowledge_bite=other_bite, key="da-substance-misuse", group="g", label="l", value=1, unit="%"
    )
    with pytest.raises(CommandError, match="matches more than one item"):
        load(tmp_path, small_template())


def test_it_loads_a_question_marked_as_an_action_question(tmp_path, guidance):
    template = small_template()
    template["steps"][1]["questions"].append({"key": "then-what", "text": "Then what?", "collects_actions": True})
    load(tmp_path, template)
    questions = ChecklistTemplate.objects.get(slug="small").questions
    assert questions.get(key="then-what").collects_actions
    assert not questions.get(key="safe").collects_actions

    out, _ = load(tmp_path, template)
    assert "Unchanged: A small checklist" in out


def test_collects_actions_must_be_true_or_false(tmp_path, guidance):
    template = small_template()
    template["steps"][1]["questions"][0]["collects_actions"] = "yes please"
    with pytest.raises(CommandError, match="collects_actions must be true or false"):
        load(tmp_path, template)
    assert not ChecklistTemplate.objects.exists()


def test_marking_an_action_question_in_a_used_version_is_refused_and_reported(tmp_path, guidance, fca):
    load(tmp_path, small_template())
    used = ChecklistTemplate.objects.get(slug="small")
    ChecklistFactory(template=used, author=fca)
    changed = small_template()
    changed["steps"][1]["questions"][0]["collects_actions"] = True
    _, err = load(tmp_path, changed)
    assert "is used by checklists, so it is frozen" in err
    assert not used.questions.get(key="safe").collects_actions


ACTION_QUESTIONS = {"what-so-what-then-what": "next-steps", "non-engagement": "next-steps"}


def real_templates(versions=None) -> dict:
    """The real templates file, or only some of its versions, as the loader reads it."""
    from checklists.loader import DEFAULT_FILE, read_file

    data = read_file(DEFAULT_FILE)
    if versions is not None:
        data["templates"] = [t for t in data["templates"] if (t["slug"], t["version"]) in versions]
    return data


def assert_action_versions_published():
    for slug, key in ACTION_QUESTIONS.items():
        published = ChecklistTemplate.objects.get(slug=slug, status=ChecklistTemplate.Status.PUBLISHED)
        assert published.version == 2
        assert list(published.questions.filter(collects_actions=True).values_list("key", flat=True)) == [key]
        first = ChecklistTemplate.objects.get(slug=slug, version=1)
        assert first.status == ChecklistTemplate.Status.RETIRED
        assert not first.questions.filter(collects_actions=True).exists()
    others = ChecklistTemplate.objects.exclude(slug__in=ACTION_QUESTIONS)
    assert not Question.objects.filter(template__in=others, collects_actions=True).exists()


def test_on_a_fresh_database_the_action_versions_end_up_published():
    call_command("load_knowledge_bite", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_checklist_templates", stdout=out)
    assert "retiring version 1" in out.getvalue()
    assert_action_versions_published()
    # Version 2 differs from version 1 only in its action question's hint and in taking actions.
    for slug, key in ACTION_QUESTIONS.items():
        first, second = (ChecklistTemplate.objects.get(slug=slug, version=v) for v in (1, 2))
        assert first.questions.count() == second.questions.count()
        assert first.prompts.count() == second.prompts.count()
        assert first.questions.get(key=key).text == second.questions.get(key=key).text
        assert "action" in second.questions.get(key=key).help_text


def test_a_database_with_the_old_versions_in_use_gets_the_new_ones_and_old_checklists_keep_their_wording(
    client_for, fca
):
    from checklists.loader import load_templates

    call_command("load_knowledge_bite", stdout=io.StringIO())
    slugs = ("what-so-what-then-what", "non-engagement", "sharing-information", "pivotal-moment")
    load_templates(real_templates({(slug, 1) for slug in slugs}))
    old = ChecklistTemplate.objects.get(slug="what-so-what-then-what", version=1)
    old_checklist = ChecklistFactory(template=old, author=fca)
    before = sorted(old.questions.values_list("key", "text", "help_text", "collects_actions"))

    out, err = io.StringIO(), io.StringIO()
    call_command("load_checklist_templates", stdout=out, stderr=err)

    assert "2 created, 0 updated, 4 unchanged" in out.getvalue()
    assert err.getvalue() == ""
    assert_action_versions_published()
    old.refresh_from_db()
    assert sorted(old.questions.values_list("key", "text", "help_text", "collects_actions")) == before
    old_checklist.refresh_from_db()
    assert old_checklist.template_id == old.pk

    # The old checklist's "Then What?" step is as it was; a new one's takes actions.
    client = client_for(fca)
    new_checklist = ChecklistFactory(template=ChecklistTemplate.objects.get(slug=old.slug, version=2), author=fca)
    old_step = client.get(old_checklist.get_step_url(5)).content.decode()
    new_step = client.get(new_checklist.get_step_url(5)).content.decode()
    assert "What will I do next, by when, and who needs to know?" in old_step
    assert "Actions for this question" not in old_step
    assert "Actions for this question" in new_step


def test_a_draft_next_version_made_in_admin_is_replaced_by_the_files_and_published(tmp_path, guidance, fca):
    from checklists.services import create_next_version

    load(tmp_path, small_template())
    first = ChecklistTemplate.objects.get(slug="small", version=1)
    ChecklistFactory(template=first, author=fca)
    draft = create_next_version(template=first)
    second = small_template(version=2)
    second["steps"][1]["questions"].append({"key": "then-what", "text": "Then what?", "collects_actions": True})

    out, _ = load(tmp_path, small_template(), second)

    assert "Updated A small checklist (small version 2) to match the file and published it, retiring version 1." in out
    draft.refresh_from_db()
    first.refresh_from_db()
    assert draft.status == ChecklistTemplate.Status.PUBLISHED and first.status == ChecklistTemplate.Status.RETIRED
    assert draft.questions.get(key="then-what").collects_actions
    assert "Unchanged: A small checklist (small version 2)." in load(tmp_path, small_template(), second)[0]
