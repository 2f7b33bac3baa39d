"""Signing in, changing one's password, and a password reset by a province official or an
administrator (a temporary password shown once, changed at the next sign-in)."""

import pytest
from django.urls import reverse

from accounts.models import Role, User
from audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Test-12345"


def sign_in(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


def test_api_client_accounts_cannot_sign_in_to_the_pages(client):
    robot = f.user(Role.API_CLIENT, prov=f.province())
    response = sign_in(client, robot)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "This is an API client account: it reads the API with a token and cannot sign in to the web pages."
    ]
    assert "_auth_user_id" not in client.session
    # Other roles sign in.
    assert sign_in(client, f.user(Role.NATIONAL_VIEWER)).status_code == 302


def test_every_user_changes_their_password(client):
    user = f.user(Role.COMMUNE_OFFICER, unit=f.unit())
    client.force_login(user)
    assert client.get(reverse("password-change")).status_code == 200
    bad = client.post(
        reverse("password-change"),
        {"old_password": "wrong", "new_password1": "Mat-khau-moi-2025", "new_password2": "Mat-khau-moi-2025"},
    )
    assert bad.status_code == 200 and bad.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }
    ok = client.post(
        reverse("password-change"),
        {"old_password": PASSWORD, "new_password1": "Mat-khau-moi-2025", "new_password2": "Mat-khau-moi-2025"},
    )
    assert ok.status_code == 302 and ok["Location"] == reverse("account")
    assert client.get(reverse("home")).status_code == 200  # still signed in
    client.logout()
    assert sign_in(client, user, "Mat-khau-moi-2025").status_code == 302


@pytest.fixture
def people():
    dak_lak, gia_lai = f.province(), f.province("64", "Tỉnh Gia Lai")
    return {
        "official": f.user(Role.PROVINCE_OFFICIAL, prov=dak_lak),
        "officer": f.user(Role.COMMUNE_OFFICER, unit=f.unit(prov=dak_lak)),
        "far_officer": f.user(Role.COMMUNE_OFFICER, unit=f.unit(prov=gia_lai)),
        "admin": f.user(Role.NATIONAL_VIEWER, is_staff=True, is_superuser=True),
        "viewer": f.user(Role.NATIONAL_VIEWER),
    }


def test_a_province_official_resets_a_password_in_their_province(client, people):
    official, officer = people["official"], people["officer"]
    client.force_login(official)
    listed = client.get(reverse("user-list"))
    assert [u.username for u in listed.context["users"]] == [officer.username]
    response = client.post(reverse("user-password-reset", args=[officer.pk]))
    assert response.status_code == 200
    temporary = response.context["temporary_password"]
    assert temporary in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password(temporary) and not officer.check_password(PASSWORD)
    assert officer.must_change_password
    assert client.get(reverse("user-detail", args=[officer.pk])).context.get("temporary_password") is None
    entry = AuditEntry.objects.get(action="password.reset")
    assert (entry.user, entry.params) == (official, {"user": [officer.username]})

    # The officer signs in with it and must choose a new password before anything else.
    client.logout()
    assert sign_in(client, officer, temporary).status_code == 302
    blocked = client.get(reverse("unit-list"))
    assert blocked.status_code == 302 and blocked["Location"].startswith(reverse("password-change"))
    assert client.get("/api/v1/units/").json() == {"detail": "Choose a new password before going on."}
    changed = client.post(
        reverse("password-change"),
        {"old_password": temporary, "new_password1": "Mat-khau-rieng-2025", "new_password2": "Mat-khau-rieng-2025"},
    )
    assert changed.status_code == 302
    assert not User.objects.get(pk=officer.pk).must_change_password
    assert client.get(reverse("unit-list")).status_code == 200


@pytest.mark.parametrize(
    "actor, target, expected",
    [
        ("official", "far_officer", 404),  # another province
        ("official", "admin", 404),  # superusers are not an official's to reset
        ("officer", "official", 403),  # a commune officer resets nobody
        ("viewer", "officer", 403),
        ("admin", "far_officer", 200),  # an administrator resets anyone
        ("admin", "official", 200),
    ],
)
def test_who_may_reset_whose_password(client, people, actor, target, expected):
    client.force_login(people[actor])
    before = people[target].password
    response = client.post(reverse("user-password-reset", args=[people[target].pk]))
    assert response.status_code == expected
    people[target].refresh_from_db()
    assert (people[target].password != before) == (expected == 200)


def test_an_old_session_ends_when_the_password_is_reset(client, people):
    officer = people["officer"]
    client.force_login(officer)
    assert client.get(reverse("unit-list")).status_code == 200
    from accounts.services import user_password_reset

    user_password_reset(user=officer, by=people["official"])
    assert client.get(reverse("unit-list")).status_code == 302
