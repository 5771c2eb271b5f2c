"""purge_checklists: only old signed-off checklists go, each leaving a record without its content."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from checklists.models import Answer, Checklist, Comment, Event, PurgeRecord
from tests.factories import CommentFactory
from tests.supervision import support as supervision_support
from tests.supervision.support import days_ago, make_checklist

pytestmark = pytest.mark.django_db

# Shared fixtures.
template = supervision_support.template


def purge(*args):
    out = StringIO()
    call_command("purge_checklists", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def checklists(fca, supervisor, template, settings):
    settings.CHECKLIST_RETENTION_DAYS = 730
    old = make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=days_ago(800))
    CommentFactory(checklist=old, author=supervisor, body="Well done on the Alice and Beth learning.")
    return {
        "old": old,
        "recent": make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=days_ago(100)),
        "old_draft": make_checklist(fca, template, status=Checklist.Status.DRAFT, created_at=days_ago(900)),
        "old_returned": make_checklist(fca, template, status=Checklist.Status.RETURNED, returned_at=days_ago(900)),
        "old_submitted": make_checklist(fca, template, submitted_at=days_ago(900)),
    }


def test_a_dry_run_changes_nothing(checklists):
    before = (Checklist.objects.count(), Answer.objects.count(), Comment.objects.count(), Event.objects.count())
    output = purge("--dry-run")
    assert "Would purge 1 signed-off checklist " in output
    assert "3 answers, 0 actions, 1 comments, 2 timeline events" in output
    assert "Dry run: nothing was changed." in output
    after = (Checklist.objects.count(), Answer.objects.count(), Comment.objects.count(), Event.objects.count())
    assert after == before
    assert not PurgeRecord.objects.exists()


def test_it_deletes_only_signed_off_checklists_past_the_retention_period(checklists, template, north):
    old = checklists["old"]
    output = purge()
    assert "Purged 1 signed-off checklist " in output
    assert not Checklist.objects.filter(pk=old.pk).exists()
    assert not Answer.objects.filter(checklist_id=old.pk).exists()
    assert not Comment.objects.filter(checklist_id=old.pk).exists()
    assert not Event.objects.filter(checklist_id=old.pk).exists()
    for kept in ("recent", "old_draft", "old_returned", "old_submitted"):
        assert Checklist.objects.filter(pk=checklists[kept].pk).exists(), kept
    record = PurgeRecord.objects.get()
    assert record.checklist_id == old.pk
    assert (record.template_slug, record.template_version) == (template.slug, template.version)
    assert record.team_name == north.name
    assert record.signed_off_at == old.signed_off_at
    assert (record.answer_count, record.comment_count, record.event_count) == (3, 1, 2)
    assert record.retention_days == 730
    assert record.purged_by == "purge_checklists command"


def test_the_record_and_the_output_hold_no_case_details(checklists):
    old = checklists["old"]
    output = purge("-v", "2")
    record = PurgeRecord.objects.values().get()
    text = f"{output} {record}"
    assert str(old.pk) in output
    assert old.case_reference not in text
    assert old.title not in text
    assert "Alice and Beth" not in text
    assert "bruise" not in text


def test_running_it_again_purges_nothing_more(checklists):
    purge()
    assert "Purged 0 signed-off checklists" in purge()
    assert PurgeRecord.objects.count() == 1


def test_older_than_days_overrides_the_setting(checklists):
    purge("--older-than-days", "50")
    assert not Checklist.objects.filter(pk__in=[checklists["old"].pk, checklists["recent"].pk]).exists()
    assert PurgeRecord.objects.count() == 2
    assert set(PurgeRecord.objects.values_list("retention_days", flat=True)) == {50}


def test_the_retention_period_comes_from_settings(checklists, settings):
    settings.CHECKLIST_RETENTION_DAYS = 1000
    assert "Purged 0" in purge()
    assert Checklist.objects.filter(pk=checklists["old"].pk).exists()


def test_it_works_through_many_in_batches(fca, template):
    for _ in range(7):
        make_checklist(fca, template, status=Checklist.Status.SIGNED_OFF, signed_off_at=days_ago(1000))
    output = purge("--batch-size", "3")
    assert "Purged 7 signed-off checklists" in output
    assert PurgeRecord.objects.count() == 7
    assert not Checklist.objects.exists()


@pytest.mark.parametrize("args", [("--older-than-days", "0"), ("--older-than-days", "-5"), ("--batch-size", "0")])
def test_it_refuses_nonsense_numbers(args, checklists):
    with pytest.raises(CommandError):
        purge(*args)
    assert Checklist.objects.count() == 5


def test_purged_checklists_leave_no_auditlog_copy_of_their_content(checklists):
    from auditlog.models import LogEntry

    old = checklists["old"]
    purge()
    for entry in LogEntry.objects.all():
        text = f"{entry.object_repr} {entry.changes}"
        assert old.case_reference not in text
        assert old.title not in text


@pytest.fixture
def carried(fca, checklists, template):
    """The old checklist's actions: one done, one carried into a later reflection on the same case."""
    from actions.models import Action
    from tests.factories import ActionFactory, QuestionFactory, StepFactory

    step = StepFactory(template=template, number=3, title="Then what?")
    question = QuestionFactory(template=template, step=step, key="then-what", collects_actions=True)
    old = checklists["old"]
    ActionFactory(
        checklist=old, question=question, description="Ring the school about Alice", status=Action.Status.DONE
    )
    source = ActionFactory(
        checklist=old,
        question=question,
        description="Check the new partner's history",
        status=Action.Status.CARRIED_FORWARD,
    )
    later = make_checklist(fca, template, case_reference=old.case_reference, title="A later reflection")
    copy = ActionFactory(checklist=later, question=question, description=source.description, carried_from=source)
    return {"old": old, "later": later, "copy": copy, "source": source}


def test_actions_go_with_their_checklist_and_are_counted(carried):
    from actions.models import Action

    assert "2 actions" in purge("--dry-run")
    assert Action.objects.filter(checklist=carried["old"]).count() == 2

    output = purge()

    assert "3 answers, 2 actions, 1 comments, 2 timeline events" in output
    assert not Action.objects.filter(checklist_id=carried["old"].pk).exists()
    record = PurgeRecord.objects.get(checklist_id=carried["old"].pk)
    assert record.action_count == 2


def test_a_copy_carried_forward_stays_but_nothing_of_the_purged_checklist_survives(client_for, fca, carried):
    from auditlog.models import LogEntry

    from actions.models import Action

    old, later, copy = carried["old"], carried["later"], carried["copy"]
    purge()

    copy.refresh_from_db()
    assert copy.carried_from is None
    assert (copy.checklist_id, copy.description, copy.status) == (later.pk, "Check the new partner's history", "open")
    assert not Action.objects.filter(pk=carried["source"].pk).exists()
    assert not Action.objects.filter(description="Ring the school about Alice").exists()
    assert not Event.objects.filter(checklist_id=old.pk).exists()
    for entry in LogEntry.objects.all():
        assert "Ring the school" not in f"{entry.object_repr} {entry.changes}"
    # The later checklist's pages no longer point at, or quote, the purged one.
    client = client_for(fca)
    for url in (later.get_absolute_url(), f"/checklists/{later.pk}/case/"):
        html = client.get(url).content.decode()
        assert "Carried forward from an earlier reflection" not in html
        assert str(old.pk) not in html and old.title not in html
        assert "Ring the school about Alice" not in html
        assert "Earlier reflections on this case" not in html
