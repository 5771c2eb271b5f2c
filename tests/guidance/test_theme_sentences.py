"""A theme page says each thing once: no summary, key message, resource or panel repeats a sentence."""

import re
from collections import Counter
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command

from checklists.models import ChecklistTemplate
from guidance.models import Theme

BLOCKS = {
    "p", "li", "td", "th", "dd", "dt", "blockquote", "caption", "div", "section", "ul", "ol", "table", "tr",
}  # fmt: skip
# Headings and the contents list name things rather than say them, and scripts are not text.
SKIPPED = {"nav", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}
SENTENCE_BREAK = re.compile(r"(?<=[.?!])\s+|(?<=[.?!][’'\")])\s+")
SENTENCE_END = re.compile(r"[.?!][’'\")]*$")


class MainText(HTMLParser):
    """The text of <main>, in blocks, without headings or navigation."""

    def __init__(self):
        super().__init__()
        self.in_main = self.skipping = 0
        self.blocks = [[]]

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main += 1
        elif self.in_main and tag in SKIPPED:
            self.skipping += 1
        if tag in BLOCKS or tag in SKIPPED:
            self.blocks.append([])

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main -= 1
        elif self.in_main and tag in SKIPPED:
            self.skipping -= 1
        if tag in BLOCKS or tag in SKIPPED:
            self.blocks.append([])

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.blocks[-1].append(data)


def sentences(html: str) -> list[str]:
    parser = MainText()
    parser.feed(html)
    found = []
    for block in parser.blocks:
        text = " ".join("".join(block).replace("’", "'").split())
        for piece in SENTENCE_BREAK.split(text):
            if SENTENCE_END.search(piece) and len(re.findall(r"\w+", piece)) >= 3:
                found.append(piece.lower())
    return found


def repeated(html: str) -> dict[str, int]:
    return {sentence: count for sentence, count in Counter(sentences(html)).items() if count > 1}


@pytest.fixture
def bite_with_checklists(loaded):
    call_command("load_checklist_templates", stdout=StringIO())
    assert ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED).exists()


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_no_sentence_appears_twice_on_a_theme_page(client_for, fca, bite_with_checklists, number):
    theme = Theme.objects.get(number=number)
    response = client_for(fca).get(theme.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert len(sentences(html)) > 20, "the page's sentences were not found"
    assert 'id="practice-points"' in html and 'id="reflective-checklists"' in html
    assert repeated(html) == {}


def test_it_would_notice_a_resource_that_repeats_a_practice_point(client_for, fca, bite_with_checklists):
    theme = Theme.objects.get(number=5)
    resource = theme.resources.order_by("order").first()
    resource.description = "Always speak to your PS or SM if you believe a referral may be required."
    resource.save()
    html = client_for(fca).get(theme.get_absolute_url()).content.decode()
    assert repeated(html) == {"always speak to your ps or sm if you believe a referral may be required.": 2}
    resource.refresh_from_db()
    assert resource.description.startswith("Always speak")
