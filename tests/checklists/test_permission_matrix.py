"""The permission matrix: every checklist, supervision and insight URL and action, for every kind of person.

Each row names a URL, a method, the state of fca's checklist it acts on, and the status code that
each of the nine personas must get. A practice lead is a stranger to every checklist, so unless a
row says otherwise they get what stranger_fca gets. After every attempt the database is checked:

* a refused attempt (sign-in redirect, 403, 404, 405, 409, 423, or a redirect away from a locked
  checklist) changes nothing at all, not even the timeline;
* an allowed read changes nothing but the timeline, where a view or export by someone other than
  the author is recorded (and an export by anyone);
* an allowed write makes exactly the change the row describes.

A test at the end fails when a URL is added to checklists/urls.py, supervision/urls.py or
insight/urls.py without a row here.
"""

import datetime
from dataclasses import dataclass, field

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from checklists import urls as checklist_urls
from checklists.models import Answer, Checklist, Comment, Event
from guidance import services as guidance_services
from guidance.models import AmendmentDismissal
from insight import urls as insight_urls
from supervision import urls as supervision_urls
from tests.factories import PracticePointFactory
from tests.supervision.support import build_template, make_checklist

pytestmark = pytest.mark.django_db

PERSONAS = [
    "anonymous",
    "fca",
    "other_fca",
    "stranger_fca",
    "supervisor",
    "other_supervisor",
    "editor",
    "superuser",
    "practice_lead",
]
D, S, R, SO = Checklist.Status.DRAFT, Checklist.Status.SUBMITTED, Checklist.Status.RETURNED, Checklist.Status.SIGNED_OFF
VIEWED, EXPORTED = Event.Kind.VIEWED, Event.Kind.EXPORTED


def codes(*values):
    if len(values) == len(PERSONAS) - 1:
        values = (*values, values[PERSONAS.index("stranger_fca")])
    assert len(values) == len(PERSONAS)
    return dict(zip(PERSONAS, values, strict=True))


# Checks for allowed writes, each given the checklist's pk (or None) and the person who acted.
def status_is(status):
    return lambda pk, user: Checklist.objects.get(pk=pk).status == status


def comment_added(pk, user):
    return Comment.objects.filter(checklist_id=pk, author=user).count() == 1


def discussed(pk, user):
    return Checklist.objects.get(pk=pk).discussed_on == timezone.localdate()


def answer_changed(pk, user):
    return Answer.objects.get(checklist_id=pk, question__key="what-happened").value == "Changed by the matrix"


def details_changed(pk, user):
    return Checklist.objects.get(pk=pk).case_reference == "ZE21P99999"


def deleted(pk, user):
    return not Checklist.objects.filter(pk=pk).exists()


def started(pk, user):
    return Checklist.objects.filter(author=user, case_reference="ZE21P88888").count() == 1


def download_audited(pk, user):
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS, actor=user).count() == 1


def dismissed(pk, user):
    return AmendmentDismissal.objects.filter(user=user).count() == 1


def amendment_for(checklist):
    """A change, after the checklist's answers, to guidance its first step shows."""
    point = PracticePointFactory(title="Interacting risks")
    checklist.template.steps.get(number=1).practice_points.add(point)
    amendment = guidance_services.record_amendment(subject=point, note="Now says more.", by=None)
    Answer.objects.filter(checklist=checklist).update(updated_at=amendment.changed_at - datetime.timedelta(hours=1))
    return amendment


@dataclass
class Row:
    name: str
    method: str
    state: str | None  # the state of fca's checklist the URL is about; None for URLs without one
    expected: dict
    data: str = ""  # which POST body to send (see post_data)
    writes: dict = field(default_factory=dict)  # persona -> check of the change they are allowed to make
    records: str | None = None  # the event an allowed read adds for non-authors (exports: for everyone)
    step: bool = False
    amendment: bool = False  # the URL is about a change to guidance fca's checklist used

    @property
    def id(self):
        return " ".join(part for part in (self.method, self.name, self.state, self.data) if part)


REVIEWERS = ("supervisor", "superuser")

