"""The reflective checklist walkthrough, autosave, the checklist list and detail pages, and export.

Every view loads its checklist through checklists/access.py, so a checklist someone may not see
is a 404 whoever asks. Every page sends `Cache-Control: no-store`, because they show information
about children.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actions import steps as action_steps
from actions.services import ActionError
from actions.tracking import home_summary
from config.pagination import pagination
from guidance import services as guidance_services

from . import amendments, services
from .access import get_checklist_for_user
from .formats import checklist_url_maker, moment
from .forms import ChooseTemplateForm, DetailsForm, StepForm
from .models import Checklist, ChecklistTemplate, Question
from .templatetags.checklist_tags import TAG_COLOURS
from .timeline import decisions, timeline_page
from .walkthrough import (
    QuestionRow,
    StepPage,
    Task,
    autosave_data,
    field_name,
    join_versions,
    read_revision,
    steps_with_progress,
    summarise,
    task_list,
    template_question,
)

PAGE_SIZE = 20
# What a row in a list of your checklists shows (see _list_rows).
ROW_FIELDS = ("pk", "case_reference", "title", "status", "updated_at")
RECENT_ON_HOME = 5
# Checklists whose last submit was refused, so their step pages point out the missing answers.
MISSING_SESSION_KEY = "checklists_submit_refused"
RESOLVED_MESSAGES = {
    "mine": "Your version has been saved.",
    "saved": "The saved version has been kept.",
    "both": "Both versions have been kept in one answer. Check that it reads as you want it to.",
}


def _locked_redirect(request, checklist: Checklist):
    messages.info(
        request,
        f"This checklist is {checklist.get_status_display().lower()}, so it cannot be changed. "
        "You can read it and download it here.",
    )
    return redirect(checklist)


# Home and list ------------------------------------------------------------------------------


def _counts(user) -> dict[str, int]:
    """How many checklists the person wrote, by status, every status included."""
    counts = dict.fromkeys(Checklist.Status.values, 0)
    tally = Checklist.objects.authored_by(user).order_by().values("status").annotate(number=Count("pk"))
    counts.update((row["status"], row["number"]) for row in tally if row["status"] in counts)
    return counts


@never_cache
@login_required
@require_GET
def home(request):
    """Each role's starting point: your checklists by status, returned ones first, your open actions and your queue."""
    user = request.user
    counts = _counts(user)
    total = sum(counts.values())
    returned = counts[Checklist.Status.RETURNED]
    mine = Checklist.objects.authored_by(user).order_by("-updated_at").values(*ROW_FIELDS)
    awaiting_review_count = (
        # The same as the queue: never your own checklist, which someone else must review.
        Checklist.objects.in_review_for(user).awaiting_review().exclude(author=user).count() if user.can_review else 0
    )
    context = {
        "page_title": "Home",
        "counts": counts,
        "guidance_notices": amendments.notices_for(user) if total else [],
        "total": total,
        # The counts say when there is nothing to list, so those queries are skipped.
        "returned": _list_rows(mine.filter(status=Checklist.Status.RETURNED)[:RECENT_ON_HOME]) if returned else [],
        "recent": (
            _list_rows(mine.exclude(status=Checklist.Status.RETURNED)[:RECENT_ON_HOME]) if total > returned else []
        ),
        "awaiting_review_count": awaiting_review_count,
        "status_choices": Checklist.Status.choices,
        "list_url": reverse("checklists:list"),
        **home_summary(user),
    }
    return render(request, "checklists/home.html", context)


