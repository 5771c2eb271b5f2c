"""The guidance page cache: content served from it, retired by every write, never shared wrongly.

guidance/page.html caches each page's main content as a `{% cache %}` fragment under the content
version (guidance/cache.py), the reader's audience and the address.
"""

import pickle
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from casestudies.models import CaseStudy
from checklists import services
from checklists.models import ChecklistTemplate
from guidance import related
from guidance.cache import PAGE_KEY_PREFIX, VERSION_KEY, bump_version, content_version
from guidance.models import KnowledgeBite, PracticePoint, Resource, Theme
from guidance.services import record_amendment
from tests.factories import (
    CaseStudyFactory,
    ChecklistTemplateFactory,
    KeyFactFactory,
    KnowledgeBiteFactory,
    PracticePointFactory,
    QuestionFactory,
    ResourceFactory,
    SectionFactory,
    StepFactory,
    ThemeFactory,
)
from tests.guidance.content import load

pytestmark = pytest.mark.django_db


@pytest.fixture
def content():
    bite = KnowledgeBiteFactory(slug="annual-report", title="Annual report bite")
    SectionFactory(knowledge_bite=bite, slug="the-panel", title="The Panel")
    theme = ThemeFactory(knowledge_bite=bite, number=1, slug="daily-life", title="Daily life")
    ThemeFactory(knowledge_bite=bite, number=2, slug="engagement", title="Engagement")
    point = PracticePointFactory(theme=theme, key="voice", title="Hear the child", body="Ask the **child**.")
    KeyFactFactory(knowledge_bite=bite, theme=theme, label="Children seen")
    resource = ResourceFactory(knowledge_bite=bite, slug="wheel", title="Diversity Wheel", kind="tool", themes=[theme])
    case_study = CaseStudyFactory(knowledge_bite=bite, slug="alice", title="Alice", themes=[theme])
    record_amendment(subject=theme, note="Now says to ask the child first.", by=None)
    return {"bite": bite, "theme": theme, "point": point, "resource": resource, "case_study": case_study}


PAGES = {
    "guidance home": reverse("guidance:home"),
    "knowledge bite": reverse("guidance:bite", kwargs={"slug": "annual-report"}),
    "theme": reverse("guidance:theme", kwargs={"slug": "daily-life"}),
    "resources library": reverse("guidance:resources"),
    "resources library filtered": reverse("guidance:resources") + "?theme=daily-life&kind=tool",
    "resource": reverse("guidance:resource", kwargs={"slug": "wheel"}),
    "search": reverse("guidance:search") + "?q=child",
    "search one type": reverse("guidance:search") + "?q=child&type=practice-points",
    "search without results": reverse("guidance:search") + "?q=xylophone",
    "case studies": reverse("casestudies:list"),
    "case study": reverse("casestudies:detail", kwargs={"slug": "alice"}),
    "what's changed": reverse("guidance:changes"),
}


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


def cached_fragments() -> list[str]:
    """Every cached guidance page, from django-redis or local memory."""
    if hasattr(cache, "keys"):  # django-redis: keys come back without this run's prefix
        pages = list(cache.get_many(cache.keys(f"*{PAGE_KEY_PREFIX}:*")).values())
    else:  # LocMemCache keeps each value pickled
        pages = [pickle.loads(value) for key, value in cache._cache.items() if f"{PAGE_KEY_PREFIX}:" in key]
    assert pages, "no guidance pages in the cache"
    return [repr(page) for page in pages]


def revise_all_titles() -> None:
    """Retitle every piece of content with update(), which sends no signal and so keeps the version."""
    for model in [KnowledgeBite, Theme, PracticePoint, Resource, CaseStudy]:
        for pk, title in model.objects.values_list("pk", "title"):
            model.objects.filter(pk=pk).update(title=f"{title} (revised)")


# --- Served from the cache ----------------------------------------------------------------------


# Search shows what people typed, which may name a case: its pages are never cached.
SEARCH_PAGES = {"search", "search one type", "search without results"}
CACHED_PAGES = [page for page in PAGES if page not in SEARCH_PAGES]


@pytest.mark.parametrize("page", CACHED_PAGES)
def test_it_serves_every_reader_the_cached_content_until_the_version_moves_on(content, fca, other_fca, page):
    first = signed_in(fca).get(PAGES[page])
    assert first.status_code == 200
    revise_all_titles()
    assert Theme.objects.get(slug="daily-life").title == "Daily life (revised)"
    for client in [signed_in(fca), signed_in(other_fca)]:
        again = client.get(PAGES[page])
        assert again.status_code == 200
        assert main(again) == main(first)
    bump_version()
    assert "(revised)" in main(signed_in(other_fca).get(PAGES[page]))


