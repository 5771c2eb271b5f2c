"""What a supervisor reads on the review page, built in a fixed number of queries.

Answers are grouped by step with the wording of the template version the FCA used, beside the
guidance the FCA saw at that step and the prompts that their answers set off. After a return,
each answer is compared with what it said when it was returned.
"""

import functools
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Model
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from accounts.models import display_name
from guidance.cache import RecentPages

from .formats import moment
from .models import Answer, Checklist, Comment, Event, Prompt, Question, Step
from .sql import column, columns, converted, table
from .walkthrough import Structure, answers_by_question, load_structure


@dataclass
class AnswerRow:
    question: Question
    answer: Answer | None
    labels: list[str]
    changed: bool = False
    previous_labels: list[str] = field(default_factory=list)
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
    # The guidance the author saw at this step, as rendered; empty when there was none.
    guidance: SafeString = SafeString("")

    @property
    def has_guidance(self) -> bool:
        return bool(self.guidance)

    @property
    def changed_rows(self) -> list[AnswerRow]:
        return [row for row in self.rows if row.changed]


EVENT_KINDS = dict(Event.Kind.choices)


@dataclass
class TimelineItem:
    title: str
    actor: str
    when: dict[str, str]
    detail: str


# Guidance sections as rendered, for the structure last loaded for each template, by step and the
# prompts shown. They hold template content only, the same for every reader; which prompts show
# depends on the answers, what each says does not. A new structure (new content) starts afresh.
_guidance: dict[int, tuple[Structure, dict[tuple, SafeString]]] = {}


def _guidance_for(structure: Structure, step: Step, prompts: list[Prompt]) -> SafeString:
    held = _guidance.get(step.template_id)
    if held is None or held[0] is not structure:
        held = (structure, {})
        _guidance[step.template_id] = held
    key = (step.pk, *(prompt.pk for prompt in prompts))
    html = held[1].get(key)
    if html is None:
        practice_points = list(step.practice_points.all())
        key_facts = list(step.key_facts.all())
        learning_points = list(step.learning_points.all())
        html = SafeString("")
        if prompts or practice_points or key_facts or learning_points:
            html = render_to_string(
                "supervision/_review_guidance.html",
                {
                    "prompts": prompts,
                    "practice_points": practice_points,
                    "key_facts": key_facts,
                    "learning_points": learning_points,
                },
            )
        held[1][key] = html
    return html


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


@functools.cache
def _with_person_sql(model: type[Model], person_field: str, order: str) -> str:
    """SELECT rows of `model` for one checklist, each with the names of the person in `person_field`.

    Written out once: for these small reads, the ORM took longer to build the query than to run it.
    """
    meta, people, quote = model._meta, get_user_model()._meta, connection.ops.quote_name
    rows, person = quote(meta.db_table), quote(people.db_table)
    person_column = quote(meta.get_field(person_field).column)
    names = ", ".join(f"{person}.{quote(name)} AS {quote('person_' + name)}" for name in PERSON_NAMES)
    order_by = ", ".join(
        f"{rows}.{quote(meta.get_field(name.lstrip('-')).column)}{' DESC' if name.startswith('-') else ''}"
        for name in order.split(",")
    )
    return (
        f"SELECT {rows}.*, {names} FROM {rows}"  # noqa: S608
        f" INNER JOIN {person} ON {person}.{quote(people.pk.column)} = {rows}.{person_column}"
        f" WHERE {rows}.{quote(meta.get_field('checklist').column)} = %s ORDER BY {order_by}"
    )


PERSON_NAMES = ("first_name", "last_name", "username")


def with_person(model: type[Model], person_field: str, checklist: Checklist, *, order: str):
    """`model`'s rows for a checklist with their person (author or actor) loaded, in one plain query."""
    checklist_id = Checklist._meta.pk.get_db_prep_value(checklist.pk, connection)
    User = get_user_model()
    found = list(model.objects.raw(_with_person_sql(model, person_field, order), [checklist_id]))
    for row in found:
        person = User(
            pk=getattr(row, f"{person_field}_id"), **{name: getattr(row, f"person_{name}") for name in PERSON_NAMES}
        )
        model._meta.get_field(person_field).set_cached_value(row, person)
    return found


