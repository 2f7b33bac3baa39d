"""seed_demo: a deterministic, realistic province whose data obey the model rules."""

from collections import defaultdict
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone, translation

from accounts.models import Role
from communes.models import Province, Unit, UnitKind
from communes.services import official_divisions, units_load_official
from core.text import vietnamese_name_sort_key
from headcount.rules import View, summarize_by
from headcount.selectors import headcount_rows
from secondments.models import DECIDED_STATUSES, TEMPORARY_KINDS, Kind, Plan, Secondment, SendingQuota, Status
from staffing.models import Absence, Assignment, Field, Position, Quota, Staff, StaffStatus
from tests import factories as f

pytestmark = pytest.mark.django_db


def load(*codes, communes=None):
    """Load the real units of the given provinces (optionally only the first ``communes`` of each)."""
    divisions = [dict(d) for d in official_divisions() if d["code"] in codes]
    if communes:
        for d in divisions:
            d["wards"] = d["wards"][:communes]
    units_load_official(divisions)


def seed(province="66", seed="1"):
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", "--province", province, "--seed", seed, stdout=out)
    return out.getvalue()


def snapshot():
    staff = list(
        Staff.objects.order_by("staff_code").values_list(
            "staff_code", "full_name", "gender", "birth_date", "major_field__code", "status", "end_date"
        )
    )
    placements = list(
        Assignment.objects.order_by("person__staff_code", "valid_from").values_list(
            "person__staff_code",
            "unit__code",
            "field__code",
            "position__code",
            "category",
            "is_leader",
            "valid_from",
            "valid_to",
            "change",
        )
    )
    absences = list(
        Absence.objects.order_by("person__staff_code", "start_date").values_list(
            "person__staff_code", "kind", "start_date", "end_date"
        )
    )
    quotas = list(
        Quota.objects.order_by("unit__code", "field__code", "category", "effective_from").values_list(
            "unit__code", "field__code", "category", "count", "decision_number", "effective_from"
        )
    )
    movements = list(
        Secondment.objects.order_by("person__staff_code", "start_date").values_list(
            "kind",
            "person__staff_code",
            "from_unit__code",
            "to_unit__code",
            "field__code",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "status",
            "decision_number",
            "decision_date",
        )
    )
    return staff, quotas, movements, placements, absences


def test_dak_lak_has_its_real_communes_a_realistic_roster_and_uneven_staffing():
    load(66)
    output = seed()
    province = Province.objects.get(code="66")
    units = Unit.objects.filter(province=province)
    assert units.communes().count() == 102
    assert units.filter(kind=UnitKind.DEPARTMENT).count() == 20
    assert units.filter(kind=UnitKind.PUBLIC_SERVICE_UNIT).count() == 6
    assert units.get(code="66.SNV").name == "Sở Nội vụ"
    assert units.get(code="66.VPDKDD").parent.code == "66.SNNMT"
    assert units.filter(is_disadvantaged=True).exists() and units.filter(is_border=True).exists()
    assert Field.objects.count() == 21 and Field.objects.filter(is_specialised=True).count() == 12
    today = timezone.localdate()
    staff = Staff.objects.filter(pk__in=Assignment.objects.filter(unit__province=province).values("person_id"))
    # The bulk writes fill the name's sort key as save() does.
    assert not staff.filter(sort_key="").exists()
    someone = staff.first()
    assert someone.sort_key == vietnamese_name_sort_key(someone.full_name)
    assert 5000 <= staff.count() <= 10000
    placed = Staff.objects.with_placement(today).filter(placed__unit__province=province)
    assert placed.filter(placed__unit__kind=UnitKind.DEPARTMENT).count() > 1000
    people = list(placed.values_list("full_name", "placed_field", "major_field_id", "placed_is_leader", "search_text"))
    mismatch_share = sum(1 for p in people if p[1] != p[2]) / len(people)
    assert 0.08 <= mismatch_share <= 0.2
    assert 0.05 <= sum(1 for p in people if p[3]) / len(people) <= 0.25
    assert any(p[0].startswith("Nguyễn ") for p in people)
    assert any(p[0].startswith("H'") for p in people) and any(p[0].startswith("Y ") for p in people)
    assert all(p[4] and p[4].isascii() for p in people)
    assert Quota.objects.filter(unit__province=province, decision_number__endswith="/QĐ-UBND").count() == (
        Quota.objects.filter(unit__province=province).count()
    )
    plan = Plan.objects.get(province=province)
    assert plan.name == "Kế hoạch tăng cường công chức về cấp xã năm 2025"
    assert SendingQuota.objects.filter(plan=plan).count() == 20
    assert 300 <= Secondment.objects.filter(plan=plan).count() <= Secondment.objects.count() <= 900
    assert output.startswith("Tỉnh Đắk Lắk: 102 communes, 26 departments and public service units, ")

    # Some communes lack people in specialised fields, others have a surplus, some both at once.
    communes = units.communes()
    specialised = set(Field.objects.filter(is_specialised=True).values_list("pk", flat=True))
    for view in (View.ESTABLISHMENT, View.COVERAGE):
        rows = headcount_rows(units=communes, as_of=timezone.localdate(), view=view)
        assert any(r.shortage and r.field_id in specialised for r in rows)
        per_unit = summarize_by(rows, lambda r: r.unit_id)
        short = {u for u, t in per_unit.items() if t.gross_shortage}
        surplus = {u for u, t in per_unit.items() if t.gross_surplus}
        assert len(short) > 40 and len(surplus) > 20
        assert len(short & surplus) > 10  # e.g. +3 in culture and −2 in land
        assert len(short - surplus) > 10 and len(surplus - short) > 0


