"""The record of a review outside the checklist page: the PDF and the superusers' admin label each
comment by what it was, and say who returned the checklist and who signed it off, and when."""

import io
import re
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from checklists import services
from tests.supervision import support

pytestmark = pytest.mark.django_db

submitted = support.submitted
template = support.template


@pytest.fixture
def decided(fca, supervisor, submitted, template):
    """Commented on, returned with a reason, submitted again and signed off with a note."""
    services.add_comment(checklist=submitted, by=supervisor, body="Ask the school.", step=template.steps.get(number=2))
    services.add_comment(checklist=submitted, by=supervisor, body="A thoughtful start.")
    services.return_for_reflection(checklist=submitted, by=supervisor, comment="Say more about dad.")
    services.submit(checklist=submitted, by=fca)
    services.sign_off(checklist=submitted, by=supervisor, comment="Well reflected.")
    submitted.refresh_from_db()
    return submitted


def day(moment) -> str:
    return timezone.localtime(moment).strftime("%-d %B %Y")


def pdf_text(client, checklist) -> str:
    response = client.get(reverse("checklists:export", kwargs={"pk": checklist.pk}))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pdf_says_who_returned_and_signed_off_the_checklist_and_when(client_for, fca, supervisor, decided):
    text = pdf_text(client_for(fca), decided)
    assert f"Returned: {day(decided.returned_at)} by {supervisor}" in text
    assert f"Signed off: {day(decided.signed_off_at)} by {supervisor}" in text


def test_the_pdf_labels_each_comment_by_what_it_was(client_for, fca, supervisor, decided):
    text = pdf_text(client_for(fca), decided)
    for label, body in [
        ("Step comment", "Ask the school."),
        ("General comment", "A thoughtful start."),
        ("Reason for returning", "Say more about dad."),
        ("Sign-off note", "Well reflected."),
    ]:
        assert re.search(rf"{label} from {supervisor}, .{{5,40}}? {re.escape(body)}", text), label


def test_the_pdf_of_a_checklist_not_yet_decided_names_no_decision(client_for, fca, submitted):
    text = pdf_text(client_for(fca), submitted)
    assert "Returned:" not in text and "Signed off:" not in text


def admin_page(client, checklist) -> str:
    response = client.get(reverse("admin:checklists_checklist_change", args=[checklist.pk]))
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_admin_says_who_returned_and_signed_off_the_checklist(client_for, superuser, supervisor, decided):
    html = admin_page(client_for(superuser), decided)
    assert "Decided by" in html
    assert (
        f"Returned by {supervisor} on {day(decided.returned_at)}. "
        f"Signed off by {supervisor} on {day(decided.signed_off_at)}."
    ) in html


def test_admin_lists_each_comment_with_its_kind(client_for, superuser, decided):
    html = admin_page(client_for(superuser), decided)
    rows = re.findall(r'<td class="field-kind_label">\s*<p>(.*?)</p>', html)
    assert rows == ["Step comment", "General comment", "Reason for returning", "Sign-off note"]


def test_admin_says_when_a_checklist_is_not_yet_decided(client_for, superuser, submitted):
    assert "Not returned or signed off." in admin_page(client_for(superuser), submitted)
