import datetime
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from accounts.models import Team
from casestudies.models import LearningPoint
from guidance.models import MARKDOWN_HELP, KeyFact, PracticePoint

from .formats import moment

# A case number such as ZE21P00123: letters, digits, '/' and '-', with at least three digits and
# never four letters in a row, so that a child's or parent's name cannot be entered by mistake
# (not even with a number added, like JANESMITH2).
CASE_REFERENCE_RE = r"^(?=(?:[^0-9]*[0-9]){3})(?!.*[A-Z]{4})[A-Z0-9][A-Z0-9/-]{3,19}$"
case_reference_validator = RegexValidator(
    CASE_REFERENCE_RE,
    "Enter a case number, like ZE21P00123, using letters, numbers, '/' or '-' (4 to 20 characters). Do not use names.",
)

FROZEN_MESSAGE = (
    "This version is in use by checklists, so its wording cannot change. "
    "Use “Create the next version” and edit the new draft instead."
)


class ChecklistTemplate(models.Model):
    """One version of a reflective checklist. A version that any checklist uses is frozen."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    slug = models.SlugField(max_length=120, help_text="Shared by every version of this checklist.")
    version = models.PositiveSmallIntegerField(default=1, help_text="Increases by one for each new version.")
    title = models.CharField(max_length=200, help_text="As FCAs will see it.")
    summary = models.TextField(blank=True, help_text="When to use this checklist. " + MARKDOWN_HELP)
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text="FCAs can start only the published version. Retired versions stay readable.",
    )
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Where this checklist comes in lists: lower numbers first, then by title."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["position", "title", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="template_unique_version"),
            models.UniqueConstraint(
                fields=["slug"], condition=Q(status="published"), name="template_one_published_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    # What an FCA's answers depend on; frozen once any checklist uses this version.
    CONTENT_FIELDS = ("slug", "version", "title", "summary")

    @property
    def is_frozen(self) -> bool:
        return self.pk is not None and self.checklists.exists()

    def check_not_frozen(self) -> None:
        """The model-level guard that admin, the loader and the step/question/prompt models share."""
        if self.is_frozen:
            raise ValidationError(FROZEN_MESSAGE, code="frozen")

    def clean(self) -> None:
        if self.is_frozen:
            stored = ChecklistTemplate.objects.filter(pk=self.pk).values(*self.CONTENT_FIELDS).first()
            if stored and any(stored[field] != getattr(self, field) for field in self.CONTENT_FIELDS):
                raise ValidationError(FROZEN_MESSAGE, code="frozen")

    def get_start_url(self) -> str:
        return reverse("checklists:details", kwargs={"slug": self.slug})


class Step(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="steps")
    number = models.PositiveSmallIntegerField(help_text="Steps run in this order, from 1.")
    title = models.CharField(max_length=200)
    intro = models.TextField(blank=True, help_text=MARKDOWN_HELP)
    practice_points = models.ManyToManyField(
        PracticePoint, blank=True, related_name="steps", help_text="Shown beside the questions."
    )
    key_facts = models.ManyToManyField(
        KeyFact, blank=True, related_name="steps", help_text="Shown beside the questions."
    )
    learning_points = models.ManyToManyField(
        LearningPoint, blank=True, related_name="steps", help_text="Case-study learning shown beside the questions."
    )

    class Meta:
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="step_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def clean(self) -> None:
        if self.template_id:
            self.template.check_not_frozen()


class Question(models.Model):
    class Kind(models.TextChoices):
        SHORT_TEXT = "short_text", "Short text"
        LONG_TEXT = "long_text", "Long text"
        YES_NO = "yes_no", "Yes or no"
        YES_NO_UNSURE = "yes_no_unsure", "Yes, no or not sure"
        SINGLE_CHOICE = "single_choice", "Single choice"
        MULTIPLE_CHOICE = "multiple_choice", "Multiple choice"
        DATE = "date", "Date"

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="questions")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="questions")
    key = models.SlugField(max_length=120, help_text="Stable name within the template, used by prompts.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Order within the step.")
    text = models.CharField(max_length=500, help_text="The question, as the FCA reads it.")
    help_text = models.TextField(blank=True, help_text="Hint shown under the question.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LONG_TEXT)
    choices = models.JSONField(
        default=list, blank=True, help_text='For choice questions: a list of {"value": "...", "label": "..."}.'
    )
    required = models.BooleanField(default=False, help_text="Must be answered before the checklist is submitted.")
    max_length = models.PositiveIntegerField(default=5000, help_text="Character limit for text answers.")
    collects_actions = models.BooleanField(
        default=False,
        help_text="An action question: below it the FCA adds actions, each with who does it and by when.",
    )

    CHOICE_KINDS = {Kind.SINGLE_CHOICE, Kind.MULTIPLE_CHOICE}
    TEXT_KINDS = {Kind.SHORT_TEXT, Kind.LONG_TEXT}
    FIXED_OPTIONS = {
        Kind.YES_NO: [{"value": "yes", "label": "Yes"}, {"value": "no", "label": "No"}],
        Kind.YES_NO_UNSURE: [
            {"value": "yes", "label": "Yes"},
            {"value": "no", "label": "No"},
            {"value": "unsure", "label": "Not sure"},
        ],
    }

    class Meta:
        ordering = ["step__number", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="question_unique_key")]

    def __str__(self) -> str:
        return self.text

    def clean(self) -> None:
        if self.template_id:
            self.template.check_not_frozen()
        if self.step_id and self.template_id and self.step.template_id != self.template_id:
            raise ValidationError({"step": "Choose a step of the same checklist template."})
        if self.kind in self.CHOICE_KINDS:
            values = [choice.get("value") for choice in self.choices if isinstance(choice, dict)]
            well_formed = (
                isinstance(self.choices, list)
                and len(values) == len(self.choices)
                and all(isinstance(c.get("value"), str) and c["value"] and c.get("label") for c in self.choices)
            )
            if not self.choices or not well_formed:
                raise ValidationError({"choices": 'Give the options as a list of {"value": "...", "label": "..."}.'})
            if len(set(values)) != len(values):
                raise ValidationError({"choices": "Each option needs a different value."})
        elif self.choices:
            raise ValidationError({"choices": "Only single and multiple choice questions have options."})

    @property
    def is_text(self) -> bool:
        return self.kind in self.TEXT_KINDS

    @property
    def options(self) -> list[dict]:
        """The radio or checkbox options, as {"value", "label"}; empty for text and date questions."""
        return self.FIXED_OPTIONS.get(self.kind, self.choices if self.kind in self.CHOICE_KINDS else [])

    def labels_for(self, value: str) -> list[str]:
        """The stored value as people read it: option labels, a written-out date, or the text itself."""
        if not value:
            return []
        if self.kind == self.Kind.DATE:
            try:
                return [f"{datetime.date.fromisoformat(value):%-d %B %Y}"]
            except ValueError:
                return [value]
        if self.options:
            labels = {option["value"]: option["label"] for option in self.options}
            return [labels.get(item, item) for item in value.split("\n") if item]
        return [value]


class Prompt(models.Model):
    """Guidance shown on a later step when earlier answers match a condition."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="prompts")
    key = models.SlugField(max_length=120, help_text="Stable name within the template.")
    show_on_step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="prompts")
    title = models.CharField(max_length=200)
    body = models.TextField(help_text=MARKDOWN_HELP)
    key_fact = models.ForeignKey(
        KeyFact,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A figure to show with the prompt.",
    )
    practice_point = models.ForeignKey(
        PracticePoint,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="A practice point to link to.",
    )
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="prompts",
        help_text="The earlier question whose answer triggers this prompt.",
    )
    any_of = models.JSONField(default=list, help_text="Answer values that count towards the trigger.")
    min_matches = models.PositiveSmallIntegerField(default=1, help_text="How many of those values must be chosen.")

    class Meta:
        ordering = ["template", "show_on_step__number", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "key"], name="prompt_unique_key")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.template_id:
            self.template.check_not_frozen()
        errors = {}
        if self.show_on_step_id and self.template_id and self.show_on_step.template_id != self.template_id:
            errors["show_on_step"] = "Choose a step of the same checklist template."
        if self.question_id and self.template_id and self.question.template_id != self.template_id:
            errors["question"] = "Choose a question of the same checklist template."
        elif self.question_id and self.show_on_step_id and self.question.step.number > self.show_on_step.number:
            errors["show_on_step"] = "Show the prompt on the question's step or a later one."
        if not isinstance(self.any_of, list) or not self.any_of or not all(isinstance(v, str) for v in self.any_of):
            errors["any_of"] = 'Give the answer values as a list, for example ["yes"].'
        elif self.question_id and self.question.options:
            allowed = {option["value"] for option in self.question.options}
            unknown = [value for value in self.any_of if value not in allowed]
            if unknown:
                errors["any_of"] = f"These are not answers to that question: {', '.join(unknown)}."
        if isinstance(self.any_of, list) and not 1 <= self.min_matches <= max(len(self.any_of), 1):
            errors["min_matches"] = "Must be at least 1 and no more than the number of answer values."
        if errors:
            raise ValidationError(errors)

    def is_triggered_by(self, value: str) -> bool:
        """Whether a stored answer to `question` sets this prompt off."""
        if not value:
            return False
        if self.question.kind == Question.Kind.MULTIPLE_CHOICE:
            chosen = {item for item in value.split("\n") if item}
            return len(chosen.intersection(self.any_of)) >= max(self.min_matches, 1)
        return value in self.any_of