def build_review(checklist: Checklist, structure: Structure | None = None) -> Review:
    structure = structure or load_structure(checklist.template_id)
    steps = structure.steps
    answers = answers_by_question(checklist)
    prompts = structure.prompts
    comments = with_person(Comment, "author", checklist, order="created_at,id")

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
        step_reviews.append(
            StepReview(
                step=step,
                rows=rows,
                prompts=fired,
                comments=step_comments,
                guidance=_guidance_for(structure, step, fired),
            )
        )

    return Review(
        checklist=checklist,
        steps=step_reviews,
        general_comments=[comment for comment in comments if comment.step_id is None],
        comment_count=len(comments),
        showing_returned_answers=showing_returned,
    )


# --- Timeline pages ------------------------------------------------------------------------------

TIMELINE_PAGE_SIZE = 20


def page_link(request, number: int, *, param: str = "page", path: str = "", fragment: str = "") -> str:
    """A link to another page of a list, keeping the other GET parameters."""
    params = request.GET.copy()
    params[param] = number
    return f"{path}?{params.urlencode()}{fragment}"


@functools.cache
def _timeline_sql() -> tuple[str, list]:
    """A page of a checklist's events with their actors' names, as plain rows: a timeline is read
    on every look at a checklist, and building model instances for it cost more than the query."""
    User = get_user_model()
    selected, _, converters = columns(Event, "e", ("kind", "created_at", "detail"))
    names, _, name_converters = columns(User, "u", PERSON_NAMES)
    sql = (
        f"SELECT {', '.join(selected + names)} FROM {table(Event)} e"  # noqa: S608 - names quoted, values as parameters
        f" INNER JOIN {table(User)} u ON {column(User, 'id', 'u')} = {column(Event, 'actor', 'e')}"
        f" WHERE {column(Event, 'checklist', 'e')} = %s"
        f" ORDER BY {column(Event, 'created_at', 'e')} DESC, {column(Event, 'id', 'e')} DESC LIMIT %s OFFSET %s"
    )
    return sql, converters + name_converters


# Each event as rendered, by the row read for it, in the language and time zone it was shown in.
# Events are never changed once written, so a page of twenty renders only those this process has
# not shown before: usually just the newest, the look that added it.
_rendered_events = RecentPages(size=4096)


def _timeline_rows(checklist: Checklist, *, limit: int, offset: int) -> list[SafeString]:
    sql, converters = _timeline_sql()
    checklist_id = Checklist._meta.pk.get_db_prep_value(checklist.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [checklist_id, limit, offset])
        rows = cursor.fetchall()
    shown_in = (get_language(), timezone.get_current_timezone_name())
    items = []
    for row in rows:
        key = (shown_in, row)
        html = _rendered_events.get(key)
        if html is None:
            kind, created_at, detail, first_name, last_name, username = converted(row, converters)
            item = TimelineItem(
                title=str(EVENT_KINDS.get(kind, kind)),
                actor=display_name(first_name, last_name, username),
                when=moment(created_at),
                detail=detail,
            )
            html = render_to_string("checklists/_timeline_item.html", {"item": item})
            _rendered_events.put(key, html)
        items.append(html)
    return items


def timeline_page(request, checklist: Checklist, *, path: str) -> tuple[list[SafeString], dict]:
    """One page of the checklist's events, newest first, with links to newer and older ones.

    Every look at a checklist adds an event, so its timeline only grows: the page reads one event
    more than it shows, to know whether there are older ones, rather than counting them all.
    `path` is the page's own address: the links carry the other GET parameters, and `?timeline=N`.
    """
    try:
        number = max(int(request.GET.get("timeline", 1)), 1)
    except ValueError:
        number = 1

    def read(number: int) -> list[SafeString]:
        offset = (number - 1) * TIMELINE_PAGE_SIZE
        return _timeline_rows(checklist, limit=TIMELINE_PAGE_SIZE + 1, offset=offset)

    events = read(number)
    if not events and number > 1:  # past the end: the newest events instead
        number, events = 1, read(1)

    def url(page: int) -> str:
        return page_link(request, page, param="timeline", path=path, fragment="#timeline")

    pagination = {
        "label": "Timeline pages",
        "items": [],
        "previous_url": url(number - 1) if number > 1 else "",
        "next_url": url(number + 1) if len(events) > TIMELINE_PAGE_SIZE else "",
        "previous_label": "Newer events",
        "next_label": "Older events",
    }
    return events[:TIMELINE_PAGE_SIZE], pagination
