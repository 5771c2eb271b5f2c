"""Dates, times and links worked out in Python: they must read as the GOV.UK style and the filters give them."""

import datetime
import uuid

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from checklists.formats import checklist_url_maker, govuk_time, moment, short_moment

# Every 37 minutes for 400 days from January 2026: both clock changes, every hour, a.m. and p.m.
MOMENTS = [
    datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=37 * step)
    for step in range(0, 400 * 24 * 60 // 37, 7)
]


def local(hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 7, 1, hour, minute))


@pytest.mark.parametrize(
    ("hour", "minute", "text"),
    [
        (21, 28, "9:28pm"),
        (9, 5, "9:05am"),
        (9, 0, "9am"),
        (12, 0, "midday"),
        (12, 30, "12:30pm"),
        (0, 0, "midnight"),
        (0, 15, "12:15am"),
        (23, 59, "11:59pm"),
    ],
)
def test_a_time_reads_as_gov_uk_writes_it(hour, minute, text):
    assert govuk_time(local(hour, minute)) == text


def test_a_time_is_in_local_time():
    # British Summer Time: 20:28 UTC is 9:28pm in London.
    assert govuk_time(datetime.datetime(2026, 7, 1, 20, 28, tzinfo=datetime.UTC)) == "9:28pm"


def test_a_moment_reads_as_the_date_filter_and_the_gov_uk_time_give_it():
    for value in MOMENTS:
        here = timezone.localtime(value)
        expected = f"{date_filter(here, 'j F Y')} at {govuk_time(value)}"
        assert moment(value) == {"iso": date_filter(here, "c"), "text": expected}, value


def test_a_short_moment_reads_as_the_date_filter_gives_it():
    for value in MOMENTS:
        here = timezone.localtime(value)
        assert short_moment(value) == {"iso": date_filter(here, "c"), "text": date_filter(here, "j M Y")}, value
    assert short_moment(None) is None


@pytest.mark.parametrize("name", ["checklists:detail", "checklists:resume", "supervision:review"])
def test_one_reverse_gives_each_checklists_address(name):
    url_for = checklist_url_maker(name)
    for pk in [uuid.uuid4() for _ in range(3)]:
        assert url_for(pk) == reverse(name, kwargs={"pk": pk})
