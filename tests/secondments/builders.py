"""Builders for plan and movement tests, on top of tests/factories.py."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from secondments.models import QuotaRule, SendingQuota, StaffRequest
from tests import factories as f


def fixed_quota(plan, unit, count):
    return SendingQuota.objects.create(plan=plan, unit=unit, rule=QuotaRule.FIXED, count=count)


def percent_quota(plan, unit, low, high=None):
    return SendingQuota.objects.create(
        plan=plan,
        unit=unit,
        rule=QuotaRule.PERCENT,
        min_percent=Decimal(str(low)),
        max_percent=Decimal(str(high if high is not None else low)),
    )


def staff_request(commune, fld, count, *, plan=None, **extra):
    return StaffRequest.objects.create(commune=commune, field=fld, count=count, plan=plan, **extra)


class World:
    """A province with a department, two communes, two fields and one person of each kind of user.

    Department "Sở Tài chính" has 3 finance staff; "Xã Hòa Phú" is short of finance (quota 2, 0
    staff); "Xã Ea Tu" is another commune of the same province. A second province holds
    "Xã Khác" and its own department, for out-of-scope checks.
    """

    def __init__(self):
        self.province = f.province()
        self.finance = f.field("finance", "Tài chính", "Finance")
        self.land = f.field("land", "Đất đai", "Land")
        self.dept = f.department("Sở Tài chính")
        self.commune = f.unit("Xã Hòa Phú")
        self.other_commune = f.unit("Xã Ea Tu")
        f.quota(self.commune, self.finance, 2)
        self.people = [
            f.staff(self.dept, self.finance, name=name) for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường")
        ]
        # The plan runs from the reform until two years from today, so movements running now fit it.
        self.plan = f.plan(
            self.province,
            decision_number="12/KH-UBND",
            decision_date=date(2025, 6, 20),
            period_end=timezone.localdate() + timedelta(days=730),
        )
        self.far_province = f.province("48", "Thành phố Đà Nẵng")
        self.far_dept = f.department("Sở Nội vụ Đà Nẵng", prov=self.far_province)
        self.far_commune = f.unit("Xã Khác", prov=self.far_province)
        self.far_person = f.staff(self.far_dept, self.finance, name="Phạm Văn Xa")
