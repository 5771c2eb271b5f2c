"""Search: the same behaviour on PostgreSQL (full text) and SQLite (fallback), grouped by type."""

import pytest
from django.urls import reverse

from guidance.search import parse_terms, plain_text, search
from tests.factories import KnowledgeBiteFactory, PracticePointFactory, ThemeFactory

pytestmark = pytest.mark.django_db

URL = reverse("guidance:search")
MARK = '<mark class="app-search-highlight">'


def group_keys(results) -> list[str]:
    return [group.source.key for group in results.groups]


# --- The real content ---------------------------------------------------------------------------


def test_domestic_abuse_finds_theme_four_and_the_42_6_figure_first(loaded, fca):
    results = search("domestic abuse", fca)
    assert group_keys(results)[0] == "themes"
    themes, facts = results.groups[0], results.groups[1]
    assert themes.hits[0].url == reverse("guidance:theme", kwargs={"slug": "changing-risk-and-need"})
    assert facts.source.key == "key-facts"
    assert facts.hits[0].figure == "42.6%"
    assert "serious harm" in facts.hits[0].title


def test_the_results_page_groups_hits_by_type_with_counts(loaded, client_for, fca):
    response = client_for(fca).get(URL, {"q": "domestic abuse"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "result" in html and "for ‘domestic abuse’" in html
    assert '<h2 class="govuk-heading-m" id="results-themes">Themes (1)</h2>' in html
    assert 'id="results-key-figures"' not in html  # the key is key-facts; the label is Key figures
    assert 'id="results-key-facts">Key figures (' in html
    assert html.index('id="results-themes"') < html.index('id="results-key-facts"')
    assert '<span class="app-search-results__figure">42.6%:</span>' in html
    assert MARK in html


def test_snippets_highlight_the_words_found(loaded, fca):
    hit = search("confirmation bias", fca).groups[0].hits[0]
    assert f"{MARK}confirmation</mark>" in hit.snippet.lower().replace(MARK.lower(), MARK)
    assert "**" not in hit.snippet  # Markdown is shown as a reader sees it


def test_a_phrase_and_an_excluded_word_work_as_websearch_does(loaded, fca):
    everything = search("domestic abuse", fca)
    narrowed = search('"domestic abuse" -fathers', fca)
    urls = {hit.url for group in narrowed.groups for hit in group.hits}
    assert reverse("guidance:theme", kwargs={"slug": "changing-risk-and-need"}) not in urls  # it mentions fathers
    assert any(hit.figure == "42.6%" for group in narrowed.groups for hit in group.hits)
    assert narrowed.total < everything.total


def test_a_query_of_only_common_words_still_finds_what_so_what(loaded, fca):
    results = search("What? So What? Then What?", fca)
    points = next(g for g in results.groups if g.source.key == "practice-points")
    assert "/guidance/themes/changing-risk-and-need/#pp-what-so-what-then-what" in [hit.url for hit in points.hits]


def test_case_studies_and_their_learning_are_searched(loaded, fca):
    results = search("unthinkable", fca)
    assert "case-study-learning" in group_keys(results)
    hit = next(g for g in results.groups if g.source.key == "case-study-learning").hits[0]
    assert hit.url.startswith("/case-studies/alice-and-beth/#lp-")
    assert "Alice and Beth" in hit.title


def test_resources_are_searched_and_say_where_they_are(loaded, fca):
    group = next(g for g in search("Mermaids", fca).groups if g.source.key == "resources")
    assert group.hits[0].url == "/guidance/resources/mermaids/"
    internal = next(g for g in search("Police Checks Handbook", fca).groups if g.source.key == "resources")
    assert "Cafcass intranet only" in internal.hits[0].context


# --- Behaviour with made-up content -------------------------------------------------------------


def test_snippets_are_escaped_except_for_the_highlights(fca):
    PracticePointFactory(title="Reflection & 'care'", body="Watch for <b>reflection</b> & <script>x</script> here.")
    hit = search("reflection", fca).groups[0].hits[0]
    # PostgreSQL's headline drops tags, the fallback escapes them: either way none reach the page.
    assert "<b>" not in hit.snippet and "<script>" not in hit.snippet
    assert f"{MARK}reflection</mark>" in hit.snippet
    assert "&amp;" in hit.snippet
    assert hit.title == f"{MARK}Reflection</mark> &amp; &#x27;care&#x27;"


def test_each_group_shows_ten_and_links_to_the_rest(client_for, fca):
    theme = ThemeFactory(title="Supervision theme")
    for n in range(25):
        PracticePointFactory(theme=theme, title=f"Reflective point {n}", body="Use reflective supervision.")
    client = client_for(fca)
    html = client.get(URL, {"q": "reflective"}).content.decode()
    assert "Practice points (25)" in html
    assert html.count('app-search-results__context"') == 10
    see_all = 'href="/guidance/search/?q=reflective&amp;type=practice-points">See all 25 results in practice points'
    assert see_all in html
    first = client.get(URL, {"q": "reflective", "type": "practice-points"})
    second = client.get(URL, {"q": "reflective", "type": "practice-points", "page": 2})
    assert len(first.context["results"].groups[0].hits) == 20
    assert len(second.context["results"].groups[0].hits) == 5
    assert "Practice points: 25 results for ‘reflective’" in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    first_urls = {hit.url for hit in first.context["results"].groups[0].hits}
    assert not first_urls & {hit.url for hit in second.context["results"].groups[0].hits}
    assert client.get(URL, {"q": "reflective", "type": "practice-points", "page": 3}).status_code == 404
    assert client.get(URL, {"q": "reflective", "type": "practice-points", "page": "x"}).status_code == 404


def test_an_empty_search_explains_what_can_be_searched(client_for, fca):
    ThemeFactory(slug="browse-me", title="Browse me")
    response = client_for(fca).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "What you can search" in html
    assert 'href="/guidance/themes/browse-me/"' in html
    assert client_for(fca).get(URL, {"q": "   "}).status_code == 200


def test_no_results_gives_helpful_advice(client_for, fca):
    ThemeFactory(slug="browse-me", title="Browse me")
    response = client_for(fca).get(URL, {"q": "xylophone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There are no results for ‘xylophone’" in html
    assert "spelling" not in html  # nothing suggests the reader made a mistake
    assert "Did you mean" not in html  # no word in the content is close to it
    assert "other words that mean the same thing" in html
    assert "fewer words" in html
    assert 'href="/guidance/themes/browse-me/"' in html
    assert 'href="/guidance/resources/"' in html


def test_a_query_over_200_characters_is_refused_with_a_clear_message(client_for, fca):
    response = client_for(fca).get(URL, {"q": "a" * 201})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Search for 200 characters or fewer" in html
    assert client_for(fca).get(URL, {"q": "abuse " * 33 + "ab"}).status_code == 200  # exactly 200


def test_an_unknown_result_type_or_a_null_character_is_refused(client_for, fca):
    assert client_for(fca).get(URL, {"q": "abuse", "type": "answers"}).status_code == 400
    assert client_for(fca).get(URL, {"q": "ab\x00use"}).status_code == 400


def test_the_query_is_shown_back_escaped(client_for, fca):
    html = client_for(fca).get(URL, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_punctuation_and_operators_alone_do_not_break_search(client_for, fca):
    PracticePointFactory(title="Anything", body="text")
    for query in ['"', "-", "-abuse", "or", "!!!", "(", "'", "&", ":*", "a|b"]:
        assert client_for(fca).get(URL, {"q": query}).status_code == 200, query


def test_draft_content_is_searched_for_editors_only(fca, editor):
    bite = KnowledgeBiteFactory(status="draft")
    PracticePointFactory(theme=ThemeFactory(knowledge_bite=bite), title="Hidden draft point")
    assert search("hidden draft", fca).total == 0
    assert search("hidden draft", editor).total == 1


def test_the_header_search_box_keeps_the_query(client_for, fca):
    html = client_for(fca).get(URL, {"q": "neglect"}).content.decode()
    assert 'id="header-search" name="q" type="search" value="neglect"' in html


# --- Helpers ------------------------------------------------------------------------------------


def test_the_fallback_reads_phrases_and_exclusions():
    assert parse_terms('"domestic abuse" -fathers neglect') == (["domestic abuse", "neglect"], ["fathers"])
    assert parse_terms("the voice of the child") == (["voice", "child"], [])
    assert parse_terms("the") == (["the"], [])


def test_plain_text_drops_markdown_markup():
    assert plain_text("- **WHAT?** Use [tools](https://x.invalid) and *care*.\n\n1. file\\_name") == (
        "WHAT? Use tools and care. file_name"
    )
