"""No English on the Vietnamese pages: the selects' empty choices, the error pages, the main pages.

The catalogue test (test_translations.py) proves every text of the code is translated; this one
proves texts that come from Django and django-filter (widget labels) and the error pages are too.
"""

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from accounts.models import Role
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = pytest.mark.django_db

# Texts Django, django-filter or the project would show in English if a translation were missing.
ENGLISH = [
    "---------",
    "Select an option",
    "— Choose —",
    "Page not found",
    "Not Found",
    "Forbidden",
    "Server Error",
    "Server error",
    "Back to the overview",
    ">All<",
    "Staffing",
    "Dashboard",
    "Sign out",
    "Movements",
]


@pytest.fixture
def vi(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    return client


def english_in(html: str) -> list[str]:
    return [text for text in ENGLISH if text in html]


def empty_options(html: str) -> set[str]:
    return set(re.findall(r'<option value=""[^>]*>([^<]*)</option>', html))


def test_form_selects_say_choose_in_vietnamese(vi, login_as):
    world = province_fixture()
    login_as(Role.COMMUNE_OFFICER, unit=world["an"])
    html = vi.get(reverse("staff-create", args=["66001"])).content.decode()
    assert empty_options(html) == {"— Chọn —"}
    assert english_in(html) == []


def test_filter_selects_say_all_in_vietnamese(vi, login_as):
    world = province_fixture()
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    html = vi.get(reverse("unit-roster", args=["66001"])).content.decode()
    assert "Tất cả" in empty_options(html)
    assert english_in(html) == []
    html = vi.get(reverse("secondments:movement-list")).content.decode()
    assert english_in(html) == []


def test_404_page_is_in_the_apps_layout_and_language(vi, login_as):
    login_as(Role.NATIONAL_VIEWER)
    response = vi.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="vi">' in html and 'class="navbar-brand' in html  # the app's own layout
    assert "Không tìm thấy trang" in html and "Quay lại trang tổng quan" in html
    assert english_in(html) == []


def test_403_page_gives_the_reason_in_vietnamese(vi, login_as):
    world = province_fixture()
    login_as(Role.COMMUNE_OFFICER, unit=world["an"])
    response = vi.get(reverse("reports:letterhead"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Bạn không được mở trang này" in html
    assert "Chỉ cán bộ Sở Nội vụ mới quản lý được văn bản của tỉnh." in html
    assert 'class="navbar-brand' in html and english_in(html) == []
    response = vi.get(reverse("reports:national"))  # a PermissionDenied without a message
    assert (
        response.status_code == 403
        and "Vai trò của bạn không được phép thực hiện thao tác này." in response.content.decode()
    )


def test_500_page_is_in_the_apps_layout_and_language():
    request = RequestFactory().get("/")
    with translation.override("vi"):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="vi">' in html and 'class="navbar-brand' in html
    assert "Đã xảy ra lỗi" in html and english_in(html) == []


def test_english_interface_keeps_english_labels(client, login_as, settings):
    world = province_fixture()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    login_as(Role.COMMUNE_OFFICER, unit=world["an"])
    html = client.get(reverse("staff-create", args=["66001"])).content.decode()
    assert empty_options(html) == {"— Choose —"}
    assert client.get("/no-such-page/").content.decode().count("Page not found") >= 1
    assert f.province().name == "Tỉnh Đắk Lắk"


def test_a_users_name_is_shown_family_name_first(vi, login_as):
    world = province_fixture()
    user = login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    user.first_name, user.last_name = "Minh", "Trần Văn"
    user.save()
    html = vi.get(reverse("home")).content.decode()
    assert "Trần Văn Minh" in html and "Minh Trần Văn" not in html
