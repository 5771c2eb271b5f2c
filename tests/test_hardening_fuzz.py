"""Every form field and query parameter, fuzzed: never a 5xx, and a refused write changes nothing.

Hypothesis draws the values: any text (NUL and other control characters, right-to-left marks,
emoji), numbers far past any database integer, digits that are not ASCII, and the valid values
too, so that the deeper paths are reached. Requests go through the Django test client as a
browser sends them (urlencoded forms). The total number of requests is printed at the end.
"""

import re
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checklists.models import CASE_REFERENCE_RE, Answer, Checklist, Question
from guidance.models import Resource
from tests.checklists import walkthrough_support
from tests.factories import ChecklistTemplateFactory, QuestionFactory, ResourceFactory, StepFactory
from tests.guidance.content import load
from tests.supervision.support import build_template, make_checklist, snapshot

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"
HX = {"HX-Request": "true"}
REQUESTS = {"sent": 0}

# Shared fixtures: the three-step template with every kind of question, and its guidance.
guidance = walkthrough_support.guidance
walkthrough_template = walkthrough_support.walkthrough_template


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,  # nothing written to the working tree
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture(scope="module", autouse=True)
def print_request_count(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\ntest_hardening_fuzz.py sent {REQUESTS['sent']} fuzzed requests")


# --- values --------------------------------------------------------------------------------------

# Any code point but surrogates: NUL, C0 and C1 controls, RTL marks, combining marks, emoji.
text = st.text(max_size=40)
numbers = st.one_of(
    st.integers(min_value=-3, max_value=30).map(str),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.sampled_from(["", "0", "-1", "1e3", "0x10", "1_000", " 7 ", "²", "١٢", "٣", "NaN", "∞", "9" * 5000]),
)
oversized = st.integers(min_value=5_001, max_value=12_000).map(lambda n: "x" * n)  # past every length limit
junk = st.one_of(text, numbers, oversized)


def weighted(common, rare, odds: int):
    """`common` about `odds` times as often as `rare`: one_of would draw each about as often."""
    return st.integers(min_value=0, max_value=odds).flatmap(lambda n: rare if n == 0 else common)


def anything(*valid):
    """A valid value half the time, so that later checks are reached; otherwise junk."""
    return weighted(st.sampled_from(valid), junk, 1) if valid else junk


def mostly(*valid):
    """A valid value three times in four: for forms with several fields, which must all be valid to pass."""
    return weighted(st.sampled_from(valid), junk, 3)


def values_of(*valid):
    """One value or several, as a repeated field or a multiple select sends."""
    one = mostly(*valid)
    return st.one_of(one, st.lists(one, max_size=4))


pages = anything("1", "2", "")


def junk_params():
    return st.dictionaries(text, st.one_of(text, numbers), max_size=3)


# --- sending ------------------------------------------------------------------------------------


def send(method, path, payload, **extra):
    REQUESTS["sent"] += 1
    response = method(path, payload, **extra)
    assert response.status_code < 500, (path, payload)
    return response


def get(client, path, params):
    return send(client.get, path, params)


def post(client, path, data, **extra):
    return send(client.post, path, urlencode(data, doseq=True), content_type=FORM, **extra)


def stored_answers(checklist) -> dict:
    return {
        key: (value, revision)
        for key, value, revision in Answer.objects.filter(checklist=checklist).values_list(
            "question__key", "value", "revision"
        )
    }


def assert_answers_are_clean(checklist):
    for question in checklist.template.questions.all():
        for value in Answer.objects.filter(checklist=checklist, question=question).values_list("value", flat=True):
            assert "\x00" not in value
            assert len(value) <= question.max_length


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture
def draft(client_for, fca, walkthrough_template):
    client = client_for(fca)
    checklist = Checklist.objects.create(
        template=walkthrough_template, author=fca, team=fca.practice_team, case_reference="ZE21P00123", title="Fuzz"
    )
    return client, checklist


@pytest.fixture
def foreign_question(db):
    """A question of another template, which no checklist of this one may answer."""
    other = ChecklistTemplateFactory(slug="another-checklist")
    return QuestionFactory(step=StepFactory(template=other, number=1), key="what-happened")


@pytest.fixture
def content(db):
    load()
    ResourceFactory(title="Motivational interviewing", kind=Resource.Kind.ELEARNING)


# --- the practitioner's pages ---------------------------------------------------------------------


@fuzz(80)
@given(
    status=anything(*Checklist.Status.values), case=anything("ZE21", "p001", "/-"), page=numbers, extra=junk_params()
)
def test_it_never_fails_on_any_checklist_list_filter(draft, status, case, page, extra):
    client, _ = draft
    response = get(client, "/checklists/", {**extra, "status": status, "case": case, "page": page})
    assert response.status_code == 200


STEP_KEYS = {1: ["what-happened", "risk-factors", "when"], 2: ["safe-now", "threshold", "summary"], 3: ["next-steps"]}
ALL_KEYS = [key for keys in STEP_KEYS.values() for key in keys]
VALID_ANSWERS = {
    "what-happened": ("Shouting was heard.", "", "Line one\r\nline two"),
    "risk-factors": ("domestic-abuse", "substance-misuse", "parental-mental-health"),
    "when": ("2026-03-27", "2026-02-30"),
    "safe-now": ("yes", "no", "unsure"),
    "threshold": ("s17", "s47"),
    "summary": ("In short.",),
    "next-steps": ("Refer today.",),
}
DATE_PARTS = {"day": ("27", "1", "31"), "month": ("3", "12", "13"), "year": ("2026", "1999", "26")}
FIELD_NAMES = [
    name
    for key in ALL_KEYS
    for name in (f"q-{key}", f"q-{key}.day", f"q-{key}.month", f"q-{key}.year", f"revision-{key}")
] + [f"conflict-revision-{key}" for key in ALL_KEYS]
CURRENT = "current"  # stands for the answer's stored revision, filled in by the test
revisions = mostly(CURRENT, CURRENT, "0", "1")
stray_fields = st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), text), values_of("0", "yes"), max_size=2)


