"""The benchmark's independent dashboard floor (bench/dashboard_floor.py) gives the page's numbers."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone, translation

from bench.dashboard_floor import dashboard_figures, render
from communes.models import UnitKind
from headcount import summary
from headcount.rules import View
from reports.selectors import Filters, province_dashboard
from secondments.models import Status
from staffing.models import Absence, Category, Field, ProvinceQuota
from staffing.selectors import quota_pool
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    """Today, coverage view (hand-worked below):

    | commune        | field   | quota | on roll | out | in | absent | working | gap |
    |----------------|---------|-------|---------|-----|----|--------|---------|-----|
    | Xã An          | land    | 7     | 3       |     |    |        | 3       | −4  |
    | Xã An          | culture | 2     | 5       | 1   |    |        | 4       | +2  |
    | Phường Bình    | land    | 4     | 4       |     | 1  |        | 5       | +1  |
    | Phường Bình    | finance | 3     | 1       |     | 1  |        | 2       | −1  |
    | Xã Cư          | finance | 2 + 1 | 3       |     |    | 1      | 2       | −1  |
    """
    prov = f.province("66", "Tỉnh Đắk Lắk")
    other = f.province("01", "Thành phố Hà Nội")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    culture = f.field("culture", "Văn hóa", "Culture", sort_order=3)
    an = f.unit("Xã An", code="66001", prov=prov, is_disadvantaged=True)
    binh = f.unit("Phường Bình", code="66002", kind=UnitKind.WARD, prov=prov, is_border=True)
    cu = f.unit("Xã Cư", code="66003", prov=prov)
    f.unit("Xã Trống", code="66004", prov=prov, is_active=False)
    dept = f.department("Sở Tài chính", code="66S01", prov=prov)
    hn = f.unit("Xã Hà Nội Một", code="01001", prov=other)

    f.quota(an, land, 5)
    later = TODAY - timedelta(days=30)
    f.quota(an, land, 7, effective_from=later, decision_date=later)  # replaces the 5
    f.quota(an, culture, 2)
    f.quota(binh, land, 4)
    f.quota(binh, finance, 3)
    f.quota(cu, finance, 2)
    f.quota(cu, finance, 1, category=Category.PUBLIC_EMPLOYEE)
    f.quota(cu, finance, 9, effective_from=TODAY + timedelta(days=30), decision_date=TODAY)  # not yet
    f.quota(dept, finance, 10)
    f.quota(hn, land, 7)
    for count, start in ((40, TODAY - timedelta(days=400)), (45, TODAY - timedelta(days=10))):
        ProvinceQuota.objects.create(
            province=prov,
            category=Category.CIVIL_SERVANT,
            count=count,
            decision_number=f"{count}/QĐ",
            decision_date=start,
            effective_from=start,
        )

    f.staff_many(an, land, 3)
    an_culture = f.staff_many(an, culture, 4)
    f.staff(an, culture, name="Trần Thị Lệch", major_field=land)
    f.staff_many(binh, land, 4)
    f.staff_many(binh, finance, 1)
    mother, *_ = f.staff_many(cu, finance, 3)
    dept_staff = f.staff_many(dept, finance, 10)
    f.staff_many(hn, land, 2)
    Absence.objects.create(person=mother, kind="maternity", start_date=TODAY - timedelta(days=10))

    f.movement(dept_staff[0], binh, start=TODAY - timedelta(days=40), end=TODAY + timedelta(days=40))
    f.movement(an_culture[0], binh, field=land, start=TODAY - timedelta(days=20), end=TODAY + timedelta(days=10))
    f.movement(
        an_culture[1], cu, start=TODAY - timedelta(days=20), end=TODAY + timedelta(days=20), status=Status.CANCELLED
    )
    summary.rebuild(TODAY)
    return {"province": prov, "an": an, "binh": binh, "cu": cu}


def floor(province):
    with connection.cursor() as cursor:
        return dashboard_figures(cursor, province.pk, TODAY)


def test_floor_hand_computed(world):
    fig = floor(world["province"])
    assert fig["kpis"] == {
        "communes": 3,  # the inactive commune and the department do not count
        "communes_net_short": 2,  # An −2, Cư −1; Bình is even
        "net_shortage": 3,
        "communes_net_surplus": 0,
        "net_surplus": 0,
        "communes_short_in_a_field": 3,
        "communes_surplus_in_a_field": 2,
        "quota": 19,
        "on_roll": 16,
        "seconded_in": 2,
        "seconded_out": 1,
        "absent": 1,
        "effective": 16,
        "net": -3,
        "gross_shortage": 6,
        "gross_surplus": 3,
        "active_movements": 2,  # the cancelled one is not in effect
        "ending_soon": 1,
        "mismatches": fig["kpis"]["mismatches"],
    }
    # The culture officer of Xã An trained in land.
    assert fig["kpis"]["mismatches"] >= 1
    assert [(c["code"], c["quota"], c["effective"], c["net"], c["short"], c["over"]) for c in fig["communes"]] == [
        ("66001", 9, 7, -2, 4, 2),
        ("66002", 7, 7, 0, 1, 1),
        ("66003", 3, 2, -1, 1, 0),
    ]
    assert [(r["name"], r["quota"], r["headcount"], r["short"], r["over"]) for r in fig["by_field"]] == [
        ("Đất đai", 11, 8, 4, 1),
        ("Tài chính", 6, 4, 2, 0),
        ("Văn hóa", 2, 4, 0, 2),
    ]
    # Pool: the later decision (45); allocated over every unit of the province, department included.
    assert [(key, pool, held) for key, _label, pool, held in fig["pool"]] == [
        ("civil_servant", 45, 28),
        ("public_employee", None, 1),
    ]
    page = render("Tỉnh Đắk Lắk", TODAY, fig)
    assert page.count('<tr data-unit="') == 3
    assert 'data-kpi="gross_shortage">6<' in page


def test_floor_equals_the_page(world):
    prov = world["province"]
    fig = floor(prov)
    with translation.override("vi"):  # the floor writes the Vietnamese names
        page = province_dashboard(prov, as_of=TODAY, detail=False)  # as the page reads it
    kpis = page.kpis.as_dict()
    assert fig["kpis"] == {k: kpis[k] for k in fig["kpis"]}
    assert [
        (c["code"], c["quota"], c["on_roll"], c["seconded_in"], c["seconded_out"], c["absent"])
        + (c["effective"], c["net"], c["short"], c["over"], c["mismatches"])
        for c in fig["communes"]
    ] == [
        (c.code, c.quota, c.on_roll, c.seconded_in, c.seconded_out, c.absent)
        + (c.effective, c.net, c.shortage, c.surplus, c.mismatches)
        for c in page.communes
    ]
    assert [(r["name"], r["quota"], r["headcount"], r["short"], r["over"], r["net"]) for r in fig["by_field"]] == [
        (r.name, r.quota, r.headcount, r.shortage, r.surplus, r.net) for r in page.by_field
    ]
    assert [c["code"] for c in fig["top"]] == [c.code for c in page.top_shortage]
    assert [(key, pool, held) for key, _label, pool, held in fig["pool"]] == [
        (r.category, r.pool, r.allocated) for r in quota_pool(prov.pk, TODAY)
    ]


def test_floor_refuses_a_stale_summary(world):
    summary.rebuild(TODAY - timedelta(days=1))
    assert floor(world["province"]) is None


@pytest.mark.parametrize("view", [View.COVERAGE, View.ESTABLISHMENT])
@pytest.mark.parametrize(
    "filters",
    [Filters(), Filters(kind=UnitKind.WARD), Filters(only="short", sort="name"), Filters(disadvantaged=True)],
    ids=["all", "wards", "short", "disadvantaged"],
)
def test_page_sums_equal_the_detailed_rows(world, view, filters):
    """The page reads today's figures added up by the database; the export adds up the rows itself."""
    detailed = province_dashboard(world["province"], as_of=TODAY, view=view, filters=filters)
    summed = province_dashboard(world["province"], as_of=TODAY, view=view, filters=filters, detail=False)
    for c in detailed.communes + detailed.top_shortage:
        c.by_field = {}
    assert summed.kpis == detailed.kpis
    assert summed.by_field == detailed.by_field
    assert summed.communes == detailed.communes
    assert summed.top_shortage == detailed.top_shortage


def test_page_sums_by_field(world):
    land = Field.objects.get(code="land")
    summed = province_dashboard(world["province"], as_of=TODAY, filters=Filters(field_id=land.pk), detail=False)
    # Land only: An 7 quota, 3 working (short 4); Bình 4 quota, 5 working (over 1).
    assert [(c.code, c.quota, c.headcount, c.shortage, c.surplus) for c in summed.communes] == [
        ("66001", 7, 3, 4, 0),
        ("66002", 4, 5, 0, 1),
        ("66003", 0, 0, 0, 0),
    ]
    assert (summed.kpis.gross_shortage, summed.kpis.gross_surplus, summed.kpis.net) == (4, 1, -3)
