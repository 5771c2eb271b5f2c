"""Group claims to teams and roles, through the mappings that superusers edit in admin."""

import pytest

from accounts.models import Membership
from sso.models import GroupMapping
from tests.factories import MembershipFactory, TeamFactory, UserFactory

from .conftest import sign_in_with_work_account

pytestmark = pytest.mark.django_db
PRACTITIONER, SUPERVISOR = Membership.Role.PRACTITIONER, Membership.Role.SUPERVISOR


@pytest.fixture
def morgan(db):
    return UserFactory(username="mfields", email="morgan.fields@example.org")


def roles(user) -> dict[str, str]:
    return dict(user.memberships.values_list("team__name", "role"))


def test_mapped_groups_put_the_person_in_teams_with_roles(client, oidc, morgan, north, south):
    GroupMapping.objects.create(group_id="group-north-fcas", team=north, role=PRACTITIONER)
    GroupMapping.objects.create(group_id="group-south-supervisors", team=south, role=SUPERVISOR)
    response = sign_in_with_work_account(client, oidc, "morgan")
    assert response["Location"] == "/"
    assert roles(morgan) == {"North": PRACTITIONER, "South": SUPERVISOR}


def test_supervisor_wins_when_groups_give_both_roles_in_a_team(client, oidc, morgan, north):
    GroupMapping.objects.create(group_id="group-north-fcas", team=north, role=PRACTITIONER)
    GroupMapping.objects.create(group_id="group-south-supervisors", team=north, role=SUPERVISOR)
    sign_in_with_work_account(client, oidc, "morgan")
    assert roles(morgan) == {"North": SUPERVISOR}


def test_a_mapped_team_follows_the_groups_and_other_teams_are_left_alone(client, oidc, morgan, north, south):
    west = TeamFactory(name="West")
    GroupMapping.objects.create(group_id="group-north-fcas", team=north, role=SUPERVISOR)
    GroupMapping.objects.create(group_id="group-morgan-left", team=west, role=PRACTITIONER)
    MembershipFactory(user=morgan, team=north, role=PRACTITIONER)
    MembershipFactory(user=morgan, team=west, role=PRACTITIONER)
    MembershipFactory(user=morgan, team=south, role=PRACTITIONER)  # no mapping: admin's to manage
    sign_in_with_work_account(client, oidc, "morgan")
    assert roles(morgan) == {"North": SUPERVISOR, "South": PRACTITIONER}


def test_without_mappings_teams_stay_as_admin_set_them(client, oidc, morgan, north):
    MembershipFactory(user=morgan, team=north, role=PRACTITIONER)
    sign_in_with_work_account(client, oidc, "morgan")
    assert roles(morgan) == {"North": PRACTITIONER}


def test_a_person_created_from_mapped_groups_goes_straight_to_work(client, oidc, settings, north):
    settings.OIDC_UNKNOWN_USERS = "create"
    GroupMapping.objects.create(group_id="group-north-fcas", team=north, role=PRACTITIONER)
    response = sign_in_with_work_account(client, oidc, "morgan")
    assert response["Location"] == "/"
    created = north.memberships.get().user
    assert created.email == "morgan.fields@example.org"
    assert client.get("/sso/no-team/")["Location"] == "/"
