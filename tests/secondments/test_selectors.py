"""Selectors: plan progress by hand, eligible people, alerts."""

from datetime import date

import pytest

from accounts.models import Role
from reports.plans import plan_progress
from secondments.models import Kind, Status
from secondments.selectors import eligible_staff, movement_alerts
from staffing.models import Staff
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def test_plan_progress_by_hand():
    w = b.World()
    health = f.department("Sở Y tế")
    f.staff_many(health, w.land, 40)
    b.percent_quota(w.plan, health, 5, 7)  # 2–3
    b.fixed_quota(w.plan, w.dept, 10)  # 3 active staff: 3
    w.plan.priority_communes.add(w.other_commune)
    f.quota(w.other_commune, w.land, 4)  # priority commune short of 4 in land, nobody sent
    w.plan.target_secondment, w.plan.target_transfer = 5, 2
    w.plan.save()
    day = date(2025, 9, 1)
    f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan)
    f.movement(w.people[1], w.commune, status=Status.COMPLETED, plan=w.plan, actual_end=date(2025, 8, 20))
    f.movement(w.people[2], w.commune, status=Status.CANCELLED, plan=w.plan)
    h1, h2 = Staff.objects.filter(assignments__unit=health).order_by("pk")[:2]
    f.movement(h1, w.commune, status=Status.PROPOSED, plan=w.plan, field=w.finance)
    f.movement(h2, w.other_commune, kind=Kind.TRANSFER, status=Status.APPROVED, plan=w.plan, start=day)
    b.staff_request(w.commune, w.finance, 3, plan=w.plan)

    p = plan_progress(plan=w.plan, as_of=day)
    depts = {r.unit.name: r for r in p.departments}
    fin, hea = depts["Sở Tài chính"], depts["Sở Y tế"]
    assert (fin.required_min, fin.required_max, fin.proposed, fin.approved, fin.active, fin.completed) == (
        3, 3, 0, 0, 1, 1
    )  # fmt: skip
    assert (hea.active_staff, hea.required_min, hea.required_max, hea.proposed, hea.approved) == (40, 2, 3, 1, 1)
    communes = {(r.unit.name, r.field.code): r for r in p.communes}
    assert set(communes) == {("Xã Hòa Phú", "finance"), ("Xã Ea Tu", "land")}
    hp = communes["Xã Hòa Phú", "finance"]
    # finance quota 2; on 01/09 one active secondment in effect (the other returned 20/08): short 1
    assert (hp.received, hp.active, hp.proposed, hp.requested, hp.shortage, hp.is_priority) == (2, 1, 1, 3, 1, False)
    et = communes["Xã Ea Tu", "land"]
    # land quota 4; the transfer is decided but not yet applied (it counts once the person is
    # placed there): still short 4
    assert (et.received, et.shortage, et.is_priority) == (1, 4, True)
    assert [r.unit.name for r in p.communes] == ["Xã Ea Tu", "Xã Hòa Phú"]  # priority first
    totals = {t.kind: (t.target, t.proposed, t.sent) for t in p.totals}
    assert totals == {
        "secondment": (5, 1, 2),
        "reinforcement": (None, 0, 0),
        "transfer": (2, 0, 1),
        "rotation": (None, 0, 0),
    }
    assert (p.target_total, p.proposed_total, p.sent_total) == (7, 1, 3)


def test_plan_progress_query_count_is_fixed(django_assert_num_queries):
    w = b.World()
    b.fixed_quota(w.plan, w.dept, 2)
    f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan)
    with django_assert_num_queries(10):
        plan_progress(plan=w.plan, as_of=date(2025, 9, 1))
    for _ in range(3):
        d = f.department()
        c = f.unit()
        f.movement(f.staff(d, w.land), c, status=Status.APPROVED, plan=w.plan)  # senders without a rule
    with django_assert_num_queries(11):
        plan_progress(plan=w.plan, as_of=date(2025, 9, 1))


def test_eligible_staff_excludes_busy_inactive_and_out_of_scope():
    w = b.World()
    f.movement(w.people[0], w.commune, status=Status.ACTIVE, start=date(2025, 8, 1), end=date(2025, 10, 31))
    f.movement(w.people[1], w.commune, status=Status.CANCELLED)
    f.staff(w.dept, w.finance, status="retired", end_date=date(2025, 1, 1))
    officer = f.user(Role.DEPARTMENT_OFFICER, unit=w.dept)
    assert set(eligible_staff(user=officer)) == {w.people[1], w.people[2]}
    # with dates: free after the movement ends
    free = eligible_staff(user=officer, start=date(2025, 11, 1), end=date(2025, 12, 31))
    assert set(free) == set(w.people)
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.far_province)
    assert list(eligible_staff(user=official)) == [w.far_person]


def test_alerts_by_hand():
    w = b.World()
    today = date(2026, 3, 1)
    soon = f.movement(w.people[0], w.commune, status=Status.ACTIVE, start=date(2025, 9, 1), end=date(2026, 3, 31),
                      arrival_date=date(2025, 9, 1))  # fmt: skip
    f.movement(w.people[1], w.commune, status=Status.ACTIVE, start=date(2025, 9, 1), end=date(2026, 4, 1),
               arrival_date=date(2025, 9, 1))  # 31 days: not yet  # fmt: skip
    overdue = f.movement(w.people[2], w.commune, status=Status.APPROVED, start=date(2025, 9, 1),
                         end=date(2026, 2, 27))  # fmt: skip
    f.movement(w.far_person, w.far_commune, status=Status.APPROVED, start=date(2026, 2, 1), end=date(2026, 3, 5))
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.commune)
    alerts = movement_alerts(user=officer, as_of=today)
    assert list(alerts.ending_soon) == [soon]
    assert list(alerts.overdue) == [overdue]
    assert list(alerts.not_started) == [overdue]
