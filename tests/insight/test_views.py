"""Who reaches insight and for which teams, bad periods, and the audited CSV downloads."""

import re

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory
from tests.insight.conftest import QUARTER

pytestmark = pytest.mark.django_db

HOME = reverse("insight:home")
THEMES_CSV = reverse("insight:download", kwargs={"table": "themes"})


def downloads():
    return LogEntry.objects.filter(action=LogEntry.Action.ACCESS)


# --- permissions -------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [HOME, THEMES_CSV])
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("url", [HOME, THEMES_CSV])
def test_an_fca_is_refused(client_for, fca, url):
    response = client_for(fca).get(url)
    assert response.status_code == 403
    assert not downloads().exists()


def test_an_editor_is_refused(client_for, editor):
    assert client_for(editor).get(HOME).status_code == 403


def test_a_lead_sees_the_teams_they_are_given(client_for, practice_lead, south, counted):
    response = client_for(practice_lead).get(HOME, QUARTER)
    assert response.status_code == 200
    assert [team.name for team in response.context["report"].teams] == ["North"]
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("url", [HOME, THEMES_CSV])
def test_a_lead_asking_for_a_team_not_given_gets_a_404(client_for, practice_lead, south, url):
    response = client_for(practice_lead).get(url, {"team": "south"})
    assert response.status_code == 404
    assert not downloads().exists()


def test_a_lead_asking_for_a_team_that_does_not_exist_gets_a_404(client_for, practice_lead):
    assert client_for(practice_lead).get(HOME, {"team": "nowhere"}).status_code == 404


def test_a_lead_with_several_teams_chooses_one(client_for, practice_lead, south, counted):
    practice_lead.led_teams.add(south)
    client = client_for(practice_lead)
    both = client.get(HOME, QUARTER).context["report"]
    assert [team.name for team in both.teams] == ["North", "South"]
    assert "Reflections by team" in client.get(HOME, QUARTER).content.decode()
    assert [team.name for team in client.get(HOME, {**QUARTER, "team": "south"}).context["report"].teams] == ["South"]


def test_a_supervisor_sees_only_the_teams_they_supervise(client_for, supervisor, south, counted):
    client = client_for(supervisor)
    assert [team.name for team in client.get(HOME, QUARTER).context["report"].teams] == ["North"]
    assert client.get(HOME, {"team": "north"}).status_code == 200
    assert client.get(HOME, {"team": "south"}).status_code == 404


def test_teams_given_to_someone_outside_the_leads_group_show_nothing(client_for, north):
    person = UserFactory(username="not-a-lead")
    person.led_teams.add(north)
    assert client_for(person).get(HOME).status_code == 403


def test_a_lead_with_no_teams_yet_is_told_so(client_for, practice_lead):
    practice_lead.led_teams.clear()
    response = client_for(practice_lead).get(HOME)
    assert response.status_code == 200
    assert "You have no teams yet" in response.content.decode()
    assert client_for(practice_lead).get(THEMES_CSV).status_code == 404


def test_taking_a_lead_out_of_the_group_ends_their_access_on_the_next_request(client_for, practice_lead):
    client = client_for(practice_lead)
    assert client.get(HOME).status_code == 200
    practice_lead.groups.clear()
    assert client.get(HOME).status_code == 403


def _nav_links(client):
    html = client.get(reverse("home")).content.decode()
    return set(re.findall(r'class="govuk-service-navigation__link" href="([^"]+)"', html))


def test_the_navigation_links_to_insight_for_leads_and_supervisors_only(client_for, fca, supervisor, practice_lead):
    assert HOME in _nav_links(client_for(practice_lead))
    assert HOME in _nav_links(client_for(supervisor))
    assert HOME not in _nav_links(client_for(fca))


def test_a_lead_never_reaches_a_checklist(client_for, practice_lead, counted):
    client = client_for(practice_lead)
    for checklist in counted:
        assert client.get(reverse("checklists:detail", kwargs={"pk": checklist.pk})).status_code == 404
    assert client.get(reverse("supervision:queue")).status_code == 403


# --- periods -----------------------------------------------------------------------------------------