@pytest.mark.parametrize("page", sorted(SEARCH_PAGES))
def test_it_never_caches_a_search(content, fca, page):
    client = signed_in(fca)
    assert client.get(PAGES[page]).status_code == 200
    revise_all_titles()
    assert Theme.objects.get(slug="daily-life").title == "Daily life (revised)"
    assert client.get(PAGES[page]).status_code == 200
    assert (
        not cache.keys(f"*{PAGE_KEY_PREFIX}:*")
        if hasattr(cache, "keys")
        else not any(f"{PAGE_KEY_PREFIX}:" in key for key in cache._cache)
    )


def test_it_renders_every_request_afresh_with_caching_off(content, client_for, fca, settings):
    settings.GUIDANCE_CACHE_SECONDS = 0
    client = client_for(fca)
    assert "Daily life" in main(client.get(PAGES["theme"]))
    Theme.objects.filter(slug="daily-life").update(title="Daily life, revised")  # no bump
    assert Theme.objects.get(slug="daily-life").title == "Daily life, revised"
    assert "Daily life, revised" in main(client.get(PAGES["theme"]))


def test_it_keeps_the_title_and_breadcrumbs_on_a_cached_page(content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["theme"])
    html = client.get(PAGES["theme"]).content.decode()
    assert "<title>Theme 1: Daily life – Practice Hub</title>" in html
    assert '<a class="govuk-breadcrumbs__link" href="/guidance/annual-report/">Annual report bite</a>' in html
    assert '<span aria-current="page">Theme 1</span>' in html


def test_it_keeps_the_words_in_the_header_search_box_on_a_cached_search(content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["search"])
    html = client.get(PAGES["search"]).content.decode()
    assert re.search(r'id="header-search" name="q" type="search" value="child"', html)


def test_it_caches_each_query_string_as_its_own_page(content, client_for, fca):
    client = client_for(fca)
    for url in [PAGES["resources library filtered"], reverse("guidance:resources") + "?kind=tool&theme=daily-life"]:
        assert "Diversity Wheel" in main(client.get(url))
    other_filter = main(client.get(reverse("guidance:resources") + "?kind=policy"))
    assert "No resources match your filters." in other_filter and "Diversity Wheel" not in other_filter


def test_it_keeps_a_bad_searchs_400_and_error_title(content, client_for, fca):
    client = client_for(fca)
    url = reverse("guidance:search") + "?q=" + "a" * 201
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 400
        assert "<title>Error: Search guidance – Practice Hub</title>" in response.content.decode()


def test_it_does_not_cache_a_page_that_was_not_found(content, client_for, fca):
    client = client_for(fca)
    url = reverse("guidance:theme", kwargs={"slug": "later"})
    assert client.get(url).status_code == 404
    # update() sends no signal, so the version stays: only a cached 404 could answer now.
    Theme.objects.filter(slug="engagement").update(slug="later")
    assert Theme.objects.filter(slug="later").exists()
    assert client.get(url).status_code == 200


def test_it_renders_the_current_content_after_the_version_is_evicted(content, client_for, fca):
    client = client_for(fca)
    assert "Daily life" in main(client.get(PAGES["theme"]))
    Theme.objects.filter(slug="daily-life").update(title="Daily life, revised")  # no bump
    cache.delete(VERSION_KEY)
    assert "Daily life, revised" in main(client.get(PAGES["theme"]))
    assert Theme.objects.get(slug="daily-life").title == "Daily life, revised"


def test_it_restarts_a_lost_version_above_every_version_used(content, client_for, fca):
    client_for(fca).get(PAGES["theme"])
    used = content_version()
    cache.delete(VERSION_KEY)
    assert content_version() > used
    cache.delete(VERSION_KEY)
    bump_version()  # with nothing to increment
    assert content_version() > used


def test_it_does_not_keep_content_read_before_a_write_under_the_version_after_it(content, fca, monkeypatch):
    reader = signed_in(fca)
    for_theme = related.for_theme

    def write_while_the_page_is_rendered(theme, user):
        Theme.objects.filter(pk=theme.pk).update(title="Daily life, revised")
        bump_version()  # as the editor's commit would
        return for_theme(theme, user)

    monkeypatch.setattr(related, "for_theme", write_while_the_page_is_rendered)
    reader.get(PAGES["theme"])
    monkeypatch.undo()
    assert Theme.objects.get(slug="daily-life").title == "Daily life, revised"
    assert "Daily life, revised" in main(reader.get(PAGES["theme"]))


