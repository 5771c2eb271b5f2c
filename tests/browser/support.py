"""Helpers for driving the checklist walkthrough in a real browser."""

from urllib.parse import urlparse

from playwright.sync_api import expect

from accounts.models import User
from checklists import services
from checklists.models import Checklist, ChecklistTemplate, Step

WSWTW = "what-so-what-then-what"
WSWTW_TITLE = "New information: What? So What? Then What?"

# Every answer to "What? So What? Then What?", step by step: text for text questions, the value
# for radios, and the list of values for checkboxes. Domestic abuse and substance misuse together
# bring up the interacting-risks prompt on step 4.
JOURNEY_ANSWERS = {
    1: {
        "what-happened": "Police attended the home on 3 March after neighbours heard shouting.",
        "information-source": "The police, by a domestic abuse notification to the team inbox.",
        "when-and-where": "At the mother's flat, late evening on 3 March.",
        "how-and-why": "The father says it was an argument; the mother did not give an account.",
        "duration": "Third call-out this year, so part of a pattern.",
        "severity": "The child was at home and told the officer she hid in her room.",
        "tools-used": "The CIAF domestic abuse tools; the child drew her week for me.",
    },
    2: {
        "evidence": "The police log of the call-out, and the child's own account to the officer.",
        "is-new": "new",
        "sources-checked": ["police-checks", "school"],
        "triangulation-findings": "School confirms the child has been tired and withdrawn since March.",
        "further-checks": "Local authority checks on the father's new partner.",
    },
    3: {
        "meaning-for-child": "She is living with fear at night and hides when adults argue.",
        "meaning-for-family-network": "Her baby half-brother lives in the same flat.",
        "safe-now": "unsure",
        "safety-now": "Not clear: the father still visits the flat most evenings.",
        "future-risk": "Risk is rising: incidents are more frequent and now involve drinking.",
        "risk-factors": ["domestic-abuse", "substance-misuse"],
    },
    4: {
        "risk-assessment-changed": "yes",
        "risk-assessment-how": "Raised from medium to high because of the pattern and the drinking.",
        "challenge-own-view": "The mother's engagement had reassured me; I gave it too much weight.",
        "alternative-hypothesis": "I have explored that the father may have caused harm.",
        "adult-males-histories": "The father was known to children's social care as a child.",
        "inform-mother": "to-inform",
        "adult-males-capacity": "He has cared for the baby well during the day.",
        "concern-negated": "no",
        "negation-rationale": "No concern has been set aside.",
    },
    5: {
        "options": "Refer under section 47; recommend supervised contact in the interim.",
        "discussed-with-supervisor": "discussed",
        "referral-decision": "s47",
        "referral-rationale": "The referral sets out the call-outs and the child's words in detail.",
        "others-passed-on": "yes",
        "others-passed-on-details": "The police confirm they notified the local authority.",
        "next-steps": "Make the referral today and tell the court in my addendum by Friday.",
    },
}


def active(page) -> dict:
    """What has keyboard focus."""
    return page.evaluate(
        """() => {
            const e = document.activeElement;
            return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '',
                    type: e.getAttribute('type') || '', value: e.value || '', checked: !!e.checked,
                    text: (e.innerText || '').trim()};
        }"""
    )


def go_to_main_content(page) -> None:
    """A keyboard user's first move: the skip link, which puts focus at the start of the main content."""
    # Usually the first Tab; after a link to a fragment, Tab goes round the page to reach it.
    tab_to(page, text="Skip to main content", limit=200)
    page.keyboard.press("Enter")
    assert active(page)["id"] == "main-content"


def tab_to(page, *, id=None, text=None, limit=60) -> dict:
    """Press Tab until focus reaches the element with this id or visible text."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = active(page)
        if (id is not None and focused["id"] == id) or (text is not None and focused["text"] == text):
            return focused
    raise AssertionError(f"Tab never reached {id or text!r}")


def wait_for_path(page, ending: str) -> None:
    """Wait until the page's path ends so; a fragment (from the skip link) may follow it."""
    page.wait_for_url(lambda url: urlparse(url).path.endswith(ending))


def radio_values(page, name: str) -> list[str]:
    return page.eval_on_selector_all(f'input[type=radio][name="{name}"]', "inputs => inputs.map(i => i.value)")


