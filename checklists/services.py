"""Multi-step writes and workflow transitions for checklists.

Every function takes keyword-only, typed arguments and runs in one transaction. Views call
these and never change a checklist's status themselves, so the legal moves live here alone:
draft → submitted → returned → submitted → signed off.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from config.forms import REAL_DATE_MESSAGE
from guidance.cache import bump_version

from . import notifications
from .models import Answer, Checklist, ChecklistTemplate, Comment, Event, Prompt, Question, Step

YES_NO = {"yes", "no"}
YES_NO_UNSURE = {"yes", "no", "unsure"}
MAX_COMMENT_LENGTH = 5000


class ChecklistError(Exception):
    """A refused action. The message is safe to show to the person who asked."""


class TransitionNotAllowed(ChecklistError):
    pass


class NotAReviewer(TransitionNotAllowed):
    """The person may not review this checklist at all: its author, or not a supervisor of its team."""


class ChecklistLocked(ChecklistError):
    pass


class InvalidAnswer(ChecklistError):
    pass


class StaleRevision(ChecklistError):
    """The answer changed since the page was loaded; nothing was overwritten."""

    def __init__(self, answer: Answer):
        super().__init__("This answer was changed somewhere else, so your text was not saved over it.")
        self.answer = answer


class IncompleteChecklist(ChecklistError):
    def __init__(self, missing: list[Question]):
        super().__init__("Answer the required questions before you submit.")
        self.missing = missing


def record_event(*, checklist: Checklist, kind: str, actor: User, detail: str = "") -> None:
    Event.objects.create(checklist=checklist, kind=kind, actor=actor, detail=detail[:200])


def _lock(checklist: Checklist) -> Checklist:
    """Re-read the checklist under a row lock so two transitions cannot race."""
    return Checklist.objects.select_for_update().get(pk=checklist.pk)


def ensure_can_move(checklist: Checklist, to: str) -> None:
    """Refuse a move that the workflow does not allow, saying why."""
    if not checklist.can_move_to(to):
        raise TransitionNotAllowed(
            f"A checklist that is {checklist.get_status_display().lower()} cannot be "
            f"{Checklist.Status(to).label.lower()}."
        )


def _move(checklist: Checklist, to: str) -> None:
    ensure_can_move(checklist, to)
    checklist.status = to


@transaction.atomic
def start_checklist(*, template: ChecklistTemplate, author: User, case_reference: str, title: str) -> Checklist:
    if template.status != ChecklistTemplate.Status.PUBLISHED:
        raise ChecklistError("That checklist is not available to start.")
    checklist = Checklist(
        template=template,
        author=author,
        team=author.practice_team,
        case_reference=case_reference.strip().upper(),
        title=title.strip(),
    )
    checklist.full_clean()
    checklist.save()
    record_event(checklist=checklist, kind=Event.Kind.CREATED, actor=author)
    return checklist


def normalise_answer(question: Question, value: str | list[str]) -> str:
    """Check a raw value against the question's kind and return what is stored."""
    kind = Question.Kind
    if "\x00" in (value if isinstance(value, str) else "".join(value)):
        raise InvalidAnswer("Your answer contains a character that cannot be saved. Remove it and try again.")
    if question.kind == kind.MULTIPLE_CHOICE:
        values = value if isinstance(value, list) else [v for v in str(value).split("\n") if v]
        allowed = {choice["value"] for choice in question.choices}
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise InvalidAnswer("Choose from the options given.")
        # Keep the template's order so that answers compare and display consistently.
        return "\n".join(choice["value"] for choice in question.choices if choice["value"] in values)
    if isinstance(value, list):
        raise InvalidAnswer("Give one answer to this question.")
    value = value.replace("\r\n", "\n")
    if value.strip() == "":
        return ""
    if question.kind in (kind.SHORT_TEXT, kind.LONG_TEXT):
        if len(value) > question.max_length:
            raise InvalidAnswer(
                f"Your answer is {len(value):,} characters. It must be {question.max_length:,} characters or fewer."
            )
        return value
    if question.kind == kind.YES_NO and value not in YES_NO:
        raise InvalidAnswer("Choose yes or no.")
    if question.kind == kind.YES_NO_UNSURE and value not in YES_NO_UNSURE:
        raise InvalidAnswer("Choose yes, no or not sure.")
    if question.kind == kind.SINGLE_CHOICE and value not in {choice["value"] for choice in question.choices}:
        raise InvalidAnswer("Choose one of the options given.")
    if question.kind == kind.DATE:
        try:
            return datetime.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise InvalidAnswer(REAL_DATE_MESSAGE) from None
    return value


