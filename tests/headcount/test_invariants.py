"""Random sequences of ordinary work over the services, checked after every step.

A small world (a department and three communes, two fields, three people to start with) lives
through hires, placement changes from a date, corrections, transfers, temporary movements
(nominated, approved, ended early, extended, cancelled), leaving, absences added and ended, quota
decisions (by the province, corrected, or on a unit's request accepted or rejected), the
province's pool, workbook imports of a commune's staff, the planner's moves accepted and approved,
the hourly run, and the days passing with the nightly rebuild of today's summary. After each step,
on a spread of days:

- the database's parts per unit × field equal a plain Python count of the same rows (one
  placement per person, one temporary movement at a time, absences counted where the person works),
  and the same parts read for every day at once (``headcount_sums_by_day``) equal each day's own;
- no count is negative; the units' on-roll counts add up to the people placed that day, their
  coverage to the people placed less those absent; each person works in at most one unit's roster;
- coverage = establishment − seconded out + seconded in − absent, per unit;
- the province totals the dashboard reads equal the sum of its rows;
- days before the step's effective date keep the numbers they had (a refused step changes nothing);
- each unit × field's quota is the one a plain Python record of the decisions puts in force that
  day, and its shortage and surplus are max(0, quota − count) and max(0, count − quota) in both
  views;
- the units' quotas of a category never add up past the province's pool in force that day;
- today's summary, kept in the writer's transaction, equals the live count for today in both views
  (or, stale after midnight, is not read) and equals it again after the nightly rebuild.
"""

import dataclasses
import io
import itertools
import os
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from accounts.models import Role
from communes.models import Unit, UnitKind
from headcount import summary
from headcount.rules import View, summarize
from headcount.selectors import (
    TOTAL_KEYS,
    Roster,
    headcount_rows,
    headcount_sums,
    headcount_sums_by_day,
    headcount_totals,
    mismatch_counts,
    roster_people,
    summary_rows,
    summary_totals,
)
from planner.models import RunStatus
from planner.services import accept_moves, run_create
from secondments import services as movements
from secondments.models import EFFECTIVE_STATUSES, TEMPORARY_KINDS, Kind, Secondment, Status
from staffing import services as staffing
from staffing.importer import ImportRefused, validate_workbook
from staffing.models import Absence, AbsenceKind, Assignment, ProvinceQuota, Quota, QuotaRequest, Staff, StaffStatus
from staffing.selectors import quota_pool
from tests import factories as f
from tests.secondments.builders import fixed_quota
from tests.staffing import hostile_files as hf

pytestmark = pytest.mark.django_db

START = date(2026, 4, 15)
# Fixed days around the period the clock walks through, plus yesterday, today and tomorrow.
FIXED_DAYS = [START + timedelta(days=n) for n in (-30, -10, -1, 0, 3, 7, 14, 30, 60, 120, 200)]
REFUSED = (ValidationError, PermissionDenied, movements.TransitionError, staffing.StaleVersion, ImportRefused)
CATEGORIES = ["civil_servant", "public_employee"]
EARLY_QUOTA = date(2025, 7, 1)  # the factory's quota decisions take effect then
EXAMPLES = int(os.environ.get("HEADCOUNT_EXAMPLES", 10 if connection.vendor == "postgresql" else 15))

people_ix = st.integers(0, 30)
unit_ix = st.integers(0, 3)
field_ix = st.integers(0, 1)
pick = st.integers(0, 30)
category_ix = st.integers(0, 1)
posts = st.integers(0, 6)