ROWS = [
    # Pages without a checklist ----------------------------------------------------------------
    Row("home", "GET", None, codes(302, 200, 200, 200, 200, 200, 200, 200)),
    Row("checklists:list", "GET", None, codes(302, 200, 200, 200, 200, 200, 200, 200)),
    Row("checklists:start", "GET", None, codes(302, 200, 200, 200, 200, 200, 200, 200)),
    Row("checklists:start", "POST", None, codes(302, 302, 302, 302, 302, 302, 302, 302), data="choose"),
    Row("checklists:details", "GET", None, codes(302, 200, 200, 200, 200, 200, 200, 200)),
    Row(
        "checklists:details",
        "POST",
        None,
        codes(302, 302, 302, 302, 302, 302, 302, 302),
        data="start",
        writes={persona: started for persona in PERSONAS[1:]},
    ),
    Row("supervision:queue", "GET", None, codes(302, 403, 403, 403, 200, 200, 403, 200)),
    Row("supervision:team", "GET", None, codes(302, 403, 403, 403, 200, 200, 403, 200)),
    # Insight: aggregate figures for supervisors and practice leads, never a checklist ------------
    Row("insight:home", "GET", None, codes(302, 403, 403, 403, 200, 200, 403, 200, 200)),
    Row(
        "insight:download",
        "GET",
        None,
        codes(302, 403, 403, 403, 200, 200, 403, 200, 200),
        writes=dict.fromkeys(("supervisor", "other_supervisor", "superuser", "practice_lead"), download_audited),
    ),
    # A draft: the author's alone (superusers may read it, audited) ------------------------------
    Row("checklists:detail", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 200), records=VIEWED),
    Row("checklists:edit_details", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 403)),
    Row(
        "checklists:edit_details",
        "POST",
        D,
        codes(302, 302, 404, 404, 404, 404, 404, 403),
        data="details",
        writes={"fca": details_changed},
    ),
    Row("checklists:resume", "GET", D, codes(302, 302, 404, 404, 404, 404, 404, 403)),
    Row("checklists:step", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 403), step=True),
    Row(
        "checklists:step",
        "POST",
        D,
        codes(302, 302, 404, 404, 404, 404, 404, 403),
        data="step",
        step=True,
        writes={"fca": answer_changed},
    ),
    Row("checklists:autosave", "GET", D, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row(
        "checklists:autosave",
        "POST",
        D,
        codes(302, 200, 404, 404, 404, 404, 404, 403),
        data="autosave",
        writes={"fca": answer_changed},
    ),
    Row("checklists:check", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 403)),
    Row("checklists:submit", "GET", D, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row("checklists:submit", "POST", D, codes(302, 302, 404, 404, 404, 404, 404, 403), writes={"fca": status_is(S)}),
    Row("checklists:submitted", "GET", D, codes(302, 302, 404, 404, 404, 404, 404, 403)),
    Row("checklists:delete", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 403)),
    Row("checklists:delete", "POST", D, codes(302, 302, 404, 404, 404, 404, 404, 403), writes={"fca": deleted}),
    Row("checklists:export", "GET", D, codes(302, 200, 404, 404, 404, 404, 404, 200), records=EXPORTED),
    Row("supervision:review", "GET", D, codes(302, 404, 404, 404, 404, 404, 404, 404)),
    Row("supervision:comment", "POST", D, codes(302, 404, 404, 404, 404, 404, 404, 404), data="comment"),
    Row("supervision:return", "POST", D, codes(302, 404, 404, 404, 404, 404, 404, 404), data="return"),
    Row("supervision:sign_off", "POST", D, codes(302, 404, 404, 404, 404, 404, 404, 404)),
    Row("supervision:sign_off", "GET", D, codes(302, 404, 404, 404, 404, 404, 404, 404)),
    Row("supervision:decide", "POST", D, codes(302, 404, 404, 404, 404, 404, 404, 404), data="decide-return"),
    Row("supervision:discussed", "POST", D, codes(302, 404, 404, 404, 404, 404, 404, 404), data="discussed"),
    # Submitted: locked for the author, open to the team's supervisor ----------------------------
    Row("checklists:detail", "GET", S, codes(302, 200, 404, 404, 200, 404, 404, 200), records=VIEWED),
    Row("checklists:edit_details", "GET", S, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("checklists:edit_details", "POST", S, codes(302, 302, 404, 404, 403, 404, 404, 403), data="details"),
    Row("checklists:resume", "GET", S, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("checklists:step", "GET", S, codes(302, 302, 404, 404, 403, 404, 404, 403), step=True),
    Row("checklists:step", "POST", S, codes(302, 302, 404, 404, 403, 404, 404, 403), data="step", step=True),
    Row("checklists:autosave", "POST", S, codes(302, 423, 404, 404, 403, 404, 404, 403), data="autosave"),
    Row("checklists:check", "GET", S, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("checklists:submit", "POST", S, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("checklists:submitted", "GET", S, codes(302, 200, 404, 404, 403, 404, 404, 403)),
    Row("checklists:delete", "GET", S, codes(302, 403, 404, 404, 403, 404, 404, 403)),
    Row("checklists:delete", "POST", S, codes(302, 403, 404, 404, 403, 404, 404, 403)),
    Row("checklists:export", "GET", S, codes(302, 200, 404, 404, 200, 404, 404, 200), records=EXPORTED),
    Row("supervision:review", "GET", S, codes(302, 403, 404, 404, 200, 404, 404, 200), records=VIEWED),
    Row("supervision:review", "POST", S, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row(
        "supervision:comment",
        "POST",
        S,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="comment",
        writes=dict.fromkeys(REVIEWERS, comment_added),
    ),
    Row("supervision:comment", "GET", S, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row(
        "supervision:return",
        "POST",
        S,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="return",
        writes=dict.fromkeys(REVIEWERS, status_is(R)),
    ),
    Row("supervision:return", "GET", S, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row(
        "supervision:sign_off",
        "POST",
        S,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        writes=dict.fromkeys(REVIEWERS, status_is(SO)),
    ),
    # Sign-off's confirmation: a look at the checklist, which changes nothing.
    Row("supervision:sign_off", "GET", S, codes(302, 403, 404, 404, 200, 404, 404, 200), records=VIEWED),
    Row(
        "supervision:decide",
        "POST",
        S,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="decide-return",
        writes=dict.fromkeys(REVIEWERS, status_is(R)),
    ),
    # Choosing to sign off only leads to the confirmation: nothing changes yet.
    Row("supervision:decide", "POST", S, codes(302, 403, 404, 404, 302, 404, 404, 302), data="decide-sign-off"),
    Row("supervision:decide", "GET", S, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    Row(
        "supervision:discussed",
        "POST",
        S,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="discussed",
        writes=dict.fromkeys(REVIEWERS, discussed),
    ),
    Row("supervision:discussed", "GET", S, codes(302, 405, 405, 405, 405, 405, 405, 405)),
    # Returned: editable by the author again; a reviewer cannot decide twice ---------------------
    Row("checklists:detail", "GET", R, codes(302, 200, 404, 404, 200, 404, 404, 200), records=VIEWED),
    Row("checklists:resume", "GET", R, codes(302, 302, 404, 404, 403, 404, 404, 403)),
    Row("checklists:step", "GET", R, codes(302, 200, 404, 404, 403, 404, 404, 403), step=True),
    Row(
        "checklists:autosave",
        "POST",
        R,
        codes(302, 200, 404, 404, 403, 404, 404, 403),
        data="autosave",
        writes={"fca": answer_changed},
    ),
    Row("checklists:submit", "POST", R, codes(302, 302, 404, 404, 403, 404, 404, 403), writes={"fca": status_is(S)}),
    Row("supervision:review", "GET", R, codes(302, 403, 404, 404, 200, 404, 404, 200), records=VIEWED),
    Row(
        "supervision:comment",
        "POST",
        R,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="comment",
        writes=dict.fromkeys(REVIEWERS, comment_added),
    ),
    Row("supervision:sign_off", "POST", R, codes(302, 403, 404, 404, 409, 404, 404, 409)),
    Row("supervision:sign_off", "GET", R, codes(302, 403, 404, 404, 409, 404, 404, 409)),
    Row("supervision:decide", "POST", R, codes(302, 403, 404, 404, 409, 404, 404, 409), data="decide-sign-off"),
    Row("supervision:decide", "POST", R, codes(302, 403, 404, 404, 409, 404, 404, 409), data="decide-return"),
    Row("supervision:return", "POST", R, codes(302, 403, 404, 404, 409, 404, 404, 409), data="return"),
    Row(
        "supervision:discussed",
        "POST",
        R,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="discussed",
        writes=dict.fromkeys(REVIEWERS, discussed),
    ),
    # Signed off: final ------------------------------------------------------------------------
    Row("checklists:step", "GET", SO, codes(302, 302, 404, 404, 403, 404, 404, 403), step=True),
    Row("checklists:autosave", "POST", SO, codes(302, 423, 404, 404, 403, 404, 404, 403), data="autosave"),
    Row("supervision:review", "GET", SO, codes(302, 403, 404, 404, 200, 404, 404, 200), records=VIEWED),
    Row("supervision:comment", "POST", SO, codes(302, 403, 404, 404, 409, 404, 404, 409), data="comment"),
    Row("supervision:return", "POST", SO, codes(302, 403, 404, 404, 409, 404, 404, 409), data="return"),
    Row("supervision:sign_off", "POST", SO, codes(302, 403, 404, 404, 409, 404, 404, 409)),
    Row("supervision:sign_off", "GET", SO, codes(302, 403, 404, 404, 409, 404, 404, 409)),
    Row("supervision:decide", "POST", SO, codes(302, 403, 404, 404, 409, 404, 404, 409), data="decide-sign-off"),
    Row("supervision:decide", "POST", SO, codes(302, 403, 404, 404, 409, 404, 404, 409), data="decide-return"),
    Row(
        "supervision:discussed",
        "POST",
        SO,
        codes(302, 403, 404, 404, 302, 404, 404, 302),
        data="discussed",
        writes=dict.fromkeys(REVIEWERS, discussed),
    ),
    # Changed guidance: listed for everyone; a notice is dismissed by the checklist's author alone --
    Row("guidance:changes", "GET", None, codes(302, 200, 200, 200, 200, 200, 200, 200)),
    Row("guidance:amendment", "GET", D, codes(302, 302, 302, 302, 302, 302, 302, 302), amendment=True),
    Row("checklists:dismiss_guidance_notice", "GET", D, codes(302, 405, 405, 405, 405, 405, 405, 405), amendment=True),
    *(
        Row(
            "checklists:dismiss_guidance_notice",
            "POST",
            state,
            codes(302, 302, 404, 404, 404, 404, 404, 404),
            amendment=True,
            writes={"fca": dismissed},
        )
        for state in (D, R, SO)
    ),
    # A submitted checklist is with its reviewer: it brings no notice to dismiss.
    Row("checklists:dismiss_guidance_notice", "POST", S, codes(302, 404, 404, 404, 404, 404, 404, 404), amendment=True),
    # Admin: casework and the audit trail are for superusers only, read-only ---------------------
    Row("admin:checklists_checklist_change", "GET", S, codes(302, 302, 302, 302, 302, 302, 404, 200), records=VIEWED),
    Row("admin:checklists_checklist_delete", "POST", S, codes(302, 302, 302, 302, 302, 302, 404, 403), data="admin"),
    Row("admin:checklists_checklist_changelist", "GET", None, codes(302, 302, 302, 302, 302, 302, 404, 200)),
    Row("admin:checklists_event_changelist", "GET", None, codes(302, 302, 302, 302, 302, 302, 404, 200)),
    Row("admin:checklists_purgerecord_changelist", "GET", None, codes(302, 302, 302, 302, 302, 302, 404, 200)),
    Row("admin:auditlog_logentry_changelist", "GET", None, codes(302, 302, 302, 302, 302, 302, 404, 200)),
]


def post_data(kind, checklist, template):
    today = timezone.localdate()
    if kind == "choose":
        return {"template": template.slug}
    if kind == "start":
        return {"case_reference": "ZE21P88888", "title": "Started in the matrix"}
    if kind == "details":
        return {"case_reference": "ZE21P99999", "title": "Changed title"}
    if kind in ("step", "autosave"):
        answers = {answer.question.key: answer for answer in checklist.answers.select_related("question")}
        what = answers["what-happened"]
        if kind == "autosave":
            return {"question": what.question_id, "value": "Changed by the matrix", "revision": what.revision}
        return {
            "q-what-happened": "Changed by the matrix",
            "revision-what-happened": what.revision,
            "q-risk-factors": answers["risk-factors"].value.split("\n"),
            "revision-risk-factors": answers["risk-factors"].revision,
        }
    if kind == "comment":
        return {"comment-body": "A comment from the matrix"}
    if kind == "return":
        return {"return-body": "Reflect more, says the matrix"}
    if kind == "decide-return":
        return {"decision-decision": "return", "decision-return_reason": "Reflect more, says the matrix"}
    if kind == "decide-sign-off":
        return {"decision-decision": "sign_off", "decision-sign_off_note": "Well done, says the matrix"}
    if kind == "discussed":
        return {"discussed.day": today.day, "discussed.month": today.month, "discussed.year": today.year}
    if kind == "admin":
        return {"post": "yes"}
    return {}


def full_state(pk):
    """Everything a refused request must leave alone, including the whole timeline."""
    checklist = Checklist.objects.filter(pk=pk).values().first()
    return {
        "checklist": checklist,
        "answers": sorted(Answer.objects.filter(checklist_id=pk).values_list("question_id", "value", "revision")),
        "comments": sorted(Comment.objects.filter(checklist_id=pk).values_list("id", "body", "step_id")),
        "events": sorted(Event.objects.filter(checklist_id=pk).values_list("id", "kind", "actor_id")),
        "totals": (Checklist.objects.count(), Answer.objects.count(), Comment.objects.count(), Event.objects.count()),
        "dismissals": AmendmentDismissal.objects.count(),
    }


def without(state, kind):
    return {**state, "events": [event for event in state["events"] if event[1] != kind], "totals": None}


def url_for(row, checklist, template):
    if row.amendment:
        return reverse(row.name, kwargs={"pk": amendment_for(checklist).pk})
    if row.name == "checklists:details":
        return reverse(row.name, kwargs={"slug": template.slug})
    if row.name == "insight:download":
        return reverse(row.name, kwargs={"table": "themes"})
    if row.name.startswith("admin:") and row.state is not None:
        return reverse(row.name, args=[checklist.pk])
    if row.state is None:
        return reverse(row.name)
    kwargs = {"pk": checklist.pk}
    if row.step:
        kwargs["number"] = 1
    return reverse(row.name, kwargs=kwargs)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_the_permission_matrix(row, persona, request, client_for, fca, supervisor, settings):
    settings.NOTIFY_ON_SUBMIT = settings.NOTIFY_ON_RETURN = settings.NOTIFY_ON_SIGN_OFF = False
    template = build_template()
    checklist = make_checklist(fca, template, status=row.state or D)
    user = None if persona == "anonymous" else request.getfixturevalue(persona)
    client = client_for(user)
    before = full_state(checklist.pk)
    data = post_data(row.data, checklist, template)
    url = url_for(row, checklist, template)
    response = client.get(url) if row.method == "GET" else client.post(url, data)

    expected = row.expected[persona]
    assert response.status_code == expected, f"{row.id} as {persona}: got {response.status_code}, expected {expected}"
    if persona == "anonymous":
        assert "/login/" in response["Location"]

    if persona in row.writes:
        assert row.writes[persona](checklist.pk, user), f"{row.id} as {persona} did not make its change"
    elif row.records and expected == 200 and (row.records == EXPORTED or persona != "fca"):
        # An allowed read: the only change is one event on the timeline, by this person.
        after = full_state(checklist.pk)
        assert without(after, row.records) == without(before, row.records)
        added = [event for event in after["events"] if event not in before["events"]]
        assert [(kind, actor) for _, kind, actor in added] == [(row.records, user.pk)]
    else:
        assert full_state(checklist.pk) == before, f"{row.id} as {persona} changed the database"


def test_every_checklist_supervision_and_insight_url_is_in_the_matrix():
    covered = {row.name for row in ROWS}
    apps = ((checklist_urls, "checklists"), (supervision_urls, "supervision"), (insight_urls, "insight"))
    for module, namespace in apps:
        for pattern in module.urlpatterns:
            assert f"{namespace}:{pattern.name}" in covered, f"{namespace}:{pattern.name} has no row in the matrix"


def test_each_reviewer_action_is_tried_in_every_state():
    states = {}
    for row in ROWS:
        if row.name.startswith("supervision:") and row.state is not None:
            states.setdefault((row.name, row.method), set()).add(row.state)
    for name, method in [
        ("review", "GET"),
        ("comment", "POST"),
        ("decide", "POST"),
        ("return", "POST"),
        ("sign_off", "GET"),
        ("sign_off", "POST"),
        ("discussed", "POST"),
    ]:
        assert states[(f"supervision:{name}", method)] == {D, S, R, SO}, (name, method)