def custom(start, end):
    (sd, sm, sy), (ed, em, ey) = start, end
    return {
        "period": "custom",
        **{"from.day": sd, "from.month": sm, "from.year": sy},
        **{"to.day": ed, "to.month": em, "to.year": ey},
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (custom(("1", "3", "2025"), ("1", "2", "2025")), "The end date must be the same as or after the start date"),
        (custom(("31", "2", "2025"), ("1", "3", "2025")), "The start date must be a real date"),
        (custom(("1", "1", "2025"), ("31", "13", "2025")), "The end date must be a real date"),
        (custom(("1", "1", "2021"), ("2", "1", "2024")), "The dates must be no more than 3 years apart"),
        (custom(("", "", ""), ("1", "3", "2025")), "Enter the start date"),
        (custom(("1", "", "2025"), ("1", "3", "2025")), "The start date must include a month"),
        (custom(("1", "1", "2025"), ("1", "1", "2999")), "The end date must be today or in the past"),
        (custom(("1", "1", "1999"), ("1", "3", "1999")), "The start date must be on or after 1 January 2000"),
        (custom(("x", "1", "2025"), ("99999999999999999999", "1", "2025")), "must be a real date"),
        ({"period": "forever"}, "Choose this quarter, last quarter, the last 12 months or your own dates"),
    ],
)
def test_a_bad_period_gets_a_clear_error_and_a_400(client_for, practice_lead, query, message):
    client = client_for(practice_lead)
    response = client.get(HOME, query)
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "report" not in response.context
    download = client.get(THEMES_CSV, query)
    assert download.status_code == 400
    assert download["Content-Type"].startswith("text/html")
    assert not downloads().exists()


def test_three_years_apart_exactly_is_allowed(client_for, practice_lead):
    assert client_for(practice_lead).get(HOME, custom(("1", "1", "2021"), ("1", "1", "2024"))).status_code == 200


def test_dates_left_in_the_boxes_do_not_apply_to_a_named_period(client_for, practice_lead):
    query = {**custom(("x", "y", "z"), ("1", "1", "2025")), "period": "last-quarter"}
    response = client_for(practice_lead).get(HOME, query)
    assert response.status_code == 200
    assert response.context["report"].period.name == "last-quarter"


@pytest.mark.parametrize("name", ["this-quarter", "last-quarter", "last-12-months"])
def test_each_named_period_shows(client_for, practice_lead, name):
    response = client_for(practice_lead).get(HOME, {"period": name})
    assert response.status_code == 200
    assert response.context["report"].period.name == name


def test_an_unknown_download_is_a_404(client_for, practice_lead):
    assert client_for(practice_lead).get(reverse("insight:download", kwargs={"table": "answers"})).status_code == 404


# --- downloads ----------------------------------------------------------------------------------------


def test_a_download_is_audited_with_the_person_teams_and_period_but_no_case(client_for, practice_lead, counted):
    response = client_for(practice_lead).get(THEMES_CSV, QUARTER)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="insight-themes-all-teams-2025-01-01-to-2025-03-31.csv"'
    )
    entry = downloads().get()
    assert entry.actor == practice_lead
    assert entry.content_type.model_class() is User and entry.object_pk == str(practice_lead.pk)
    assert entry.additional_data == {
        "download": "insight-csv",
        "table": "themes",
        "teams": ["North"],
        "from": "2025-01-01",
        "to": "2025-03-31",
    }
    assert entry.changes_text == "Downloaded insight (themes) for North, 1 January 2025 to 31 March 2025"
    recorded = f"{entry.object_repr} {entry.changes_text} {entry.additional_data} {entry.serialized_data}"
    for checklist in counted:
        assert checklist.case_reference not in recorded
        assert str(checklist.pk) not in recorded


def test_each_download_is_audited_once(client_for, supervisor, counted):
    client = client_for(supervisor)
    for table in ("by-checklist", "by-month", "by-team", "themes", "risk-factors"):
        assert client.get(reverse("insight:download", kwargs={"table": table}), {"team": "north"}).status_code == 200
    assert list(downloads().order_by("pk").values_list("additional_data__table", flat=True)) == [
        "by-checklist",
        "by-month",
        "by-team",
        "themes",
        "risk-factors",
    ]


def test_the_page_links_each_table_to_its_download(client_for, practice_lead, counted):
    html = client_for(practice_lead).get(HOME, QUARTER).content.decode()
    for table in ("by-checklist", "by-month", "themes", "risk-factors"):
        assert f'href="/insight/download/{table}.csv?period=custom&amp;from.day=1' in html
    assert not downloads().exists()


# --- giving a lead their teams ------------------------------------------------------------------------


def test_an_administrator_gives_a_lead_teams_on_their_user_page(client_for, superuser, practice_lead, south):
    client = client_for(superuser)
    url = reverse("admin:accounts_user_change", args=[practice_lead.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Practice lead" in html and 'name="led_teams"' in html
    form = page.context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None and name != "password"}
    data.update(
        {
            "groups": [group.pk for group in practice_lead.groups.all()],
            "led_teams": [south.pk],
            "date_joined_0": practice_lead.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": practice_lead.date_joined.strftime("%H:%M:%S"),
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("user_permissions", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    practice_lead.refresh_from_db()
    assert list(practice_lead.led_teams.values_list("slug", flat=True)) == ["south"]
    assert client_for(practice_lead).get(HOME, {"team": "south"}).status_code == 200
    assert client_for(practice_lead).get(HOME, {"team": "north"}).status_code == 404