@never_cache
@login_required
@require_GET
def checklist_list(request):
    status = request.GET.get("status", "")
    if status not in Checklist.Status.values:
        status = ""
    # Case numbers are letters, digits, '/' and '-': anything else (a NUL, say) can never match.
    case = "".join(ch for ch in request.GET.get("case", "").upper() if ch.isalnum() or ch in "/-")[:20]
    checklists = Checklist.objects.authored_by(request.user)
    if status:
        checklists = checklists.filter(status=status)
    if case:
        checklists = checklists.filter(case_reference__contains=case)
    paginator = Paginator(checklists.order_by("-updated_at", "pk").values(*ROW_FIELDS, "template__title"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = {key: value for key, value in (("status", status), ("case", case)) if value}
    title = "Your checklists"
    if page.number > 1:
        title += f" (page {page.number} of {paginator.num_pages})"
    context = {
        "page_title": title,
        "breadcrumbs": [("Home", reverse("home")), ("Your checklists", None)],
        "page": page,
        "pagination": pagination(page, query=urlencode(query)),
        "rows": _list_rows(page.object_list),
        "status": status,
        "case": case,
        "filtered": bool(query),
        "query": urlencode(query),
        "status_choices": Checklist.Status.choices,
    }
    return render(request, "checklists/list.html", context)


def _list_rows(checklists) -> list[dict]:
    """What each row of a list of checklists shows (here and on the home page), worked out once per row."""
    resume, detail, delete = (
        checklist_url_maker(name) for name in ("checklists:resume", "checklists:detail", "checklists:delete")
    )
    labels = dict(Checklist.Status.choices)
    rows = []
    for checklist in checklists:
        pk, state = checklist["pk"], checklist["status"]
        editable = state in Checklist.EDITABLE
        rows.append(
            {
                **checklist,
                "url": resume(pk) if editable else detail(pk),
                "resume_url": resume(pk) if editable else None,
                "detail_url": detail(pk),
                "delete_url": delete(pk) if state == Checklist.Status.DRAFT else None,
                "status_label": labels[state],
                "status_colour": TAG_COLOURS.get(state, ""),
                "updated": moment(checklist["updated_at"])["text"],
            }
        )
    return rows


# Starting a checklist -----------------------------------------------------------------------


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def start(request):
    # In the order editors set (ChecklistTemplate.Meta.ordering).
    templates = list(ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED))
    if request.method == "POST":
        form = ChooseTemplateForm(request.POST, templates=templates)
        if form.is_valid():
            return redirect("checklists:details", slug=form.cleaned_data["template"].slug)
    else:
        # "Back" from the case details comes here with the checklist that was chosen.
        form = ChooseTemplateForm(initial={"template": request.GET.get("template", "")}, templates=templates)
    return render(
        request,
        "checklists/start.html",
        {
            "form": form,
            "templates": templates,
            "breadcrumbs": [
                ("Home", reverse("home")),
                ("Your checklists", reverse("checklists:list")),
                ("Start a checklist", None),
            ],
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def details(request, slug):
    template = get_object_or_404(ChecklistTemplate, slug=slug, status=ChecklistTemplate.Status.PUBLISHED)
    form = DetailsForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        checklist = services.start_checklist(
            template=template,
            author=request.user,
            case_reference=form.cleaned_data["case_reference"],
            title=form.cleaned_data["title"],
        )
        return redirect(checklist.get_step_url(1))
    return render(
        request,
        "checklists/details.html",
        {
            "form": form,
            "template": template,
            "back_url": f"{reverse('checklists:start')}?template={template.slug}",
        },
        status=400 if form.errors else 200,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def edit_details(request, pk):
    checklist = get_checklist_for_user(request, pk, edit=True)
    if not checklist.is_editable:
        return _locked_redirect(request, checklist)
    form = DetailsForm(request.POST if request.method == "POST" else None, instance=checklist)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The case details have been saved.")
        return redirect("checklists:check", pk=checklist.pk)
    return render(
        request,
        "checklists/details.html",
        {
            "form": form,
            "checklist": checklist,
            "template": checklist.template,
            "back_url": reverse("checklists:check", kwargs={"pk": checklist.pk}),
        },
        status=400 if form.errors else 200,
    )


# Steps --------------------------------------------------------------------------------------


def _step_context(request, page: StepPage, **extra) -> dict:
    checklist = page.checklist
    if str(checklist.pk) in request.session.get(MISSING_SESSION_KEY, []):
        # The last submit was refused: point out this step's missing answers.
        for row in page.rows:
            if row.question.required and not row.is_answered and not row.error:
                row.error = "Answer this question before you submit the checklist."
    steps_url = _steps_url(checklist)
    previous = page.previous_step
    check_url = reverse("checklists:check", kwargs={"pk": checklist.pk})
    return {
        "checklist": checklist,
        "page": page,
        "step": page.step,
        "steps": page.steps,
        "tasks": task_list(page.steps, current=page.step, steps_url=steps_url, check_url=check_url),
        "step_url": f"{steps_url}{page.step.number}/",
        "previous_url": f"{steps_url}{previous.number}/" if previous else None,
        "check_url": check_url,
        "rows": page.rows,
        "error_links": _error_links(page.rows),
        "conflicts": [row for row in page.rows if row.conflict],
        "autosave_url": reverse("checklists:autosave", kwargs={"pk": checklist.pk}),
        "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
        **extra,
    }


def _steps_url(checklist: Checklist) -> str:
    # One reverse for every step link: the step number is the last part of the path.
    return checklist.get_step_url(1).removesuffix("1/")


def _error_links(rows: list[QuestionRow]) -> list[tuple[str, str]]:
    """The step's error summary: each refused or conflicting answer, linked to its first box."""
    links = []
    for row in rows:
        question = Truncator(row.question.text).words(12, truncate=" …")
        if row.error:
            links.append((f"#{row.anchor}", f"{row.error} (‘{question}’)"))
        elif row.conflict:
            message = f"‘{question}’ was changed in another tab or window: choose which version to keep"
            links.append((f"#{row.anchor}", message))
    return links


def _stores_as(question, value) -> str | None:
    """What saving `value` would store, or None if it would be refused (so the save reports why)."""
    try:
        return services.normalise_answer(question, value)
    except services.InvalidAnswer:
        return None


def _render_step(request, page: StepPage, *, status: int = 200, **extra):
    action_steps.attach(page)
    context = _step_context(request, page, **extra)
    if carry_error := extra.get("carry_error"):
        context["error_links"] = [*context["error_links"], ("#earlier-actions", carry_error)]
    error = "Error: " if context["error_links"] else ""
    step = page.step
    context["page_title"] = (
        f"{error}{step.title} – step {step.number} of {len(page.steps)} – {page.checklist.case_reference}"
    )
    return render(request, "checklists/step.html", context, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def step(request, pk, number):
    checklist = get_checklist_for_user(request, pk, edit=True)
    if not checklist.is_editable:
        return _locked_redirect(request, checklist)
    page = StepPage.load(checklist, number)
    if request.method == "GET":
        return _render_step(request, page)

    # Save every answer on the step. Each is checked and saved on its own, so one refused answer
    # never loses the others; refused ones are shown again exactly as typed.
    questions = page.step.questions.all()
    form = StepForm(request.POST, questions=questions)
    form.is_valid()  # its errors are per question: the valid answers are saved all the same
    resolve_action, _, resolve_key = request.POST.get("resolve", "").partition(":")
    rows = []
    for question in questions:
        name = field_name(question)
        answer = page.answers.get(question.pk)
        if not form.is_sent(name):
            # Not in the form that was sent: nothing to save, and nothing cleared.
            rows.append(QuestionRow.saved(question, answer))
            continue
        row = QuestionRow.posted(question, answer, form[name])
        rows.append(row)
        if resolve_key == question.key and resolve_action == "saved":
            continue  # keep the newer saved answer: nothing of this page's is written
        if name in form.errors:
            row.error = form.errors[name][0]
            continue
        base = read_revision(question, request.POST)
        value = form.answer(name)
        if resolve_key == question.key and resolve_action in ("mine", "both"):
            base = _int(request.POST.get(f"conflict-revision-{question.key}"))
        if resolve_key == question.key and resolve_action == "both":
            if not question.is_text:
                row.error = "Choose your version or the saved version: only written answers can keep both."
                continue
            # Joined to the saved text the person was shown; if it has changed again since, the
            # save below is refused as a new conflict.
            value = join_versions(value, answer.value if answer else "")
            if len(value) > question.max_length:
                row.error = (
                    f"Both versions together are {len(value):,} characters, more than the "
                    f"{question.max_length:,} allowed. Shorten your version, or keep just one of them."
                )
                row.conflict = answer
                continue
        if answer is None and not value:
            continue  # still unanswered: nothing to save
        if answer is not None and base == answer.revision and _stores_as(question, value) == answer.value:
            continue  # autosave already saved exactly this: nothing to write
        try:
            row.answer = services.save_answer(
                checklist=checklist,
                question=question,
                value=value,
                base_revision=base if base is not None else -1,
                by=request.user,
            )
            row.revision = row.answer.revision  # if the page is shown again, build on this save
            row.value = row.answer.value if question.is_text else row.value
        except services.StaleRevision as conflict:
            row.conflict = conflict.answer
        except services.InvalidAnswer as error:
            row.error = str(error)
        except services.ChecklistLocked:
            return _locked_redirect(request, checklist)
    if any(row.error or row.conflict for row in rows):
        page.rows = rows
        page.reload_progress()  # the valid answers were saved all the same
        # A conflict still to resolve is 409; a refused answer, even beside one, is 400.
        status = 409 if any(row.conflict and not row.error for row in rows) else 400
        return _render_step(request, page, status=status)
    try:
        follow_on = action_steps.after_save(request, checklist, page)
    except services.ChecklistLocked:
        return _locked_redirect(request, checklist)
    except ActionError as error:
        page.rows = rows
        page.reload_progress()
        return _render_step(request, page, status=400, carry_error=str(error))
    if follow_on is not None:
        return follow_on
    if resolve_key:
        messages.success(request, RESOLVED_MESSAGES.get(resolve_action, RESOLVED_MESSAGES["saved"]))
        return redirect(f"{checklist.get_step_url(number)}#q-{resolve_key}")
    if request.POST.get("action") == "later":
        messages.success(
            request,
            f"Your answers to {checklist.case_reference} have been saved. Continue from ‘Your checklists’.",
        )
        return redirect("checklists:list")
    if page.next_step is not None:
        return redirect(checklist.get_step_url(page.next_step.number))
    return redirect("checklists:check", pk=checklist.pk)


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


@never_cache
@login_required
@require_GET
def resume(request, pk):
    """Carry on where the answers stop: the first step with an unanswered question, else check your answers.

    A returned checklist starts from the first step the supervisor commented on.
    """
    checklist = get_checklist_for_user(request, pk, edit=True)
    if not checklist.is_editable:
        return redirect(checklist)
    if checklist.status == Checklist.Status.RETURNED:
        # Start from the supervisor's comments: the first step they commented on.
        commented = checklist.comments.filter(step__isnull=False).order_by("step__number").values("step__number")
        first = commented.first()
        return redirect(checklist.get_step_url(first["step__number"] if first else 1))
    answered = checklist.answers.exclude(value="").values("question_id")
    first_gap = (
        checklist.template.questions.exclude(pk__in=answered).order_by("step__number").values("step__number").first()
    )
    if first_gap is None:
        return redirect("checklists:check", pk=checklist.pk)
    return redirect(checklist.get_step_url(first_gap["step__number"]))


# Autosave -----------------------------------------------------------------------------------


def _fragment(status: int, **context) -> HttpResponse:
    # Rendered without the request: the fragment needs none of the page's context processors.
    return HttpResponse(render_to_string("checklists/_autosave_status.html", context), status=status)


@never_cache
@login_required
@require_POST
def autosave(request, pk):
    """Save one answer in the background and reply with a small status fragment (never the input),
    and after a save the step list with its new progress.

    200 saved; 400 invalid; 404 not your checklist; 409 the answer changed elsewhere (nothing is
    overwritten, and both versions are shown); 423 the checklist is locked.
    """
    checklist = get_checklist_for_user(request, pk, edit=True)
    question_id = _int(request.POST.get("question"))
    question = template_question(checklist.template_id, question_id) if question_id else None
    if question is None:
        return _fragment(400, error="Not saved: this question is not part of this checklist. Reload the page.")
    context = {"question": question, "key": question.key, "checklist": checklist, "checklist_pk": checklist.pk}
    if not checklist.is_editable:
        return _fragment(423, locked=True, **context)
    # Checked by the step page's own form, restricted to this one question.
    data = autosave_data(question, request.POST)
    form = StepForm(data, questions=[question])
    name = field_name(question)
    base = read_revision(question, data)
    if base is None or not form.is_sent(name):
        return _fragment(400, error="Not saved: reload the page and try again.", **context)
    if not form.is_valid():
        return _fragment(400, error=f"Not saved: {form.errors[name][0]}", **context)
    value = form.answer(name)
    try:
        answer = services.save_answer(
            checklist=checklist, question=question, value=value, base_revision=base, by=request.user
        )
    except services.InvalidAnswer as error:
        return _fragment(400, error=f"Not saved: {error}", **context)
    except services.StaleRevision as conflict:
        mine = services.normalise_answer(question, value)
        return _fragment(
            409,
            conflict=conflict.answer,
            mine_labels=question.labels_for(mine),
            saved_labels=question.labels_for(conflict.answer.value),
            both_value=join_versions(mine, conflict.answer.value) if question.is_text else None,
            **context,
        )
    except services.ChecklistLocked:
        return _fragment(423, locked=True, **context)
    context["tasks"] = _autosave_tasks(checklist, question)
    return _fragment(200, answer=answer, saved_at=timezone.localtime(answer.updated_at), **context)


def _autosave_tasks(checklist: Checklist, question: Question) -> list[Task]:
    """The step list after a save, which the fragment swaps in so that progress shows as the person types."""
    steps = list(steps_with_progress(checklist))
    current = next((step for step in steps if step.pk == question.step_id), None)
    check_url = reverse("checklists:check", kwargs={"pk": checklist.pk})
    return task_list(steps, current=current, steps_url=_steps_url(checklist), check_url=check_url)


# Check answers, submit and confirmation ------------------------------------------------------


@never_cache
@login_required
@require_GET
def check_answers(request, pk):
    checklist = get_checklist_for_user(request, pk, edit=True)
    if not checklist.is_editable:
        return _locked_redirect(request, checklist)
    return _render_check(request, checklist)


def _render_check(request, checklist: Checklist, missing=None, status=200):
    summaries, comments = summarise(checklist)
    missing = missing or []
    missing_links = [
        (
            f"{checklist.get_step_url(question.step.number)}#{field_name(question)}",
            f"Answer ‘{question.text}’ (step {question.step.number})",
        )
        for question in missing
    ]
    return render(
        request,
        "checklists/check_answers.html",
        {
            "checklist": checklist,
            "summaries": summaries,
            "comments": comments,
            "missing": missing,
            "missing_ids": {question.pk for question in missing},
            "missing_links": missing_links,
            "missing_title": f"Answer {len(missing)} more question{pluralize(len(missing))} before you submit",
            "required_missing": sum(summary.required_missing for summary in summaries),
            "last_step": summaries[-1].step if summaries else None,
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
def submit(request, pk):
    checklist = get_checklist_for_user(request, pk, edit=True)
    if not checklist.is_editable:
        return _locked_redirect(request, checklist)
    try:
        services.submit(checklist=checklist, by=request.user)
    except services.IncompleteChecklist as incomplete:
        refused = set(request.session.get(MISSING_SESSION_KEY, []))
        request.session[MISSING_SESSION_KEY] = sorted(refused | {str(checklist.pk)})
        return _render_check(request, checklist, missing=incomplete.missing, status=400)
    except services.TransitionNotAllowed as error:
        messages.error(request, str(error))
        return redirect(checklist)
    refused = set(request.session.get(MISSING_SESSION_KEY, []))
    if str(checklist.pk) in refused:
        request.session[MISSING_SESSION_KEY] = sorted(refused - {str(checklist.pk)})
    return redirect("checklists:submitted", pk=checklist.pk)


@never_cache
@login_required
@require_GET
def submitted(request, pk):
    checklist = get_checklist_for_user(request, pk, edit=True)
    if checklist.status != Checklist.Status.SUBMITTED:
        return redirect(checklist)
    return render(request, "checklists/submitted.html", {"checklist": checklist})


# Reading, deleting and exporting ------------------------------------------------------------


def _read_context(checklist: Checklist) -> dict:
    summaries, comments = summarise(checklist)
    return {
        "checklist": checklist,
        "summaries": summaries,
        "comments": comments,
        "guidance": _guidance_referred_to(summaries),
    }


def _guidance_referred_to(summaries) -> dict:
    """The practice points, figures and learning the checklist showed, each once, in step order."""
    seen, guidance = set(), {"practice_points": [], "key_facts": [], "learning_points": [], "prompts": []}
    for summary in summaries:
        for kind in ("practice_points", "key_facts", "learning_points"):
            for item in getattr(summary.step, kind).all():
                if (kind, item.pk) not in seen:
                    seen.add((kind, item.pk))
                    guidance[kind].append(item)
        guidance["prompts"].extend(summary.prompts)
    return guidance


@never_cache
@login_required
@require_GET
def checklist_detail(request, pk):
    checklist = get_checklist_for_user(request, pk)
    services.record_view(checklist=checklist, by=request.user)
    context = _read_context(checklist)
    # Every look by someone else adds an event: the timeline is shown a page at a time.
    events, context["timeline_pagination"] = timeline_page(request, checklist, path=request.path)
    context["timeline_items"] = events
    context["is_author"] = checklist.author_id == request.user.pk
    context["guidance_notices"] = amendments.notices_for(request.user, checklist=checklist)
    context["decisions"] = decisions(checklist)
    context["earlier"] = _earlier_reflections(request.user, checklist)
    return render(request, "checklists/detail.html", context)


EARLIER_SHOWN = 3


def _earlier_reflections(user, checklist: Checklist) -> dict:
    """The latest few earlier checklists on this case that the person may see, and whether there are more."""
    earlier = list(
        Checklist.objects.visible_to(user)
        .same_case_as(checklist)
        .filter(created_at__lt=checklist.created_at)
        .only("pk", "title", "status", "created_at")
        .order_by("-created_at", "-pk")[: EARLIER_SHOWN + 1]
    )
    return {"items": earlier[:EARLIER_SHOWN], "more": len(earlier) > EARLIER_SHOWN}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    checklist = get_checklist_for_user(request, pk, edit=True)
    if checklist.status != Checklist.Status.DRAFT:
        raise PermissionDenied("Only drafts can be deleted.")
    if request.method == "POST":
        case_reference = checklist.case_reference
        services.delete_draft(checklist=checklist, by=request.user)
        messages.success(request, f"The draft checklist for {case_reference} has been deleted.")
        return redirect("checklists:list")
    return render(request, "checklists/delete.html", {"checklist": checklist})


@never_cache
@login_required
@require_GET
def export_pdf(request, pk):
    from .pdf import render_checklist_pdf  # WeasyPrint is heavy: import it only when exporting

    checklist = get_checklist_for_user(request, pk)
    services.record_export(checklist=checklist, by=request.user)
    context = _read_context(checklist)
    # The export is the whole record: every event, not a page of them.
    context["events"] = list(checklist.events.select_related("actor").order_by("-created_at", "-id"))
    context["decisions"] = decisions(checklist)
    context["exported_by"] = request.user
    context["exported_at"] = timezone.localtime()
    pdf = render_checklist_pdf(request, context)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"checklist-{checklist.case_reference.replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Notices of changed guidance ----------------------------------------------------------------


@never_cache
@login_required
@require_POST
def dismiss_guidance_notice(request, pk):
    """Put away the notice that guidance used in your checklists has changed, then go back."""
    amendment = amendments.notice_amendment_or_404(request.user, pk)
    guidance_services.dismiss_amendment(amendment=amendment, by=request.user)
    messages.success(request, f"You have dismissed the notice about ‘{amendment.title}’.")
    return redirect(amendments.back_to(request, default=reverse("home")))
