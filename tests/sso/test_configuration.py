"""OpenID Connect is off until configured; settings fail loudly; the sign-in page offers it first."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from sso.models import GroupMapping, Identity
from tests.factories import TeamFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
WORK_ACCOUNT = "Sign in with your work account"


@pytest.mark.django_db
def test_without_a_provider_the_sign_in_page_offers_passwords_only(client):
    html = client.get("/accounts/login/").content.decode()
    assert WORK_ACCOUNT not in html
    assert 'class="govuk-button" data-module="govuk-button">Sign in</button>' in html


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/sso/sign-in/", "/sso/callback/?code=x&state=y"])
def test_without_a_provider_its_pages_are_not_found(client, path):
    assert client.get(path).status_code == 404
    assert "oidc_states" not in client.session


@pytest.mark.django_db
def test_the_work_account_button_comes_first_and_keeps_the_next_page(client, oidc):
    html = client.get("/accounts/login/?next=/guidance/").content.decode()
    button = html.index(WORK_ACCOUNT)
    assert button < html.index('name="username"')
    assert 'href="/sso/sign-in/?next=/guidance/"' in html
    assert "govuk-button govuk-button--secondary" in html


@pytest.mark.django_db
def test_the_csp_lets_the_sign_out_form_finish_at_the_provider_only(client, oidc, fca):
    client.force_login(fca)
    policy = client.get("/").headers["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert form_action.split() == ["form-action", "'self'", oidc.url]


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Identity, GroupMapping])
def test_links_and_group_mappings_are_for_superusers_only(client_for, editor, superuser, fca, model):
    team = TeamFactory(name="North")
    obj = (
        Identity.objects.create(user=fca, issuer="https://id.example/", subject="abc")
        if model is Identity
        else GroupMapping.objects.create(group_id="g-1", team=team)
    )
    name = f"admin:sso_{model._meta.model_name}"
    for url in (reverse(f"{name}_changelist"), reverse(f"{name}_change", args=[obj.pk]), reverse(f"{name}_add")):
        assert client_for(editor).get(url).status_code == 403
        assert client_for(superuser).get(url).status_code == 200
    assert "/admin/sso/" not in client_for(editor).get(reverse("admin:index")).content.decode()
    assert "/admin/sso/" in client_for(superuser).get(reverse("admin:index")).content.decode()


@pytest.mark.django_db
def test_a_superuser_maps_a_group_to_a_team_in_admin(client_for, superuser, north):
    response = client_for(superuser).post(
        reverse("admin:sso_groupmapping_add"),
        {"group_id": "0f1e2d3c-north", "description": "North FCAs", "team": north.pk, "role": "practitioner"},
    )
    assert response.status_code == 302
    mapping = GroupMapping.objects.get()
    assert (mapping.group_id, mapping.team, mapping.role) == ("0f1e2d3c-north", north, "practitioner")


@pytest.mark.django_db
def test_a_subject_links_to_one_account_only(superuser):
    other = UserFactory(username="other")
    Identity.objects.create(user=superuser, issuer="https://id.example/", subject="abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        Identity.objects.create(user=other, issuer="https://id.example/", subject="abc")


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "OIDC_"))}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-" + "x9" * 20,
    "DJANGO_ALLOWED_HOSTS": "practicehub.example",
}
ENTRA = {
    "OIDC_ISSUER": "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0",
    "OIDC_RP_CLIENT_ID": "6731de76-14a6-49ae-97bc-6eba6914391e",
    "OIDC_RP_CLIENT_SECRET": "a-client-secret",
}


def test_production_with_a_provider_passes_the_deploy_check():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **ENTRA)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({**ENTRA, "OIDC_RP_CLIENT_SECRET": ""}, "OIDC_RP_CLIENT_SECRET"),
        ({"OIDC_RP_CLIENT_ID": "abc"}, "OIDC_ISSUER is not"),
        ({**ENTRA, "OIDC_RP_SCOPES": "email profile"}, "must include openid"),
        ({**ENTRA, "OIDC_UNKNOWN_USERS": "maybe"}, "OIDC_UNKNOWN_USERS"),
        ({**ENTRA, "OIDC_ISSUER": "http://id.example/"}, "https://"),
    ],
)
def test_a_bad_provider_setting_stops_start_up(env, message):
    result = _manage("check", **PRODUCTION, **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr
