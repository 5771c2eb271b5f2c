"""The order of checklist templates that editors set (position): the start page, guidance's panels and
search follow it; admin and the loader set it, even for a version in use, whose wording never changes."""

import io
import re
from html import unescape

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.urls import reverse

from checklists.models import ChecklistTemplate
from guidance.search import search
from tests.factories import ChecklistFactory, ChecklistTemplateFactory, StepFactory

pytestmark = pytest.mark.django_db

START = reverse("checklists:start")
CHANGELIST = reverse("admin:checklists_checklisttemplate_changelist")
TITLES = ["Checklist A", "Checklist B", "Checklist C"]


def in_page_order(html: str, titles=TITLES) -> list[str]:
    html = unescape(html)
    return sorted(titles, key=html.index)


def change_url(template) -> str:
    return reverse("admin:checklists_checklisttemplate_change", args=[template.pk])


@pytest.fixture
def templates(guidance):
    """Three published checklists, positioned against the order of their titles, each linked to theme 4."""
    made = {}
    for slug, title, position in [("c", "Checklist C", 10), ("b", "Checklist B", 20), ("a", "Checklist A", 30)]:
        made[slug] = ChecklistTemplateFactory(slug=slug, title=title, position=position)
        StepFactory(template=made[slug], number=1).practice_points.add(guidance["practice_point"])
    return made


def reorder(client, positions: dict) -> object:
    """Save positions from admin's list of templates, as its Save button does."""
    data = {"form-TOTAL_FORMS": len(positions), "form-INITIAL_FORMS": len(positions), "_save": "Save"}
    for i, (template, position) in enumerate(positions.items()):
        data[f"form-{i}-id"] = template.pk
        data[f"form-{i}-position"] = position
    return client.post(CHANGELIST, data)


# --- What FCAs see ---------------------------------------------------------------------------------


def test_the_start_page_lists_checklists_in_the_order_editors_set(client_for, fca, templates):
    html = client_for(fca).get(START).content.decode()
    assert in_page_order(html) == ["Checklist C", "Checklist B", "Checklist A"]


def test_checklists_at_the_same_position_are_listed_by_title(client_for, fca, templates):
    ChecklistTemplate.objects.update(position=0)
    html = client_for(fca).get(START).content.decode()
    assert in_page_order(html) == ["Checklist A", "Checklist B", "Checklist C"]


def test_the_theme_and_bite_pages_list_checklists_in_the_order_editors_set(client_for, fca, guidance, templates):
    client = client_for(fca)
    for url in (guidance["theme"].get_absolute_url(), guidance["bite"].get_absolute_url()):
        html = client.get(url).content.decode()
        assert 'id="reflective-checklists"' in html
        assert in_page_order(html) == ["Checklist C", "Checklist B", "Checklist A"]


def test_equally_good_search_results_come_in_the_order_editors_set(fca):
    visits = ChecklistTemplateFactory(slug="visits", title="Visits: a reflective record", position=20)
    letters = ChecklistTemplateFactory(slug="letters", title="Letter: a reflective record", position=10)

    def found() -> list[str]:
        results = search("reflective record", fca)
        return [hit.action_url for group in results.groups if group.source.key == "checklists" for hit in group.hits]

    assert found() == [letters.get_start_url(), visits.get_start_url()]
    visits.position = 5
    visits.save()
    assert found() == [visits.get_start_url(), letters.get_start_url()]


# --- Admin -----------------------------------------------------------------------------------------


def test_the_template_list_in_admin_shows_positions_to_change_with_a_note(client_for, editor, templates):
    html = client_for(editor).get(CHANGELIST).content.decode()
    assert "Position sets the order FCAs see checklists in" in html
    assert html.count('name="form-0-position"') == 1
    assert in_page_order(html) == ["Checklist C", "Checklist B", "Checklist A"]


def test_an_editor_reorders_checklists_from_the_list_and_fcas_see_it_at_once(
    client_for, editor, fca, guidance, templates
):
    theme_page = guidance["theme"].get_absolute_url()
    assert in_page_order(client_for(fca).get(theme_page).content.decode())[0] == "Checklist C"  # now cached
    response = reorder(client_for(editor), {templates["a"]: 5, templates["b"]: 20, templates["c"]: 10})
    assert response.status_code == 302
    templates["a"].refresh_from_db()
    assert templates["a"].position == 5
    client = client_for(fca)
    assert in_page_order(client.get(START).content.decode()) == ["Checklist A", "Checklist C", "Checklist B"]
    assert in_page_order(client.get(theme_page).content.decode()) == ["Checklist A", "Checklist C", "Checklist B"]


def test_a_version_in_use_can_still_be_moved_from_the_list(client_for, editor, fca, templates):
    used = templates["a"]
    ChecklistFactory(template=used, author=fca)
    assert used.is_frozen
    assert reorder(client_for(editor), {used: 1}).status_code == 302
    used.refresh_from_db()
    assert (used.position, used.title, used.version) == (1, "Checklist A", 1)