def answer_fields(draw, key: str, name: str, revision_name: str) -> dict:
    """One question's fields as its form sends them: the value (or a date's parts) and its revision."""
    if key == "when" and draw(st.booleans()):
        fields = {f"{name}.{part}": draw(mostly(*valid)) for part, valid in DATE_PARTS.items()}
    else:
        fields = {name: draw(values_of(*VALID_ANSWERS[key]))}
    fields[revision_name] = draw(revisions)
    return fields


def with_current_revisions(fields: dict, checklist, key: str = "") -> dict:
    """Put the stored revisions in, so that saves which should succeed are tried too."""
    current = {answered: revision for answered, (_, revision) in stored_answers(checklist).items()}
    for name, value in fields.items():
        if value == CURRENT and name.startswith(("revision", "conflict-revision-")):
            fields[name] = str(current.get(name.partition("revision-")[2] or key, 0))
    return fields


@st.composite
def step_forms(draw):
    number = draw(weighted(st.sampled_from([1, 2, 3]), st.integers(min_value=0, max_value=10**30), 4))
    fields = {}
    for key in STEP_KEYS.get(number, ALL_KEYS):
        if draw(st.booleans()):  # a box left out of the form is never read as an empty answer
            fields.update(answer_fields(draw, key, f"q-{key}", f"revision-{key}"))
    fields.update(draw(stray_fields))
    fields["action"] = draw(anything("later", "continue"))
    resolves = [f"{side}:{key}" for side in ("mine", "saved") for key in ALL_KEYS]
    fields["resolve"] = draw(st.one_of(st.just(""), anything(*resolves)))
    return number, fields


