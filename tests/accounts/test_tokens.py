"""API tokens: named, stored as a hash, expiring, revocable, made and revoked on the account page;
each use is recorded in the audit log."""

import hashlib
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken, Role
from audit.models import AuditEntry
from tests import factories as f

pytestmark = pytest.mark.django_db


def api(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_made_on_the_account_page_is_shown_once_and_stored_hashed(client):
    user = f.user(Role.NATIONAL_VIEWER)
    client.force_login(user)
    response = client.post(reverse("token-create"), {"name": "Power BI", "days": "30"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.prefix, token.digest) == ("Power BI", key[:8], hashlib.sha256(key.encode()).hexdigest())
    assert key not in {getattr(token, fld.attname) for fld in ApiToken._meta.fields}
    assert timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= timedelta(days=30)
    # Listed afterwards by name and prefix, never the key.
    page = client.get(reverse("account")).content.decode()
    assert "Power BI" in page and key[:8] in page and key not in page
    assert api(key).get("/api/v1/fields/").status_code == 200


def test_bad_token_form_is_refused_with_its_reason(client):
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    response = client.post(reverse("token-create"), {"name": "", "days": "1000"})
    assert response.status_code == 400
    assert response.context["token_form"].errors == {
        "name": ["This field is required."],
        "days": ["Select a valid choice. 1000 is not one of the available choices."],
    }
    assert not ApiToken.objects.exists()


def test_expired_and_revoked_tokens_are_refused():
    user = f.user(Role.API_CLIENT)
    expired, revoked = f.api_key(user, name="old"), f.api_key(user, name="gone")
    ApiToken.objects.filter(name="old").update(expires_at=timezone.now() - timedelta(seconds=1))
    ApiToken.objects.filter(name="gone").update(revoked_at=timezone.now())
    for key, message in ((expired, "This token has expired."), (revoked, "This token has been revoked.")):
        response = api(key).get("/api/v1/fields/")
        assert response.status_code == 401 and response.json() == {"detail": message}
        assert response["WWW-Authenticate"] == "Token"
    assert api("not-a-key").get("/api/v1/fields/").json() == {"detail": "Invalid token."}


def test_revoking_on_the_page_stops_the_token(client):
    user = f.user(Role.NATIONAL_VIEWER)
    key = f.api_key(user)
    token = ApiToken.objects.get(user=user)
    client.force_login(user)
    response = client.post(reverse("token-revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("account")
    assert api(key).get("/api/v1/fields/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_someone_elses_token_cannot_be_revoked(client):
    owner, other = f.user(Role.NATIONAL_VIEWER), f.user(Role.NATIONAL_VIEWER)
    f.api_key(owner)
    client.force_login(other)
    assert client.post(reverse("token-revoke", args=[ApiToken.objects.get().pk])).status_code == 404
    assert ApiToken.objects.get().revoked_at is None


def test_a_province_official_makes_and_revokes_tokens_for_its_api_clients(client):
    province = f.province()
    official = f.user(Role.PROVINCE_OFFICIAL, prov=province)
    api_client = f.user(Role.API_CLIENT, prov=province)
    far_client = f.user(Role.API_CLIENT, prov=f.province("64", "Tỉnh Gia Lai"))
    officer = f.user(Role.COMMUNE_OFFICER, unit=f.unit(prov=province))
    client.force_login(official)
    made = client.post(reverse("user-token-create", args=[api_client.pk]), {"name": "Cổng dữ liệu", "days": "90"})
    assert made.status_code == 200
    key = made.context["new_key"]
    assert api(key).get("/api/v1/fields/").status_code == 200
    token = ApiToken.objects.get(user=api_client)
    assert token.created_by == official
    # Only API client accounts get tokens this way; another province's users are not found.
    assert client.post(reverse("user-token-create", args=[officer.pk]), {"name": "x", "days": "30"}).status_code == 403
    assert (
        client.post(reverse("user-token-create", args=[far_client.pk]), {"name": "x", "days": "30"}).status_code == 404
    )
    revoked = client.post(reverse("token-revoke", args=[token.pk]))
    assert revoked.status_code == 302 and revoked["Location"] == reverse("user-detail", args=[api_client.pk])
    assert api(key).get("/api/v1/fields/").status_code == 401


def test_each_use_is_audited_with_the_token_name(client):
    user = f.user(Role.API_CLIENT, prov=f.province())
    key = f.api_key(user, name="Kho dữ liệu", used=False)
    api(key).get("/api/v1/fields/?code=land")
    entry = AuditEntry.objects.get(action="token.use")
    assert (entry.user, entry.username, entry.token_name, entry.method, entry.path) == (
        user,
        user.username,
        "Kho dữ liệu",
        "GET",
        "/api/v1/fields/",
    )
    assert entry.province_id == user.province_id
    assert ApiToken.objects.get().last_used_at is not None


def test_old_plain_tokens_become_hashed_ones(transactional_db):
    """The migration's copy of DRF's former token table (keys in clear) into hashed tokens."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("accounts.migrations.0002_api_tokens_password_reset")
    user = f.user(Role.API_CLIENT)
    with connection.schema_editor() as editor:
        editor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp, user_id bigint)")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", ["a" * 40, timezone.now(), user.pk])
    with connection.schema_editor() as editor:
        migration.move_old_tokens(apps, editor)
    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get(user=user)
    assert (token.name, token.prefix) == ("Migrated token", "aaaaaaaa")
    assert api("a" * 40).get("/api/v1/fields/").status_code == 200


def test_the_admin_lists_and_revokes_tokens(client):
    admin = f.user(Role.NATIONAL_VIEWER, is_staff=True, is_superuser=True)
    owner = f.user(Role.API_CLIENT)
    key = f.api_key(owner, name="Kho")
    client.force_login(admin)
    assert client.get("/admin/accounts/apitoken/").status_code == 200
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    token = ApiToken.objects.get()
    response = client.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [token.pk]}, follow=True
    )
    assert "1 token revoked." in response.content.decode()
    assert api(key).get("/api/v1/fields/").status_code == 401
