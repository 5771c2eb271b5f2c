"""What a supervisor reads on the review page, built in a fixed number of queries.

Answers are grouped by step with the wording of the template version the FCA used, beside the
guidance the FCA saw at that step and the prompts that their answers set off. After a return,
each answer is compared with what it said when it was returned.
"""

from dataclasses import dataclass, field

from casestudies.models import LearningPoint
from guidance.models import KeyFact, PracticePoint

from .models import Answer, Checklist, Comment, Prompt, Question, Step
from .walkthrough import Structure, load_structure


@dataclass
class AnswerRow:
    question: Question
    answer: Answer | None
    labels: list[str]
    changed: bool = False
    previous_labels: list[str] = field(default_factory=list)

    @property
    def is_text(self) -> bool:
        return self.question.is_text

    @property
    def anchor(self) -> str:
        return f"question-{self.question.key}"


@dataclass
class StepReview:
    step: Step
    rows: list[AnswerRow]
    prompts: list[Prompt]
    comments: list[Comment]

    @property
    def practice_points(self) -> list[PracticePoint]:
        return list(self.step.practice_points.all())

    @property
    def key_facts(self) -> list[KeyFact]:
        return list(self.step.key_facts.all())

    @property
    def learning_points(self) -> list[LearningPoint]:
        return list(self.step.learning_points.all())

    @property
    def has_guidance(self) -> bool:
        return bool(self.prompts or self.practice_points or self.key_facts or self.learning_points)

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
    def step_list(self) -> list[Step]:
        return [step_review.step for step_review in self.steps]

    @property
    def changed_rows(self) -> list[AnswerRow]:
        return [row for step_review in self.steps for row in step_review.changed_rows]

    @property
    def compares_with_return(self) -> bool:
        return self.checklist.returned_at is not None and not self.showing_returned_answers


def build_review(checklist: Checklist, structure: Structure | None = None) -> Review:
    structure = structure or load_structure(checklist.template_id)
    steps = structure.steps
    answers = {answer.question_id: answer for answer in checklist.answers.all()}
    prompts = structure.prompts
    comments = list(checklist.comments.select_related("author", "step"))

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
            row = AnswerRow(question=question, answer=answer, labels=question.labels_for(value))
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
        step_reviews.append(StepReview(step=step, rows=rows, prompts=fired, comments=step_comments))

    return Review(
        checklist=checklist,
        steps=step_reviews,
        general_comments=[comment for comment in comments if comment.step_id is None],
        comment_count=len(comments),
        showing_returned_answers=showing_returned,
    )
