"""Data and helpers shared by the staffing and unit page tests (imported by the test modules)."""

import io
from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import translation

from accounts.models import Role
from communes.models import UnitKind
from staffing.models import Position, PositionGroup
from tests import factories as f


@pytest.fixture(autouse=True)
def english(settings):
    """Messages are asserted in English (the msgids); Vietnamese is added centrally."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@dataclass
class World:
    province: object
    other_province: object
    commune: object
    neighbour: object
    far_commune: object
    department: object
    land: object
    finance: object
    cadastral: object


@pytest.fixture
def world(db):
    """Đắk Lắk with two communes and a department; a commune in another province; two fields."""
    dak_lak = f.province("66", "Tỉnh Đắk Lắk")
    gia_lai = f.province("64", "Tỉnh Gia Lai")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    cadastral = Position.objects.create(
        code="DC-01", name="Chuyên viên địa chính", group=PositionGroup.SPECIALISED, field=land
    )
    return World(
        province=dak_lak,
        other_province=gia_lai,
        commune=f.unit("Xã Đắk Mil", code="24001", prov=dak_lak),
        neighbour=f.unit("Phường Buôn Ma Thuột", code="24002", kind=UnitKind.WARD, prov=dak_lak),
        far_commune=f.unit("Xã Ia Grai", code="23001", prov=gia_lai),
        department=f.department("Sở Tài chính", code="S66-TC", prov=dak_lak),
        land=land,
        finance=finance,
        cadastral=cadastral,
    )


def officer(world, role=Role.COMMUNE_OFFICER):
    """A user of ``role`` whose scope includes ``world.commune`` (when the role has a scope)."""
    if role in (Role.COMMUNE_OFFICER,):
        return f.user(role, unit=world.commune)
    if role == Role.DEPARTMENT_OFFICER:
        return f.user(role, unit=world.department)
    if role in (Role.PROVINCE_OFFICIAL, Role.API_CLIENT):
        return f.user(role, prov=world.province)
    return f.user(role)


def upload(content, name="roster.xlsx"):
    fh = io.BytesIO(content)
    fh.name = name
    return fh


def counts():
    """Rows of every table an import or a form may write, history included."""
    from staffing.models import Absence, Assignment, Quota, Staff

    return {
        "staff": Staff.objects.count(),
        "staff_history": Staff.history.count(),
        "assignments": Assignment.objects.count(),
        "assignment_history": Assignment.history.count(),
        "absences": Absence.objects.count(),
        "absence_history": Absence.history.count(),
        "quotas": Quota.objects.count(),
        "quota_history": Quota.history.count(),
    }


BIRTH = date(1990, 1, 15)
