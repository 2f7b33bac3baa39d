"""A small province whose report numbers are worked out by hand in the tests.

As of 15/10/2025 (coverage view, commune-level units only):

| commune            | field    | quota | on roll | out | in | effective | gap |
|--------------------|----------|-------|---------|-----|----|-----------|-----|
| Xã An (ĐBKK)       | land     | 5     | 3       |     |    | 3         | −2  |
| Xã An              | culture  | 2     | 5       | 1   |    | 4         | +2  |
| Phường Bình (border)| land    | 4     | 4       |     | 1  | 5         | +1  |
| Phường Bình        | finance  | 3     | 1       |     | 1  | 2         | −1  |
| Xã Cư              | finance  | 2     | 3       |     |    | 3         | +1  |

The department Sở Tài chính (finance quota 10, 10 staff) sends one finance officer to Phường Bình
(01/08–31/12/2025); one culture officer of Xã An works in land at Phường Bình (01/09–01/11/2025,
ends within 30 days). A cancelled movement counts nowhere. One Xã An culture officer was trained
in land (a mismatch). Hà Nội has one commune of its own, outside a Đắk Lắk official's scope.
"""

from datetime import date

from communes.models import UnitKind
from secondments.models import Status
from tests import factories as f

AS_OF = date(2025, 10, 15)


def province_fixture():
    dak_lak = f.province("66", "Tỉnh Đắk Lắk")
    ha_noi = f.province("01", "Thành phố Hà Nội")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    culture = f.field("culture", "Văn hóa", "Culture", sort_order=3)

    an = f.unit("Xã An", code="66001", prov=dak_lak, is_disadvantaged=True)
    binh = f.unit("Phường Bình", code="66002", kind=UnitKind.WARD, prov=dak_lak, is_border=True)
    cu = f.unit("Xã Cư", code="66003", prov=dak_lak)
    dept = f.department("Sở Tài chính", code="66S01", prov=dak_lak)
    hn = f.unit("Xã Hà Nội Một", code="01001", prov=ha_noi)

    f.quota(an, land, 5)
    f.quota(an, culture, 2)
    f.quota(binh, land, 4)
    f.quota(binh, finance, 3)
    f.quota(cu, finance, 2)
    f.quota(dept, finance, 10)
    f.quota(hn, land, 7)

    f.staff_many(an, land, 3)
    an_culture = f.staff_many(an, culture, 4)
    f.staff(an, culture, name="Trần Thị Lệch", major_field=land)
    f.staff_many(binh, land, 4)
    f.staff_many(binh, finance, 1)
    f.staff_many(cu, finance, 3)
    dept_staff = f.staff_many(dept, finance, 10)
    f.staff_many(hn, land, 2)

    f.movement(dept_staff[0], binh, start=date(2025, 8, 1), end=date(2025, 12, 31))
    f.movement(an_culture[0], binh, field=land, start=date(2025, 9, 1), end=date(2025, 11, 1))
    f.movement(an_culture[1], cu, start=date(2025, 9, 1), end=date(2025, 12, 1), status=Status.CANCELLED)
    return {
        "province": dak_lak,
        "other": ha_noi,
        "an": an,
        "binh": binh,
        "cu": cu,
        "dept": dept,
        "hn": hn,
        "land": land,
        "finance": finance,
        "culture": culture,
    }


def double(world, n=1):
    """Add as many communes, staff and movements again as the fixture has, in the same province."""
    for i in range(n * 3):
        c = f.unit(f"Xã Thêm {i}", code=f"669{i:02d}", prov=world["province"])
        f.quota(c, world["land"], 5)
        f.quota(c, world["finance"], 2)
        people = f.staff_many(c, world["land"], 4)
        f.staff(c, world["finance"], major_field=world["land"])
        f.movement(people[0], world["binh"], start=date(2025, 9, 1), end=date(2025, 10, 20))
