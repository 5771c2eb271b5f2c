"""Checklist templates in guidance's search, found by their titles and questions, with a link to start one."""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import OuterRef, Subquery
from django.urls import reverse

from guidance.search import SearchSource, plain_text, register

from .models import ChecklistTemplate, Question, Step


def _joined(model, field: str) -> Subquery:
    """One template's steps' titles or questions' text, as one string (PostgreSQL)."""
    rows = model.objects.filter(template=OuterRef("pk")).order_by().values("template")
    return Subquery(rows.annotate(joined=StringAgg(field, delimiter=" \n ")).values("joined"))


def _published(user):
    templates = ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)
    if connection.vendor == "postgresql":
        # No stored search vector: few templates, so their text is put together when searched.
        templates = templates.annotate(step_text=_joined(Step, "title"), question_text=_joined(Question, "text"))
    return templates


def _vector():
    return SearchVector("title", weight="A", config="english") + SearchVector(
        "summary", "step_text", "question_text", weight="B", config="english"
    )


def _document(template: ChecklistTemplate) -> tuple[str, str, str]:
    steps = " \n ".join(step.title for step in template.steps.all())
    questions = " \n ".join(question.text for question in template.questions.all())
    return template.title, " \n ".join([plain_text(template.summary), steps, questions]), ""


def _describe(template: ChecklistTemplate) -> dict:
    return {
        "url": f"{reverse('checklists:start')}?template={template.slug}",
        "context": "Reflective checklist",
        "action_text": "Start this checklist",
        "action_url": template.get_start_url(),
    }


def register_sources() -> None:
    register(
        SearchSource(
            key="checklists",
            label="Checklists",
            order=35,
            queryset=_published,
            body_fields=("summary", "step_text", "question_text"),
            describe=_describe,
            vector=_vector,
            index_queryset=lambda: ChecklistTemplate.objects.prefetch_related("steps", "questions"),
            document=_document,
            reindex_on=((Step, "template_id"), (Question, "template_id")),
            ordering=("position", "title"),  # equally good matches come in the order editors set
        )
    )
