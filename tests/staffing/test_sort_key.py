"""Staff lists in the order of Vietnamese HR lists (given name, then family and middle names, in
Vietnamese alphabetical order), from a key stored by every write path, the same on both databases."""

import io
import json
import random

import pytest
from django.urls import reverse

from core.text import vietnamese_name_sort_key
from staffing.models import Staff
from staffing.services import import_apply
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support
from tests.staffing.support import officer

pytestmark = pytest.mark.django_db
world = support.world
english = support.english

# Given names a ă â, d đ, e ê, o ô ơ, u ư, and tones (Dung, Dũng; An, Anh, Ánh); the same given
# name sorts by family and middle names (Bùi, Dương, Đỗ — D before Đ; Lê before Nguyễn).
EXPECTED = [
    "Nguyễn Văn An",
    "Lê Thị Anh",
    "Trần Ngọc Ánh",
    "Phạm Hồng Ân",
    "Hoàng Văn Bắc",
    "Vũ Thị Dung",
    "Lê Văn Dũng",
    "Nguyễn Văn Dũng",
    "Trịnh Thị Đào",
    "Bùi Minh Đức",
    "Dương Văn Đức",
    "Đỗ Văn Đức",
    "Lò Thị Em",
    "Mai Thị Ên",
    "Đinh Thị Hà",
    "Lưu Thị Hải",
    "Tạ Thu Hằng",
    "Ông Văn Hậu",
    "Nguyễn Thị Oanh",
    "Lê Văn Ôn",
    "Đặng Văn Ơn",
    "Phan Văn Út",
    "Trần Thị Ửng",
]


def shuffled(items):
    items = list(items)
    random.Random(13).shuffle(items)
    return items


def test_key_orders_the_names_as_an_hr_list():
    assert sorted(shuffled(EXPECTED), key=vietnamese_name_sort_key) == EXPECTED


def test_database_returns_staff_in_vietnamese_order(world):
    # Codes in the shuffled order: ordering by code or by id would not give the expected list.
    for i, name in enumerate(shuffled(EXPECTED)):
        f.staff(world.commune, world.land, name=name, staff_code=f"S{i:03d}")
    assert list(Staff.objects.values_list("full_name", flat=True)) == EXPECTED
    assert list(Staff.objects.order_by("-sort_key").values_list("full_name", flat=True)) == EXPECTED[::-1]
    assert all(p.sort_key == vietnamese_name_sort_key(p.full_name) for p in Staff.objects.all())


def test_roster_sorts_by_the_key(client, world):
    for i, name in enumerate(shuffled(EXPECTED[:8])):
        f.staff(world.commune, world.land, name=name, staff_code=f"S{i:03d}")
    client.force_login(officer(world))
    url = reverse("unit-roster", args=[world.commune.code])
    for params in ({}, {"ordering": "full_name"}):
        html = client.get(url, params).content.decode()
        assert [html.index(n) for n in EXPECTED[:8]] == sorted(html.index(n) for n in EXPECTED[:8])
    html = client.get(url, {"ordering": "-full_name"}).content.decode()
    assert [html.index(n) for n in EXPECTED[:8]] == sorted((html.index(n) for n in EXPECTED[:8]), reverse=True)


def test_renaming_rewrites_the_key(world):
    person = f.staff(world.commune, world.land, name="Nguyễn Văn An")
    person.full_name = "Nguyễn Văn Ửng"
    person.save(update_fields=["full_name"])
    person.refresh_from_db()
    assert person.sort_key == vietnamese_name_sort_key("Nguyễn Văn Ửng")


def test_api_create_writes_the_key(client, world):
    client.force_login(officer(world))
    data = {
        "staff_code": "NV9",
        "full_name": "Đặng Thị Ửng",
        "gender": "female",
        "birth_date": "1992-03-04",
        "category": "civil_servant",
        "qualification": "bachelor",
        "home_unit": world.commune.pk,
        "field": world.land.pk,
    }
    response = client.post("/api/v1/staff/", data=json.dumps(data), content_type="application/json")
    assert response.status_code == 201, response.content
    assert Staff.objects.get(staff_code="NV9").sort_key == vietnamese_name_sort_key("Đặng Thị Ửng")


def test_import_writes_the_key_for_new_and_renamed_people(world):
    from staffing.importer import validate_workbook

    f.staff(world.commune, world.land, name="Nguyễn Văn An", staff_code="NV002")
    user = officer(world)
    content = hf.xlsx(
        {
            "Danh sách": [
                hf.STAFF_HEADERS,
                hf.staff_row("24001", "NV001", "Trần Thị Ơn"),
                hf.staff_row("24001", "NV002", "Lê Văn Đức"),
            ]
        }
    )
    result = validate_workbook(io.BytesIO(content), user=user, default_unit=world.commune)
    assert result.ok, result.errors
    import_apply(plan=result.plan, by=user)
    keys = dict(Staff.objects.values_list("staff_code", "sort_key"))
    assert keys == {
        "NV001": vietnamese_name_sort_key("Trần Thị Ơn"),
        "NV002": vietnamese_name_sort_key("Lê Văn Đức"),
    }
    assert list(Staff.objects.values_list("staff_code", flat=True)) == ["NV002", "NV001"]  # Đức before Ơn


def test_user_names_are_written_family_name_first():
    from accounts.models import Role

    user = f.user(Role.PROVINCE_OFFICIAL, prov=f.province(), first_name="Minh", last_name="Trần Văn")
    assert user.get_full_name() == "Trần Văn Minh"
