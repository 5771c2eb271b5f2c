"""The names of a step's answers, and gathering what a step or summary page shows.

Field names are built from question keys, which are slugs and so never contain a dot:
`q-<key>` holds the value (repeated for multiple choice), `q-<key>.day`, `.month` and `.year`
hold a date, and `revision-<key>` the revision the page was based on. The first input of every
question has the id `q-<key>`, so error links and "Change" links can focus it. The step form
(checklists.forms.StepForm) reads and checks the answers by these names.
"""

from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Prefetch, Q, QuerySet, prefetch_related_objects
from django.forms import BoundField
from django.http import Http404, QueryDict

from casestudies.models import LearningPoint
from guidance.models import KeyFact, PracticePoint

from .models import Answer, Checklist, Comment, Prompt, Question, Step

PLAIN_NAME = "value"
# Put between the two texts when a conflict is resolved by keeping both.
BOTH_VERSIONS_MARKER = "--- The version saved in another tab or window follows ---"


def is_exclusive(option: dict) -> bool:
    """Whether ticking this option rules out every other one, like "None of these" or "None yet".

    An option may say so with `"exclusive": true`; otherwise a value of `none` or `none-…` does,
    which also covers template versions written before options could say so.
    """
    value = option["value"]
    return bool(option.get("exclusive", value == "none" or value.startswith("none-")))


def join_versions(mine: str, saved: str) -> str:
    """Both texts of a conflict as one answer: this page's first, then the saved one after a marker."""
    mine, saved = mine.strip("\n"), saved.strip("\n")
    if not mine or mine == saved:
        return saved
    if not saved:
        return mine
    return f"{mine}\n\n{BOTH_VERSIONS_MARKER}\n\n{saved}"


def field_name(question: Question) -> str:
    return f"q-{question.key}"


def revision_name(question: Question) -> str:
    return f"revision-{question.key}"


def autosave_data(question: Question, data: QueryDict) -> QueryDict:
    """Autosave may send the answer as `value` (`value.day`…) rather than `q-<key>` (`q-<key>.day`…):
    the same answer under the step form's names."""
    plain = [key for key in data if key == PLAIN_NAME or key.startswith(f"{PLAIN_NAME}.")]
    if not plain:
        return data
    name = field_name(question)
    renamed = QueryDict(mutable=True)
    for key, values in data.lists():
        if key in plain:
            renamed.setlist(name + key.removeprefix(PLAIN_NAME), values)
        elif key != name and not key.startswith(f"{name}."):
            renamed.setlist(key, values)
    return renamed


def read_revision(question: Question, data: QueryDict) -> int | None:
    raw = data.get("revision", data.get(revision_name(question), ""))
    try:
        revision = int(raw)
    except (TypeError, ValueError):
        return None
    return revision if revision >= 0 else None


