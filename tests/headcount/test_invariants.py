"""Random sequences of ordinary work over the services, checked after every step.

A small world (a department and three communes, two fields, three people to start with) lives
through hires, placement changes from a date, corrections, transfers, temporary movements
(nominated, approved, ended early, extended, cancelled), leaving, absences added and ended, the
hourly run, and the days passing. After each step, on a spread of days:

- the database's parts per unit × field equal a plain Python count of the same rows (one
  placement per person, one temporary movement at a time, absences counted where the person works),
  and the same parts read for every day at once (``headcount_sums_by_day``) equal each day's own;
- no count is negative; the units' on-roll counts add up to the people placed that day, their
  coverage to the people placed less those absent; each person works in at most one unit's roster;
- coverage = establishment − seconded out + seconded in − absent, per unit;
- the province totals the dashboard reads equal the sum of its rows;
- days before the step's effective date keep the numbers they had (a refused step changes nothing).
"""

import itertools
import os
from collections import defaultdict
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from accounts.models import Role
from communes.models import Unit, UnitKind
from headcount.rules import View, summarize
from headcount.selectors import Roster, headcount_rows, headcount_sums_by_day, headcount_totals, roster_people
from secondments import services as movements
from secondments.models import EFFECTIVE_STATUSES, TEMPORARY_KINDS, Kind, Secondment, Status
from staffing import services as staffing
from staffing.models import Absence, AbsenceKind, Assignment, Staff, StaffStatus
from tests import factories as f

pytestmark = pytest.mark.django_db

START = date(2026, 4, 15)
# Fixed days around the period the clock walks through, plus yesterday, today and tomorrow.
FIXED_DAYS = [START + timedelta(days=n) for n in (-30, -10, -1, 0, 3, 7, 14, 30, 60, 120, 200)]
REFUSED = (ValidationError, PermissionDenied, movements.TransitionError, staffing.StaleVersion)
EXAMPLES = int(os.environ.get("HEADCOUNT_EXAMPLES", 10 if connection.vendor == "postgresql" else 15))

people_ix = st.integers(0, 30)
unit_ix = st.integers(0, 3)
field_ix = st.integers(0, 1)
pick = st.integers(0, 30)


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
        self.unit_qs = Unit.objects.filter(pk__in=[u.pk for u in self.units])
        f.quota(self.units[0], self.fields[0], 3)
        f.quota(self.units[1], self.fields[1], 2)
        f.quota(self.units[2], self.fields[0], 1)
        self.official = f.user(Role.PROVINCE_OFFICIAL, prov=province)
        self.people = [
            f.staff(self.units[0], self.fields[0], name="Nguyễn Văn An").pk,
            f.staff(self.units[0], self.fields[0], name="Trần Thị Bình").pk,
            f.staff(self.units[1], self.fields[1], name="Lê Văn Cường").pk,
        ]
        self.snapshot = self.tables()

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
        return {
            (r.unit_id, r.field_id): (r.quota, r.on_roll, r.seconded_out, r.seconded_in, r.absent)
            for r in headcount_rows(units=self.unit_qs, as_of=day)
            if (r.on_roll, r.seconded_out, r.seconded_in, r.absent) != (0, 0, 0, 0)
        }

    def tables(self):
        return {day: self.table(day) for day in self.days()}

    def rows(self):
        """What a refused step must leave as it was."""
        return (
            list(Staff.objects.order_by("pk").values_list("pk", "status", "end_date", "version")),
            list(Assignment.objects.order_by("pk").values_list("pk", "unit", "field", "valid_from", "valid_to")),
            list(Secondment.objects.order_by("pk").values_list("pk", "status", "planned_end_date", "actual_end_date")),
            list(Absence.objects.order_by("pk").values_list("pk", "start_date", "end_date")),
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

    @rule()
    def hourly_run(self):
        """Starting and completing change no count; a transfer applied late counts from its start."""
        due = Secondment.objects.filter(kind=Kind.TRANSFER, status=Status.APPROVED, start_date__lte=self.today)
        first = min(due.values_list("start_date", flat=True), default=None)
        self.attempt(first, lambda: movements.advance_movements(today=self.today))

    @rule(days=st.integers(1, 10))
    def next_day(self, days):
        self.clock.day += timedelta(days=days)
        self.check(None)
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
            assert {k: v for k, v in by_day[day].items() if v[1:] != (0, 0, 0, 0)} == table, f"by day on {day}"
        for day, table in now.items():
            assert table_parts(table) == expected[day], f"the database and the plain count differ on {day}"
            for values in table.values():
                assert min(values) >= 0
        self.check_totals(self.today)

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
    return {key: values[1:] for key, values in table.items()}


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