def save_answer(
    *, checklist: Checklist, question: Question, value: str | list[str], base_revision: int, by: User
) -> Answer:
    """Save one answer if it is based on the latest revision; otherwise refuse, overwriting nothing."""
    if checklist.author_id != by.pk:
        raise ChecklistLocked("Only the author can change the answers.")
    if not checklist.is_editable:
        raise ChecklistLocked("This checklist has been submitted, so its answers can no longer be changed.")
    if question.template_id != checklist.template_id:
        raise InvalidAnswer("That question is not part of this checklist.")
    stored = normalise_answer(question, value)
    answer, saved = _swap_answer(checklist=checklist, question=question, stored=stored, base_revision=base_revision)
    if not saved:
        raise StaleRevision(answer)
    return answer


@transaction.atomic
def _swap_answer(*, checklist: Checklist, question: Question, stored: str, base_revision: int) -> tuple[Answer, bool]:
    """Write the answer, or return the newer one it would overwrite: (answer, whether it was saved)."""
    now = timezone.now()
    # Compare-and-swap on the revision, in one UPDATE: it changes the row only if nobody has
    # saved since the page was built, so a concurrent save that got here first wins.
    updated = (
        Answer.objects.filter(checklist=checklist, question=question, revision=base_revision)
        .exclude(value=stored)
        .update(value=stored, revision=F("revision") + 1, updated_at=now)
    )
    if updated:
        Checklist.objects.filter(pk=checklist.pk).update(updated_at=now)
        return Answer(
            checklist=checklist, question=question, value=stored, revision=base_revision + 1, updated_at=now
        ), True
    answer = Answer.objects.filter(checklist=checklist, question=question).first()
    if answer is None:
        if base_revision != 0:
            return Answer(checklist=checklist, question=question, updated_at=now), False
        try:
            with transaction.atomic():
                answer = Answer.objects.create(checklist=checklist, question=question, value=stored, revision=1)
        except IntegrityError:
            # Another request created it first: theirs stands, and this save is refused.
            return Answer.objects.get(checklist=checklist, question=question), False
        Checklist.objects.filter(pk=checklist.pk).update(updated_at=now)
        return answer, True
    # Already saved, perhaps from another tab: nothing to overwrite, so no conflict.
    return answer, answer.value == stored


def missing_required(checklist: Checklist) -> list[Question]:
    answered = set(checklist.answers.exclude(value="").values_list("question_id", flat=True))
    questions = checklist.template.questions.filter(required=True).select_related("step")
    return [question for question in questions if question.pk not in answered]


@transaction.atomic
def submit(*, checklist: Checklist, by: User) -> Checklist:
    checklist = _lock(checklist)
    if checklist.author_id != by.pk:
        raise TransitionNotAllowed("Only the author can submit a checklist.")
    resubmission = checklist.status == Checklist.Status.RETURNED
    _move(checklist, Checklist.Status.SUBMITTED)
    missing = missing_required(checklist)
    if missing:
        raise IncompleteChecklist(missing)
    checklist.submitted_at = timezone.now()
    checklist.save(update_fields=["status", "submitted_at", "updated_at"])
    record_event(checklist=checklist, kind=Event.Kind.SUBMITTED, actor=by, detail="Resubmitted" if resubmission else "")
    notifications.checklist_submitted(checklist)
    return checklist