def fill_step_by_keyboard(page, answers: dict, *, submit=True, button="Save and continue") -> None:
    """Answer a step with the keyboard alone: Tab through it, type, tick with Space, submit with Enter.

    Text is typed at the end of whatever is already in a field. Radios are chosen with the arrow
    keys (Space picks the first option); checkboxes are ticked with Space. With `submit=False` it
    stops with focus on the button, without pressing it.
    """
    go_to_main_content(page)
    done = set()
    for _ in range(300):
        page.keyboard.press("Tab")
        focused = active(page)
        if focused["tag"] == "button" and focused["text"] == button:
            break
        if not focused["name"].startswith("q-"):
            continue
        key = focused["name"].removeprefix("q-")
        if key not in answers:
            continue
        wanted = answers[key]
        if focused["type"] == "radio":
            values = radio_values(page, focused["name"])
            assert focused["value"] == values[0], "Tab enters an unanswered radio group at its first option"
            moves = values.index(wanted)
            if moves == 0:
                page.keyboard.press("Space")
            for _ in range(moves):
                page.keyboard.press("ArrowDown")
            assert active(page)["value"] == wanted and active(page)["checked"]
            done.add(key)
        elif focused["type"] == "checkbox":
            if focused["value"] in wanted and not focused["checked"]:
                page.keyboard.press("Space")
                assert active(page)["checked"]
            done.add(key)
        else:
            page.keyboard.press("End" if focused["tag"] == "input" else "Control+End")
            page.keyboard.type(wanted)
            done.add(key)
    else:
        raise AssertionError(f"Never reached the ‘{button}’ button")
    assert done == set(answers), f"Not reached by Tab: {set(answers) - done}"
    wait_until_saved(page, answers)
    if submit:
        page.keyboard.press("Enter")


def wait_until_saved(page, keys) -> None:
    """Every listed question shows "Saved at …", and no autosave is still in flight."""
    for key in keys:
        expect(page.locator(f"#status-{key}")).to_contain_text("Saved at")
    expect(page.locator(".htmx-request")).to_have_count(0)


def stored(value) -> str:
    """An answer as the database holds it: multiple choices one per line, in the template's order."""
    return "\n".join(value) if isinstance(value, list) else value


def answers_in_db(checklist: Checklist) -> dict[str, str]:
    return {answer.question.key: answer.value for answer in checklist.answers.select_related("question")}


def start_checklist(author: User, *, case_reference="ZE21P00999", title="Test checklist", answers=None) -> Checklist:
    """A checklist made through the services, with answers saved as the walkthrough saves them."""
    template = ChecklistTemplate.objects.get(slug=WSWTW, status=ChecklistTemplate.Status.PUBLISHED)
    checklist = services.start_checklist(template=template, author=author, case_reference=case_reference, title=title)
    questions = {question.key: question for question in template.questions.all()}
    for key, value in (answers or {}).items():
        services.save_answer(checklist=checklist, question=questions[key], value=value, base_revision=0, by=author)
    return checklist


def complete_answers() -> dict:
    """Every answer of the journey, flattened across steps."""
    return {key: value for step in JOURNEY_ANSWERS.values() for key, value in step.items()}


def answers_up_to(step: int) -> dict:
    """The journey's answers to steps 1 to `step`, flattened."""
    return {
        key: value for number, answers in JOURNEY_ANSWERS.items() if number <= step for key, value in answers.items()
    }


def checklists_in_every_state(author: User, supervisor: User) -> dict[str, Checklist]:
    """One checklist per state a page can show: a draft that brings up a prompt, a complete draft,
    one waiting for review, one returned with a step comment, and one signed off."""
    step_four = Step.objects.get(template__slug=WSWTW, template__status=ChecklistTemplate.Status.PUBLISHED, number=4)
    made = {
        "prompting": start_checklist(
            author, case_reference="ZE21P00201", title="Police call-out", answers=answers_up_to(3)
        ),
        "complete": start_checklist(
            author, case_reference="ZE21P00202", title="School report", answers=complete_answers()
        ),
    }
    for name, number in (("submitted", "ZE21P00203"), ("returned", "ZE21P00204"), ("signed_off", "ZE21P00205")):
        checklist = start_checklist(
            author, case_reference=number, title=f"Checklist {name}", answers=complete_answers()
        )
        services.submit(checklist=checklist, by=author)
        made[name] = checklist
    services.return_for_reflection(
        checklist=made["returned"], by=supervisor, comment="Say more about the father's history.", step=step_four
    )
    services.sign_off(checklist=made["signed_off"], by=supervisor, comment="Well reflected.")
    for checklist in made.values():
        checklist.refresh_from_db()
    return made
