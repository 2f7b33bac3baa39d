"""``headcount_totals`` (database-side totals) agrees with ``summarize_by(headcount_rows(...))``."""

from datetime import date

import pytest

from communes.models import Unit
from headcount.rules import View, summarize_by
from headcount.selectors import headcount_rows, headcount_totals
from secondments.models import Kind, Secondment, Status
from secondments.services import advance_movements
from tests import factories as f
from tests.reports.builders import AS_OF, province_fixture

pytestmark = pytest.mark.django_db


def as_dict(t):
    return {
        "quota": t.quota,
        "on_roll": t.on_roll,
        "seconded_in": t.seconded_in,
        "seconded_out": t.seconded_out,
        "absent": t.absent,
        "gross_shortage": t.gross_shortage,
        "gross_surplus": t.gross_surplus,
        **t.headline.as_dict(),
    }


@pytest.fixture
def world():
    w = province_fixture()
    # Two transfers to Cư, applied by the hourly run: one from An on 01/10 (before the report date
    # 15/10), one from Bình on 01/11 (after it).
    f.movement(f.staff(w["an"], w["land"]), w["cu"], kind=Kind.TRANSFER, start=date(2025, 10, 1))
    f.movement(f.staff(w["binh"], w["land"]), w["cu"], kind=Kind.TRANSFER, start=date(2025, 11, 1))
    advance_movements(today=date(2025, 11, 1))
    assert Secondment.objects.filter(kind=Kind.TRANSFER, status=Status.COMPLETED).count() == 2
    f.quota(w["hn"], w["culture"], 2)
    return w


@pytest.mark.parametrize("view", [View.COVERAGE, View.ESTABLISHMENT])
@pytest.mark.parametrize("group_by", ["province_id", "id"])
def test_totals_match_python_summaries(world, view, group_by, django_assert_num_queries):
    units = Unit.objects.communes()
    rows = headcount_rows(units=units, as_of=AS_OF, view=view)
    unit_group = dict(units.values_list("id", group_by))
    expected = {k: as_dict(v) for k, v in summarize_by(rows, lambda r: unit_group[r.unit_id], view=view).items()}
    with django_assert_num_queries(1):
        got = headcount_totals(units=units, as_of=AS_OF, view=view, group_by=group_by)
    assert got == expected


def test_field_filter_and_hand_computed_province(world):
    units = Unit.objects.communes()
    got = headcount_totals(units=units, as_of=AS_OF, group_by="province_id", field_id=world["land"].pk)
    # Land in Đắk Lắk on 15/10: An quota 5, 3 + 1 staff, the one transferred to Cư from 01/10 gone → 3,
    # short 2; Bình quota 4, 4 on roll + the person transferred to Cư only on 01/11 = 5, 1 seconded in
    # → 6, surplus 2; Cư no land quota, 1 transferred in → surplus 1, the later one not yet.
    assert got[world["province"].pk] == {
        "quota": 9,
        "on_roll": 3 + 5 + 1,
        "seconded_in": 1,
        "seconded_out": 0,
        "absent": 0,
        "gross_shortage": 2,
        "gross_surplus": 2 + 1,
        # In land alone each commune's total is its land figure: An 3/5, Bình 6/4, Cư 1/0.
        "units_net_short": 1,
        "net_shortage": 2,
        "units_net_surplus": 2,
        "net_surplus": 2 + 1,
        "units_short_in_a_field": 1,
        "units_surplus_in_a_field": 2,
    }