def _in_review_for(user) -> Q:
    """The supervisor rule, written once: non-drafts of the teams the person supervises.

    A superuser counts as supervising every team.
    """
    not_draft = ~Q(status=Checklist.Status.DRAFT)
    if user.is_superuser:
        return not_draft
    return Q(team_id__in=user.supervised_team_ids) & not_draft


class ChecklistQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Who may see which checklist: your own, plus your supervised teams' non-drafts.

        Superusers see every checklist; each look by someone other than the author is audited.
        """
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.is_supervisor:
            return self.authored_by(user)
        return self.filter(Q(author=user) | _in_review_for(user))

    def authored_by(self, user):
        return self.filter(author=user)

    def same_case_as(self, checklist):
        """The checklists that the same author wrote about the same case, this one included."""
        return self.filter(author_id=checklist.author_id, case_reference=checklist.case_reference)

    def in_review_for(self, user):
        """The checklists a person may review, their own included: callers leave those out as needed."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(_in_review_for(user))

    def awaiting_review(self):
        return self.filter(status=Checklist.Status.SUBMITTED)


class Checklist(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned for more reflection"
        SIGNED_OFF = "signed_off", "Signed off"

    # The only legal moves; services refuse anything else.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RETURNED, Status.SIGNED_OFF},
        Status.RETURNED: {Status.SUBMITTED},
        Status.SIGNED_OFF: set(),
    }
    EDITABLE = {Status.DRAFT, Status.RETURNED}

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="checklists")
    # The indexes below lead with the author and the team, so neither needs one of its own: every
    # extra index is written again each time an autosave moves updated_at.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checklists", db_index=False
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checklists",
        help_text="The author's team when the checklist was started.",
        db_index=False,
    )
    case_reference = models.CharField(max_length=20, validators=[case_reference_validator])
    title = models.CharField(max_length=120, help_text="A short description. Do not use names.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    returned_at = models.DateTimeField(null=True, blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    discussed_on = models.DateField(null=True, blank=True, help_text="When it was discussed in supervision.")

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            models.Index(fields=["author", "-updated_at"], name="checklist_author_recent"),
            models.Index(fields=["author", "status", "-updated_at"], name="checklist_author_status"),
            models.Index(fields=["author", "case_reference"], name="checklist_author_case"),
            models.Index(fields=["team", "status", "submitted_at"], name="checklist_team_queue"),
            models.Index(
                fields=["team", "-updated_at"], condition=~models.Q(status="draft"), name="checklist_team_changed"
            ),
            models.Index(fields=["status", "signed_off_at"], name="checklist_retention"),
            # The admin's list, newest first (it breaks ties by primary key).
            models.Index(fields=["-updated_at", "-id"], name="checklist_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.case_reference} – {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("checklists:detail", kwargs={"pk": self.pk})

    def get_step_url(self, number: int) -> str:
        return reverse("checklists:step", kwargs={"pk": self.pk, "number": number})

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]


class Answer(models.Model):
    # answer_one_per_question leads with the checklist: no index of its own.
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="answers", db_index=False)
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # Text as typed; a date as YYYY-MM-DD; multiple choices as values joined by newlines.
    value = models.TextField(blank=True)
    # Every save increments this. A save based on an older revision is refused as a conflict.
    revision = models.PositiveIntegerField(default=0)
    # The value when the checklist was last returned, so the supervisor can see what changed.
    returned_value = models.TextField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["question__step__number", "question__order"]
        constraints = [models.UniqueConstraint(fields=["checklist", "question"], name="answer_one_per_question")]

    def __str__(self) -> str:
        return f"Answer to {self.question.key} (revision {self.revision})"

    @property
    def selected(self) -> list[str]:
        return [v for v in self.value.split("\n") if v]


