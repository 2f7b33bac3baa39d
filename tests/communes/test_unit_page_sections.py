"""The unit page shows the movements coming in and going out, and the expertise mismatches."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_unit_page_lists_movements_and_mismatches(client, login_as):
    today = timezone.localdate()
    commune, dept = f.unit("Xã Ea Tu", code="24100"), f.department("Sở Tài chính")
    land, finance = f.field("land", name_en="Land"), f.field("finance", name_en="Finance")
    incoming = f.staff(dept, finance, name="Phạm Thị Hoa")
    f.movement(incoming, commune, field=land, start=today - timedelta(days=3), end=today + timedelta(days=60))
    f.staff(commune, land, name="Võ Văn Tám", major_field=finance)
    f.staff(commune, land, name="Đỗ Minh Khoa", major_field=land)
    login_as(Role.COMMUNE_OFFICER, unit=commune)
    response = client.get(reverse("unit-detail", args=["24100"]))
    assert response.status_code == 200
    assert [m.person.full_name for m in response.context["movements_in"]] == ["Phạm Thị Hoa"]
    assert response.context["movements_out"] == []
    assert [a.person.full_name for a in response.context["mismatched_staff"]] == ["Võ Văn Tám"]
    html = response.content.decode()
    assert 'id="unit-movements-in"' in html and "Phạm Thị Hoa" in html