@dataclass
class QuestionRow:
    """One question as a page shows it: what is in the field, and anything to say about it."""

    question: Question
    answer: Answer | None = None
    value: str = ""  # text, or the stored value of a choice or date question
    selected: list[str] = field(default_factory=list)
    day: str = ""
    month: str = ""
    year: str = ""
    revision: int = 0
    error: str = ""
    conflict: Answer | None = None  # the newer saved answer that this page's text would have overwritten
    actions: list = field(default_factory=list)  # an action question's actions, where a page shows them

    @classmethod
    def saved(cls, question: Question, answer: Answer | None, actions: list | None = None) -> "QuestionRow":
        value = answer.value if answer else ""
        row = cls(question=question, answer=answer, value=value, revision=answer.revision if answer else 0)
        row.actions = actions or []
        row.selected = [item for item in value.split("\n") if item] if question.options else []
        if question.kind == Question.Kind.DATE and value:
            year, month, day = value.split("-")
            row.year, row.month, row.day = year, str(int(month)), str(int(day))
        return row

    @classmethod
    def posted(cls, question: Question, answer: Answer | None, field: BoundField) -> "QuestionRow":
        """What the person typed, kept exactly, so that a refused save loses nothing."""
        row = cls(question=question, answer=answer, revision=read_revision(question, field.form.data) or 0)
        value = field.value()
        if question.kind == Question.Kind.DATE:
            boxes = value if isinstance(value, list) else field.field.widget.decompress(value)
            row.day, row.month, row.year = boxes
        elif question.kind == Question.Kind.MULTIPLE_CHOICE:
            row.selected = list(value or [])
        else:
            row.value = (value or "").replace("\r\n", "\n")
            row.selected = [row.value] if question.options else []
        return row

    @property
    def labels(self) -> list[str]:
        return self.question.labels_for(self.answer.value if self.answer else "")

    @property
    def conflict_labels(self) -> list[str]:
        return self.question.labels_for(self.conflict.value) if self.conflict else []

    @property
    def is_answered(self) -> bool:
        return bool(self.answer and self.answer.value)

    @property
    def anchor(self) -> str:
        return field_name(self.question)

    # What the step page's markup repeats for each question, worked out here once rather than
    # piece by piece in the template (see checklists/_questions.html).

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def group_class(self) -> str:
        counter = " govuk-character-count" if self.question.is_text else ""
        error = " govuk-form-group--error" if self.error else ""
        return f"govuk-form-group{counter}{error} app-question"

    @property
    def trigger(self) -> str:
        """When htmx autosaves: as the person types, when a date is complete, or on any change."""
        if self.question.is_text:
            return "input changed delay:1500ms, change, app-retry"
        if self.question.kind == Question.Kind.DATE:
            return "app-date-complete, app-retry"
        return "change, app-retry"

    @property
    def params(self) -> str:
        key = self.question.key
        return f"question,revision,q-{key},q-{key}.day,q-{key}.month,q-{key}.year,revision-{key}"

    @property
    def described_by(self) -> str:
        """The ids that describe the field: the character count (text only), the hint and the error."""
        key = self.question.key
        ids = [f"q-{key}-info"] if self.question.is_text else []
        if self.question.help_text:
            ids.append(f"q-{key}-hint")
        if self.error:
            ids.append(f"q-{key}-error")
        return " ".join(ids)

    @property
    def max_length(self) -> str:
        return f"{self.question.max_length:,}"

    @property
    def options(self) -> list[dict]:
        """Each radio or checkbox, with its id; an exclusive checkbox after others gets the "or" divider."""
        checkboxes = self.question.kind == Question.Kind.MULTIPLE_CHOICE
        options = []
        for index, option in enumerate(self.question.options, start=1):
            exclusive = checkboxes and is_exclusive(option)
            options.append(
                {
                    **option,
                    "id": field_name(self.question) if index == 1 else f"{field_name(self.question)}.{index}",
                    "checked": option["value"] in self.selected,
                    "exclusive": exclusive,
                    "divider": exclusive and index > 1,
                }
            )
        return options

    @property
    def both_versions(self) -> str:
        """A text conflict resolved by keeping both: what is on this page, then the saved text."""
        return join_versions(self.value, self.conflict.value) if self.conflict else self.value


# Linked guidance is read for titles, bodies and links: never the search vectors, nor the long
# texts of the theme or case study a link points into.
PRACTICE_POINT_FIELDS = ("key", "order", "title", "body", "theme__slug", "theme__number", "theme__title")
LEARNING_POINT_FIELDS = ("key", "order", "text", "case_study__slug", "case_study__title")


def guidance_prefetches(prefix: str = "") -> list[Prefetch]:
    return [
        Prefetch(
            f"{prefix}practice_points",
            queryset=PracticePoint.objects.select_related("theme").only(*PRACTICE_POINT_FIELDS),
        ),
        Prefetch(f"{prefix}key_facts", queryset=KeyFact.objects.all()),
        Prefetch(
            f"{prefix}learning_points",
            queryset=LearningPoint.objects.select_related("case_study").only(*LEARNING_POINT_FIELDS),
        ),
    ]


def prompt_queryset():
    return (
        Prompt.objects.select_related("question", "show_on_step", "key_fact", "practice_point__theme")
        .defer(*(f"practice_point__{name}" for name in ("body", "search_vector")))
        .defer(*(f"practice_point__theme__{name}" for name in ("summary", "key_messages", "why_it_matters")))
        .order_by("show_on_step__number", "id")
    )