@fuzz(200)
@given(form=step_forms())
def test_it_never_fails_on_any_step_form_and_keeps_refused_answers(draft, form):
    client, checklist = draft
    number, fields = form
    fields = with_current_revisions(fields, checklist)
    before = stored_answers(checklist)

    response = post(client, f"/checklists/{checklist.pk}/steps/{number}/", fields)

    after = stored_answers(checklist)
    assert response.status_code in (302, 400, 404, 409)
    if response.status_code == 404:
        assert after == before
    elif response.status_code in (400, 409):
        # Each answer is saved on its own: those refused must be exactly as they were.
        refused = [row.question.key for row in response.context["rows"] if row.error or row.conflict]
        assert refused
        assert {key: after.get(key) for key in refused} == {key: before.get(key) for key in refused}
    assert_answers_are_clean(checklist)
    checklist.refresh_from_db()
    assert checklist.status == Checklist.Status.DRAFT


@st.composite
def autosaves(draw):
    key = draw(st.sampled_from(ALL_KEYS))
    # Autosave sends the step form's names, or plain `value` and `revision`.
    plain = draw(st.booleans())
    fields = answer_fields(draw, key, "value" if plain else f"q-{key}", "revision" if plain else f"revision-{key}")
    fields.update(draw(stray_fields))
    question = draw(weighted(st.just("own"), st.one_of(st.just("foreign"), numbers, text), 3))
    return key, question, fields


@fuzz(200)
@given(autosave=autosaves(), htmx=st.booleans())
def test_it_never_fails_on_any_autosave_and_a_refused_one_saves_nothing(draft, foreign_question, autosave, htmx):
    client, checklist = draft
    key, question, fields = autosave
    own = Question.objects.get(template=checklist.template, key=key)
    fields = with_current_revisions(fields, checklist, key)
    fields["question"] = {"own": own.pk, "foreign": foreign_question.pk}.get(question, question)
    before = stored_answers(checklist)

    response = post(client, f"/checklists/{checklist.pk}/answers/", fields, headers=HX if htmx else {})

    after = stored_answers(checklist)
    assert response.status_code in (200, 400, 409)
    if response.status_code == 200:
        # A drawn number may be another question's id: that question is the one saved.
        saved = Question.objects.get(pk=int(fields["question"])).key
        assert {k: v for k, v in after.items() if k != saved} == {k: v for k, v in before.items() if k != saved}
    else:
        assert after == before
    assert_answers_are_clean(checklist)


@fuzz(100)
@given(case_reference=mostly("ZE21P00123", "ze21 p 00456", "AB/12-3"), title=mostly("Police call-out"))
def test_it_never_fails_on_any_case_details_and_stores_only_clean_ones(
    draft, walkthrough_template, case_reference, title
):
    client, checklist = draft
    count = Checklist.objects.count()

    response = post(
        client, f"/checklists/start/{walkthrough_template.slug}/", {"case_reference": case_reference, "title": title}
    )

    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert Checklist.objects.count() == count
    else:
        assert Checklist.objects.count() == count + 1
        new = Checklist.objects.exclude(pk=checklist.pk).latest("created_at")
        assert re.match(CASE_REFERENCE_RE, new.case_reference) and new.title == new.title.strip()
        assert "\x00" not in new.title and 0 < len(new.title) <= 120

    stored = (checklist.case_reference, checklist.title)
    response = post(client, f"/checklists/{checklist.pk}/details/", {"case_reference": case_reference, "title": title})
    checklist.refresh_from_db()
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert (checklist.case_reference, checklist.title) == stored
    else:
        assert re.match(CASE_REFERENCE_RE, checklist.case_reference)


@fuzz(40)
@given(chosen=anything("what-so-what-then-what"), extra=junk_params())
def test_it_never_fails_on_any_choice_of_template(draft, chosen, extra):
    client, _ = draft
    count = Checklist.objects.count()
    assert post(client, "/checklists/start/", {**extra, "template": chosen}).status_code in (302, 400)
    assert get(client, "/checklists/start/", {**extra, "template": chosen}).status_code == 200
    assert Checklist.objects.count() == count


