"""The benchmark's independent staff API floor (bench/staff_api_floor.py) gives the API's rows."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from bench.staff_api_floor import staff_page
from headcount import summary
from staffing.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    """Đắk Lắk: Xã An has 3 civil servants in land (one, a leader, trained in finance) and one in
    finance; Xã Bình 2 in land and a public employee in land; one land civil servant retired last
    year. Hà Nội: 2 in land."""
    prov = f.province("66", "Tỉnh Đắk Lắk")
    other = f.province("01", "Thành phố Hà Nội")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    an = f.unit("Xã An", code="66001", prov=prov)
    binh = f.unit("Xã Bình", code="66002", prov=prov)
    hn = f.unit("Xã Hà Nội Một", code="01001", prov=other)
    f.staff(an, land, is_leader=True, major_field=finance)
    f.staff_many(an, land, 2)
    f.staff(an, finance)
    f.staff_many(binh, land, 2)
    f.staff(binh, land, category=Category.PUBLIC_EMPLOYEE)
    f.staff(an, land, status="retired", end_date=TODAY - timedelta(days=365))
    f.staff_many(hn, land, 2)
    summary.rebuild(TODAY)
    return {"province": prov, "land": land, "an": an, "binh": binh}


def floor(world, size):
    with connection.cursor() as cursor:
        return staff_page(cursor, "66", TODAY, size, category=Category.CIVIL_SERVANT, field_id=world["land"].pk)


def test_floor_hand_computed(world):
    rows, cursor = floor(world, 50)
    # Xã An's three land civil servants, then Xã Bình's two, in (unit, id) order.
    assert [(r["unit_code"], r["field_code"], r["category"]) for r in rows] == [
        ("66001", "land", "civil_servant")
    ] * 3 + [("66002", "land", "civil_servant")] * 2
    assert [(r["is_leader"], r["major_field_code"]) for r in rows[:2]] == [(True, "finance"), (False, None)]
    assert rows[0]["birth_date"] == "1985-05-20"
    assert cursor is None
    first, cursor = floor(world, 2)
    assert [r["id"] for r in first] == [r["id"] for r in rows[:2]] and cursor is not None


@pytest.mark.parametrize("size", [2, 50])
def test_floor_equals_the_api(world, size):
    client = APIClient()
    user = f.user("province_official", prov=world["province"])
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(user)}")
    params = {"province_code": "66", "category": Category.CIVIL_SERVANT, "field": world["land"].pk, "page_size": size}
    body = client.get(reverse("api-report-staff"), params).json()
    rows, cursor = floor(world, size)
    assert rows == body["results"]
    assert (cursor is None) == (body["next"] is None)
    if cursor:
        assert parse_qs(urlsplit(body["next"]).query)["cursor"] == [cursor]


def test_floor_without_filters_equals_the_api(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(f.user('province_official', prov=world['province']))}")
    body = client.get(reverse("api-report-staff"), {"province_code": "66", "page_size": 1000}).json()
    with connection.cursor() as cursor:
        rows, cursor = staff_page(cursor, "66", TODAY, 1000)
    assert len(rows) == 7  # An 4, Bình 3 (the public employee included); not the retired one, not Hà Nội's
    assert rows == body["results"] and cursor is None