@dataclass
class Structure:
    """One template version as every page shows it: steps with their questions and linked guidance, and prompts."""

    steps: list[Step]
    prompts: list[Prompt]

    def prompts_on(self, step: Step) -> list[Prompt]:
        return [prompt for prompt in self.prompts if prompt.show_on_step_id == step.pk]


def load_structure(template_id: int) -> Structure:
    """Load a template's steps, questions, linked guidance and prompts in a fixed number of queries."""
    steps = list(
        Step.objects.filter(template_id=template_id)
        .order_by("number")
        .prefetch_related(
            Prefetch("questions", queryset=Question.objects.order_by("order", "id")), *guidance_prefetches()
        )
    )
    return Structure(steps=steps, prompts=list(prompt_queryset().filter(template_id=template_id)))


def template_question(template_id: int, question_id: int) -> Question | None:
    """One question of a template version, or None."""
    return Question.objects.filter(pk=question_id, template_id=template_id).order_by().first()


class Status:
    """A step's progress, as the GOV.UK task list names it."""

    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CANNOT_START_YET = "Cannot start yet"


def step_status(*, answered: int, required_missing: int) -> str:
    """Not started until something is answered; completed once every required question is."""
    if not answered:
        return Status.NOT_STARTED
    return Status.IN_PROGRESS if required_missing else Status.COMPLETED


def steps_with_progress(checklist: Checklist) -> QuerySet[Step]:
    """The checklist's steps in order, each with `answered` and `required_missing` counts, in one query.

    The answers are joined on the checklist as well as the question, so only this checklist's are read.
    """
    answered = Q(mine__value__gt="")
    return (
        Step.objects.filter(template_id=checklist.template_id)
        .alias(mine=FilteredRelation("questions__answers", condition=Q(questions__answers__checklist=checklist)))
        .annotate(
            answered=Count("questions", filter=answered),
            required_missing=Count("questions", filter=Q(questions__required=True) & ~answered),
        )
        .order_by("number")
    )


def load_comments(checklist: Checklist) -> list[Comment]:
    return list(checklist.comments.select_related("author", "step"))


def triggered_prompts(prompts, answers: dict[int, Answer]) -> list[Prompt]:
    return [
        prompt
        for prompt in prompts
        if prompt.question_id in answers and prompt.is_triggered_by(answers[prompt.question_id].value)
    ]


def answers_by_question(checklist: Checklist) -> dict[int, Answer]:
    """A checklist's saved answers, keyed by question id, in one query."""
    return {answer.question_id: answer for answer in checklist.answers.order_by()}


def actions_by_question(checklist: Checklist, steps: list[Step]) -> dict[int, list]:
    """The actions on the steps' action questions, soonest due first, in one query (none without any)."""
    by_question = {question.pk: [] for step in steps for question in step.questions.all() if question.collects_actions}
    if by_question:
        for action in checklist.actions.filter(question__in=list(by_question)).order_by("due_on", "id"):
            by_question[action.question_id].append(action)
    return by_question