@fuzz(25)
@given(extra=junk_params())
def test_it_never_fails_on_any_query_string_of_the_other_checklist_pages(draft, extra):
    client, checklist = draft
    for path in ("/", "/checklists/", f"/checklists/{checklist.pk}/resume/", f"/checklists/{checklist.pk}/check/"):
        assert get(client, path, extra).status_code in (200, 302), path
    for path in (f"/checklists/{checklist.pk}/", f"/checklists/{checklist.pk}/delete/"):
        assert get(client, path, extra).status_code == 200, path
    assert Checklist.objects.filter(pk=checklist.pk, status=Checklist.Status.DRAFT).exists()


# --- the supervisor's pages -----------------------------------------------------------------------


@pytest.fixture
def queue(client_for, fca, other_fca, supervisor, template):
    for author in (fca, other_fca):
        make_checklist(author, template)
    return client_for(supervisor)


@pytest.fixture
def template(db):
    return build_template()


@fuzz(120)
@given(
    status=mostly("", "submitted", "returned", "signed_off"),
    team=mostly("", "north"),
    practitioner=mostly("", "colleague"),
    template_slug=mostly("", "ours"),
    page=pages,
    extra=junk_params(),
)
def test_it_never_fails_on_any_queue_filter(
    queue, other_fca, template, status, team, practitioner, template_slug, page, extra
):
    params = {**extra, "status": status, "team": team, "page": page}
    params["practitioner"] = {"colleague": other_fca.pk}.get(practitioner, practitioner)
    params["template"] = {"ours": template.slug}.get(template_slug, template_slug)
    assert get(queue, "/supervision/", params).status_code in (200, 400)


@fuzz(50)
@given(team=mostly("", "north", "south"), page=pages, extra=junk_params())
def test_it_never_fails_on_any_team_overview_filter(queue, team, page, extra):
    assert get(queue, "/supervision/team/", {**extra, "team": team, "page": page}).status_code in (200, 400)


INSIGHT_DATES = {
    f"{name}.{part}": valid
    for name in ("from", "to")
    for part, valid in (("day", ("1", "31", "29")), ("month", ("2", "12")), ("year", ("2024", "2025", "9999")))
}


@fuzz(80)
@given(
    team=mostly("", "north", "south"),
    period=mostly("", "this-quarter", "last-quarter", "last-12-months", "custom", "custom"),
    dates=st.fixed_dictionaries({name: mostly(*valid) for name, valid in INSIGHT_DATES.items()}),
    table=mostly("themes", "by-month", "answers"),
    extra=junk_params(),
)
def test_it_never_fails_on_any_insight_period_or_download(queue, south, team, period, dates, table, extra):
    params = {**extra, **dates, "team": team, "period": period}
    assert get(queue, "/insight/", params).status_code in (200, 400, 404)
    assert get(queue, f"/insight/download/{table}.csv", params).status_code in (200, 400, 404)


STEPS = ("", "ours", "foreign")  # the whole checklist, one of its steps, a step of another template
ACTIONS = {
    "comment": {"comment-body": ("Good work.", "Ask the school."), "comment-step": STEPS},
    "return": {"return-body": ("Reflect on the father's role.",), "return-step": STEPS},
    "sign-off": {"signoff-body": ("", "Well done.")},
    # The date's boxes by both names that DiscussedForm has had: `discussed.day`, and `discussed-day` with a prefix.
    "discussed": {
        f"discussed{sep}{part}": valid
        for sep in ".-"
        for part, valid in (("day", ("2", "15")), ("month", ("3", "11")), ("year", ("2025", "2026")))
    },
}


def form_field(valid):
    return weighted(mostly(*valid), st.lists(mostly(*valid), max_size=3), 3)


action_forms = st.sampled_from(sorted(ACTIONS)).flatmap(
    lambda action: st.tuples(
        st.just(action),
        st.fixed_dictionaries({name: form_field(valid) for name, valid in ACTIONS[action].items()}),
    )
)


