"""The benchmark's independent national query gives the page's 13 figures for every province."""

from datetime import date

import pytest
from django.db import connection

from accounts.models import Role
from bench.national_floor import FIGURES, national_floor
from headcount.rules import View
from reports.selectors import national_summary
from secondments.models import Kind
from secondments.services import advance_movements
from staffing.models import Absence, Category
from tests import factories as f
from tests.reports.builders import AS_OF, province_fixture

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the floor query is PostgreSQL SQL"),
]


@pytest.fixture
def world():
    w = province_fixture()
    # Transfers to Cư before and after the report date, applied by the hourly run.
    f.movement(f.staff(w["an"], w["land"]), w["cu"], kind=Kind.TRANSFER, start=date(2025, 10, 1))
    f.movement(f.staff(w["binh"], w["land"]), w["cu"], kind=Kind.TRANSFER, start=date(2025, 11, 1))
    advance_movements(today=date(2025, 11, 1))
    # A later quota replaces an earlier one from 01/10; another takes effect after the report date.
    f.quota(w["an"], w["land"], 7, effective_from=date(2025, 10, 1))
    f.quota(w["cu"], w["finance"], 9, effective_from=date(2025, 12, 1))
    f.quota(w["cu"], w["finance"], 1, category=Category.PUBLIC_EMPLOYEE)
    # Absent at home, absent while seconded in (counts at Bình), an absence already over.
    home = f.staff(w["cu"], w["finance"], major_field=w["land"])
    Absence.objects.create(person=home, kind="maternity", start_date=date(2025, 9, 1))
    seconded = f.staff(w["an"], w["culture"])
    f.movement(seconded, w["binh"], field=w["finance"], start=date(2025, 10, 1), end=date(2025, 10, 20))
    Absence.objects.create(person=seconded, kind="study", start_date=date(2025, 10, 10), end_date=date(2025, 10, 16))
    Absence.objects.create(
        person=f.staff(w["binh"], w["land"]), kind="sick_leave", start_date=date(2025, 1, 1), end_date=date(2025, 3, 1)
    )
    # Somebody who left before the report date, and a movement between two provinces.
    f.staff(w["cu"], w["land"], status="left", end_date=date(2025, 9, 30), start_date=date(2020, 1, 1))
    f.movement(f.staff(w["hn"], w["land"]), w["an"], field=w["land"], start=date(2025, 9, 1), end=date(2026, 3, 1))
    return w


def page_figures(as_of, view):
    viewer = f.user(Role.NATIONAL_VIEWER)
    summary = national_summary(viewer, as_of=as_of, view=view)
    return {r.province_id: {k: getattr(r.kpis, k) for k in FIGURES} for r in summary["rows"]}


@pytest.mark.parametrize("view", [View.COVERAGE, View.ESTABLISHMENT])
@pytest.mark.parametrize("as_of", [AS_OF, date(2025, 8, 15), date(2025, 11, 15)])
def test_floor_equals_the_page(world, as_of, view):
    expected = page_figures(as_of, view)
    with connection.cursor() as cursor:
        got = national_floor(cursor, as_of, view)
    assert got == expected


def test_floor_hand_computed_dak_lak(world):
    with connection.cursor() as cursor:
        got = national_floor(cursor, AS_OF, View.COVERAGE)[world["province"].pk]
    # Quotas on 15/10: An land 7 (replaced 5) + culture 2, Bình 4 + 3, Cư finance 2 + 1 public
    # employee (the 9 is later) = 19. On the roll: the fixture's 16 + An's transferee (now in Cư)
    # + Bình's transferee (still in Bình) + the mother in Cư + the person seconded to Bình + the
    # person whose sick leave is over = 21; the one who left does not count.
    assert got["quota"] == 19
    assert got["on_roll"] == 21
    # Out: An culture → Bình land, An culture → Bình finance. In: those two, the department's
    # officer, and Hà Nội's officer in An.
    assert got["seconded_out"] == 2
    assert got["seconded_in"] == 4
    # Absent: the mother in Cư and the seconded student (at Bình); the sick leave is over.
    assert got["absent"] == 2
    assert got["communes"] == 3
    # Mismatches: the fixture's culture officer trained in land, the finance officer in Cư.
    assert got["mismatches"] == 2
    # Movements in effect touching Đắk Lắk communes: 2 from An, the department's, Hà Nội's = 4;
    # ending by 14/11: An → Bình land (01/11) and An → Bình finance (20/10).
    assert got["active_movements"] == 4
    assert got["ending_soon"] == 2
