"""The benchmark's independent export floor (bench/export_floor.py) gives the staff export's rows."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone, translation

from bench.export_floor import export_rows
from headcount import summary
from reports.exports import StaffListExporter, staff_list
from staffing.models import Category, Position
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    """Two provinces' people placed today, one with a post and a trained field, one public
    employee, one who left last year (not listed)."""
    prov = f.province("66", "Tỉnh Đắk Lắk")
    other = f.province("01", "Thành phố Hà Nội")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    an = f.unit("Xã An", code="66001", prov=prov)
    hn = f.unit("Xã Hà Nội Một", code="01001", prov=other)
    chair = Position.objects.create(code="LD01", name="Chủ tịch UBND", group="leadership", field=finance)
    f.staff(an, finance, name="Phạm Văn Dũng", position=chair, major_field=land)
    f.staff(an, land, name="Nguyễn Thị An", gender="female", category=Category.PUBLIC_EMPLOYEE)
    f.staff(hn, land, name="Trần Văn Bình", qualification="master")
    f.staff(an, land, name="Hoàng Văn Hà", status="retired", end_date=TODAY - timedelta(days=365))
    summary.rebuild(TODAY)
    return {"viewer": f.user("national_viewer", personal_data_access=True)}


def cells(rows):
    return [tuple(v.isoformat() if isinstance(v, date) else v for v in r) for r in rows]


def test_floor_hand_computed(world):
    with connection.cursor() as cursor:
        rows = export_rows(cursor, TODAY)
    # Vietnamese list order: given name first (An, Bình, Dũng).
    assert [(r[1], r[2], r[4], r[5], r[6], r[7], r[8], r[9]) for r in rows] == [
        ("Nguyễn Thị An", "Nữ", "Viên chức", "Xã An", None, "Đất đai", None, "Đại học"),
        ("Trần Văn Bình", "Nam", "Công chức", "Xã Hà Nội Một", None, "Đất đai", None, "Thạc sĩ"),
        ("Phạm Văn Dũng", "Nam", "Công chức", "Xã An", "Chủ tịch UBND", "Tài chính", "Đất đai", "Đại học"),
    ]
    assert cells(rows)[0][3] == "1985-05-20"


def test_floor_equals_the_export(world):
    with connection.cursor() as cursor:
        floor = export_rows(cursor, TODAY)
    with translation.override("vi"):  # the floor writes the Vietnamese labels
        exported = list(StaffListExporter(staff_list(world["viewer"], QueryDict(""))).rows())
    assert cells(floor) == cells(exported)


def test_floor_lists_nobody_while_the_summary_does_not_hold_today(world):
    summary.rebuild(TODAY - timedelta(days=1))
    with connection.cursor() as cursor:
        assert export_rows(cursor, TODAY) == []