@fuzz(120)
@given(form=action_forms, extra=junk_params())
def test_it_never_fails_on_any_supervisor_action_and_a_refused_one_changes_nothing(
    client_for, fca, supervisor, template, foreign_question, form, extra
):
    checklist = make_checklist(fca, template)
    action, fields = form
    steps = {"ours": str(template.steps.first().pk), "foreign": str(foreign_question.step_id)}
    fields = {
        **extra,
        **{
            name: [steps.get(v, v) for v in value] if isinstance(value, list) else steps.get(value, value)
            for name, value in fields.items()
        },
    }
    before = snapshot(checklist)

    response = post(client_for(supervisor), f"/supervision/{checklist.pk}/{action}/", fields)

    assert response.status_code in (302, 400, 409)
    if response.status_code != 302:
        assert snapshot(checklist) == before


# --- timelines ------------------------------------------------------------------------------------


@fuzz(40)
@given(timeline=st.one_of(numbers, text), extra=junk_params())
def test_it_never_fails_on_any_timeline_page(client_for, fca, supervisor, template, timeline, extra):
    checklist = make_checklist(fca, template)
    params = {**extra, "timeline": timeline}
    assert get(client_for(fca), f"/checklists/{checklist.pk}/", params).status_code == 200
    supervisor_client = client_for(supervisor)
    assert get(supervisor_client, f"/checklists/{checklist.pk}/", params).status_code == 200
    assert get(supervisor_client, f"/supervision/{checklist.pk}/", params).status_code == 200


# --- guidance -------------------------------------------------------------------------------------


search_pages = st.one_of(st.sampled_from(["1", "2", ""]), numbers)


@fuzz(120)
@given(
    q=mostly("domestic abuse", '"what so what" -fathers', "risk", "*", "-", '"', ""),
    kind=mostly("", "themes", "key-facts", "practice-points", "resources", "case-studies"),
    page=search_pages,
    extra=junk_params(),
)
def test_it_never_fails_on_any_guidance_search(client_for, fca, content, q, kind, page, extra):
    response = get(client_for(fca), "/guidance/search/", {**extra, "q": q, "type": kind, "page": page})
    assert response.status_code in (200, 400, 404)


def test_it_answers_a_typed_search_far_past_its_last_page_with_a_404(client_for, fca, content):
    response = client_for(fca).get("/guidance/search/", {"q": "risk", "type": "themes", "page": str(10**20)})
    assert response.status_code == 404


@fuzz(80)
@given(
    theme=values_of("changing-risk-and-need", "critical-thinking-and-challenge"),
    kind=values_of(*Resource.Kind.values),
    availability=values_of(*Resource.Availability.values),
    page=pages,
    extra=junk_params(),
)
def test_it_never_fails_on_any_resources_filter(client_for, fca, content, theme, kind, availability, page, extra):
    params = {**extra, "theme": theme, "kind": kind, "availability": availability, "page": page}
    assert get(client_for(fca), "/guidance/resources/", params).status_code in (200, 400, 404)


@fuzz(25)
@given(page=pages, extra=junk_params())
def test_it_never_fails_on_any_query_string_of_the_other_guidance_pages(client_for, fca, content, page, extra):
    client = client_for(fca)
    for path in ("/guidance/", "/case-studies/", "/guidance/themes/changing-risk-and-need/"):
        assert get(client, path, {**extra, "page": page}).status_code in (200, 404), path


# --- signing in -----------------------------------------------------------------------------------


usernames = anything("fca")


@fuzz(30)
@given(username=usernames, password=anything("wrong password"), extra=junk_params())
def test_it_never_fails_on_any_sign_in_and_lets_nobody_in_without_the_password(client, fca, username, password, extra):
    response = post(client, "/accounts/login/", {**extra, "username": username, "password": password})
    assert response.status_code in (200, 429)  # 429: django-axes has locked that username out
    assert "_auth_user_id" not in client.session


def test_it_refuses_a_username_longer_than_any_account_without_failing(client, fca):
    response = client.post("/accounts/login/", {"username": "x" * 256, "password": "wrong password"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
