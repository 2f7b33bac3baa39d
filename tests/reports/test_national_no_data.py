"""The national table: a province that has recorded nothing says so instead of a row of zeros."""

import pytest
from django.urls import reverse

from accounts.models import Role
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = pytest.mark.django_db


def test_province_without_quota_or_staff_shows_no_data(client, login_as, settings):
    province_fixture()
    hcm = f.province("79", "Thành phố Hồ Chí Minh")
    f.unit("Phường Sài Gòn", code="79001", prov=hcm)  # reference data only: no quota, nobody on the roll
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    login_as(Role.NATIONAL_VIEWER)
    html = client.get(reverse("reports:national") + "?as_of=15/10/2025").content.decode()
    row = html[html.index('data-province="79"') :]
    row = row[: row.index("</tr>")]
    assert 'colspan="11"' in row and "Không có số liệu" in row and '<td class="num">0</td>' not in row
    dak_lak = html[html.index('data-province="66"') :]
    assert "Không có số liệu" not in dak_lak[: dak_lak.index("</tr>")]  # 16 quota, 16 on the roll
