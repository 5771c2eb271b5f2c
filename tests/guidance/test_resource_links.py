"""Resources and "See:" references link to their public pages, and intranet items are never links."""

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils.html import escape

from casestudies.models import CaseStudy, LearningPoint
from guidance.models import KeyFact, KnowledgeBite, PracticePoint, Resource, Section, Theme

MARKDOWN_LINK = re.compile(r"\]\(\s*([^)\s]*)")
ADDRESS = re.compile(r"(?:https?://|www\.)\S+")
TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid)$", re.I)


def markdown_texts() -> list[tuple[str, str]]:
    """Every stored Markdown text that a reader sees, named by where it is."""
    texts = [(f"bite {b.slug}", b.summary) for b in KnowledgeBite.objects.all()]
    texts += [(f"section {s.slug}", s.body) for s in Section.objects.all()]
    for theme in Theme.objects.all():
        texts += [
            (f"theme {theme.number} {name}", getattr(theme, name))
            for name in ("summary", "key_messages", "why_it_matters")
        ]
    texts += [(f"practice point {p.key}", p.body) for p in PracticePoint.objects.all()]
    texts += [(f"resource {r.slug}", r.description) for r in Resource.objects.all()]
    texts += [(f"key fact {f.key}", f.note) for f in KeyFact.objects.all()]
    for case_study in CaseStudy.objects.all():
        for name in ("summary", "what_cafcass_knew", "what_happened", "learning_intro", "sources"):
            texts.append((f"case study {case_study.slug} {name}", getattr(case_study, name)))
    texts += [(f"learning point {p.key}", p.text) for p in LearningPoint.objects.all()]
    return texts


def stored_urls() -> list[tuple[str, str]]:
    urls = [(f"resource {r.slug}", r.url) for r in Resource.objects.exclude(url="")]
    for where, text in markdown_texts():
        urls += [(where, url) for url in MARKDOWN_LINK.findall(text)]
    return urls


def test_every_stored_address_is_a_clean_https_link(loaded):
    urls = stored_urls()
    assert len(urls) >= 20
    for where, url in urls:
        parts = urlsplit(url)
        assert parts.scheme == "https", (where, url)
        assert parts.hostname and "." in parts.hostname, (where, url)
        assert not re.search(r"\s", url), (where, url)
        assert not parts.fragment, (where, url)
        assert not [name for name, _ in parse_qsl(parts.query, keep_blank_values=True) if TRACKING.match(name)], (
            where,
            url,
        )


def test_no_address_is_left_as_plain_text(loaded):
    for where, text in markdown_texts():
        without_links = MARKDOWN_LINK.sub("](", text)
        assert not ADDRESS.search(without_links), (where, ADDRESS.search(without_links).group())


def test_intranet_and_coming_soon_items_have_no_address(loaded):
    assert Resource.objects.exclude(availability=Resource.Availability.AVAILABLE).exclude(url="").count() == 0
    assert Resource.objects.filter(availability=Resource.Availability.INTERNAL).count() >= 15


@pytest.mark.parametrize(
    "slug, host",
    [
        ("csprp-annual-report-2020", "www.gov.uk"),
        ("working-together-2018", "www.gov.uk"),
        ("assessing-risk-of-harm-private-law", "www.gov.uk"),
        ("safeguarding-children-criminal-exploitation", "www.gov.uk"),
        ("hidden-children-social-care-commentary", "www.gov.uk"),
        ("laming-report", "www.gov.uk"),
        ("csprp-briefing-covid-19", "www.gov.uk"),
        ("analysis-rapid-reviews-and-lcsprs", "learning.nspcc.org.uk"),
        ("ciaf-tools", "www.cafcass.gov.uk"),
        ("direct-work-tools", "www.cafcass.gov.uk"),
        ("fjypb-top-tips", "www.cafcass.gov.uk"),
        ("mermaids", "mermaidsuk.org.uk"),
    ],
)
def test_public_resources_link_to_their_publishers(loaded, slug, host):
    resource = Resource.objects.get(slug=slug)
    assert resource.is_link
    assert urlsplit(resource.url).hostname == host


def test_theme_pages_link_each_public_resource_and_see_reference(client_for, fca, loaded):
    client = client_for(fca)
    linked = 0
    for theme in Theme.objects.prefetch_related("resources", "practice_points"):
        html = client.get(theme.get_absolute_url()).content.decode()
        for resource in theme.resources.all():
            if resource.is_link:
                assert f'href="{escape(resource.url)}" rel="noopener noreferrer">{escape(resource.title)}' in html
                linked += 1
            else:
                assert f">{escape(resource.title)}</a>" not in html, resource.slug
        for point in theme.practice_points.all():
            for url in MARKDOWN_LINK.findall(point.body):
                assert f'href="{escape(url)}"' in html, (point.key, url)
                linked += 1
    assert linked >= 25


def test_intranet_resources_say_so_instead_of_linking(client_for, fca, loaded):
    client = client_for(fca)
    for resource in Resource.objects.filter(availability=Resource.Availability.INTERNAL):
        html = client.get(resource.get_absolute_url()).content.decode()
        assert "Cafcass intranet only" in html, resource.slug
        assert 'rel="noopener noreferrer">' not in html.split("Where to find it")[1].split("</dd>")[0]


def test_public_resource_pages_show_their_address(client_for, fca, loaded):
    client = client_for(fca)
    for resource in Resource.objects.exclude(url=""):
        html = client.get(resource.get_absolute_url()).content.decode()
        assert f'href="{escape(resource.url)}"' in html, resource.slug


def test_case_studies_and_the_bite_link_their_sources(client_for, fca, loaded):
    client = client_for(fca)
    for case_study in CaseStudy.objects.all():
        html = client.get(case_study.get_absolute_url()).content.decode()
        urls = MARKDOWN_LINK.findall(case_study.sources)
        assert urls, case_study.slug
        for url in urls:
            assert f'href="{escape(url)}"' in html, (case_study.slug, url)
    bite = KnowledgeBite.objects.get()
    html = client.get(bite.get_absolute_url()).content.decode()
    report = Resource.objects.get(slug="csprp-annual-report-2020")
    assert f'href="{report.url}"' in html
