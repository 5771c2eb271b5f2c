"""The hand-counted world of support.py, with the reflections the figures tests count.

The period is the first quarter of 2025, asked for as custom dates. In North, ten reflections were
started on 10 January and sent for review on 10 February:

* six ticked domestic abuse and substance misuse and answered steps 1 and 2 (theme 1, theme 4 and
  the interacting-risks prompt from theme 4);
* two ticked parental mental health and answered steps 1 and 2 (themes 1 and 4, no prompt);
* one answered step 3 only (no theme: step 3 shows no guidance);
* one ticked domestic abuse and parental mental health and nothing else (theme 4 and the prompt).

One of them was returned on 20 February; six were signed off 1 to 6 days after they were sent. A draft
started in January, a reflection sent in December 2024 and one from South are never counted as sent.
"""

import datetime

import pytest
from django.utils import timezone

from checklists.models import Checklist
from tests.insight.support import build_world, reflection

START, END = datetime.date(2025, 1, 1), datetime.date(2025, 3, 31)
QUARTER = {
    "period": "custom",
    "from.day": "1",
    "from.month": "1",
    "from.year": "2025",
    "to.day": "31",
    "to.month": "3",
    "to.year": "2025",
}


def at(year, month, day, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def counted(world, fca, other_fca, stranger_fca):
    template, questions, _ = world
    started, sent = at(2025, 1, 10), at(2025, 2, 10)
    both = {"what-happened": "Police attended.", "risk-factors": "domestic-abuse\nsubstance-misuse"}
    mental_health = {"what-happened": "School reported.", "risk-factors": "parental-mental-health"}
    made = []
    for number in range(6):
        made.append(
            reflection(
                fca if number % 2 else other_fca,
                template,
                questions,
                answers=both,
                status=Checklist.Status.SIGNED_OFF,
                created_at=started,
                submitted_at=sent,
                signed_off_at=sent + datetime.timedelta(days=number + 1),
            )
        )
    for _ in range(2):
        made.append(reflection(fca, template, questions, answers=mental_health, created_at=started, submitted_at=sent))
    made.append(
        reflection(
            fca,
            template,
            questions,
            answers={"next-steps": "Refer."},
            status=Checklist.Status.RETURNED,
            created_at=started,
            submitted_at=sent,
            returned_at=at(2025, 2, 20),
        )
    )
    made.append(
        reflection(
            fca,
            template,
            questions,
            answers={"risk-factors": "domestic-abuse\nparental-mental-health"},
            created_at=started,
            submitted_at=sent,
        )
    )
    # Never counted as sent in the quarter: a draft, one sent before it, and one from South.
    reflection(fca, template, questions, answers=both, status=Checklist.Status.DRAFT, created_at=started)
    reflection(fca, template, questions, answers=both, created_at=at(2024, 12, 1), submitted_at=at(2024, 12, 2))
    reflection(stranger_fca, template, questions, answers=both, created_at=started, submitted_at=sent)
    return made
