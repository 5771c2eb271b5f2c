"""The guidance page cache: content served from it, retired by every write, never shared wrongly.

Caching is off in the test settings (GUIDANCE_CACHE_SECONDS = 0); the `caching` fixture turns it
on with an empty cache of its own.
"""

import re
import uuid

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from checklists import services
from checklists.models import ChecklistTemplate
from guidance.cache import VERSION_KEY, RecentPages, bump_version, content_version, page_key, recent_pages
from guidance.markdown import render_markdown
from guidance.models import KnowledgeBite, PracticePoint, Theme
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

CONTENT_TABLES = ('"guidance_', '"casestudies_', '"checklists_')


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
}


def content_queries(captured) -> list[str]:
    return [query["sql"] for query in captured if any(table in query["sql"] for table in CONTENT_TABLES)]


def get(client, url):
    """The response, and the SQL it ran against guidance, case-study and checklist tables."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response, content_queries(queries.captured_queries)


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def main(response) -> str:
    html = response.content.decode()
    return html[html.index('<main class="govuk-main-wrapper"') : html.index("</main>")]


# --- Served from the cache ----------------------------------------------------------------------


@pytest.mark.parametrize("page", list(PAGES))
def test_a_second_request_reads_no_content_from_the_database(caching, content, fca, other_fca, page):
    first, first_queries = get(signed_in(fca), PAGES[page])
    assert first.status_code == 200
    assert first_queries
    for client in [signed_in(fca), signed_in(other_fca)]:
        again, queries = get(client, PAGES[page])
        assert again.status_code == 200
        assert queries == []
        assert main(again) == main(first)


def test_with_caching_off_every_request_renders_the_content(content, client_for, fca):
    client = client_for(fca)
    for _ in range(2):
        response, queries = get(client, PAGES["theme"])
        assert response.status_code == 200 and queries


def test_the_page_title_and_breadcrumbs_come_from_the_cache_too(caching, content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["theme"])
    html = client.get(PAGES["theme"]).content.decode()
    assert "<title>Theme 1: Daily life – Practice Hub</title>" in html
    assert '<a class="govuk-breadcrumbs__link" href="/guidance/annual-report/">Annual report bite</a>' in html
    assert '<span aria-current="page">Theme 1</span>' in html


def test_the_header_search_box_keeps_the_words_on_a_cached_search(caching, content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["search"])
    response, queries = get(client, PAGES["search"])
    assert queries == []
    assert re.search(r'id="header-search" name="q" type="search" value="child"', response.content.decode())


def test_the_order_of_the_query_string_does_not_matter(caching, content, client_for, fca):
    client = client_for(fca)
    client.get(reverse("guidance:resources") + "?kind=tool&theme=daily-life")
    response, queries = get(client, reverse("guidance:resources") + "?theme=daily-life&kind=tool")
    assert response.status_code == 200 and queries == []
    other_filter, queries = get(client, reverse("guidance:resources") + "?kind=policy")
    assert queries  # a different page
    assert "No resources match your filters." in other_filter.content.decode()


def test_a_bad_search_keeps_its_400_and_error_title(caching, content, client_for, fca):
    client = client_for(fca)
    url = reverse("guidance:search") + "?q=" + "a" * 201
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 400
        assert "<title>Error: Search guidance – Practice Hub</title>" in response.content.decode()


def test_a_page_that_was_not_found_is_not_cached(caching, content, client_for, fca):
    client = client_for(fca)
    url = reverse("guidance:theme", kwargs={"slug": "later"})
    assert client.get(url).status_code == 404
    # update() sends no signal, so the version stays: only a cached 404 could answer now.
    Theme.objects.filter(slug="engagement").update(slug="later")
    assert client.get(url).status_code == 200


# --- Per person: editors, tokens and nonces -----------------------------------------------------


def test_drafts_never_reach_fcas_from_a_cache_an_editor_filled(caching, content, editor, fca):
    bite = content["bite"]
    bite.status = KnowledgeBite.Status.DRAFT
    bite.save()
    as_editor, as_fca = signed_in(editor), signed_in(fca)
    for url in PAGES.values():
        assert as_editor.get(url).status_code == 200, url
    for page in ["knowledge bite", "theme", "resource", "case study"]:
        assert as_fca.get(PAGES[page]).status_code == 404, page
    for page in ["guidance home", "resources library", "search", "case studies"]:
        html = as_fca.get(PAGES[page]).content.decode()
        assert "Annual report bite" not in html and "Diversity Wheel" not in html and "Alice" not in html, page
    assert "Hear the child" in as_editor.get(PAGES["theme"]).content.decode()  # the editor's copy is intact


def test_editors_get_their_own_copy_with_edit_links(caching, content, editor, fca):
    edit_link = reverse("admin:guidance_theme_change", args=[content["theme"].pk])
    assert edit_link in signed_in(editor).get(PAGES["theme"]).content.decode()
    response, queries = get(signed_in(fca), PAGES["theme"])
    assert queries  # not the editor's copy
    assert edit_link not in response.content.decode()
    response, queries = get(signed_in(editor), PAGES["theme"])
    assert queries == [] and edit_link in response.content.decode()


def csrf_tokens(response) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())


def test_each_person_gets_their_own_csrf_token_in_a_cached_page(caching, content, fca, other_fca):
    first, second = signed_in(fca, enforce_csrf_checks=True), signed_in(other_fca, enforce_csrf_checks=True)
    first_tokens = csrf_tokens(first.get(PAGES["theme"]))
    response, queries = get(second, PAGES["theme"])
    assert queries == []
    second_tokens = csrf_tokens(response)
    assert len(second_tokens) == 2  # the header's sign-out form and the timeout dialog's
    assert not set(first_tokens) & set(second_tokens)
    # Another person's token is refused; the page's own token signs its reader out.
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": first_tokens[0]}).status_code == 403
    assert "_auth_user_id" in second.session
    assert second.post(reverse("logout"), {"csrfmiddlewaretoken": second_tokens[0]}).status_code == 200
    assert "_auth_user_id" not in second.session


def test_each_response_from_the_cache_has_a_fresh_nonce(caching, content, client_for, fca):
    client = client_for(fca)
    nonces = []
    for _ in range(2):
        response = client.get(PAGES["theme"])
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<script nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


# --- Retired by every write ---------------------------------------------------------------------


def test_an_editors_admin_save_shows_on_the_next_request(caching, content, client_for, editor, fca):
    point = content["point"]
    assert "Hear the child" in client_for(fca).get(PAGES["theme"]).content.decode()
    response = client_for(editor).post(
        reverse("admin:guidance_practicepoint_change", args=[point.pk]),
        {"theme": point.theme.pk, "title": "Listen to the child", "key": "voice", "order": 0, "body": "New **body**."},
    )
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.title == "Listen to the child"
    html = client_for(fca).get(PAGES["theme"]).content.decode()
    assert "Listen to the child" in html and "<strong>body</strong>" in html and "Hear the child" not in html


def test_saving_adding_and_deleting_content_each_show_on_the_next_request(caching, content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["theme"])
    theme = content["theme"]
    theme.title = "A child's daily life"
    theme.save()
    assert "A child&#x27;s daily life" in client.get(PAGES["theme"]).content.decode()
    ResourceFactory(slug="genogram", title="Genogram tool").themes.add(theme)  # m2m_changed
    assert "Genogram tool" in client.get(PAGES["theme"]).content.decode()
    PracticePoint.objects.filter(pk=content["point"].pk).delete()
    assert "Hear the child" not in client.get(PAGES["theme"]).content.decode()


def test_admin_actions_that_update_in_bulk_retire_the_cache(caching, content, client_for, editor, fca):
    draft = KnowledgeBiteFactory(slug="new-bite", title="A new bite", status=KnowledgeBite.Status.DRAFT)
    home = reverse("guidance:home")
    assert "A new bite" not in client_for(fca).get(home).content.decode()
    changelist = reverse("admin:guidance_knowledgebite_changelist")
    client_for(editor).post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == KnowledgeBite.Status.PUBLISHED
    assert "A new bite" in client_for(fca).get(home).content.decode()
    client_for(editor).post(changelist, {"action": "unpublish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == KnowledgeBite.Status.DRAFT
    assert "A new bite" not in client_for(fca).get(home).content.decode()


def test_publishing_and_retiring_a_checklist_template_change_the_theme_page(caching, content, client_for, fca):
    template = ChecklistTemplateFactory(title="Hearing the child", status=ChecklistTemplate.Status.DRAFT)
    step = StepFactory(template=template, number=1)
    QuestionFactory(step=step)
    step.practice_points.add(content["point"])
    client = client_for(fca)
    assert 'id="reflective-checklists"' not in client.get(PAGES["theme"]).content.decode()
    services.publish_template(template=template)
    assert 'id="reflective-checklists"' in client.get(PAGES["theme"]).content.decode()
    services.retire_template(template=template)  # an update(): no signal
    template.refresh_from_db()
    assert template.status == ChecklistTemplate.Status.RETIRED
    assert 'id="reflective-checklists"' not in client.get(PAGES["theme"]).content.decode()


def test_the_loader_retires_the_cache(caching, client_for, fca):
    client = client_for(fca)
    assert "There are no Knowledge Bites yet." in client.get(reverse("guidance:home")).content.decode()
    load()
    html = client.get(reverse("guidance:home")).content.decode()
    assert "There are no Knowledge Bites yet." not in html
    assert "Annual Report" in html


def test_a_write_bumps_the_version_now_and_again_when_it_commits(caching, content, django_capture_on_commit_callbacks):
    before = content_version()
    with django_capture_on_commit_callbacks(execute=True):
        content["theme"].save()
        # Pages rendered before the commit, from the old rows, go under this version...
        assert content_version() == before + 1
    # ...and are retired once the new rows are visible to everyone.
    assert content_version() == before + 2


def test_a_many_to_many_change_bumps_the_version_once(caching, content):
    before = content_version()
    content["resource"].themes.remove(content["theme"])  # pre_remove and post_remove
    assert content_version() == before + 1


def test_a_lost_version_starts_again_above_every_version_used(caching, content, client_for, fca):
    client = client_for(fca)
    client.get(PAGES["theme"])
    used = content_version()
    cache.delete(VERSION_KEY)
    assert content_version() > used
    cache.delete(VERSION_KEY)
    bump_version()  # with nothing to increment
    assert content_version() > used


def test_a_process_keeps_its_recent_pages_until_the_version_moves_on(caching, content, client_for, fca):
    client = client_for(fca)
    first, queries = get(client, PAGES["theme"])
    assert queries
    # Gone from the shared cache, the page is still served from this process's copy...
    request = first.wsgi_request
    cache.delete(page_key(request, content_version()))
    again, queries = get(client, PAGES["theme"])
    assert queries == [] and main(again) == main(first)
    # ...until a write moves the version on, everywhere at once.
    Theme.objects.filter(pk=content["theme"].pk).update(title="Daily life, revised")
    bump_version()
    changed, queries = get(client, PAGES["theme"])
    assert queries and "Daily life, revised" in main(changed)
    assert Theme.objects.get(pk=content["theme"].pk).title == "Daily life, revised"


def test_recent_pages_keep_only_the_newest_and_expire():
    pages = RecentPages(size=2)
    for key in ["a", "b", "c"]:
        pages.put(key, key.upper(), timeout=60)
    assert pages.get("a") is None and pages.get("b") == "B" and pages.get("c") == "C"
    pages.put("d", "D", timeout=60)  # "b" was read before "c", so "b" is now the older
    assert pages.get("b") is None and pages.get("c") == "C"
    pages.put("e", "E", timeout=0)
    assert pages.get("e") is None


def test_changing_the_cache_forgets_the_recent_pages(caching, content, client_for, fca, settings):
    client_for(fca).get(PAGES["theme"])
    assert recent_pages._pages
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "other"}}
    assert not recent_pages._pages


# --- Markdown -----------------------------------------------------------------------------------


def test_the_same_markdown_is_rendered_once():
    text = f"Some **unique** text {uuid.uuid4()}"
    before = render_markdown.cache_info()
    first, second = render_markdown(text), render_markdown(text)
    assert first == second
    assert first.startswith('<p class="govuk-body">Some <strong>unique</strong> text')
    after = render_markdown.cache_info()
    assert after.misses == before.misses + 1
    assert after.hits == before.hits + 1
