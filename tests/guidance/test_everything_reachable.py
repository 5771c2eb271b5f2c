"""Everything in the Knowledge Bite can be reached by following links from the home page as an FCA."""

from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client

from accounts.models import Membership
from casestudies.models import CaseStudy, LearningPoint
from guidance.models import KeyFact, PracticePoint, Resource, Section, Theme
from guidance.search import plain_text
from tests.factories import MembershipFactory, UserFactory
from tests.guidance.content import load

# Marking the module makes pytest-django set up the test database before the module-scoped crawl.
pytestmark = pytest.mark.django_db

AREAS = ("/guidance/", "/case-studies/")
BLOCKS = {"p", "li", "dt", "dd", "th", "td", "tr", "h1", "h2", "h3", "h4", "div", "br", "caption", "figcaption"}
MAX_PAGES = 400


class Page(HTMLParser):
    """The visible text of a page and the links on it."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.text: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS:
            self.text.append(" ")
        if tag in ("script", "style"):
            self.skipping += 1
        if tag == "a" and dict(attrs).get("href"):
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.text.append(" ")
        if tag in ("script", "style"):
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.text.append(data)


def normalise(text: str) -> str:
    return " ".join(text.replace("’", "'").split())


@pytest.fixture(scope="module")
def crawl(django_db_setup, django_db_blocker):
    """Load the bite, crawl from / within guidance and case studies as an FCA, and roll it all back.

    Returns each page's visible text by URL, and what the database holds, to look for in it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        load()
        fca = UserFactory(username="crawler")
        MembershipFactory(user=fca, role=Membership.Role.PRACTITIONER)
        client = Client()
        client.force_login(fca)
        queue, pages = ["/"], {}
        while queue and len(pages) < MAX_PAGES:
            url = queue.pop(0)
            response = client.get(url)
            assert response.status_code == 200, url
            parser = Page()
            parser.feed(response.content.decode())
            pages[url] = normalise("".join(parser.text))
            for href in parser.links:
                target = urldefrag(urljoin(url, href)).url
                if urlsplit(target).netloc or not target.startswith(AREAS):
                    continue
                if target not in pages and target not in queue:
                    queue.append(target)
        assert len(pages) < MAX_PAGES, "the crawl did not finish"
        content = {
            "facts": [(str(f), f.label, f.display_value, f.note) for f in KeyFact.objects.all()],
            "sections": [(s.title, s.body) for s in Section.objects.all()],
            "themes": [
                (t.get_absolute_url(), t.title, t.summary, t.key_messages, t.why_it_matters)
                for t in Theme.objects.all()
            ],
            "points": [(p.title, p.body) for p in PracticePoint.objects.all()],
            "resources": [(r.title, r.description) for r in Resource.objects.all()],
            "case_studies": [
                (
                    c.get_absolute_url(),
                    [
                        c.title,
                        c.partnership,
                        c.review_type,
                        c.summary,
                        c.what_cafcass_knew,
                        c.what_happened,
                        c.learning_intro,
                    ],
                )
                for c in CaseStudy.objects.all()
            ],
            "learning": [(str(p), p.text) for p in LearningPoint.objects.select_related("case_study")],
        }
        transaction.set_rollback(True)
    return pages, content


@pytest.fixture
def site(crawl):
    return crawl[0]


@pytest.fixture
def content(crawl):
    return crawl[1]


def reachable(site: dict[str, str], text: str) -> bool:
    text = normalise(text)
    return any(text in page for page in site.values())


def test_every_page_of_guidance_is_reached(site, content):
    for url, *_ in content["themes"]:
        assert url in site
    for url, _ in content["case_studies"]:
        assert url in site
    assert "/guidance/resources/" in site
    assert "/guidance/resources/?page=2" in site  # the library's later pages


def test_every_figure_is_reached_beside_its_label_and_note(site, content):
    assert len(content["facts"]) >= 20
    for name, label, value, note in content["facts"]:
        assert reachable(site, f"{label} {value}"), name
        assert reachable(site, f"{label} {value} {note}"), name


def test_every_section_and_theme_is_reached_in_full(site, content):
    for title, body in content["sections"]:
        assert reachable(site, title), title
        assert reachable(site, plain_text(body)), title
    for _, *texts in content["themes"]:
        for text in texts:
            assert reachable(site, plain_text(text)), text[:60]


def test_every_practice_point_is_reached_in_full(site, content):
    for title, body in content["points"]:
        assert reachable(site, title), title
        assert reachable(site, plain_text(body)), title


def test_every_resource_is_reached_with_its_description(site, content):
    for title, description in content["resources"]:
        assert reachable(site, title), title
        assert reachable(site, plain_text(description)), title


def test_both_case_studies_are_reached_in_full(site, content):
    assert len(content["case_studies"]) == 2
    for _, texts in content["case_studies"]:
        for text in texts:
            assert reachable(site, plain_text(text)), text[:60]
    for name, text in content["learning"]:
        assert reachable(site, plain_text(text)), name


@pytest.mark.parametrize(
    "phrase",
    [
        "Annie Hudson",
        "14 May 2021",
        "Children and Social Work Act 2017",
        "resilience, creativity and adaptability",
        "sudden unexpected death",
        "2011 census",
        "Diversity Wheel",
        "Voice of the Child App",
        "FJYPB",
        "Seeing and Engaging with Children Policy",
        "Is the family engaging with other agencies?",
        "Motivational interviewing",
        "County Lines",
        "Child Trafficking",
        "hidden children",
        "non-C100",
        "Police Checks Handbook",
        "respectful uncertainty",
        "Laming",
        "confirmation bias",
        "Assistant Director Safeguarding Policy",
        "Mermaids",
        "Restraining Order",
        "thinking the unthinkable",
        "safeguardingwarwickshire.co.uk",
        "So What?",
        "Then What?",
        "fathers/adult males",
        "pages 14 and 15",
        "wiganlscb.com",
        "CIAF",
        "Public law tools",
        "behavioural detail",
        "(s17)",
        "(s47)",
        "Safeguarding connected children",
        "unmanageable caseloads",
        "16.4 or ICFA",
        "situational supervision",
        "National Psychology Service",
        "Peer Practice Specialists",
        "Cafcass Learning",
        "Library and Information Service",
        "nspcc.org.uk",
        "darlington-safeguarding-partnership.co.uk",
        "Working Together to Safeguard Children 2018",
        "University of East Anglia",
    ],
)
def test_the_source_documents_details_are_reached(site, phrase):
    assert reachable(site, phrase), phrase


def test_the_crawl_stays_within_guidance_and_case_studies(site):
    assert all(url == "/" or url.startswith(AREAS) for url in site)
    assert len(site) > 20
