"""The list pages' dates and links are worked out in Python: they must read as the filters would."""

import datetime
import uuid

import pytest
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import time as time_filter
from django.urls import reverse
from django.utils import timezone

from checklists.formats import checklist_url_maker, moment, short_moment

# Every 37 minutes for 400 days from January 2026: both clock changes, every hour, a.m. and p.m.
MOMENTS = [
    datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=37 * step)
    for step in range(0, 400 * 24 * 60 // 37, 7)
]


def test_a_moment_reads_as_the_date_and_time_filters_give_it():
    for value in MOMENTS:
        local = timezone.localtime(value)
        expected = f"{date_filter(local, 'j F Y')} at {time_filter(local, 'g:ia')}"
        assert moment(value) == {"iso": date_filter(local, "c"), "text": expected}, value


def test_a_short_moment_reads_as_the_date_filter_gives_it():
    for value in MOMENTS:
        local = timezone.localtime(value)
        assert short_moment(value) == {"iso": date_filter(local, "c"), "text": date_filter(local, "j M Y")}, value
    assert short_moment(None) is None


@pytest.mark.parametrize("name", ["checklists:detail", "checklists:resume", "supervision:review"])
def test_one_reverse_gives_each_checklists_address(name):
    url_for = checklist_url_maker(name)
    for pk in [uuid.uuid4() for _ in range(3)]:
        assert url_for(pk) == reverse(name, kwargs={"pk": pk})
