"""``headcount_totals`` (database-side totals) agrees with ``summarize_by(headcount_rows(...))``."""

from datetime import date

import pytest

from communes.models import Unit
from headcount.rules import View, summarize_by
from headcount.selectors import headcount_rows, headcount_totals, mismatch_queryset
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


@pytest.mark.parametrize("field", [None, "culture"])
def test_mismatches_counted_in_the_same_query_as_the_totals(world, field, django_assert_num_queries):
    """``mismatches=True`` adds, per group, the people on the roll trained in another field (the
    page's former separate query), without changing the other totals; one query."""
    units = Unit.objects.communes()
    field_id = world[field].pk if field else None
    # Two more land officers at An: one trained in culture (a mismatch), one in land (not).
    f.staff(world["an"], world["land"], major_field=world["culture"])
    f.staff(world["an"], world["land"], major_field=world["land"])
    plain = headcount_totals(units=units, as_of=AS_OF, group_by="province_id", field_id=field_id)
    mismatched = mismatch_queryset(units, AS_OF)
    if field_id:
        mismatched = mismatched.filter(field_id=field_id)
    expected = {}
    for a in mismatched.select_related("unit"):
        expected[a.unit.province_id] = expected.get(a.unit.province_id, 0) + 1
    with django_assert_num_queries(1):
        got = headcount_totals(units=units, as_of=AS_OF, group_by="province_id", field_id=field_id, mismatches=True)
    # Đắk Lắk: the Xã An culture officer trained in land (builders.py), and the land officer
    # trained in culture added here; in culture alone, the first.
    assert expected == {world["province"].pk: 1 if field else 2}
    counts = {p: t.pop("mismatches") for p, t in got.items()}
    assert {p: n for p, n in counts.items() if n} == expected
    assert got == plain
