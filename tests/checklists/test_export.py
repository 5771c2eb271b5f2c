"""PDF export: questions and answers, guidance, comments, timeline, the marking and page numbers."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from checklists.models import Checklist, Event
from tests.factories import ChecklistFactory, CommentFactory

from .walkthrough_support import complete, save, start

pytestmark = pytest.mark.django_db


def export_url(checklist) -> str:
    return reverse("checklists:export", kwargs={"pk": checklist.pk})


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages)


@pytest.fixture
def submitted(client_for, fca, supervisor, walkthrough_template):
    client = client_for(fca)
    checklist = start(client, walkthrough_template)
    complete(checklist)
    save(checklist, "when", "2026-03-27")
    client.post(reverse("checklists:submit", kwargs={"pk": checklist.pk}))
    checklist.refresh_from_db()
    step = checklist.template.steps.get(number=2)
    CommentFactory(checklist=checklist, author=supervisor, step=step, body="Think about tonight's safety plan.")
    return checklist


def test_the_pdf_holds_the_questions_answers_guidance_comments_and_timeline(client_for, fca, submitted):
    response = client_for(fca).get(export_url(submitted))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="checklist-ZE21P00123.pdf"'
    text, pages = pdf_text(response)
    flat = " ".join(text.split())
    for expected in (
        "ZE21P00123: New police information",
        "What is the new information?",
        "A neighbour called the police after hearing shouting.",
        "Which of these risk factors are present?",
        "Domestic abuse",
        "Substance misuse",
        "Is the child safe right now?",
        "Not sure",
        "27 March 2026",
        "What are your next steps?",
        "Not answered",
        "Think about tonight's safety plan.",
        "Interacting risks",  # the prompt the answers set off, with its figure
        "24%",
        "Child Y (Annie)",
        "Started",
        "Submitted for review",
        "Downloaded as PDF",
    ):
        assert expected in flat, expected
    assert flat.count("OFFICIAL-SENSITIVE") >= 2 * pages  # top and bottom of every page
    assert "Page 1 of" in flat
    assert f"Page {pages} of {pages}" in flat


def test_each_export_is_recorded_on_the_timeline(client_for, fca, submitted):
    client = client_for(fca)
    client.get(export_url(submitted))
    client.get(export_url(submitted))
    assert submitted.events.filter(kind=Event.Kind.EXPORTED, actor=fca).count() == 2


def test_exports_are_never_cached(client_for, fca, submitted):
    response = client_for(fca).get(export_url(submitted))
    assert "no-store" in response["Cache-Control"]


def test_the_supervisor_can_export_a_submitted_checklist(client_for, supervisor, submitted):
    response = client_for(supervisor).get(export_url(submitted))
    assert response.status_code == 200
    assert submitted.events.filter(kind=Event.Kind.EXPORTED, actor=supervisor).exists()


def test_people_who_cannot_see_it_get_404_and_nothing_is_recorded(
    client_for, other_fca, stranger_fca, other_supervisor, editor, submitted
):
    for user in (other_fca, stranger_fca, other_supervisor, editor):
        assert client_for(user).get(export_url(submitted)).status_code == 404
    assert not submitted.events.filter(kind=Event.Kind.EXPORTED).exists()


def test_a_supervisor_cannot_export_a_draft(client_for, fca, supervisor, walkthrough_template):
    draft = ChecklistFactory(author=fca, template=walkthrough_template, status=Checklist.Status.DRAFT)
    assert client_for(supervisor).get(export_url(draft)).status_code == 404


def test_a_case_reference_with_a_slash_makes_a_safe_filename(client_for, fca, walkthrough_template):
    checklist = ChecklistFactory(author=fca, template=walkthrough_template, case_reference="ZE21/P00123")
    response = client_for(fca).get(export_url(checklist))
    assert response["Content-Disposition"] == 'attachment; filename="checklist-ZE21-P00123.pdf"'
