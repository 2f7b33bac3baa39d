"""Sessions and the signed-in user, read on every request through kept SQL (accounts/sessions.py,
accounts/backends.py): an expired or unknown session, or a deactivated user, signs nobody in."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_an_expired_or_unknown_session_signs_nobody_in(client):
    user = f.user("province_official", prov=f.province())
    client.force_login(user)
    assert client.get("/account/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/account/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.cookies["sessionid"] = "no-such-session-key"
    assert client.get("/account/").status_code == 302


def test_a_deactivated_user_is_signed_out_on_the_next_request(client):
    user = f.user("province_official", prov=f.province())
    client.force_login(user)
    assert client.get("/account/").status_code == 200
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/account/").status_code == 302