def _check_reviewer(checklist: Checklist, by: User) -> None:
    if checklist.author_id == by.pk:
        raise NotAReviewer("You cannot review your own checklist.")
    if checklist.status == Checklist.Status.DRAFT:
        raise NotAReviewer("Drafts are private to their author.")
    if not Checklist.objects.in_review_for(by).filter(pk=checklist.pk).exists():
        raise NotAReviewer("Only a supervisor of this team can review this checklist.")


def _clean_comment(body: str, *, required: bool) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ChecklistError("Enter a comment to explain what needs more reflection.")
    if len(body) > MAX_COMMENT_LENGTH:
        raise ChecklistError(f"Comments must be {MAX_COMMENT_LENGTH:,} characters or fewer.")
    return body


def _check_step(checklist: Checklist, step: Step | None) -> None:
    if step is not None and step.template_id != checklist.template_id:
        raise ChecklistError("That step is not part of this checklist.")


@transaction.atomic
def add_comment(*, checklist: Checklist, by: User, body: str, step: Step | None = None) -> Comment:
    checklist = _lock(checklist)
    _check_reviewer(checklist, by)
    if checklist.status == Checklist.Status.SIGNED_OFF:
        raise TransitionNotAllowed("This checklist has been signed off, so it can no longer be commented on.")
    _check_step(checklist, step)
    comment = Comment.objects.create(
        checklist=checklist, step=step, author=by, body=_clean_comment(body, required=True), kind=Comment.Kind.COMMENT
    )
    checklist.save(update_fields=["updated_at"])
    record_event(
        checklist=checklist, kind=Event.Kind.COMMENTED, actor=by, detail=f"On step {step.number}" if step else ""
    )
    return comment


@transaction.atomic
def return_for_reflection(*, checklist: Checklist, by: User, comment: str, step: Step | None = None) -> Checklist:
    checklist = _lock(checklist)
    _check_reviewer(checklist, by)
    # The state is checked first, so a stale page gets "already signed off" rather than a form error.
    _move(checklist, Checklist.Status.RETURNED)
    _check_step(checklist, step)
    body = _clean_comment(comment, required=True)
    Comment.objects.create(checklist=checklist, step=step, author=by, body=body, kind=Comment.Kind.RETURN_REASON)
    checklist.returned_at = timezone.now()
    checklist.save(update_fields=["status", "returned_at", "updated_at"])
    # Remember what each answer said, so the next review can show what changed.
    checklist.answers.update(returned_value=F("value"))
    record_event(checklist=checklist, kind=Event.Kind.RETURNED, actor=by)
    notifications.checklist_returned(checklist)
    return checklist


@transaction.atomic
def sign_off(*, checklist: Checklist, by: User, comment: str = "") -> Checklist:
    checklist = _lock(checklist)
    _check_reviewer(checklist, by)
    _move(checklist, Checklist.Status.SIGNED_OFF)
    body = _clean_comment(comment, required=False)
    if body:
        Comment.objects.create(checklist=checklist, author=by, body=body, kind=Comment.Kind.SIGN_OFF_NOTE)
    checklist.signed_off_at = timezone.now()
    checklist.save(update_fields=["status", "signed_off_at", "updated_at"])
    record_event(checklist=checklist, kind=Event.Kind.SIGNED_OFF, actor=by)
    notifications.checklist_signed_off(checklist)
    return checklist


@transaction.atomic
def record_discussion(*, checklist: Checklist, by: User, on: datetime.date) -> Checklist:
    checklist = _lock(checklist)
    _check_reviewer(checklist, by)
    if on > timezone.localdate():
        raise ChecklistError("The date of the discussion must be today or in the past.")
    checklist.discussed_on = on
    checklist.save(update_fields=["discussed_on", "updated_at"])
    record_event(checklist=checklist, kind=Event.Kind.DISCUSSED, actor=by, detail=f"On {on:%d %B %Y}")
    return checklist