def test_a_position_that_is_not_a_whole_number_from_0_is_refused(client_for, editor, templates):
    for bad in ("-1", "first", "2.5"):
        response = reorder(client_for(editor), {templates["a"]: bad})
        assert response.status_code == 200  # the list is shown again, with the error beside the box
        assert "errornote" in response.content.decode()
    templates["a"].refresh_from_db()
    assert templates["a"].position == 30


def test_a_version_in_use_can_be_moved_on_its_own_page_but_not_reworded(client_for, editor, fca, templates):
    used = templates["a"]
    ChecklistFactory(template=used, author=fca)
    client = client_for(editor)
    html = client.get(change_url(used)).content.decode()
    assert 'name="position"' in html and 'name="title"' not in html and 'name="steps-0-title"' not in html
    # What the browser sends: the inlines' management forms, which are hidden inputs.
    management = dict(re.findall(r'type="hidden" name="([\w-]+_FORMS)" value="(\d+)"', html))
    assert "steps-TOTAL_FORMS" in management
    response = client.post(change_url(used), {**management, "position": 3, "title": "Reworded", "summary": "New."})
    assert response.status_code == 302
    used.refresh_from_db()
    assert (used.position, used.title, used.summary) == (3, "Checklist A", "")
    assert used.steps.count() == 1


def test_the_next_version_keeps_its_place(client_for, editor, templates):
    response = client_for(editor).post(
        CHANGELIST, {"action": "make_next_version", "_selected_action": [templates["b"].pk]}
    )
    assert response.status_code == 302
    assert ChecklistTemplate.objects.get(slug="b", version=2).position == 20


# --- The loader --------------------------------------------------------------------------------------


def one_step(slug: str, title: str, **extra) -> dict:
    step = {"number": 1, "title": "What?", "questions": [{"key": "what", "text": "What happened?"}]}
    return {"slug": slug, "version": 1, "title": title, "steps": [step], **extra}


def load(tmp_path, *templates) -> tuple[str, str]:
    path = tmp_path / "templates.yaml"
    path.write_text(yaml.safe_dump({"templates": list(templates)}))
    out, err = io.StringIO(), io.StringIO()
    call_command("load_checklist_templates", file=path, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_loader_sets_each_checklists_position(tmp_path, client_for, fca):
    load(tmp_path, one_step("one", "Checklist A", position=20), one_step("two", "Checklist B", position=10))
    assert dict(ChecklistTemplate.objects.values_list("slug", "position")) == {"one": 20, "two": 10}
    html = client_for(fca).get(START).content.decode()
    assert in_page_order(html, ["Checklist A", "Checklist B"]) == ["Checklist B", "Checklist A"]


def test_the_loader_places_a_new_version_but_leaves_the_order_editors_set(tmp_path, fca):
    load(tmp_path, one_step("one", "Checklist A", position=20))
    template = ChecklistTemplate.objects.get(slug="one")
    ChecklistFactory(template=template, author=fca)
    ChecklistTemplate.objects.filter(pk=template.pk).update(position=3)  # moved in admin
    out, err = load(tmp_path, one_step("one", "Checklist A", position=5))
    assert "Unchanged: Checklist A" in out and not err
    template.refresh_from_db()
    assert template.position == 3
    out, err = load(tmp_path, one_step("one", "Reworded", position=7))
    assert "is used by checklists, so it is frozen" in err
    template.refresh_from_db()
    assert (template.title, template.position) == ("Checklist A", 3)


def test_without_a_position_the_loader_keeps_the_one_editors_set(tmp_path):
    load(tmp_path, one_step("one", "Checklist A", position=20))
    ChecklistTemplate.objects.filter(slug="one").update(position=99)
    out, _ = load(tmp_path, one_step("one", "Checklist A"))
    assert "Unchanged: Checklist A" in out
    # A new version without a position takes the latest version's, as "Create the next version" does.
    load(tmp_path, one_step("one", "Checklist A"), one_step("one", "Checklist A", version=2))
    assert list(ChecklistTemplate.objects.filter(slug="one").values_list("version", "position")) == [(2, 99), (1, 99)]


@pytest.mark.parametrize("bad", [-1, "first", 40000, True])
def test_a_bad_position_in_the_file_is_refused_and_nothing_is_loaded(tmp_path, bad):
    with pytest.raises(CommandError, match="Nothing was loaded") as error:
        load(tmp_path, one_step("fine", "Checklist B"), one_step("one", "Checklist A", position=bad))
    assert "one v1: position must be a whole number from 0 to 32767." in str(error.value)
    assert not ChecklistTemplate.objects.exists()


def test_the_starter_checklists_begin_with_what_so_what_then_what(client_for, fca):
    call_command("load_knowledge_bite", stdout=io.StringIO())
    call_command("load_checklist_templates", stdout=io.StringIO())
    published = ChecklistTemplate.objects.filter(status=ChecklistTemplate.Status.PUBLISHED)
    assert list(published.values_list("slug", flat=True)) == [
        "what-so-what-then-what",
        "non-engagement",
        "sharing-information",
        "pivotal-moment",
    ]
    html = client_for(fca).get(START).content.decode()
    titles = list(published.values_list("title", flat=True))
    assert in_page_order(html, titles) == titles
