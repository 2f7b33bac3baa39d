"""Sending quota arithmetic, by hand (rounding: nearest whole person, halves up; fixed capped)."""

from datetime import date

import pytest

from reports.plans import plan_progress
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def test_five_percent_of_143_staff_is_7():
    plan = f.plan()
    dept = f.department("Sở Xây dựng")
    fld = f.field("construction")
    f.staff_many(dept, fld, 143)
    quota = b.percent_quota(plan, dept, 5)
    # 5% × 143 = 7.15 → 7 (nearest whole person)
    assert quota.required_range(143) == (7, 7)
    row = plan_progress(plan=plan, as_of=date(2025, 8, 1)).departments[0]
    assert (row.active_staff, row.required_min, row.required_max) == (143, 7, 7)


def test_five_to_seven_percent_of_40_is_2_to_3():
    plan = f.plan()
    dept = f.department("Sở Y tế")
    quota = b.percent_quota(plan, dept, 5, 7)
    # 5% × 40 = 2.0 → 2; 7% × 40 = 2.8 → 3
    assert quota.required_range(40) == (2, 3)


def test_fixed_10_from_a_department_of_8_is_8():
    plan = f.plan()
    dept = f.department("Sở Tư pháp")
    fld = f.field("justice")
    f.staff_many(dept, fld, 8)
    quota = b.fixed_quota(plan, dept, 10)
    # a department cannot send more people than it has: min(10, 8) = 8
    assert quota.required_range(8) == (8, 8)
    row = plan_progress(plan=plan, as_of=date(2025, 8, 1)).departments[0]
    assert (row.active_staff, row.required_min, row.required_max) == (8, 8, 8)


@pytest.mark.parametrize(
    ("low", "high", "staff", "expected"),
    [
        (5, 5, 10, (1, 1)),  # 0.5 → 1: halves go up
        (5, 5, 9, (0, 0)),  # 0.45 → 0
        (2.5, 3.5, 20, (1, 1)),  # 0.5 → 1, 0.7 → 1
        (10, 10, 0, (0, 0)),
    ],
)
def test_percent_rounding_edges(low, high, staff, expected):
    quota = b.percent_quota(f.plan(), f.department(), low, high)
    assert quota.required_range(staff) == expected
