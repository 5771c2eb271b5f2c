"""Prompts: guidance shown on a later step when earlier answers match."""

import pytest

from checklists.models import Prompt

from .walkthrough_support import save, start, step_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def checklist(client_for, fca, walkthrough_template):
    return start(client_for(fca), walkthrough_template)


def shown(client, checklist, number) -> str:
    return client.get(step_url(checklist, number)).content.decode()


@pytest.mark.parametrize(
    ("ticked", "fires"),
    [
        ("", False),
        ("domestic-abuse", False),
        ("parental-mental-health", False),
        ("domestic-abuse\nsubstance-misuse", True),
        ("substance-misuse\nparental-mental-health", True),
        ("domestic-abuse\nsubstance-misuse\nparental-mental-health", True),
    ],
)
def test_interacting_risks_needs_two_of_the_three_risks(client_for, fca, checklist, ticked, fires):
    save(checklist, "risk-factors", ticked)
    content = shown(client_for(fca), checklist, 2)
    assert ("These risks <strong>interact</strong>" in content) is fires
    assert ("Because of your earlier answers" in content) is fires
    if fires:
        assert "24%" in content
        assert "Read the practice point: Interacting risks" in content


@pytest.mark.parametrize(("safe_now", "fires"), [("yes", False), ("no", True), ("unsure", True), ("", False)])
def test_a_single_answer_prompt_matches_the_value(client_for, fca, checklist, safe_now, fires):
    save(checklist, "safe-now", safe_now)
    content = shown(client_for(fca), checklist, 3)
    assert ("The child may not be safe right now" in content) is fires


def test_a_prompt_shows_only_on_its_own_step(client_for, fca, checklist):
    save(checklist, "risk-factors", "domestic-abuse\nsubstance-misuse")
    save(checklist, "safe-now", "no")
    client = client_for(fca)
    assert "These risks <strong>interact</strong>" not in shown(client, checklist, 1)
    assert "These risks <strong>interact</strong>" not in shown(client, checklist, 3)
    assert "The child may not be safe right now" not in shown(client, checklist, 2)


def test_a_prompt_appears_once_the_triggering_answer_is_saved(client_for, fca, checklist):
    client = client_for(fca)
    assert (
        "Interacting risks"
        not in shown(client, checklist, 2).split("app-guidance-panel")[1].split("Practice points")[0]
    )
    client.post(
        step_url(checklist, 1),
        {"q-risk-factors": ["domestic-abuse", "parental-mental-health"], "revision-risk-factors": "0"},
    )
    assert "These risks <strong>interact</strong>" in shown(client, checklist, 2)


def test_the_model_counts_matches_for_multiple_choice_and_compares_values_otherwise(walkthrough_template):
    interacting = Prompt.objects.select_related("question").get(key="interacting-risks")
    assert not interacting.is_triggered_by("domestic-abuse")
    assert interacting.is_triggered_by("domestic-abuse\nparental-mental-health")
    assert not interacting.is_triggered_by("domestic-abuse\ndomestic-abuse")  # the same value twice counts once
    not_safe = Prompt.objects.select_related("question").get(key="not-safe-now")
    assert not_safe.is_triggered_by("unsure")
    assert not not_safe.is_triggered_by("yes")
    assert not not_safe.is_triggered_by("")
