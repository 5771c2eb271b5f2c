"""Notices that guidance an FCA used in a checklist has changed since (guidance.amendments).

A checklist used a practice point, key figure or case study's learning when its author answered
a step that shows it, and used a theme when the step shows anything from that theme. An amendment
made after the author's last answer on that step is news to them. Only the author's own drafts,
returned checklists and checklists signed off in the last 90 days count: older work is closed.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Max, Q, Value
from django.http import Http404
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from casestudies.models import CaseStudy
from guidance.models import Amendment, KeyFact, PracticePoint, Theme

from .formats import checklist_url_maker
from .models import Answer, Checklist, Step

RECENTLY_SIGNED_OFF = datetime.timedelta(days=90)
MAX_NOTICES = 10
APP_LABELS = {model._meta.model_name: model._meta.app_label for model in (Theme, PracticePoint, KeyFact, CaseStudy)}


@dataclass
class Notice:
    """One amendment, and the checklists (with their steps) that used the guidance before it changed."""

    amendment: Amendment
    checklists: list[dict] = field(default_factory=list)


def _current(now: datetime.datetime) -> Q:
    """The checklists whose guidance still matters to their author, as seen from Answer."""
    return Q(checklist__status__in=Checklist.EDITABLE) | Q(
        checklist__status=Checklist.Status.SIGNED_OFF, checklist__signed_off_at__gte=now - RECENTLY_SIGNED_OFF
    )


def is_current(checklist: Checklist) -> bool:
    if checklist.status in Checklist.EDITABLE:
        return True
    recent = timezone.now() - RECENTLY_SIGNED_OFF
    return checklist.status == Checklist.Status.SIGNED_OFF and checklist.signed_off_at >= recent


def _shown_at(step_ids: set[int]) -> dict[int, set[tuple[str, int]]]:
    """What each step shows, as (model name, id) pairs an amendment can be about: one query."""
    points = (
        Step.practice_points.through.objects.filter(step_id__in=step_ids)
        .annotate(kind=Value("practicepoint"))
        .values_list("step_id", "kind", "practicepoint_id", "practicepoint__theme_id")
    )
    facts = (
        Step.key_facts.through.objects.filter(step_id__in=step_ids)
        .annotate(kind=Value("keyfact"))
        .values_list("step_id", "kind", "keyfact_id", "keyfact__theme_id")
    )
    # Learning points are amended as part of their case study.
    learning = (
        Step.learning_points.through.objects.filter(step_id__in=step_ids)
        .annotate(kind=Value("casestudy"))
        .values_list("step_id", "kind", "learningpoint__case_study_id", "learningpoint__theme_id")
    )
    shown: dict[int, set[tuple[str, int]]] = {}
    for step_id, kind, item_id, theme_id in points.union(facts, learning, all=True):
        shown.setdefault(step_id, set()).add((kind, item_id))
        if theme_id is not None:
            shown[step_id].add(("theme", theme_id))
    return shown


def notices_for(user, *, checklist: Checklist | None = None, amendment_id: int | None = None) -> list[Notice]:
    """The person's notices, newest first: for all their own checklists, or for one of them.

    With `amendment_id`, that amendment's notice whether or not it was dismissed (to dismiss it).
    Three queries at most, whatever the number of checklists, answers or amendments.
    """
    if not user.is_authenticated:
        return []
    if checklist is not None and (checklist.author_id != user.pk or not is_current(checklist)):
        return []  # others' checklists never bring notices
    now = timezone.now()
    answers = Answer.objects.filter(_current(now), checklist__author=user).exclude(value="")
    if checklist is not None:
        answers = answers.filter(checklist=checklist)
    uses = sorted(
        answers.values(
            "checklist_id",
            "checklist__case_reference",
            "checklist__title",
            "question__step_id",
            "question__step__number",
            "question__step__title",
        )
        .annotate(used_at=Max("updated_at"))
        .order_by(),
        key=lambda use: (use["checklist__case_reference"], use["question__step__number"]),
    )
    if not uses:
        return []
    shown = _shown_at({use["question__step_id"] for use in uses})
    subjects: dict[str, set[int]] = {}
    for pairs in shown.values():
        for kind, item_id in pairs:
            subjects.setdefault(kind, set()).add(item_id)
    if not subjects:
        return []
    about = Q()
    for kind, ids in subjects.items():
        about |= Q(content_type__app_label=APP_LABELS[kind], content_type__model=kind, object_id__in=ids)
    amendments = (
        Amendment.objects.visible_to(user)
        .filter(about, changed_at__gt=min(use["used_at"] for use in uses))
        .annotate(subject_model=F("content_type__model"))
        .order_by("-changed_at", "-id")
    )
    if amendment_id is None:
        amendments = amendments.exclude(dismissals__user=user)
    else:
        amendments = amendments.filter(pk=amendment_id)
    detail_url = checklist_url_maker("checklists:detail")
    notices = []
    for amendment in amendments:
        notice, subject = Notice(amendment), (amendment.subject_model, amendment.object_id)
        used_in: dict = {}
        for use in uses:
            if use["used_at"] < amendment.changed_at and subject in shown.get(use["question__step_id"], ()):
                entry = used_in.setdefault(
                    use["checklist_id"],
                    {
                        "pk": use["checklist_id"],
                        "case_reference": use["checklist__case_reference"],
                        "title": use["checklist__title"],
                        "url": detail_url(use["checklist_id"]),
                        "steps": [],
                    },
                )
                entry["steps"].append({"number": use["question__step__number"], "title": use["question__step__title"]})
        if used_in:
            notice.checklists = list(used_in.values())
            notices.append(notice)
    return notices


def notice_amendment_or_404(user, pk: int) -> Amendment:
    """The amendment of one of the person's notices, dismissed or not; 404 for any other."""
    notices = notices_for(user, amendment_id=pk)
    if not notices:
        raise Http404("There is no such notice.")
    return notices[0].amendment


def back_to(request, default: str) -> str:
    """The local page a form came from (its `next` field), or `default`."""
    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target.startswith("/") and allowed else default
