"""Who sees what: for_user on every scoped model, and who may write."""

import pytest

from accounts.models import Role, User
from accounts.scoping import can_edit, can_write, for_user
from communes.models import Province, Unit, UnitKind
from secondments.models import Plan, Secondment
from staffing.models import Quota, Staff
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    p66, p01 = f.province("66", "Tỉnh Đắk Lắk"), f.province("01", "Thành phố Hà Nội")
    land = f.field("land")
    a = f.unit("Xã A", prov=p66)
    b = f.unit("Xã B", prov=p66)
    dept = f.department("Sở Nội vụ", prov=p66)
    psu = f.unit("Trung tâm Lưu trữ", kind=UnitKind.PUBLIC_SERVICE_UNIT, prov=p66, parent=dept)
    hn = f.unit("Phường Ba Đình", kind=UnitKind.WARD, prov=p01)
    staff = {u.name: f.staff(u, land) for u in (a, b, dept, psu, hn)}
    quotas = {u.name: f.quota(u, land, 3) for u in (a, b, dept, psu, hn)}
    moved = f.movement(staff["Sở Nội vụ"], a)  # department -> commune A
    return {
        "p66": p66, "p01": p01, "a": a, "b": b, "dept": dept, "psu": psu, "hn": hn,
        "staff": staff, "quotas": quotas, "moved": moved, "plan66": f.plan(p66), "plan01": f.plan(p01),
    }  # fmt: skip


def names(qs):
    return sorted(str(x) for x in qs)


def test_commune_officer_sees_only_their_commune(world):
    user = f.user(Role.COMMUNE_OFFICER, unit=world["a"])
    assert names(for_user(Unit.objects.all(), user)) == ["Xã A"]
    assert [f.placement(s).unit.name for s in for_user(Staff.objects.all(), user)] == ["Xã A"]
    assert [q.unit.name for q in for_user(Quota.objects.all(), user)] == ["Xã A"]
    # the movement coming into the commune is visible to it
    assert list(for_user(Secondment.objects.all(), user)) == [world["moved"]]
    assert list(for_user(Province.objects.all(), user)) == [world["p66"]]
    assert list(for_user(Plan.objects.all(), user)) == [world["plan66"]]


def test_commune_officer_cannot_read_or_change_another_commune(world):
    user = f.user(Role.COMMUNE_OFFICER, unit=world["a"])
    other_staff = world["staff"]["Xã B"]
    assert not for_user(Staff.objects.filter(pk=other_staff.pk), user).exists()
    assert not can_edit(user, other_staff)
    assert not can_edit(user, world["quotas"]["Xã B"])
    assert can_edit(user, world["staff"]["Xã A"])
    assert can_edit(user, world["quotas"]["Xã A"])


def test_department_officer_sees_department_and_its_public_service_units(world):
    user = f.user(Role.DEPARTMENT_OFFICER, unit=world["dept"])
    assert names(for_user(Unit.objects.all(), user)) == ["Sở Nội vụ", "Trung tâm Lưu trữ"]
    units = sorted(f.placement(s).unit.name for s in for_user(Staff.objects.all(), user))
    assert units == ["Sở Nội vụ", "Trung tâm Lưu trữ"]
    assert list(for_user(Secondment.objects.all(), user)) == [world["moved"]]


def test_province_official_sees_their_province_only(world):
    user = f.user(Role.PROVINCE_OFFICIAL, prov=world["p66"])
    assert for_user(Unit.objects.all(), user).count() == 4
    assert for_user(Staff.objects.all(), user).count() == 4
    assert not for_user(Staff.objects.filter(assignments__unit=world["hn"]), user).exists()
    assert list(for_user(Plan.objects.all(), user)) == [world["plan66"]]
    assert can_edit(user, world["staff"]["Xã B"])
    assert not can_edit(user, world["staff"]["Phường Ba Đình"])


def test_national_viewer_sees_everything_and_writes_nothing(world):
    user = f.user(Role.NATIONAL_VIEWER)
    assert for_user(Staff.objects.all(), user).count() == 5
    assert not can_write(user)
    assert not can_edit(user, world["staff"]["Xã A"])


def test_api_client_reads_its_province_or_everything(world):
    scoped = f.user(Role.API_CLIENT, prov=world["p01"])
    national = f.user(Role.API_CLIENT)
    assert [f.placement(s).unit.name for s in for_user(Staff.objects.all(), scoped)] == ["Phường Ba Đình"]
    assert for_user(Staff.objects.all(), national).count() == 5
    assert not can_write(scoped)


def test_inactive_or_anonymous_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    inactive = f.user(Role.PROVINCE_OFFICIAL, prov=world["p66"], is_active=False)
    assert not for_user(Staff.objects.all(), inactive).exists()
    assert not for_user(Staff.objects.all(), AnonymousUser()).exists()


def test_unit_roles_need_a_unit():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="x", role=Role.COMMUNE_OFFICER)
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="y", role=Role.PROVINCE_OFFICIAL)
