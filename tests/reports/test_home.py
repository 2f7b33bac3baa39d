import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_home_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_renders_in_vietnamese_by_default(client, settings):
    settings.LANGUAGE_CODE = "vi"  # the default outside tests
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "Đăng nhập" in response.content.decode()


def test_home_shows_commune_totals(client, login_as):
    commune = f.unit("Xã Hòa Phú")
    land, culture = f.field("land"), f.field("culture")
    f.quota(commune, land, 3)
    f.quota(commune, culture, 1)
    f.staff_many(commune, land, 1)
    f.staff_many(commune, culture, 3)
    login_as(Role.COMMUNE_OFFICER, unit=commune)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    s = response.context["summary"]["coverage"]
    # quota 4, headcount 4: net 0, but land is short 2 and culture has 2 extra
    assert (s.quota, s.effective, s.net, s.gross_shortage, s.gross_surplus) == (4, 4, 0, 2, 2)
    assert "Xã Hòa Phú" in response.content.decode()