def test_same_seed_gives_the_same_data_and_a_rerun_replaces_it():
    load(66, communes=12)
    seed(seed="7")
    first = snapshot()
    department = Unit.objects.get(code="66.SNV")
    officer = f.user(Role.DEPARTMENT_OFFICER, unit=department)  # users keep their unit across re-runs
    seed(seed="8")
    assert snapshot()[0] != first[0]
    seed(seed="7")
    again = snapshot()
    assert again == first
    assert len(first[0]) > 500 and len(first[2]) > 20
    assert Unit.objects.get(code="66.SNV").pk == department.pk == officer.unit_id
    assert Unit.objects.filter(province__code="66").provincial().count() == 26
    assert Plan.objects.count() == 1


def test_movements_obey_the_model_rules():
    load(66, communes=20)
    seed(seed="3")
    today = timezone.localdate()
    movements = list(Secondment.objects.select_related("person", "plan", "assignment"))
    assert {m.status for m in movements} == set(Status.values)
    assert {m.kind for m in movements} == set(Kind.values)
    periods = defaultdict(list)
    for m in movements:
        assert m.start_date > m.person.start_date
        if m.status in DECIDED_STATUSES:
            assert m.decision_number and m.decision_date and m.decision_date <= today, m.pk
        if m.kind in TEMPORARY_KINDS:
            assert m.planned_end_date is not None
            if m.status != Status.CANCELLED:
                periods[m.person_id].append((m.start_date, m.end_date))
        if m.kind == Kind.TRANSFER and m.status in (Status.COMPLETED, Status.APPROVED):
            # Applied (an approved one ahead, as approval does): the placement it opened starts that
            # day at the receiving unit, in its field.
            opened = m.assignment
            assert (opened.unit_id, opened.field_id, opened.valid_from, opened.change) == (
                m.to_unit_id,
                m.field_id,
                m.start_date,
                "transfer",
            )
            assert f.placement(m.person, m.start_date - timedelta(days=1)).unit_id == m.from_unit_id
            assert (m.start_date < today) if m.status == Status.COMPLETED else (m.start_date > today)
        else:
            # The sender is the person's home unit on the start date.
            assert m.from_unit_id == f.placement(m.person, max(m.start_date, m.person.start_date)).unit_id
        if m.status == Status.COMPLETED and m.kind != Kind.TRANSFER:
            assert m.actual_end_date < today
        if m.status == Status.APPROVED:
            assert m.start_date > today
        if m.status == Status.ACTIVE:
            assert m.start_date <= today and m.kind != Kind.TRANSFER
        if m.plan:
            assert m.plan.period_start <= m.start_date <= m.plan.period_end
            if m.planned_end_date:
                days = (m.planned_end_date - m.start_date).days + 1
                assert m.plan.min_duration_days <= days <= m.plan.max_duration_days
    for spans in periods.values():
        spans.sort()
        for (_s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            assert e1 < s2
    active = [m for m in movements if m.status == Status.ACTIVE and m.kind in TEMPORARY_KINDS]
    assert any(m.planned_end_date < today for m in active)  # overdue
    assert any(today <= m.planned_end_date <= today + timedelta(days=30) for m in active)  # ending soon
    for m in movements[:60]:
        m.full_clean()
    positions = dict(Position.objects.values_list("pk", "field_id"))
    assert all(positions[p] == fid for p, fid in Assignment.objects.values_list("position_id", "field_id") if p)
    left = Staff.objects.exclude(status=StaffStatus.ACTIVE)
    assert left.exists() and not left.filter(end_date__isnull=True).exists()
    # Leavers' placements end the day they left; nobody is placed twice on a day.
    assert not Assignment.objects.filter(person__in=left, valid_to__isnull=True).exists()
    spans = defaultdict(list)
    for person_id, start, end in Assignment.objects.values_list("person_id", "valid_from", "valid_to"):
        spans[person_id].append((start, end))
    for rows in spans.values():
        rows.sort()
        for (_s1, e1), (s2, _e2) in zip(rows, rows[1:], strict=False):
            assert e1 is not None and e1 < s2


def test_placement_history_and_absences_obey_the_model_rules():
    load(66, communes=30)
    seed(seed="2")
    today = timezone.localdate()
    changes = dict(
        Assignment.objects.values_list("change").annotate(n=Count("pk")).order_by().values_list("change", "n")
    )
    # Everyone joined once; some changed post since the reform, some transfers were applied, and a
    # few fields recorded wrongly at the merger were corrected with a reason.
    assert changes["hire"] == Staff.objects.count()
    assert changes["change"] > 0 and changes["transfer"] > 0 and changes["correction"] > 0
    assert not Assignment.objects.filter(change="correction", reason="").exists()
    absences = Absence.objects.select_related("person")
    assert {a.kind for a in absences} >= {"maternity", "study", "sick_leave"}
    assert absences.in_force_on(today).exists()
    assert absences.filter(end_date__lt=today).exists() and absences.filter(start_date__gt=today).exists()
    assert not absences.filter(kind="maternity", person__gender="male").exists()
    for absence in absences:
        absence.full_clean()
        assert f.placement(absence.person, absence.start_date) is not None  # absent while on the roll
    for placement in Assignment.objects.select_related("person", "position")[:300]:
        placement.full_clean()
    # Coverage counts nobody absent; establishment still does.
    units = Unit.objects.filter(province__code="66")
    rows = headcount_rows(units=units, as_of=today)
    absent = sum(r.absent for r in rows)
    assert absent == absences.in_force_on(today).count() > 0
    assert sum(r.effective for r in rows) == sum(r.on_roll - r.seconded_out + r.seconded_in - r.absent for r in rows)


def counts():
    return [m.objects.count() for m in (Province, Unit, Field, Position, Quota, Staff, Plan, Secondment)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "99"], "Unknown province code “99”: use a GSO code such as 66 (Đắk Lắk), or “all”."),
        (["--province", "abc"], "Unknown province code “abc”: use a GSO code such as 66 (Đắk Lắk), or “all”."),
        (["--province", "66", "--seed", "-1"], "Invalid seed “-1”: use a whole number from 0 to 2147483647."),
        (["--province", "66", "--seed", "x"], "Invalid seed “x”: use a whole number from 0 to 2147483647."),
        (["--province", "04"], "Tỉnh Cao Bằng has no communes yet: run “python manage.py load_units” first."),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(args, message):
    load(66, communes=5)
    Province.objects.create(code="04", name="Tỉnh Cao Bằng", division_type="tỉnh")
    before = counts()
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("seed_demo", *args, stdout=StringIO())
    assert str(exc.value) == message
    assert counts() == before


def test_without_units_it_asks_for_load_units():
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("seed_demo", "--province", "66", stdout=StringIO())
    assert str(exc.value) == "No provinces are loaded yet: run “python manage.py load_units” first."
    assert counts() == [0] * 8


def test_one_digit_code_means_the_zero_padded_gso_code():
    load(1, communes=4)
    assert seed(province="1").startswith("Thành phố Hà Nội: 4 communes, ")
    assert Unit.objects.get(code="01.VPUBND").name == "Văn phòng Ủy ban nhân dân thành phố"
    assert Unit.objects.get(code="01.VPTU").name == "Văn phòng Thành ủy"


def test_all_builds_every_loaded_province():
    load(1, 66, communes=3)
    output = seed(province="all")
    assert "Total: 2 provinces, " in output
    assert set(Assignment.objects.values_list("unit__province__code", flat=True).distinct()) == {"01", "66"}
