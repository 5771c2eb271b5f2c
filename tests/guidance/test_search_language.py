"""Search understands practitioners: stems, hyphens, synonyms, any-word fallback, spelling and checklists."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from guidance.models import SearchSynonym
from guidance.search import search
from tests.factories import (
    ChecklistTemplateFactory,
    KnowledgeBiteFactory,
    PracticePointFactory,
    QuestionFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("guidance:search")
PARTIAL = "No results contained all your words. Showing results for some of them"


@pytest.fixture
def everything(db):
    """The Knowledge Bite (with its starter synonyms) and the checklist templates, from their data files."""
    call_command("load_knowledge_bite", stdout=StringIO())
    call_command("load_checklist_templates", stdout=StringIO())


def urls(results, key: str) -> list[str]:
    return [hit.url for group in results.groups if group.source.key == key for hit in group.hits]


def theme(slug: str) -> str:
    return reverse("guidance:theme", kwargs={"slug": slug})


BITE = "/guidance/csprp-annual-report-2020/"
ENGAGEMENT = theme("reluctant-or-sporadic-engagement")
RISK = theme("changing-risk-and-need")
CRITICAL = theme("critical-thinking-and-challenge")
SHARING = theme("sharing-information")
LEADERSHIP = theme("organisational-leadership-and-culture")
DAILY_LIFE = theme("childs-daily-life")

# What FCAs type, and what the first page must offer them.
QUERIES = [
    ("non-engagement", "themes", ENGAGEMENT),
    ("non engagement", "practice-points", f"{ENGAGEMENT}#pp-non-engagement-questions"),
    ("nonengagement", "themes", ENGAGEMENT),
    ("family doesn't engage", "practice-points", f"{ENGAGEMENT}#pp-non-engagement-questions"),
    ("reluctant families", "themes", ENGAGEMENT),
    ("home schooling", "practice-points", f"{ENGAGEMENT}#pp-electively-home-educated"),
    ("hidden children", "practice-points", f"{ENGAGEMENT}#pp-electively-home-educated"),
    ("county lines", "practice-points", f"{ENGAGEMENT}#pp-children-who-minimise-risk"),
    ("grooming", "resources", "/guidance/resources/cse-elearning/"),
    ("drugs", "practice-points", f"{RISK}#pp-interacting-risks"),
    ("drugs and alcohol", "key-facts", f"{BITE}#fact-da-substance-misuse"),
    ("depression", "practice-points", f"{RISK}#pp-interacting-risks"),
    ("interacting risks", "practice-points", f"{RISK}#pp-interacting-risks"),
    ("domestic violence", "themes", RISK),
    ("dad", "practice-points", f"{RISK}#pp-fathers-and-adult-males"),
    ("mum's boyfriend", "themes", RISK),
    ("what so what then what", "practice-points", f"{RISK}#pp-what-so-what-then-what"),
    ("babies", "key-facts", f"{BITE}#fact-age-under-one"),
    ("suicide", "key-facts", f"{BITE}#fact-suicide"),
    ("transgender children", "practice-points", f"{CRITICAL}#pp-trans-young-people"),
    ("professional curiosity", "practice-points", f"{CRITICAL}#pp-respectful-uncertainty"),
    ("confirmation bias", "practice-points", f"{CRITICAL}#pp-confirmation-bias"),
    ("triangulation", "practice-points", f"{CRITICAL}#pp-triangulate"),
    ("police checks consent", "practice-points", f"{CRITICAL}#pp-safeguarding-checks-without-consent"),
    ("challenge the local authority", "practice-points", f"{CRITICAL}#pp-escalation"),
    ("section 47", "practice-points", f"{SHARING}#pp-s17-s47"),
    ("siblings", "practice-points", f"{SHARING}#pp-s17-s47"),
    ("too many cases", "practice-points", f"{LEADERSHIP}#pp-caseloads"),
    ("pivotal moment", "practice-points", f"{LEADERSHIP}#pp-situational-supervision"),
    ("wishes and feelings", "practice-points", f"{DAILY_LIFE}#pp-voice-of-the-child"),
    ("children's voices", "themes", DAILY_LIFE),
    ("racism", "practice-points", f"{DAILY_LIFE}#pp-respond-to-racism"),
    ("Alice and Beth", "case-studies", "/case-studies/alice-and-beth/"),
    ("Annie", "case-studies", "/case-studies/child-y-annie/"),
    ("lived experience", "case-study-learning", "/case-studies/child-y-annie/#lp-lived-experience"),
    (
        "fathers previous history",
        "case-study-learning",
        "/case-studies/child-y-annie/#lp-previous-histories-of-fathers",
    ),
]


@pytest.mark.parametrize(("query", "key", "url"), QUERIES, ids=[query for query, _, _ in QUERIES])
def test_an_fca_query_finds_the_right_guidance_on_the_first_page(everything, client_for, fca, query, key, url):
    response = client_for(fca).get(URL, {"q": query})
    assert response.status_code == 200
    results = response.context["results"]
    assert url in urls(results, key)
    assert not results.partial
    assert f'href="{url}"' in response.content.decode()


# --- Word forms ----------------------------------------------------------------------------------


def test_plurals_and_other_endings_match(fca):
    point = PracticePointFactory(title="Assessing a parent", body="The child was interviewed at school.")
    for query in ["parents", "interviewing", "children school", "assessment"]:
        assert search(query, fca).groups[0].hits[0].url == point.get_absolute_url(), query


def test_a_hyphenated_or_prefixed_word_matches_its_parts_and_its_joined_form(fca):
    theme = ThemeFactory(title="Working with families")
    part_only = PracticePointFactory(theme=theme, title="Engagement with services").get_absolute_url()
    written = {
        part_only,
        PracticePointFactory(theme=theme, title="Non engagement in private law").get_absolute_url(),
        PracticePointFactory(theme=theme, title="Nonengagement and risk").get_absolute_url(),
        PracticePointFactory(theme=theme, title="Non-engagement questions").get_absolute_url(),
    }
    PracticePointFactory(theme=theme, title="Something else entirely")
    for query in ["non-engagement", "non engagement", "nonengagement"]:
        found = urls(search(query, fca), "practice-points")
        assert set(found) == written, query
        assert found[0] != part_only, query  # the whole word ranks above its part alone


def test_re_and_self_prefixes_match_their_parts(fca):
    point = PracticePointFactory(title="Help families to engage again", body="Support self care.")
    assert urls(search("re-engage", fca), "practice-points") == [point.get_absolute_url()]
    assert urls(search("reengage", fca), "practice-points") == [point.get_absolute_url()]
    assert urls(search("self-care", fca), "practice-points") == [point.get_absolute_url()]


def test_negatives_such_as_wont_and_doesnt_are_not_required_words(client_for, fca):
    point = PracticePointFactory(title="When parents do not engage", body="Ask what the pattern means.")
    for query in ["parents who won't engage", "parent doesn’t engage", "parents wont engage"]:
        results = search(query, fca)
        assert urls(results, "practice-points") == [point.get_absolute_url()], query
        assert not results.partial


# --- Any-word fallback ---------------------------------------------------------------------------


def test_when_no_result_has_every_word_it_shows_results_for_some_and_says_so(client_for, fca):
    best = PracticePointFactory(title="Domestic abuse and substance misuse", body="Risks interact.")
    other = PracticePointFactory(title="Domestic abuse", body="Ask about it.")
    PracticePointFactory(title="Unrelated", body="Nothing here.")
    response = client_for(fca).get(URL, {"q": "domestic abuse substance misuse xylophone"})
    assert response.status_code == 200
    html = response.content.decode()
    assert PARTIAL in html
    results = response.context["results"]
    assert results.partial
    assert urls(results, "practice-points") == [best.get_absolute_url(), other.get_absolute_url()]


def test_results_with_every_word_carry_no_fallback_message(client_for, fca):
    PracticePointFactory(title="Domestic abuse and substance misuse", body="Risks interact.")
    PracticePointFactory(title="Domestic abuse", body="Ask about it.")
    response = client_for(fca).get(URL, {"q": "domestic abuse substance misuse"})
    assert PARTIAL not in response.content.decode()
    assert len(response.context["results"].groups[0].hits) == 1


def test_paging_through_one_type_keeps_the_fallback(client_for, fca):
    for n in range(25):
        PracticePointFactory(title=f"Reflective point {n}", body="Use reflective supervision.")
    response = client_for(fca).get(URL, {"q": "reflective xylophone", "type": "practice-points", "page": 2})
    assert response.status_code == 200
    assert PARTIAL in response.content.decode()
    assert len(response.context["results"].groups[0].hits) == 5


# --- Did you mean --------------------------------------------------------------------------------


def test_a_misspelt_word_gets_a_suggestion_that_searches_again(client_for, fca):
    point = PracticePointFactory(title="Safeguarding referrals", body="Make a safeguarding referral.")
    client = client_for(fca)
    html = client.get(URL, {"q": "safegaurding"}).content.decode()
    assert "There are no results for ‘safegaurding’" in html
    assert 'Did you mean <a class="govuk-link" href="/guidance/search/?q=safeguarding">safeguarding</a>?' in html
    followed = client.get(URL, {"q": "safeguarding"})
    assert urls(followed.context["results"], "practice-points") == [point.get_absolute_url()]
    assert "Did you mean" not in followed.content.decode()


def test_a_suggestion_keeps_the_other_words_and_the_type(client_for, fca):
    PracticePointFactory(title="Safeguarding referrals", body="Make a safeguarding referral for children.")
    response = client_for(fca).get(URL, {"q": "safegaurding children", "type": "practice-points"})
    assert PARTIAL in response.content.decode()
    assert response.context["results"].suggestion == "safeguarding children"
    assert 'href="/guidance/search/?q=safeguarding+children&amp;type=practice-points"' in response.content.decode()


def test_there_is_no_suggestion_without_a_close_word(client_for, fca):
    PracticePointFactory(title="Safeguarding referrals", body="Make a referral.")
    html = client_for(fca).get(URL, {"q": "xylophone"}).content.decode()
    assert "Did you mean" not in html
    assert "spelling" not in html


def test_another_ending_of_a_word_in_the_content_is_not_called_a_misspelling(client_for, fca):
    PracticePointFactory(title="Young carer", body="Support for a young carer.")
    response = client_for(fca).get(URL, {"q": "carers xylophone"})
    assert response.context["results"].partial  # "carers" found the carer
    assert response.context["results"].suggestion == ""
    assert "Did you mean" not in response.content.decode()


def test_suggestions_come_only_from_content_the_reader_may_see(fca, editor):
    draft = KnowledgeBiteFactory(status="draft")
    PracticePointFactory(theme=ThemeFactory(knowledge_bite=draft), title="Kinship placements")
    assert search("kinshp", fca).suggestion == ""
    assert search("kinshp", editor).suggestion == "kinship"


# --- Synonyms ------------------------------------------------------------------------------------


def admin_url(action: str, *args) -> str:
    return reverse(f"admin:guidance_searchsynonym_{action}", args=args)


def test_editors_may_curate_synonyms(editor):
    for action in ["view", "add", "change", "delete"]:
        assert editor.has_perm(f"guidance.{action}_searchsynonym")


def test_a_synonym_added_in_admin_takes_effect_at_once_and_both_ways(client_for, editor, fca):
    point = PracticePointFactory(title="Infants under one", body="The most vulnerable age.")
    assert search("bairns", fca).total == 0
    response = client_for(editor).post(admin_url("add"), {"terms": "Bairns,  infants , bairns"})
    assert response.status_code == 302
    synonym = SearchSynonym.objects.get()
    assert synonym.terms == "bairns, infants"
    assert urls(search("bairns", fca), "practice-points") == [point.get_absolute_url()]
    other = PracticePointFactory(title="Bairns in the family court", body="A Scottish word.")
    assert set(urls(search("infants", fca), "practice-points")) == {point.get_absolute_url(), other.get_absolute_url()}


def test_a_synonym_changed_or_deleted_in_admin_stops_matching(client_for, editor, fca):
    substances = PracticePointFactory(title="Substance misuse", body="Drink and drugs.").get_absolute_url()
    mental_health = PracticePointFactory(title="Mental health", body="Depression and anxiety.").get_absolute_url()
    synonym = SearchSynonym.objects.create(terms="weed, substance misuse")
    client = client_for(editor)
    assert urls(search("weed", fca), "practice-points") == [substances]
    assert client.post(admin_url("change", synonym.pk), {"terms": "weed, mental health"}).status_code == 302
    synonym.refresh_from_db()
    assert synonym.terms == "weed, mental health"
    assert urls(search("weed", fca), "practice-points") == [mental_health]
    assert client.post(admin_url("delete", synonym.pk), {"post": "yes"}).status_code == 302
    assert not SearchSynonym.objects.exists()
    assert search("weed", fca).total == 0


def test_a_multi_word_synonym_matches_as_a_phrase(fca):
    point = PracticePointFactory(title="Substance misuse", body="Drink and drugs.")
    PracticePointFactory(title="Substance use and misuse", body="Both words, but not side by side.")
    SearchSynonym.objects.create(terms="weed, substance misuse")
    assert urls(search("weed", fca), "practice-points") == [point.get_absolute_url()]


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ("drugs", "Enter at least two different words or phrases, separated by commas."),
        ("drugs, drugs", "Enter at least two different words or phrases, separated by commas."),
        ("drugs, <script>", "can only use letters, numbers, spaces, hyphens and apostrophes."),
        ("drugs, " + "x" * 61, "keep each term to 60 characters"),
    ],
)
def test_admin_refuses_a_synonym_that_cannot_work(client_for, editor, terms, message):
    response = client_for(editor).post(admin_url("add"), {"terms": terms})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SearchSynonym.objects.exists()


def test_the_starter_synonyms_load_once_and_keep_editors_changes(db):
    out = StringIO()
    call_command("load_knowledge_bite", stdout=out)
    count = SearchSynonym.objects.count()
    assert count >= 25
    assert f"Search synonyms: {count} created, 0 updated, 0 unchanged" in out.getvalue()
    drugs = SearchSynonym.objects.get(terms__startswith="substance misuse,")
    drugs.terms = "substance misuse, drugs, cannabis"
    drugs.save()
    out = StringIO()
    call_command("load_knowledge_bite", stdout=out)
    assert f"Search synonyms: 0 created, 0 updated, {count} unchanged (1 differ" in out.getvalue()
    drugs.refresh_from_db()
    assert drugs.terms == "substance misuse, drugs, cannabis"
    assert SearchSynonym.objects.count() == count


# --- Checklist templates -------------------------------------------------------------------------


def test_a_checklist_is_found_by_its_title_with_a_link_to_start_it(everything, client_for, fca):
    response = client_for(fca).get(URL, {"q": "won't engage"})
    html = response.content.decode()
    assert 'id="results-checklists">Checklists (' in html
    start = reverse("checklists:details", kwargs={"slug": "non-engagement"})
    assert f'href="{start}">Start this checklist' in html
    assert 'href="/checklists/start/?template=non-engagement"' in html
    assert client_for(fca).get(start).status_code == 200


def test_a_checklist_is_found_by_its_questions(fca):
    template = ChecklistTemplateFactory(title="Reflecting on a visit")
    QuestionFactory(step__template=template, text="Which tools could you use to drill down into the issue?")
    results = search("drilling", fca)
    assert urls(results, "checklists") == [f"/checklists/start/?template={template.slug}"]
    hit = results.groups[0].hits[0]
    assert hit.action_url == template.get_start_url()
    assert '<mark class="app-search-highlight">drill</mark>' in hit.snippet


def test_draft_and_retired_checklists_are_not_offered(fca, editor):
    ChecklistTemplateFactory(title="Drafted reflection", status="draft")
    ChecklistTemplateFactory(title="Retired reflection", status="retired")
    assert search("reflection", fca).total == 0
    assert search("reflection", editor).total == 0


def test_a_checklist_question_edited_later_is_searched_as_it_now_reads(fca):
    question = QuestionFactory(text="Who else knows the family?")
    assert search("grandparents", fca).total == 0
    question.text = "Have you spoken to the grandparents?"
    question.save()
    assert search("grandparents", fca).total == 1
    question.delete()
    assert search("grandparents", fca).total == 0


# --- Keeping in step -----------------------------------------------------------------------------


def test_edited_and_deleted_content_is_searched_as_it_now_is(fca):
    point = PracticePointFactory(title="Kinship care", body="Family and friends.")
    point.title = "Special guardianship"
    point.save()
    assert search("kinship", fca).total == 0
    assert urls(search("guardianship", fca), "practice-points") == [point.get_absolute_url()]
    point.theme.knowledge_bite.delete()
    assert search("guardianship", fca).total == 0