@dataclass
class StepPage:
    """Everything one step page needs, loaded in a fixed number of queries."""

    checklist: Checklist
    steps: list[Step]
    step: Step
    rows: list[QuestionRow]
    answers: dict[int, Answer]
    prompts: list[Prompt]
    comments: list[Comment]

    @classmethod
    def load(cls, checklist: Checklist, number: int) -> "StepPage":
        # Every step, with its progress, for the task list, but questions and guidance for this step only.
        steps = list(steps_with_progress(checklist))
        step = next((step for step in steps if step.number == number), None)
        if step is None:
            raise Http404("That step is not part of this checklist.")
        prefetch_related_objects(
            [step], Prefetch("questions", queryset=Question.objects.order_by("order", "id")), *guidance_prefetches()
        )
        answers = answers_by_question(checklist)
        prompts = triggered_prompts(prompt_queryset().filter(show_on_step=step), answers)
        # Supervisors comment only once a checklist is submitted, and none goes back to draft.
        comments = [] if checklist.status == Checklist.Status.DRAFT else load_comments(checklist)
        rows = [QuestionRow.saved(question, answers.get(question.pk)) for question in step.questions.all()]
        return cls(checklist, steps, step, rows, answers, prompts, comments)

    def reload_progress(self) -> None:
        """Read the steps' progress again, after this request has saved answers."""
        progress = {step.pk: step for step in steps_with_progress(self.checklist)}
        for step in self.steps:
            step.answered, step.required_missing = progress[step.pk].answered, progress[step.pk].required_missing

    @property
    def previous_step(self) -> Step | None:
        index = self.steps.index(self.step)
        return self.steps[index - 1] if index > 0 else None

    @property
    def next_step(self) -> Step | None:
        index = self.steps.index(self.step)
        return self.steps[index + 1] if index + 1 < len(self.steps) else None

    @property
    def step_comments(self) -> list[Comment]:
        return [comment for comment in self.comments if comment.step_id == self.step.pk]

    @property
    def general_comments(self) -> list[Comment]:
        return [comment for comment in self.comments if comment.step_id is None]


@dataclass
class StepSummary:
    step: Step
    rows: list[QuestionRow]
    comments: list[Comment]
    prompts: list[Prompt]

    @property
    def required_missing(self) -> int:
        return sum(1 for row in self.rows if row.question.required and not row.is_answered)

    @property
    def status(self) -> str:
        answered = sum(1 for row in self.rows if row.is_answered)
        return step_status(answered=answered, required_missing=self.required_missing)

    @property
    def hint(self) -> str:
        return missing_hint(self.required_missing)


@dataclass
class Task:
    """One line of the step list (a GOV.UK task list): a step, or checking and submitting."""

    id: str
    title: str
    status: str
    url: str | None = None  # None for the step being shown, or one that cannot start yet
    hint: str = ""
    current: bool = False


def missing_hint(count: int) -> str:
    return f"{count} required question{'' if count == 1 else 's'} not answered" if count else ""


def task_list(steps: list[Step], *, current: Step | None, steps_url: str, check_url: str) -> list[Task]:
    """The step list: each step's progress, then "Check your answers and submit", which cannot start
    while required answers are missing. `steps` come from steps_with_progress."""
    tasks = []
    for step in steps:
        status = step_status(answered=step.answered, required_missing=step.required_missing)
        is_current = current is not None and step.pk == current.pk
        tasks.append(
            Task(
                id=f"step-{step.number}",
                title=f"{step.number}. {step.title}",
                status=status,
                url=None if is_current else f"{steps_url}{step.number}/",
                # A step not yet started is missing everything; the count matters once one is begun.
                hint=missing_hint(step.required_missing) if status == Status.IN_PROGRESS else "",
                current=is_current,
            )
        )
    missing = sum(step.required_missing for step in steps)
    tasks.append(
        Task(
            id="check",
            title="Check your answers and submit",
            status=Status.CANNOT_START_YET if missing else Status.NOT_STARTED,
            url=None if missing else check_url,
            hint=f"Answer {missing} more required question{'' if missing == 1 else 's'} first" if missing else "",
        )
    )
    return tasks


def summarise(checklist: Checklist) -> tuple[list[StepSummary], list[Comment]]:
    """Every step with its answers, actions and comments, for the check-answers, detail and PDF pages."""
    structure = load_structure(checklist.template_id)
    steps = structure.steps
    answers = answers_by_question(checklist)
    actions = actions_by_question(checklist, steps)
    comments = load_comments(checklist)
    prompts = triggered_prompts(structure.prompts, answers)
    summaries = [
        StepSummary(
            step=step,
            rows=[
                QuestionRow.saved(question, answers.get(question.pk), actions=actions.get(question.pk, []))
                for question in step.questions.all()
            ],
            comments=[comment for comment in comments if comment.step_id == step.pk],
            prompts=[prompt for prompt in prompts if prompt.show_on_step_id == step.pk],
        )
        for step in steps
    ]
    return summaries, [comment for comment in comments if comment.step_id is None]