class HeadcountMachine(RuleBasedStateMachine):
    clock = None  # set by the test: the day the services read as today

    @initialize()
    def build(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()  # each example is rolled back in teardown
        self.clock.day = START
        self.codes = itertools.count(100)
        province = f.province("66", "Tỉnh Đắk Lắk")
        self.fields = [f.field("finance", "Tài chính", "Finance"), f.field("land", "Đất đai", "Land")]
        self.units = [
            f.department("Sở Tài chính", prov=province),
            f.unit("Xã Hòa Phú", prov=province),
            f.unit("Xã Ea Tu", prov=province),
            f.unit("Phường Tân Lập", kind=UnitKind.WARD, prov=province),
        ]
        self.province = province
        self.unit_qs = Unit.objects.filter(pk__in=[u.pk for u in self.units])
        # The decisions in force, as a plain record: {(unit, field, category, effective from): posts}.
        self.decisions = {}
        self.pools = {}  # {(category, effective from): posts}
        for unit, field, count in ((0, 0, 3), (1, 1, 2), (2, 0, 1)):
            f.quota(self.units[unit], self.fields[field], count, effective_from=EARLY_QUOTA)
            self.decisions[(self.units[unit].pk, self.fields[field].pk, CATEGORIES[0], EARLY_QUOTA)] = count
        self.official = f.user(Role.PROVINCE_OFFICIAL, prov=province)
        self.officers = [f.user(Role.DEPARTMENT_OFFICER, unit=self.units[0])] + [
            f.user(Role.COMMUNE_OFFICER, unit=u) for u in self.units[1:]
        ]
        self.people = [
            f.staff(self.units[0], self.fields[0], name="Nguyễn Văn An").pk,
            f.staff(self.units[0], self.fields[0], name="Trần Thị Bình").pk,
            f.staff(self.units[1], self.fields[1], name="Lê Văn Cường").pk,
        ]
        self.plan = f.plan(
            province, period_start=START - timedelta(days=60), period_end=START + timedelta(days=400),
            allowed_kinds=["secondment", "reinforcement", "transfer", "rotation"],
        )  # fmt: skip
        fixed_quota(self.plan, self.units[0], 1)
        summary.rebuild(START)  # as the nightly run leaves it
        self.snapshot = self.tables()
        self.check_summary()

    def teardown(self):
        if hasattr(self, "atomic"):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

    # Helpers

    @property
    def today(self):
        return self.clock.day

    def person(self, i):
        return Staff.objects.get(pk=self.people[i % len(self.people)])

    def elsewhere(self, person, i):
        """One of the other three units than the person's latest home unit."""
        home = person.assignments.order_by("-valid_from").values_list("unit_id", flat=True).first()
        others = [u for u in self.units if u.pk != home]
        return others[i % len(others)]

    def movement(self, i, statuses, temporary=None):
        qs = Secondment.objects.filter(status__in=statuses).order_by("pk")
        if temporary is not None:
            qs = qs.filter(kind__in=TEMPORARY_KINDS) if temporary else qs.filter(kind=Kind.TRANSFER)
        rows = list(qs)
        return rows[i % len(rows)] if rows else None

    def days(self):
        return sorted({*FIXED_DAYS, self.today - timedelta(days=1), self.today, self.today + timedelta(days=1)})

    def table(self, day):
        """{(unit, field): (quota, on roll, seconded out, seconded in, absent)}, rows with a number only."""
        rows = headcount_rows(units=self.unit_qs, as_of=day)
        self.balances[day] = rows
        return {
            (r.unit_id, r.field_id): (r.quota, r.on_roll, r.seconded_out, r.seconded_in, r.absent)
            for r in rows
            if (r.quota, r.on_roll, r.seconded_out, r.seconded_in, r.absent) != (0, 0, 0, 0, 0)
        }

    def tables(self):
        self.balances = {}
        return {day: self.table(day) for day in self.days()}

    def rows(self):
        """What a refused step must leave as it was."""
        return (
            list(Staff.objects.order_by("pk").values_list("pk", "status", "end_date", "version")),
            list(Assignment.objects.order_by("pk").values_list("pk", "unit", "field", "valid_from", "valid_to")),
            list(Secondment.objects.order_by("pk").values_list("pk", "status", "planned_end_date", "actual_end_date")),
            list(Absence.objects.order_by("pk").values_list("pk", "start_date", "end_date")),
            list(Quota.objects.order_by("pk").values_list("pk", "count", "effective_from", "version")),
            list(ProvinceQuota.objects.order_by("pk").values_list("pk", "count", "effective_from", "version")),
            list(QuotaRequest.objects.order_by("pk").values_list("pk", "status", "quota")),
        )

    def attempt(self, effective, action):
        """Run ``action``; days before ``effective`` (None: every day) must keep their numbers."""
        before = self.rows()
        try:
            action()
        except REFUSED:
            assert self.rows() == before, "a refused step changed rows"
            effective = None
        self.check(effective)

    # Rules

    @rule(unit=unit_ix, field=field_ix, offset=st.integers(0, 10))
    def hire(self, unit, field, offset):
        day = self.today + timedelta(days=offset)
        n = next(self.codes)

        def act():
            person = staffing.staff_create(
                by=self.official,
                placement={"unit": self.units[unit], "field": self.fields[field], "category": "civil_servant"},
                staff_code=f"NV{n}",
                full_name=f"Người Mới {n}",
                gender="female",
                birth_date=date(1990, 1, 1),
                qualification="bachelor",
                start_date=day,
            )
            self.people.append(person.pk)

        self.attempt(day, act)

    @rule(who=people_ix, unit=unit_ix, field=field_ix, offset=st.integers(-20, 15))
    def change_placement(self, who, unit, field, offset):
        """From today or later a change; before today a correction with its reason."""
        person, day = self.person(who), self.today + timedelta(days=offset)
        self.attempt(
            day,
            lambda: staffing.placement_change(
                staff=person, by=self.official, version=person.version, effective_from=day,
                unit=self.units[unit], field=self.fields[field], reason="Quyết định ghi sai" if offset < 0 else "",
            ),
        )  # fmt: skip

    @rule(who=people_ix, unit=unit_ix, field=field_ix, offset=st.integers(-5, 20), end_running=st.booleans())
    def transfer(self, who, unit, field, offset, end_running):
        person, start = self.person(who), self.today + timedelta(days=offset)
        to_unit = self.elsewhere(person, unit)

        @transaction.atomic  # nominated and approved at once: refused, neither stays
        def act():
            m = movements.secondment_create(
                by=self.official, person=person, to_unit=to_unit, field=self.fields[field],
                kind=Kind.TRANSFER, start_date=start, propose=True, end_running=end_running,
            )  # fmt: skip
            movements.secondment_approve(secondment=m, by=self.official, decision_number="1/QĐ", decision_date=START)

        # Ending a running movement for it changes the days from the transfer's start on.
        self.attempt(start, act)

    @rule(
        who=people_ix, unit=unit_ix, field=field_ix, kind=st.sampled_from(TEMPORARY_KINDS),
        offset=st.integers(-5, 20), length=st.integers(0, 90), decide=st.booleans(),
    )  # fmt: skip
    def second(self, who, unit, field, kind, offset, length, decide):
        person, start = self.person(who), self.today + timedelta(days=offset)
        to_unit = self.elsewhere(person, unit)

        @transaction.atomic
        def act():
            m = movements.secondment_create(
                by=self.official, person=person, to_unit=to_unit, field=self.fields[field], kind=kind,
                start_date=start, planned_end_date=start + timedelta(days=length), propose=True,
            )  # fmt: skip
            if decide:
                movements.secondment_approve(
                    secondment=m, by=self.official, decision_number="2/QĐ", decision_date=START
                )

        self.attempt(start, act)

    @rule(i=pick)
    def approve(self, i):
        m = self.movement(i, [Status.PROPOSED])
        if m is None:
            return self.check(None)
        self.attempt(
            m.start_date,
            lambda: movements.secondment_approve(
                secondment=m, by=self.official, decision_number="3/QĐ", decision_date=START
            ),
        )

    @rule(i=pick, offset=st.integers(-10, 10))
    def end_early(self, i, offset):
        m = self.movement(i, [Status.APPROVED, Status.ACTIVE], temporary=True)
        if m is None:
            return self.check(None)
        on = self.today + timedelta(days=offset)
        self.attempt(on + timedelta(days=1), lambda: movements.secondment_end(secondment=m, by=self.official, on=on))

    @rule(i=pick, days=st.integers(1, 60))
    def extend(self, i, days):
        m = self.movement(i, [Status.APPROVED, Status.ACTIVE], temporary=True)
        if m is None:
            return self.check(None)
        self.attempt(
            m.end_date + timedelta(days=1),
            lambda: movements.secondment_extend(
                secondment=m, by=self.official, new_end_date=m.planned_end_date + timedelta(days=days),
                decision_number="4/QĐ", decision_date=self.today,
            ),
        )  # fmt: skip

    @rule(i=pick)
    def cancel(self, i):
        """Cancelling revokes the decision: from its start date it never counted."""
        m = self.movement(i, [Status.DRAFT, Status.PROPOSED, Status.APPROVED, Status.ACTIVE])
        if m is None:
            return self.check(None)
        self.attempt(m.start_date, lambda: movements.secondment_cancel(secondment=m, by=self.official, reason="Hủy"))

    @rule(
        who=people_ix, offset=st.integers(-3, 30), status=st.sampled_from([StaffStatus.RETIRED, StaffStatus.RESIGNED])
    )
    def leave(self, who, offset, status):
        person, last_day = self.person(who), self.today + timedelta(days=offset)
        self.attempt(
            last_day + timedelta(days=1),
            lambda: staffing.staff_leave(
                staff=person, by=self.official, version=person.version, status=status, end_date=last_day
            ),
        )

    @rule(
        who=people_ix, kind=st.sampled_from(AbsenceKind.values), offset=st.integers(-5, 10),
        length=st.none() | st.integers(0, 60),
    )  # fmt: skip
    def absence_add(self, who, kind, offset, length):
        person, start = self.person(who), self.today + timedelta(days=offset)
        end = None if length is None else start + timedelta(days=length)
        self.attempt(
            start,
            lambda: staffing.absence_create(by=self.official, person=person, kind=kind, start_date=start, end_date=end),
        )

    @rule(i=pick, offset=st.integers(-5, 30))
    def absence_end(self, i, offset):
        rows = list(Absence.objects.order_by("pk"))
        if not rows:
            return self.check(None)
        absence = rows[i % len(rows)]
        end = self.today + timedelta(days=offset)
        first_changed = min(end, absence.end_date or end) + timedelta(days=1)
        self.attempt(
            first_changed,
            lambda: staffing.absence_update(absence=absence, by=self.official, version=absence.version, end_date=end),
        )

    def decide_quota(self, unit, field, category, count, day):
        """Record the decision in the plain record once the service has written it."""
        self.decisions[(unit.pk, field.pk, category, day)] = count

    @rule(unit=unit_ix, field=field_ix, category=category_ix, count=posts, offset=st.integers(-20, 30))
    def quota_decide(self, unit, field, category, count, offset):
        """A province decision for a unit's quota, possibly back-dated; refused past the pool."""
        unit, field, category = self.units[unit], self.fields[field], CATEGORIES[category]
        day = self.today + timedelta(days=offset)

        def act():
            staffing.quota_set(
                by=self.official, unit=unit, field=field, category=category, count=count,
                decision_number="5/QĐ-UBND", decision_date=min(day, self.today), effective_from=day,
            )  # fmt: skip
            self.decide_quota(unit, field, category, count, day)

        self.attempt(day, act)

    @rule(i=pick, count=posts)
    def quota_correct(self, i, count):
        """A decision's number of posts corrected (the form's and the API's edit), from its own date."""
        rows = list(Quota.objects.order_by("pk"))
        q = rows[i % len(rows)]

        def act():
            staffing.quota_update(quota=q, by=self.official, version=q.version, count=count)
            self.decisions[(q.unit_id, q.field_id, q.category, q.effective_from)] = count

        self.attempt(q.effective_from, act)

    @rule(
        unit=unit_ix, field=field_ix, category=category_ix, count=posts, offset=st.integers(0, 30),
        outcome=st.sampled_from(["accept", "accept other count", "reject", "open"]),
    )  # fmt: skip
    def quota_request(self, unit, field, category, count, offset, outcome):
        """A unit's officer asks for posts; a province official accepts (the decision is recorded)
        or rejects; an open request changes no count."""
        unit, field, category = self.units[unit], self.fields[field], CATEGORIES[category]
        officer = self.officers[self.units.index(unit)]
        day = self.today + timedelta(days=offset)
        self.attempt(
            None,
            lambda: staffing.quota_request_create(
                by=officer, unit=unit, field=field, category=category, count=count, justification="Thiếu người"
            ),
        )
        request = QuotaRequest.objects.order_by("-pk").first()
        if outcome == "open" or request is None or request.status != "open":
            return
        if outcome == "reject":
            self.attempt(
                None, lambda: staffing.quota_request_reject(request=request, by=self.official, reply="Chưa đủ căn cứ")
            )
            assert QuotaRequest.objects.get(pk=request.pk).status == "rejected"
            return
        decided = count if outcome == "accept" else max(count - 1, 0)

        def act():
            staffing.quota_request_accept(
                request=request, by=self.official, decision_number="6/QĐ-UBND", decision_date=self.today,
                effective_from=day, count=None if outcome == "accept" else decided,
            )  # fmt: skip
            self.decide_quota(unit, field, category, decided, day)

        self.attempt(day, act)
        r = QuotaRequest.objects.select_related("quota").get(pk=request.pk)
        if r.status == "accepted":
            assert (r.quota.count, r.quota.effective_from, r.quota.unit_id) == (decided, day, unit.pk)
        else:
            assert (r.status, r.quota_id) == ("open", None)

    @rule(category=category_ix, count=st.integers(0, 12), offset=st.integers(-20, 30))
    def pool_set(self, category, count, offset):
        """The province's pool from the central level: no headcount changes, it only bounds quotas."""
        category, day = CATEGORIES[category], self.today + timedelta(days=offset)

        def act():
            staffing.province_quota_set(
                by=self.official, province=self.province, category=category, count=count,
                decision_number="1/QĐ-BNV", decision_date=min(day, self.today), effective_from=day,
            )  # fmt: skip
            self.pools[(category, day)] = count

        self.attempt(None, act)

    @rule(
        unit=st.integers(1, 3), new=st.integers(0, 2), who=st.none() | people_ix, field=field_ix,
        offset=st.integers(-10, 10), bad=st.booleans(), quota=st.none() | st.tuples(field_ix, posts),
    )  # fmt: skip
    def import_roster(self, unit, new, who, field, offset, bad, quota):
        """A commune's workbook: new people, someone placed here in a field from a date, a quota
        row; one bad row refuses the whole file with nothing written."""
        commune, day = self.units[unit], self.today + timedelta(days=offset)
        rows, codes = [], []
        for _ in range(new):
            n = next(self.codes)
            codes.append(f"NV{n}")
            rows.append(hf.staff_row(commune.code, f"NV{n}", f"Người Nhập {n}", field=self.fields[field].code))
        if who is not None:
            person = self.person(who)
            if person.status == StaffStatus.ACTIVE:
                rows.append(
                    hf.staff_row(
                        commune.code, person.staff_code, person.full_name, gender=person.gender,
                        birth=person.birth_date, qualification=person.qualification,
                        field=self.fields[1 - field].code,
                    )
                )  # fmt: skip
        if bad:
            rows.append(hf.staff_row(commune.code, "NV-SAI", "Người Sai", gender="không rõ"))
        sheets = {"Danh sách": [hf.STAFF_HEADERS, *rows]}
        if quota is not None:
            q_field, q_count = self.fields[quota[0]], quota[1]
            sheets["Biên chế"] = [
                hf.QUOTA_HEADERS,
                hf.quota_row(commune.code, q_field.code, q_count, decided=min(day, self.today), effective=day),
            ]
        content = hf.xlsx(sheets)

        def act():
            result = validate_workbook(
                io.BytesIO(content), user=self.official, default_unit=commune, effective_from=day,
                reason="Quyết định ghi sai" if day < self.today else "",
            )  # fmt: skip
            if result.errors:
                assert bad or result.plan.is_empty, result.errors
                raise ValidationError([m for _sheet, m in result.errors])
            assert not bad, "a bad row was accepted"
            staffing.import_apply(plan=result.plan, by=self.official)
            self.people.extend(Staff.objects.filter(staff_code__in=codes).values_list("pk", flat=True))
            if quota is not None:
                self.decide_quota(commune, q_field, CATEGORIES[0], q_count, day)

        # The file gives no joining dates: new people join, like the changes, on the import's date.
        self.attempt(day, act)

    @rule(offset=st.integers(1, 20), take=st.sets(st.integers(0, 5), max_size=3), approve=st.booleans())
    def planner_accept(self, offset, take, approve):
        """Run the planner on the plan, accept some moves as drafts, propose and approve them."""
        start = self.today + timedelta(days=offset)
        run = run_create(by=self.official, province=self.province, plan=self.plan, start_date=start, inline=True)
        assert run.status == RunStatus.DONE, run.error
        indexes = sorted(i for i in take if i < len(run.moves))
        if not indexes:
            return self.check(None)
        created = []
        # Drafts count nowhere.
        self.attempt(None, lambda: created.extend(accept_moves(run=run, by=self.official, indexes=indexes)))
        if not approve:
            return
        for m in created:

            @transaction.atomic
            def act(m=m):
                m = movements.secondment_propose(secondment=m, by=self.official)
                movements.secondment_approve(
                    secondment=m, by=self.official, decision_number="7/QĐ", decision_date=self.today,
                    over_quota_reason="Xã thiếu người",
                )  # fmt: skip

            self.attempt(m.start_date, act)

    @rule()
    def hourly_run(self):
        """Starting and completing change no count; a transfer applied late counts from its start."""
        due = Secondment.objects.filter(kind=Kind.TRANSFER, status=Status.APPROVED, start_date__lte=self.today)
        first = min(due.values_list("start_date", flat=True), default=None)
        self.attempt(first, lambda: movements.advance_movements(today=self.today))

    @rule(days=st.integers(1, 10))
    def next_day(self, days):
        self.clock.day += timedelta(days=days)
        self.check(None)  # the summary holds another day: nothing reads it
        call_command("refresh_summary", "--if-stale", stdout=io.StringIO())  # what run_scheduled does
        self.check_summary()
        self.check_rosters(self.today, self.snapshot[self.today])  # (a roster costs more to build than the counts)

    # Checks

    def check(self, effective):
        now = self.tables()
        for day, table in now.items():
            if day in self.snapshot and (effective is None or day < effective):
                assert table == self.snapshot[day], f"{day} changed by a step effective from {effective}"
        self.snapshot = now
        expected = self.python_counts(now)
        # Every day at once (the forecast's query) gives each day's own numbers.
        by_day = headcount_sums_by_day(units=self.unit_qs, days=now)
        for day, table in now.items():
            assert {k: v for k, v in by_day[day].items() if any(v)} == table, f"by day on {day}"
        for day, table in now.items():
            assert table_parts(table) == expected[day], f"the database and the plain count differ on {day}"
            for values in table.values():
                assert min(values) >= 0
            self.check_quotas(day, expected[day])
        self.check_pools()
        self.check_totals(self.today)
        self.check_summary()

    def quotas_on(self, day, by_category=False):
        """The plain record's posts in force on ``day`` per (unit, field[, category]): for each
        (unit, field, category) the latest decision taking effect by then."""
        latest = {}
        for (unit, field, category, start), count in self.decisions.items():
            key = (unit, field, category)
            if start <= day and (key not in latest or start > latest[key][0]):
                latest[key] = (start, count)
        out = defaultdict(int)
        for (unit, field, category), (_start, count) in latest.items():
            out[(unit, field, category) if by_category else (unit, field)] += count
        return out

    def check_quotas(self, day, counted):
        """Quota as decided, shortage and surplus from it and the plain count, in both views."""
        quotas = self.quotas_on(day)
        rows = {(r.unit_id, r.field_id): r for r in self.balances[day]}
        for key in set(quotas) | set(counted):
            quota = quotas.get(key, 0)
            on_roll, out, came, absent = counted.get(key, (0, 0, 0, 0))
            row = rows.get(key)
            if row is None:
                assert (quota, on_roll, out, came, absent) == (0, 0, 0, 0, 0), f"no row for {key} on {day}"
                continue
            assert row.quota == quota, f"quota of {key} on {day}: {row.quota}, decided {quota}"
            for view, count in ((View.COVERAGE, on_roll - out + came - absent), (View.ESTABLISHMENT, on_roll)):
                balance = dataclasses.replace(row, view=view)
                assert (balance.shortage, balance.surplus) == (max(0, quota - count), max(0, count - quota)), (
                    f"{view} shortage and surplus of {key} on {day}"
                )

    def check_pools(self):
        """The units' quotas of a category never add up past the province's pool in force."""
        for day in self.snapshot:
            pools = {}
            for (category, start), count in self.pools.items():
                if start <= day and (category not in pools or start > pools[category][0]):
                    pools[category] = (start, count)
            allocated = defaultdict(int)
            for (_unit, _field, category), count in self.quotas_on(day, by_category=True).items():
                allocated[category] += count
            for category, (_start, pool) in pools.items():
                assert allocated[category] <= pool, f"{category}: {allocated[category]} allocated, pool {pool} on {day}"
            if day != self.today:
                continue  # (the plain record's quotas are compared with the database's on every day above)
            db = {r.category: (r.pool, r.allocated) for r in quota_pool(self.province.pk, day)}
            plain = {c: (pools[c][1] if c in pools else None, allocated[c]) for c in {*pools, *allocated}}
            shown = {c: v for c, v in db.items() if v != (None, 0)}  # a category decided at 0 posts only
            assert shown == {c: v for c, v in plain.items() if v != (None, 0)}, f"the pool page differs on {day}"

    def check_summary(self):
        """Today's summary equals the live count (both views), or holds another day and is not read."""
        day = self.today
        held = summary_rows(self.unit_qs, day)
        if summary.summary_day() != day:
            assert held is None and summary_totals(units=self.unit_qs, as_of=day) is None
            return
        live = sorted(headcount_sums(units=self.unit_qs, as_of=day))
        mismatches = mismatch_counts(units=self.unit_qs, as_of=day)
        assert sorted(held) == [(*r, mismatches.get((r[0], r[1]), 0)) for r in live], f"summary on {day}"
        for view in (View.ESTABLISHMENT, View.COVERAGE):
            kept = summary_totals(units=self.unit_qs, as_of=day, view=view)
            computed = headcount_totals(units=self.unit_qs, as_of=day, view=view, summary=False)
            assert {g: {k: t[k] for k in TOTAL_KEYS} for g, t in kept.items()} == computed, f"{view} totals on {day}"

    def python_counts(self, tables):
        """Per day, {(unit, field): (on roll, seconded out, seconded in, absent)} counted in Python."""
        placements = list(Assignment.objects.values_list("person_id", "unit_id", "field_id", "valid_from", "valid_to"))
        moves = list(
            Secondment.objects.filter(kind__in=TEMPORARY_KINDS, status__in=EFFECTIVE_STATUSES).values_list(
                "person_id", "to_unit_id", "field_id", "start_date", "planned_end_date", "actual_end_date"
            )
        )
        absences = list(Absence.objects.values_list("person_id", "start_date", "end_date"))
        out = {}
        for day in tables:
            placed = {}
            for person, unit, field, start, end in placements:
                if start <= day and (end is None or day <= end):
                    assert person not in placed, f"two placements of one person on {day}"
                    placed[person] = (unit, field)
            away = {}
            for person, unit, field, start, planned, actual in moves:
                if person in placed and start <= day <= (actual or planned):
                    assert person not in away, f"two temporary movements of one person on {day}"
                    away[person] = (unit, field)
            off = set()
            for person, start, end in absences:
                if person in placed and start <= day and (end is None or day <= end):
                    assert person not in off, f"two absences of one person on {day}"
                    off.add(person)
            parts = defaultdict(lambda: [0, 0, 0, 0])
            for person, home in placed.items():
                parts[home][0] += 1
                if person in away:
                    parts[home][1] += 1
                    parts[away[person]][2] += 1
                if person in off:
                    parts[away.get(person, home)][3] += 1
            out[day] = {key: tuple(v) for key, v in parts.items()}
            # Everybody placed counts once on the roll, and once at work unless absent.
            assert sum(v[0] for v in out[day].values()) == len(placed)
            assert sum(v[0] - v[1] + v[2] - v[3] for v in out[day].values()) == len(placed) - len(off)
        return out

    def check_rosters(self, day, table):
        """Each person works in at most one unit's roster, which lists the unit's coverage count."""
        working = []
        for unit in self.units:
            effective = sum(v[1] - v[2] + v[3] - v[4] for (u, _f), v in table.items() if u == unit.pk)
            here = list(roster_people(unit, day, Roster.WORKING).values_list("pk", flat=True))
            assert len(here) == effective
            working += here
        assert len(working) == len(set(working)), f"someone works in two units on {day}"

    def check_totals(self, day):
        for view in (View.ESTABLISHMENT, View.COVERAGE):
            rows = headcount_rows(units=self.unit_qs, as_of=day, view=view)
            total = summarize(rows, view=view)
            [db] = headcount_totals(units=self.unit_qs, as_of=day, view=view).values() or [None]
            if db is None:
                assert not rows
                continue
            assert (db["quota"], db["on_roll"], db["seconded_out"], db["seconded_in"], db["absent"]) == (
                total.quota, total.on_roll, total.seconded_out, total.seconded_in, total.absent,
            )  # fmt: skip
            assert (
                db["gross_shortage"], db["gross_surplus"], db["units_short_in_a_field"], db["units_surplus_in_a_field"]
            ) == (
                total.gross_shortage, total.gross_surplus, total.units_short, total.units_surplus,
            )  # fmt: skip


def table_parts(table):
    return {key: values[1:] for key, values in table.items() if values[1:] != (0, 0, 0, 0)}


def test_headcount_invariants_hold_over_random_sequences(db, clock):
    HeadcountMachine.clock = clock
    run_state_machine_as_test(
        HeadcountMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=20,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
