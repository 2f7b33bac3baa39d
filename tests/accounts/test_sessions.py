"""A web session ends after SESSION_IDLE_TIMEOUT seconds without a request (30 minutes by default),
measured with a clock the test moves."""

import pytest
from django.urls import reverse

from accounts import middleware
from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Test-12345"


@pytest.fixture
def clock(monkeypatch):
    class Clock:
        t = 1_000_000.0

        def advance(self, minutes):
            self.t += minutes * 60

    c = Clock()
    monkeypatch.setattr(middleware, "now", lambda: c.t)
    return c


def sign_in(client):
    user = f.user(Role.NATIONAL_VIEWER)
    assert client.post(reverse("login"), {"username": user.username, "password": PASSWORD}).status_code == 302
    return user


def test_default_is_30_minutes(settings):
    from config.settings import base

    assert base.SESSION_IDLE_TIMEOUT == 30 * 60


def test_activity_keeps_the_session_and_idleness_ends_it(client, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    sign_in(client)
    for _ in range(3):  # a request every 29 minutes keeps it open for 87 minutes
        clock.advance(29)
        assert client.get(reverse("unit-list")).status_code == 200
    clock.advance(31)
    response = client.get(reverse("unit-list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"])
    assert "You were signed out after 30 minutes without activity. Please sign in again." in page.content.decode()


def test_the_timeout_is_a_setting(client, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    sign_in(client)
    clock.advance(4)
    assert client.get(reverse("unit-list")).status_code == 200
    clock.advance(6)
    assert client.get(reverse("unit-list")).status_code == 302


def test_an_idle_session_on_the_api_is_no_longer_signed_in(client, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    sign_in(client)
    assert client.get("/api/v1/units/").status_code == 200
    clock.advance(31)
    response = client.get("/api/v1/units/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication credentials were not provided."
