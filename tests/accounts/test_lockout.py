"""Sign-in lockout: 5 failed sign-ins for one account from one address lock that pair for 15
minutes, on /login/ and /admin/login/, with a clear message in the user's language."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.utils import translation

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Test-12345"
LOCKED_EN = (
    "Too many failed sign-ins for this account from your address. Sign-in is locked for 15 minutes; "
    "try again later or ask your administrator."
)
LOCKED_VI = (
    "Đăng nhập sai quá nhiều lần cho tài khoản này từ địa chỉ của bạn. Việc đăng nhập bị khóa trong "
    "15 phút; hãy thử lại sau hoặc liên hệ quản trị viên."
)


@pytest.fixture(autouse=True)
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def sign_in(client, username, password, path="/login/", address="10.0.0.1"):
    return client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)


def fail(client, username, times, **kwargs):
    """``times`` wrong passwords; the one that reaches the limit already answers with the lock."""
    for n in range(1, times + 1):
        response = sign_in(client, username, "wrong-password", **kwargs)
        expected = 429 if n >= settings_limit() else 200
        assert response.status_code == expected, n
    return response


def settings_limit():
    from django.conf import settings

    return settings.AXES_FAILURE_LIMIT


def test_five_failures_lock_the_account_from_that_address(client):
    user = f.user(Role.COMMUNE_OFFICER, unit=f.unit())
    fail(client, user.username, 4)
    assert sign_in(client, user.username, PASSWORD).status_code == 302  # 4 failures: not yet locked
    client.logout()
    fail(client, user.username, 5)
    # Locked: even the right password is refused, with the lockout message.
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_EN in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another address, and another account from this one, still sign in.
    assert sign_in(client, user.username, PASSWORD, address="10.0.0.2").status_code == 302
    client.logout()
    other = f.user(Role.COMMUNE_OFFICER, unit=f.unit())
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_the_lock_lifts_after_15_minutes(client):
    user = f.user(Role.NATIONAL_VIEWER)
    fail(client, user.username, 5)
    assert sign_in(client, user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert sign_in(client, user.username, PASSWORD).status_code == 302


def test_the_message_is_vietnamese_for_vietnamese_users(client, settings):
    settings.LANGUAGE_CODE = "vi"
    user = f.user(Role.NATIONAL_VIEWER)
    with translation.override("vi"):
        fail(client, user.username, 5)
        response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert LOCKED_VI in response.content.decode()


def test_admin_sign_in_is_locked_too(client):
    admin = f.user(Role.NATIONAL_VIEWER, is_staff=True, is_superuser=True)
    fail(client, admin.username, 5, path="/admin/login/")
    response = sign_in(client, admin.username, PASSWORD, path="/admin/login/")
    assert response.status_code == 429 and LOCKED_EN in response.content.decode()
    # The lock is on the account and address, whichever form is used.
    assert sign_in(client, admin.username, PASSWORD).status_code == 429


def test_limit_and_duration_come_from_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    settings.AXES_COOLOFF_TIME = timedelta(minutes=5)
    user = f.user(Role.NATIONAL_VIEWER)
    fail(client, user.username, 2)
    response = sign_in(client, user.username, PASSWORD)
    assert response.status_code == 429 and "locked for 5 minutes" in response.content.decode()