@transaction.atomic
def delete_draft(*, checklist: Checklist, by: User) -> None:
    checklist = _lock(checklist)
    if checklist.author_id != by.pk or checklist.status != Checklist.Status.DRAFT:
        raise TransitionNotAllowed("Only the author can delete a checklist, and only while it is a draft.")
    checklist.delete()


def record_view(*, checklist: Checklist, by: User, detail: str = "") -> None:
    """Audit every look at a checklist by someone other than its author."""
    if checklist.author_id != by.pk:
        record_event(checklist=checklist, kind=Event.Kind.VIEWED, actor=by, detail=detail)


def record_export(*, checklist: Checklist, by: User) -> None:
    """Audit every download. The author's own downloads go on the timeline too."""
    record_event(checklist=checklist, kind=Event.Kind.EXPORTED, actor=by)


@transaction.atomic
def create_next_version(*, template: ChecklistTemplate) -> ChecklistTemplate:
    """Copy a template version, with its steps, questions, prompts and guidance links, as the next draft."""
    latest = ChecklistTemplate.objects.filter(slug=template.slug).order_by("-version").first()
    copy = ChecklistTemplate.objects.create(
        slug=template.slug,
        version=latest.version + 1,
        title=template.title,
        summary=template.summary,
        position=template.position,
        status=ChecklistTemplate.Status.DRAFT,
    )
    steps, questions = {}, {}
    for step in template.steps.prefetch_related("practice_points", "key_facts", "learning_points"):
        new_step = Step.objects.create(template=copy, number=step.number, title=step.title, intro=step.intro)
        new_step.practice_points.set(step.practice_points.all())
        new_step.key_facts.set(step.key_facts.all())
        new_step.learning_points.set(step.learning_points.all())
        steps[step.pk] = new_step
    for question in template.questions.all():
        questions[question.pk] = Question.objects.create(
            template=copy,
            step=steps[question.step_id],
            key=question.key,
            order=question.order,
            text=question.text,
            help_text=question.help_text,
            kind=question.kind,
            choices=question.choices,
            required=question.required,
            max_length=question.max_length,
            collects_actions=question.collects_actions,
        )
    Prompt.objects.bulk_create(
        Prompt(
            template=copy,
            key=prompt.key,
            show_on_step=steps[prompt.show_on_step_id],
            title=prompt.title,
            body=prompt.body,
            key_fact_id=prompt.key_fact_id,
            practice_point_id=prompt.practice_point_id,
            question=questions[prompt.question_id],
            any_of=prompt.any_of,
            min_matches=prompt.min_matches,
        )
        for prompt in template.prompts.all()
    )
    return copy


@transaction.atomic
def publish_template(*, template: ChecklistTemplate) -> ChecklistTemplate | None:
    """Publish one version and retire the one it replaces, together. Returns the retired version."""
    versions = ChecklistTemplate.objects.select_for_update().filter(slug=template.slug)
    template = versions.get(pk=template.pk)
    if template.status == ChecklistTemplate.Status.PUBLISHED:
        raise ChecklistError(f"{template} is already published.")
    if not template.steps.exists() or not template.questions.exists():
        raise ChecklistError(f"{template} has no steps or questions yet, so it cannot be published.")
    retired = versions.filter(status=ChecklistTemplate.Status.PUBLISHED).first()
    if retired is not None:
        # Retire first: the database allows only one published version of each checklist.
        retired.status = ChecklistTemplate.Status.RETIRED
        retired.save(update_fields=["status"])
    template.status = ChecklistTemplate.Status.PUBLISHED
    template.published_at = timezone.now()
    template.save(update_fields=["status", "published_at"])
    return retired


@transaction.atomic
def retire_template(*, template: ChecklistTemplate) -> None:
    """Stop FCAs starting this version. Checklists already started from it carry on."""
    ChecklistTemplate.objects.filter(pk=template.pk).update(status=ChecklistTemplate.Status.RETIRED)
    bump_version()  # update() sends no signals; guidance pages list published checklists
