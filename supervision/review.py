"""What a supervisor reads on the review page, built in a fixed number of queries.

Answers are grouped by step with the wording of the template version the FCA used, beside the
guidance the FCA saw at that step and the prompts that their answers set off. After a return,
each answer is compared with what it said when it was returned.
"""

from dataclasses import dataclass, field

from django.template.defaultfilters import linebreaksbr
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString

from checklists.models import Answer, Checklist, Comment, Prompt, Question, Step
from checklists.walkthrough import Structure, actions_by_question, answers_by_question, load_structure


@dataclass
class AnswerRow:
    question: Question
    answer: Answer | None
    labels: list[str]
    changed: bool = False
    previous_labels: list[str] = field(default_factory=list)
    actions: list = field(default_factory=list)  # for an action question: its actions as they stand now
    # Worked out once here rather than by the template for every row.
    is_text: bool = field(init=False)
    anchor: str = field(init=False)

    def __post_init__(self):
        self.is_text = self.question.is_text
        self.anchor = f"question-{self.question.key}"

    @property
    def value_html(self) -> SafeString:
        return answer_html(self.labels, is_text=self.is_text)

    @property
    def previous_html(self) -> SafeString:
        return answer_html(self.previous_labels, is_text=self.is_text)


NOT_ANSWERED = SafeString('<span class="app-not-answered">Not answered</span>')


def answer_html(labels: list[str], *, is_text: bool) -> SafeString:
    """An answer exactly as checklists/_answer_value.html shows it, for a page that lists dozens."""
    if not labels:
        return NOT_ANSWERED
    if is_text:
        return linebreaksbr(labels[0], autoescape=True)
    if len(labels) == 1:
        return conditional_escape(labels[0])
    items = format_html_join("", "<li>{}</li>", ((label,) for label in labels))
    return format_html('<ul class="govuk-list govuk-list--bullet">{}</ul>', items)


@dataclass
class StepReview:
    step: Step
    rows: list[AnswerRow]
    prompts: list[Prompt]
    comments: list[Comment]
    # Set by the view while comments may still be added.
    comment_form: object | None = None

    @property
    def has_guidance(self) -> bool:
        """Whether the author saw any guidance at this step."""
        step = self.step
        return bool(self.prompts or step.practice_points.all() or step.key_facts.all() or step.learning_points.all())

    @property
    def changed_rows(self) -> list[AnswerRow]:
        return [row for row in self.rows if row.changed]


@dataclass
class Review:
    checklist: Checklist
    steps: list[StepReview]
    general_comments: list[Comment]
    comment_count: int
    # True while the FCA is reflecting again: the answers shown are those that were returned.
    showing_returned_answers: bool

    @property
    def changed_rows(self) -> list[AnswerRow]:
        return [row for step_review in self.steps for row in step_review.changed_rows]

    @property
    def compares_with_return(self) -> bool:
        return self.checklist.returned_at is not None and not self.showing_returned_answers


def build_review(checklist: Checklist, structure: Structure | None = None) -> Review:
    structure = structure or load_structure(checklist.template_id)
    steps = structure.steps
    answers = answers_by_question(checklist)
    actions = actions_by_question(checklist, steps)
    prompts = structure.prompts
    comments = list(checklist.comments.select_related("author").order_by("created_at", "id"))

    # A supervisor never reads work in progress: while a checklist is back with its author,
    # show the answers as they stood when it was returned.
    showing_returned = checklist.status == Checklist.Status.RETURNED
    compare = checklist.returned_at is not None and not showing_returned

    def shown_value(answer: Answer | None) -> str:
        if answer is None:
            return ""
        if showing_returned:
            return answer.returned_value or ""
        return answer.value

    values = {question_id: shown_value(answer) for question_id, answer in answers.items()}
    step_reviews = []
    for step in steps:
        rows = []
        for question in step.questions.all():
            answer = answers.get(question.pk)
            value = values.get(question.pk, "")
            row = AnswerRow(
                question=question,
                answer=answer,
                labels=question.labels_for(value),
                actions=actions.get(question.pk, []),
            )
            if compare and answer is not None:
                previous = answer.returned_value or ""
                if previous != answer.value:
                    row.changed = True
                    row.previous_labels = question.labels_for(previous)
            rows.append(row)
        fired = [
            prompt
            for prompt in prompts
            if prompt.show_on_step_id == step.pk and prompt.is_triggered_by(values.get(prompt.question_id, ""))
        ]
        step_comments = [comment for comment in comments if comment.step_id == step.pk]
        step_reviews.append(
            StepReview(
                step=step,
                rows=rows,
                prompts=fired,
                comments=step_comments,
            )
        )

    return Review(
        checklist=checklist,
        steps=step_reviews,
        general_comments=[comment for comment in comments if comment.step_id is None],
        comment_count=len(comments),
        showing_returned_answers=showing_returned,
    )
