"""Second factor (TOTP): optional for everyone, required for the roles TWO_FACTOR_REQUIRED_FOR names
(superusers and province officials in production settings)."""

import base64
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Test-12345"


def code(device, offset=0):
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset * device.step
    return f"{totp.token():06d}"


def sign_in(client, user, next_url="/"):
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD, "next": next_url})
    assert response.status_code == 302, response.content[:300]
    return response


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED_FOR = ["superuser", "province_official"]


@pytest.fixture
def official():
    return f.user(Role.PROVINCE_OFFICIAL, prov=f.province())


def test_required_role_without_a_device_must_set_one_up(client, required, official):
    sign_in(client, official)
    home = client.get(reverse("home"))
    assert home.status_code == 302 and home["Location"] == f"{reverse('two-factor-setup')}?next=%2F"
    # Every page and the API send it to the setup until it is done.
    assert client.get(reverse("unit-list")).status_code == 302
    api = client.get("/api/v1/units/")
    assert api.status_code == 403 and api.json() == {"detail": "Set up two-factor authentication before going on."}

    page = client.get(home["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn on the server
    device = TOTPDevice.objects.get(user=official, confirmed=False)
    svg = base64.b64decode(html.split('src="data:image/svg+xml;base64,')[1].split('"')[0])
    assert svg.startswith(b"<svg") or b"<svg" in svg[:200]

    wrong = client.post(reverse("two-factor-setup"), {"code": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 400 and "The code is wrong or has expired." in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    done = client.post(reverse("two-factor-setup"), {"code": code(device), "next": "/"})
    assert done.status_code == 302 and done["Location"] == "/"
    assert TOTPDevice.objects.get(user=official).confirmed
    assert client.get(reverse("home")).status_code == 200


def test_with_a_device_the_code_is_asked_after_the_password(client, required, official):
    device = TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    sign_in(client, official, next_url="/units/")
    response = client.get("/units/")
    assert response.status_code == 302 and response["Location"] == f"{reverse('two-factor-verify')}?next=%2Funits%2F"
    assert client.post(reverse("two-factor-verify"), {"code": "12ab"}).status_code == 400
    ok = client.post(reverse("two-factor-verify"), {"code": code(device), "next": "/units/"})
    assert ok.status_code == 302 and ok["Location"] == "/units/"
    assert client.get("/units/").status_code == 200
    # Signing in again asks again.
    client.logout()
    sign_in(client, official)
    assert client.get("/units/").status_code == 302


def test_repeated_wrong_codes_are_slowed_down(client, official):
    device = TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    sign_in(client, official)
    wrong = "000000" if code(device) != "000000" else "111111"
    client.post(reverse("two-factor-verify"), {"code": wrong})
    refused = client.post(reverse("two-factor-verify"), {"code": code(device)})
    assert refused.status_code == 400
    assert "Too many wrong codes: wait a little before trying again." in refused.content.decode()


def test_not_required_when_the_setting_is_empty(client, settings, official):
    settings.TWO_FACTOR_REQUIRED_FOR = []
    sign_in(client, official)
    assert client.get(reverse("home")).status_code == 200
    # Optional: the user may turn it on, and off again.
    client.get(reverse("two-factor-setup"))
    device = TOTPDevice.objects.get(user=official)
    assert client.post(reverse("two-factor-setup"), {"code": code(device)}).status_code == 302
    assert TOTPDevice.objects.filter(user=official, confirmed=True).count() == 1
    assert client.post(reverse("two-factor-disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=official).exists()


def test_other_roles_are_not_required(client, required):
    officer = f.user(Role.COMMUNE_OFFICER, unit=f.unit())
    sign_in(client, officer)
    assert client.get(reverse("home")).status_code == 200


def test_superusers_are_required_and_admin_sign_in_does_not_skip_it(client, required):
    admin = f.user(Role.NATIONAL_VIEWER, is_staff=True, is_superuser=True)
    response = client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/")["Location"].startswith(reverse("two-factor-setup"))


def test_a_required_user_cannot_turn_it_off(client, required, official):
    device = TOTPDevice.objects.create(user=official, name="phone", confirmed=True)
    sign_in(client, official)
    client.post(reverse("two-factor-verify"), {"code": code(device)})
    assert client.post(reverse("two-factor-disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=official).exists()


def test_production_settings_require_it_for_superusers_and_province_officials():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "bienche.example.gov.vn",
    }
    script = "from django.conf import settings; print(settings.TWO_FACTOR_REQUIRED_FOR, settings.ENVIRONMENT)"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        env=env,
        cwd=django_settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.strip() == "['superuser', 'province_official'] production"
    assert django_settings.TWO_FACTOR_REQUIRED_FOR == []  # the other settings leave it optional
