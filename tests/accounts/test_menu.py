"""The main menu (accounts.menu.MAIN_MENU): each role sees the entries it may open, in its language."""

import re

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = {
    "Overview",
    "Dashboard",
    "National summary",
    "Units",
    "Plans",
    "Movements",
    "Staff requests",
    "Positions",
    "Quota requests",
    "Documents",
    "Audit log",
    "Import a workbook of many units",
    "Shortage forecast",
    "API",
    "Administration",
}
EVERYONE = {"Overview", "Units", "Plans", "Movements", "Staff requests", "Positions", "Quota requests", "API"}


def menu(client, user):
    client.force_login(user)
    html = client.get(reverse("unit-list")).content.decode()
    nav = html[html.index('id="nav-main"') : html.index('action="/i18n/setlang/"')]
    return {m.strip() for m in re.findall(r'class="(?:nav-link|dropdown-item)" href="[^"]+">([^<]+)<', nav)}


@pytest.mark.parametrize(
    ("role", "where", "extra", "expected"),
    [
        (
            Role.PROVINCE_OFFICIAL,
            "province",
            {},
            EVERYONE | {"Dashboard", "Documents", "Audit log", "Import a workbook of many units", "Shortage forecast"},
        ),
        (Role.NATIONAL_VIEWER, None, {}, EVERYONE | {"National summary"}),
        (Role.DEPARTMENT_OFFICER, "department", {}, EVERYONE),
        (Role.COMMUNE_OFFICER, "commune", {}, EVERYONE),
        (Role.NATIONAL_VIEWER, None, {"is_staff": True}, EVERYONE | {"National summary", "Administration"}),
    ],
    ids=["province official", "national viewer", "department officer", "commune officer", "staff"],
)
def test_each_role_sees_its_entries(client, role, where, extra, expected):
    prov = f.province()
    places = {"province": {"prov": prov}, "department": {"unit": f.department(prov=prov)}}
    places["commune"] = {"unit": f.unit(prov=prov)}
    assert expected <= ALL
    assert menu(client, f.user(role, **places.get(where, {}), **extra)) == expected


def test_one_menu_per_user_not_the_last_one_written(client):
    """The written menu is kept per set of visible entries: a commune officer after a province
    official does not see the official's entries, and the official sees them again after."""
    prov = f.province()
    official = f.user(Role.PROVINCE_OFFICIAL, prov=prov)
    officer = f.user(Role.COMMUNE_OFFICER, unit=f.unit(prov=prov))
    assert "Audit log" in menu(client, official)
    assert "Audit log" not in menu(client, officer)
    assert "Audit log" in menu(client, official)


def test_menu_in_vietnamese(client, settings):
    settings.LANGUAGE_CODE = "vi"
    entries = menu(client, f.user(Role.NATIONAL_VIEWER))
    assert {"Đơn vị", "Tổng hợp toàn quốc"} <= entries
    assert "Units" not in entries and "National summary" not in entries