class Comment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        RETURN_REASON = "return_reason", "Reason for returning"
        SIGN_OFF_NOTE = "sign_off_note", "Sign-off note"

    # comment_checklist leads with the checklist: no index of its own.
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="comments", db_index=False)
    step = models.ForeignKey(
        Step,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        help_text="The step this comment is about; blank for the whole checklist.",
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(max_length=5000)
    # db_default too, so that rows written without the ORM are plain comments.
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.COMMENT,
        db_default=Kind.COMMENT,
        help_text="What the comment was: a comment, the reason for a return, or a note made on signing off.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["checklist", "created_at"], name="comment_checklist")]

    def __str__(self) -> str:
        return f"{self.label} by {self.author} on {self.created_at:%d %b %Y}"

    @property
    def label(self) -> str:
        """What the comment was, as its reader sees it labelled."""
        if self.kind == self.Kind.COMMENT:
            return "Step comment" if self.step_id else "General comment"
        return self.get_kind_display()

    @cached_property
    def when(self) -> dict[str, str]:
        """When it was written, for a <time> element (see checklists.formats.moment)."""
        return moment(self.created_at)


class Event(models.Model):
    """The timeline: what happened to a checklist, by whom and when. Never holds answers."""

    class Kind(models.TextChoices):
        CREATED = "created", "Started"
        SUBMITTED = "submitted", "Submitted for review"
        RETURNED = "returned", "Returned for more reflection"
        COMMENTED = "commented", "Commented"
        SIGNED_OFF = "signed_off", "Signed off"
        DISCUSSED = "discussed", "Discussed in supervision"
        EXPORTED = "exported", "Downloaded as PDF"
        VIEWED = "viewed", "Viewed"
        ACTION_ADDED = "action_added", "Action added"
        ACTION_DONE = "action_done", "Action done"
        ACTION_NOT_NEEDED = "action_not_needed", "Action no longer needed"
        ACTIONS_CARRIED = "actions_carried", "Actions carried forward"

    # event_timeline leads with the checklist: no index of its own, one fewer to write on each look.
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=200, blank=True, help_text="A short note, never answer text.")

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["checklist", "created_at", "id"], name="event_timeline")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.actor} on {moment(self.created_at)['text']}"


class PurgeRecord(models.Model):
    """What the retention purge deleted. Enough to account for it, never what it said."""

    purged_at = models.DateTimeField(auto_now_add=True)
    purged_by = models.CharField(max_length=100, help_text="What deleted it, e.g. the purge_checklists command.")
    retention_days = models.PositiveIntegerField(help_text="The retention period that applied, in days.")
    checklist_id = models.UUIDField(help_text="The deleted checklist's id, as it appeared in the audit trail.")
    template_slug = models.SlugField(max_length=120)
    template_version = models.PositiveSmallIntegerField()
    team_name = models.CharField(max_length=100, blank=True)
    signed_off_at = models.DateTimeField()
    answer_count = models.PositiveIntegerField(default=0)
    action_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    event_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-purged_at", "-id"]
        indexes = [models.Index(fields=["purged_at"], name="purge_record_when")]

    def __str__(self) -> str:
        return f"Checklist {self.checklist_id} purged on {self.purged_at:%d %b %Y}"
