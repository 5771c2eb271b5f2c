"""Amendments: editors say in admin whether a save changes what the guidance says, and readers are told."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from casestudies.models import CaseStudy, LearningPoint
from guidance import services
from guidance.cache import content_version
from guidance.models import Amendment, KeyFact, KnowledgeBite, PracticePoint, Theme
from tests.factories import (
    CaseStudyFactory,
    KeyFactFactory,
    KnowledgeBiteFactory,
    LearningPointFactory,
    PracticePointFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

NOTE = "Now says to ask about parental mental health as well as domestic abuse and substance misuse."
CHANGES = reverse("guidance:changes")


def admin_url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def on(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def amend(subject, note=NOTE, *, day=datetime.date(2027, 3, 3), by=None) -> Amendment:
    amendment = services.record_amendment(subject=subject, note=note, by=by)
    Amendment.objects.filter(pk=amendment.pk).update(changed_at=on(day))
    amendment.refresh_from_db()
    return amendment


@pytest.fixture
def content():
    bite = KnowledgeBiteFactory(slug="annual-report", title="Annual report bite")
    theme = ThemeFactory(knowledge_bite=bite, number=4, slug="changing-risk", title="Responding to changing risk")
    point = PracticePointFactory(theme=theme, key="interacting-risks", title="Interacting risks", body="Old advice.")
    fact = KeyFactFactory(
        knowledge_bite=bite, theme=theme, key="da-and-sm", label="Domestic abuse and substance misuse"
    )
    case_study = CaseStudyFactory(knowledge_bite=bite, slug="child-y", title="Child Y", themes=[theme])
    return {"bite": bite, "theme": theme, "point": point, "fact": fact, "case_study": case_study}


def point_form(point, **changes):
    data = {"theme": point.theme_id, "title": point.title, "key": point.key, "order": point.order, "body": point.body}
    return {**data, **changes}


# --- Admin --------------------------------------------------------------------------------------


def test_a_substantive_change_is_recorded_with_its_note(client_for, editor, content):
    point = content["point"]
    response = client_for(editor).post(
        admin_url(PracticePoint, "change", point.pk),
        point_form(point, body="New advice.", substantive="on", change_note=f"  {NOTE}\n"),
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.body == "New advice."
    amendment = Amendment.objects.get()
    assert amendment.subject == point
    assert (amendment.title, amendment.note) == ("Interacting risks", NOTE)
    assert (amendment.theme, amendment.knowledge_bite, amendment.changed_by) == (
        content["theme"],
        content["bite"],
        editor,
    )
    assert timezone.now() - amendment.changed_at < datetime.timedelta(minutes=1)


def test_a_change_that_is_not_substantive_records_nothing(client_for, editor, content):
    point = content["point"]
    response = client_for(editor).post(admin_url(PracticePoint, "change", point.pk), point_form(point, body="Typo."))
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.body == "Typo."
    assert not Amendment.objects.exists()


def test_the_question_is_unticked_by_default_and_not_asked_when_adding(client_for, editor, content):
    client = client_for(editor)
    change = client.get(admin_url(PracticePoint, "change", content["point"].pk)).content.decode()
    assert "This changes what the guidance says" in change
    assert '<input type="checkbox" name="substantive"' in change
    assert 'name="substantive" id="id_substantive" checked' not in change
    add = client.get(admin_url(PracticePoint, "add")).content.decode()
    assert 'name="substantive"' not in add and 'name="change_note"' not in add


def test_adding_a_new_item_needs_no_note(client_for, editor, content):
    response = client_for(editor).post(
        admin_url(PracticePoint, "add"),
        {"theme": content["theme"].pk, "title": "Brand new", "key": "brand-new", "order": 9, "body": "New."},
    )
    assert response.status_code == 302
    assert PracticePoint.objects.filter(key="brand-new").exists()
    assert not Amendment.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"substantive": "on", "change_note": "   "}, "Enter a change note that says what changed"),
        ({"substantive": "on", "change_note": "x" * 301}, "The change note must be 300 characters or fewer"),
        ({"change_note": NOTE}, "Tick ‘This changes what the guidance says’ to publish the change note"),
    ],
    ids=["no note", "too long", "note without the tick"],
)
def test_a_bad_note_is_refused_and_nothing_changes(client_for, editor, content, changes, message):
    point = content["point"]
    response = client_for(editor).post(
        admin_url(PracticePoint, "change", point.pk), point_form(point, body="New advice.", **changes)
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    point.refresh_from_db()
    assert point.body == "Old advice."
    assert not Amendment.objects.exists()


def test_a_note_of_exactly_300_characters_is_kept(client_for, editor, content):
    point = content["point"]
    note = "y" * 300
    client_for(editor).post(
        admin_url(PracticePoint, "change", point.pk), point_form(point, substantive="on", change_note=note)
    )
    assert Amendment.objects.get().note == note


def test_each_kind_of_guidance_asks_the_question_and_records_its_amendment(client_for, editor, content):
    bite, theme, fact, case_study = content["bite"], content["theme"], content["fact"], content["case_study"]
    learning = LearningPointFactory(case_study=case_study, key="see-the-baby", text="See the baby.")
    note = {"substantive": "on", "change_note": NOTE}
    posts = [
        (
            admin_url(Theme, "change", theme.pk),
            {
                "knowledge_bite": bite.pk,
                "number": 4,
                "title": theme.title,
                "slug": theme.slug,
                "summary": "New summary.",
                "practice_points-TOTAL_FORMS": 0,
                "practice_points-INITIAL_FORMS": 0,
            },
        ),
        (
            admin_url(KeyFact, "change", fact.pk),
            {
                "knowledge_bite": bite.pk,
                "group": fact.group,
                "order": 0,
                "label": fact.label,
                "key": fact.key,
                "value": "24.0",
                "unit": "%",
                "note": "Of all incidents.",
                "theme": theme.pk,
            },
        ),
        (
            admin_url(CaseStudy, "change", case_study.pk),
            {
                "knowledge_bite": bite.pk,
                "title": case_study.title,
                "slug": case_study.slug,
                "order": 0,
                "partnership": case_study.partnership,
                "review_type": case_study.review_type,
                "summary": "A new summary.",
                "themes": [theme.pk],
                "learning_points-TOTAL_FORMS": 0,
                "learning_points-INITIAL_FORMS": 0,
            },
        ),
        (
            admin_url(LearningPoint, "change", learning.pk),
            {"case_study": case_study.pk, "key": learning.key, "order": 0, "text": "See the baby, every visit."},
        ),
    ]
    client = client_for(editor)
    for url, data in posts:
        response = client.post(url, {**data, **note})
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    recorded = [(a.subject, a.title, a.theme, a.knowledge_bite) for a in Amendment.objects.order_by("id")]
    assert recorded == [
        (theme, theme.title, theme, bite),
        (fact, fact.label, theme, bite),
        (case_study, "Child Y", None, bite),
        # A learning point is part of its case study: the amendment is to the case study.
        (case_study, "Child Y", None, bite),
    ]


def test_amendments_are_listed_in_admin_and_cannot_be_added_there(client_for, editor, content):
    amend(content["point"], by=editor)
    client = client_for(editor)
    listing = client.get(admin_url(Amendment, "changelist"))
    assert listing.status_code == 200
    assert "Interacting risks" in listing.content.decode()
    assert client.get(admin_url(Amendment, "add")).status_code == 403


def test_an_editor_corrects_a_note_in_admin(client_for, editor, fca, content):
    amendment = amend(content["point"], by=editor)
    client_for(fca).get(CHANGES)  # cached
    response = client_for(editor).post(admin_url(Amendment, "change", amendment.pk), {"note": "Corrected note."})
    assert response.status_code == 302
    amendment.refresh_from_db()
    assert amendment.note == "Corrected note."
    assert "Corrected note." in client_for(fca).get(CHANGES).content.decode()


# --- What's changed -----------------------------------------------------------------------------


def test_whats_changed_lists_every_amendment_newest_first(client_for, fca, content):
    amend(content["point"], "The older note.", day=datetime.date(2027, 1, 5))
    amend(content["case_study"], "The newer note.", day=datetime.date(2027, 3, 3))
    response = client_for(fca).get(CHANGES)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>What’s changed in the guidance – Practice Hub</title>" in html
    assert html.index("The newer note.") < html.index("The older note.")
    assert '<time datetime="2027-03-03">3 March 2027</time>: The newer note.' in html
    assert "Practice point" in html and "Theme 4: Responding to changing risk" in html
    assert "Case study" in html


def test_whats_changed_says_when_nothing_has_changed(client_for, fca, content):
    html = client_for(fca).get(CHANGES).content.decode()
    assert "There have been no substantive changes to the guidance yet." in html


def test_whats_changed_is_paginated(client_for, fca, content):
    for day in range(1, 26):
        amend(content["point"], f"Change number {day}.", day=datetime.date(2027, 1, day))
    client = client_for(fca)
    first = client.get(CHANGES).content.decode()
    assert first.count("Updated <time") == 20
    assert "Change number 25." in first and "Change number 5." not in first
    assert 'href="?page=2"' in first
    second = client.get(CHANGES, {"page": 2})
    assert second.status_code == 200
    assert second.content.decode().count("Updated <time") == 5
    assert "What’s changed in the guidance (page 2)" in second.content.decode()
    assert client.get(CHANGES, {"page": 3}).status_code == 404
    assert client.get(CHANGES, {"page": "x"}).status_code == 404


def test_the_guidance_home_links_to_whats_changed(client_for, fca, content):
    html = client_for(fca).get(reverse("guidance:home")).content.decode()
    assert f'<a class="govuk-link" href="{CHANGES}">What’s changed</a>' in html


def test_amendments_to_a_draft_bite_are_for_editors_only(client_for, fca, editor, content):
    amendment = amend(content["point"])
    KnowledgeBite.objects.filter(pk=content["bite"].pk).update(status=KnowledgeBite.Status.DRAFT)
    assert NOTE not in client_for(fca).get(CHANGES).content.decode()
    assert client_for(fca).get(amendment.get_absolute_url()).status_code == 404
    assert NOTE in client_for(editor).get(CHANGES).content.decode()
    assert client_for(editor).get(amendment.get_absolute_url()).status_code == 302


# --- The guidance's own pages -------------------------------------------------------------------


def test_the_theme_page_lists_its_changes_and_each_point_shows_its_own(client_for, fca, content):
    amend(content["theme"], "The key messages now cover fathers.", day=datetime.date(2027, 2, 1))
    amend(content["point"], day=datetime.date(2027, 3, 3))
    html = client_for(fca).get(content["theme"].get_absolute_url()).content.decode()
    assert "Changes to this guidance" in html
    assert '<time datetime="2027-02-01">1 February 2027</time>:' in html
    assert "The key messages now cover fathers." in html
    # A change to something within the theme is named; the point also shows its change beside it.
    assert "Practice point, Interacting risks:</span>" in html
    point_html = html[html.index('id="pp-interacting-risks"') :]
    assert f'Updated <time datetime="2027-03-03">3 March 2027</time>: {NOTE}' in point_html


def test_the_case_study_and_bite_pages_list_their_changes(client_for, fca, content):
    amend(content["case_study"], "The review's findings were updated.")
    amend(content["fact"], "The figure is now 24%.")
    case_study = client_for(fca).get(content["case_study"].get_absolute_url()).content.decode()
    assert "The review&#x27;s findings were updated." in case_study
    assert "The figure is now 24%." not in case_study
    bite = client_for(fca).get(content["bite"].get_absolute_url()).content.decode()
    assert (
        "The review&#x27;s findings were updated." in bite
        and "Key figure, Domestic abuse and substance misuse:" in bite
    )


def test_an_item_page_shows_only_the_newest_five(client_for, fca, content):
    for day in range(1, 8):
        amend(content["case_study"], f"Change number {day}.", day=datetime.date(2027, 1, day))
    html = client_for(fca).get(content["case_study"].get_absolute_url()).content.decode()
    assert "Change number 7." in html and "Change number 3." in html and "Change number 2." not in html
    assert f'<a class="govuk-link" href="{CHANGES}">See every change to the guidance</a>' in html


def test_an_amendment_shows_at_once_on_a_cached_page(client_for, editor, fca, content):
    point, theme_url = content["point"], content["theme"].get_absolute_url()
    client = client_for(fca)
    assert "Changes to this guidance" not in client.get(theme_url).content.decode()
    version = content_version()
    assert "Changes to this guidance" not in client.get(theme_url).content.decode()  # from the cache
    client_for(editor).post(
        admin_url(PracticePoint, "change", point.pk), point_form(point, substantive="on", change_note=NOTE)
    )
    assert content_version() > version
    client = client_for(fca)
    assert NOTE in client.get(theme_url).content.decode()
    assert NOTE in client.get(CHANGES).content.decode()


# --- Links to the changed guidance --------------------------------------------------------------


def test_an_amendment_links_to_where_the_guidance_now_is(client_for, fca, content):
    client = client_for(fca)
    point_amendment = amend(content["point"])
    response = client.get(point_amendment.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == "/guidance/themes/changing-risk/#pp-interacting-risks"
    content["theme"].slug = "responding-to-changing-risk"
    content["theme"].save()
    assert client.get(point_amendment.get_absolute_url())["Location"] == (
        "/guidance/themes/responding-to-changing-risk/#pp-interacting-risks"
    )
    case_amendment = amend(content["case_study"])
    assert client.get(case_amendment.get_absolute_url())["Location"] == "/case-studies/child-y/"


def test_an_amendment_to_deleted_guidance_links_to_its_theme(client_for, fca, content):
    amendment = amend(content["point"])
    content["point"].delete()
    response = client_for(fca).get(amendment.get_absolute_url())
    assert response["Location"] == content["theme"].get_absolute_url()
    assert NOTE in client_for(fca).get(CHANGES).content.decode()  # the record stays


def test_an_unknown_amendment_is_not_found(client_for, fca, content):
    assert client_for(fca).get(reverse("guidance:amendment", kwargs={"pk": 999})).status_code == 404


def test_a_bite_cannot_take_the_address_of_whats_changed(client_for, editor):
    response = client_for(editor).post(
        admin_url(KnowledgeBite, "add"),
        {
            "title": "Changes",
            "slug": "changes",
            "status": "draft",
            "source_report": "Report",
            "sections-TOTAL_FORMS": 0,
            "sections-INITIAL_FORMS": 0,
            "themes-TOTAL_FORMS": 0,
            "themes-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert not KnowledgeBite.objects.filter(slug="changes").exists()