# --- Per audience and per person: editors, tokens and nonces ------------------------------------


def test_it_never_shows_fcas_a_draft_an_editor_has_seen(content, editor, fca):
    bite = content["bite"]
    bite.status = KnowledgeBite.Status.DRAFT
    bite.save()
    assert KnowledgeBite.objects.get(pk=bite.pk).status == KnowledgeBite.Status.DRAFT
    as_editor, as_fca = signed_in(editor), signed_in(fca)
    for url in PAGES.values():
        assert as_editor.get(url).status_code == 200, url
    for page in ["knowledge bite", "theme", "resource", "case study"]:
        assert as_fca.get(PAGES[page]).status_code == 404, page
    for page in ["guidance home", "resources library", "search", "case studies"]:
        html = main(as_fca.get(PAGES[page]))
        assert "Annual report bite" not in html and "Diversity Wheel" not in html and "Alice" not in html, page
    html = main(as_editor.get(PAGES["theme"]))
    assert "Hear the child" in html and "This Knowledge Bite is a draft." in html


def test_it_gives_editors_their_own_copy_with_edit_links(content, editor, fca):
    edit_link = reverse("admin:guidance_theme_change", args=[content["theme"].pk])
    assert edit_link in main(signed_in(editor).get(PAGES["theme"]))
    assert edit_link not in main(signed_in(fca).get(PAGES["theme"]))
    assert edit_link in main(signed_in(editor).get(PAGES["theme"]))
    assert len(cached_fragments()) == 2  # one for readers, one for editors


def test_it_never_caches_a_csrf_token_a_nonce_or_a_name(content, editor, fca):
    KnowledgeBiteFactory(slug="next-report", title="Next report", status=KnowledgeBite.Status.DRAFT)
    # Names no page could hold by chance ("fca" is inside "Cafcass").
    for user, name in [(fca, "Quillon"), (editor, "Zephyrine")]:
        user.username, user.first_name, user.last_name = f"{name.lower()}-user", name, "Vantablack"
        user.save()
    for user in [fca, editor]:
        client = signed_in(user, enforce_csrf_checks=True)
        for url in PAGES.values():
            response = client.get(url)
            assert response.status_code == 200, url
            assert "csrfmiddlewaretoken" in response.content.decode()  # the header's sign-out form
    fragments = cached_fragments()
    assert len(fragments) == 2 * len(CACHED_PAGES)
    for fragment in fragments:
        assert "csrfmiddlewaretoken" not in fragment
        assert "nonce" not in fragment
        for user in [fca, editor]:
            assert user.username not in fragment and user.get_full_name() not in fragment


def csrf_tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())


def test_it_gives_each_person_their_own_csrf_token_on_a_cached_page(content, fca, other_fca):
    first, second = signed_in(fca, enforce_csrf_checks=True), signed_in(other_fca, enforce_csrf_checks=True)
    first_tokens = csrf_tokens(first.get(PAGES["theme"]))
    second_tokens = csrf_tokens(second.get(PAGES["theme"]))
    assert len(second_tokens) == 2  # the header's sign-out form and the timeout dialog's
    assert not set(first_tokens) & set(second_tokens)
    # Another person's token is refused; the page's own token signs its reader out.
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": first_tokens[0]}).status_code == 403
    assert "_auth_user_id" in second.session
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": second_tokens[0]}).status_code == 200
    assert "_auth_user_id" not in second.session


def test_it_gives_each_response_from_the_cache_a_fresh_nonce(content, client_for, fca):
    client = client_for(fca)
    nonces = []
    for _ in range(2):
        response = client.get(PAGES["theme"])
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


# --- Retired by every write ---------------------------------------------------------------------


