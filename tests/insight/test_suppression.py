"""Disclosure control: any count from 1 to 4 reads "fewer than 5" in tables, charts and downloads."""

import csv
import io

import pytest
from django.urls import reverse

from checklists.models import Checklist
from insight.report import Median
from insight.suppression import count, share
from tests.insight.conftest import QUARTER, at
from tests.insight.support import reflection

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0, "0"), (1, "fewer than 5"), (2, "fewer than 5"), (4, "fewer than 5"), (5, "5"), (1234, "1,234")],
)
def test_only_counts_from_1_to_4_are_suppressed(value, shown):
    assert str(count(value)) == shown
    assert count(value).suppressed == (1 <= value <= 4)


def test_a_share_of_a_suppressed_count_is_suppressed_too():
    assert str(share(3, 20)) == "not shown"  # the part
    assert str(share(0, 4)) == "not shown"  # the whole
    assert str(share(0, 20)) == "0%"
    assert str(share(5, 20)) == "25%"
    assert str(share(0, 0)) == "–"
    assert share(3, 20).percent is None


def test_a_median_over_fewer_than_5_reflections_is_not_shown():
    assert str(Median(2.0, 4)) == "not shown"
    assert str(Median(2.04, 5)) == "2.0 days"
    assert str(Median(1.0, 9)) == "1.0 day"
    assert str(Median(None, 0)) == "–"


@pytest.fixture
def one_small_cell(world, fca, other_fca):
    """Seven reflections sent in February; exactly one of them returned: the only count under 5."""
    template, questions, _ = world
    for number in range(7):
        reflection(
            fca if number % 2 else other_fca,
            template,
            questions,
            answers={"what-happened": "Police attended.", "risk-factors": "domestic-abuse"},
            status=Checklist.Status.RETURNED if number == 0 else Checklist.Status.SUBMITTED,
            created_at=at(2025, 2, 3),
            submitted_at=at(2025, 2, 4),
            returned_at=at(2025, 2, 5) if number == 0 else None,
        )


def cell(html: str, label: str, table: str) -> str:
    """The text of the cell labelled `label` in the row after `table`'s caption (its first row)."""
    section = html[html.index(f'id="table-{table}"') :]
    section = section[section.index(f'data-label="{label}">') + len(f'data-label="{label}">') :]
    return section[: section.index("</td>")].strip()


def test_below_5_in_one_cell_only_suppresses_that_cell_alone(client_for, practice_lead, one_small_cell):
    html = client_for(practice_lead).get(reverse("insight:home"), QUARTER).content.decode()
    assert cell(html, "Started", "by-checklist") == "7"
    assert cell(html, "Sent for review", "by-checklist") == "7"
    assert cell(html, "Returned for more reflection", "by-checklist") == "fewer than 5"
    assert cell(html, "Signed off", "by-checklist") == "0"


def test_the_chart_labels_each_bar_with_its_value(client_for, practice_lead, one_small_cell):
    report = client_for(practice_lead).get(reverse("insight:home"), QUARTER).context["report"]
    chart = report.charts["themes"]
    texts = [text.content for text in chart.texts]
    # Theme 1 was met by all seven; no prompt was set off (only one risk ticked).
    assert "Met the theme: 7 (100%)" in texts
    assert "Set off a prompt: 0 (0%)" in texts


def test_a_chart_shows_fewer_than_5_where_the_count_is_small(client_for, practice_lead, world, fca):
    template, questions, _ = world
    for _ in range(3):
        reflection(
            fca,
            template,
            questions,
            answers={"what-happened": "Police attended."},
            created_at=at(2025, 2, 3),
            submitted_at=at(2025, 2, 4),
        )
    report = client_for(practice_lead).get(reverse("insight:home"), QUARTER).context["report"]
    theme_one = [text.content for text in report.charts["themes"].texts]
    assert "Met the theme: fewer than 5" in theme_one
    # Nothing but the track is drawn for the suppressed bar.
    assert {rect.width for rect in report.charts["themes"].rects} == {100}
    assert "3" not in [str(cell) for row in report.themes.all_rows for cell in row[1:]]


def test_the_csv_download_suppresses_as_the_page_does(client_for, practice_lead, one_small_cell):
    client = client_for(practice_lead)
    response = client.get(reverse("insight:download", kwargs={"table": "by-month"}), QUARTER)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "no-store" in response["Cache-Control"]
    table = list(csv.reader(io.StringIO(response.content.decode())))
    assert table[0] == ["Month", "Started", "Sent for review", "Returned for more reflection", "Signed off"]
    assert table[1:] == [
        ["January 2025", "0", "0", "0", "0"],
        ["February 2025", "7", "7", "fewer than 5", "0"],
        ["March 2025", "0", "0", "0", "0"],
    ]


def test_the_csv_of_risk_factors_suppresses_counts_and_their_shares(client_for, practice_lead, counted):
    response = client_for(practice_lead).get(reverse("insight:download", kwargs={"table": "risk-factors"}), QUARTER)
    table = {row[0]: row[1:] for row in csv.reader(io.StringIO(response.content.decode()))}
    assert table["Parental mental health difficulties"][:2] == ["fewer than 5", "not shown"]
    assert table["Domestic abuse"][:3] == ["7", "77.8", "42.6%"]
