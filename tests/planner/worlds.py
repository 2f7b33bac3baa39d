"""Small worlds for the planner, built through the real models so the builder reads them.

Đắk Lắk with fields land, finance and culture; commune "Xã Ea Kao" (priority, especially
disadvantaged) short of 2 in land; "Xã Hòa Xuân" short of 1 in land; "Xã Cư Êbur" with 3 culture
staff against a culture quota of 1 (a surplus of 2); department "Sở Nông nghiệp" with four people.
"""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Role
from tests import factories as f
from tests.secondments.builders import fixed_quota, percent_quota

TODAY = timezone.localdate()
START = TODAY + timedelta(days=7)


class World:
    def __init__(self, *, dept_quota=2, percent=None, surplus_majors=("land", None), priority_y=False):
        self.province = f.province("66", "Tỉnh Đắk Lắk")
        self.land = f.field("land", "Đất đai", "Land", sort_order=1)
        self.finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
        self.culture = f.field("culture", "Văn hóa", "Culture", sort_order=3)
        self.x = f.unit("Xã Ea Kao", code="66001", is_disadvantaged=True)
        self.y = f.unit("Xã Hòa Xuân", code="66002")
        self.z = f.unit("Xã Cư Êbur", code="66003")
        f.quota(self.x, self.land, 2)
        f.quota(self.y, self.land, 1)
        f.quota(self.z, self.culture, 1)
        self.dept = f.department("Sở Nông nghiệp", code="S66-NN")
        self.a = f.staff(self.dept, self.land, major_field=self.land, name="Nguyễn Văn An")
        self.b = f.staff(self.dept, self.finance, major_field=self.land, name="Trần Thị Bình")
        self.c = f.staff(self.dept, self.land, major_field=self.finance, name="Lê Văn Cường")
        self.d = f.staff(self.dept, self.finance, major_field=self.finance, name="Phạm Thị Dung")
        majors = {"land": self.land, None: None, "culture": self.culture}
        self.e = f.staff(self.z, self.culture, major_field=majors[surplus_majors[0]], name="Hoàng Văn Em")
        self.g = f.staff(self.z, self.culture, major_field=majors[surplus_majors[1]], name="Vũ Thị Giang")
        self.h = f.staff(self.z, self.culture, major_field=self.culture, name="Đỗ Văn Hùng")
        self.plan = f.plan(
            self.province,
            name="Kế hoạch tăng cường cán bộ đất đai",
            period_start=TODAY - timedelta(days=30),
            period_end=TODAY + timedelta(days=730),
            allowed_kinds=["secondment", "reinforcement", "transfer", "rotation"],
        )
        self.plan.priority_communes.add(self.y if priority_y else self.x)
        if percent is not None:
            self.quota = percent_quota(self.plan, self.dept, *percent)
        elif dept_quota:
            self.quota = fixed_quota(self.plan, self.dept, dept_quota)
        self.official = f.user(Role.PROVINCE_OFFICIAL, prov=self.province)