def test_it_shows_an_editors_admin_save_on_a_readers_next_request(content, client_for, editor, fca):
    point = content["point"]
    assert "Hear the child" in main(client_for(fca).get(PAGES["theme"]))
    response = client_for(editor).post(
        reverse("admin:guidance_practicepoint_change", args=[point.pk]),
        {"theme": point.theme.pk, "title": "Listen to the child", "key": "voice", "order": 0, "body": "New **body**."},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.title == "Listen to the child"
    html = main(client_for(fca).get(PAGES["theme"]))
    assert "Listen to the child" in html and "<strong>body</strong>" in html and "Hear the child" not in html


def test_it_shows_a_save_an_addition_and_a_deletion_on_the_next_request(content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["theme"])
    theme = content["theme"]
    theme.title = "A child's daily life"
    theme.save()
    assert Theme.objects.get(pk=theme.pk).title == "A child's daily life"
    assert "A child&#x27;s daily life" in main(client.get(PAGES["theme"]))
    ResourceFactory(slug="genogram", title="Genogram tool").themes.add(theme)  # m2m_changed
    assert Resource.objects.get(slug="genogram").themes.get() == theme
    assert "Genogram tool" in main(client.get(PAGES["theme"]))
    PracticePoint.objects.filter(pk=content["point"].pk).delete()
    assert not PracticePoint.objects.filter(pk=content["point"].pk).exists()
    assert "Hear the child" not in main(client.get(PAGES["theme"]))


def test_it_shows_an_update_on_the_next_request_once_the_version_is_bumped(content, client_for, fca):
    client = client_for(fca)
    assert "Diversity Wheel" in main(client.get(PAGES["resource"]))
    Resource.objects.filter(slug="wheel").update(title="Wheel of identity")
    bump_version()
    assert Resource.objects.get(slug="wheel").title == "Wheel of identity"
    html = main(client.get(PAGES["resource"]))
    assert "Wheel of identity" in html and "Diversity Wheel" not in html


def test_it_shows_unlinking_a_resource_from_a_theme_on_the_next_request(content, client_for, fca):
    client = client_for(fca)
    assert "Diversity Wheel" in main(client.get(PAGES["theme"]))
    content["resource"].themes.remove(content["theme"])
    assert not content["resource"].themes.exists()
    assert "Diversity Wheel" not in main(client.get(PAGES["theme"]))


def test_it_shows_admin_actions_that_update_in_bulk(content, client_for, editor, fca):
    draft = KnowledgeBiteFactory(slug="new-bite", title="A new bite", status=KnowledgeBite.Status.DRAFT)
    home = reverse("guidance:home")
    assert "A new bite" not in main(client_for(fca).get(home))
    changelist = reverse("admin:guidance_knowledgebite_changelist")
    client_for(editor).post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == KnowledgeBite.Status.PUBLISHED
    assert "A new bite" in main(client_for(fca).get(home))
    client_for(editor).post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == KnowledgeBite.Status.DRAFT
    assert "A new bite" not in main(client_for(fca).get(home))


def test_it_shows_publishing_and_retiring_a_checklist_on_the_theme_page(content, client_for, fca):
    template = ChecklistTemplateFactory(title="Hearing the child", status=ChecklistTemplate.Status.DRAFT)
    step = StepFactory(template=template, number=1)
    QuestionFactory(step=step)
    step.practice_points.add(content["point"])
    client = client_for(fca)
    assert 'id="reflective-checklists"' not in main(client.get(PAGES["theme"]))
    services.publish_template(template=template)
    template.refresh_from_db()
    assert template.status == ChecklistTemplate.Status.PUBLISHED
    assert 'id="reflective-checklists"' in main(client.get(PAGES["theme"]))
    services.retire_template(template=template)  # an update(): no signal
    template.refresh_from_db()
    assert template.status == ChecklistTemplate.Status.RETIRED
    assert 'id="reflective-checklists"' not in main(client.get(PAGES["theme"]))


def test_it_shows_what_the_loader_loads(client_for, fca):
    client = client_for(fca)
    assert "There are no Knowledge Bites yet." in main(client.get(reverse("guidance:home")))
    load()
    assert KnowledgeBite.objects.exists()
    html = main(client.get(reverse("guidance:home")))
    assert "There are no Knowledge Bites yet." not in html
    assert "Annual Report" in html


def test_it_bumps_the_version_on_a_write_and_again_when_it_commits(content, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        content["theme"].save()
        # Pages rendered before the commit, from the old rows, go under this version...
        assert content_version() == before + 1
    # ...and are retired once the new rows are visible to everyone.
    assert content_version() == before + 2


def test_it_bumps_the_version_once_for_a_many_to_many_change(content):
    before = content_version()
    content["resource"].themes.remove(content["theme"])  # pre_remove and post_remove
    assert content_version() == before + 1
