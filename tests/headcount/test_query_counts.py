"""The main pages read a fixed number of queries however much dated record lies behind them.

Other modules grow one thing each (staff of a commune, communes of a province, movements in a
list). Here every page is read over a small province, then again after the province has grown in
every direction the dated record adds: people with several past placements, absences running and
ended, people seconded in and out, extended and completed movements, applied and flagged
transfers, movements in each alert group and under a plan. The alerts page has no other count.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from secondments.models import Extension, Kind, Status
from staffing.models import Absence, AbsenceKind, Assignment, PlacementChange
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)  # the clock fixture's today


class Province:
    """Đắk Lắk with a department, two communes, a plan; one of everything the pages list."""

    def __init__(self):
        self.province = f.province("66", "Tỉnh Đắk Lắk")
        self.land = f.field("land", "Đất đai", "Land", sort_order=1)
        self.finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
        self.dept = f.department("Sở Tài chính", code="66S01", prov=self.province)
        self.commune = f.unit("Xã Hòa Phú", code="66001", prov=self.province)
        self.other = f.unit("Xã Ea Tu", code="66002", prov=self.province)
        self.plan = f.plan(self.province, period_end=date(2027, 12, 31))
        b.fixed_quota(self.plan, self.dept, 50)
        self.plan.priority_communes.add(self.commune)
        for unit in (self.dept, self.commune, self.other):
            f.quota(unit, self.land, 5)
            f.quota(unit, self.finance, 5)
        self.person = f.staff(self.commune, self.land, name="Nguyễn Văn An", major_field=self.finance)
        self.n = 0
        self.grow()

    def grow(self, rounds=1):
        for _ in range(rounds):
            self.n += 1
            self.add_commune()
            self.add_history(self.person)
            self.add_commune_staff()
            self.add_movements()

    def add_commune(self):
        c = f.unit(f"Xã Thêm {self.n}", code=f"669{self.n:02d}", prov=self.province)
        f.quota(c, self.land, 3)
        f.staff_many(c, self.finance, 2)

    def add_history(self, person):
        """Two more past placements and a past absence of ``person``; the latest placement stays open."""
        current = person.assignments.get(valid_to__isnull=True)
        start = current.valid_from
        for field in (self.finance, self.land):
            current.valid_to = start + timedelta(days=30)
            current.save()
            start = current.valid_to + timedelta(days=1)
            current = Assignment.objects.create(
                person=person, unit=self.commune, field=field, category="civil_servant", valid_from=start,
                change=PlacementChange.CHANGE,
            )  # fmt: skip
        Absence.objects.create(
            person=person, kind=AbsenceKind.STUDY, start_date=start - timedelta(days=20), end_date=start - timedelta(1)
        )
        done = f.movement(
            person, self.other, start=start - timedelta(days=40), end=start - timedelta(days=25),
            status=Status.COMPLETED,
        )  # fmt: skip
        Extension.objects.create(
            secondment=done, previous_end_date=start - timedelta(days=30), new_end_date=done.planned_end_date,
            decision_number=f"{self.n}/QĐ-GH", decision_date=done.start_date,
        )  # fmt: skip

    def add_commune_staff(self):
        """Commune staff with a placement history, one absent now, one seconded in from the department."""
        people = f.staff_many(self.commune, self.land, 3, placed_from=date(2020, 1, 1))
        for p in people:
            self.add_history(p)
        Absence.objects.create(person=people[0], kind=AbsenceKind.MATERNITY, start_date=TODAY - timedelta(days=10))
        came = f.staff(self.dept, self.finance)
        m = f.movement(came, self.commune, start=TODAY - timedelta(days=30), end=TODAY + timedelta(days=90),
                       status=Status.ACTIVE, plan=self.plan, arrival_date=TODAY - timedelta(days=30))  # fmt: skip
        Extension.objects.create(
            secondment=m, previous_end_date=TODAY + timedelta(days=60), new_end_date=m.planned_end_date,
            decision_number=f"{self.n}/QĐ-GH", decision_date=TODAY,
        )  # fmt: skip
        Absence.objects.create(person=came, kind=AbsenceKind.SICK_LEAVE, start_date=TODAY - timedelta(days=2))

    def add_movements(self):
        """One movement in each alert group, an applied transfer and a proposed one."""
        people = f.staff_many(self.dept, self.finance, 5)
        active = {"status": Status.ACTIVE, "plan": self.plan, "arrival_date": TODAY - timedelta(days=60)}
        f.movement(people[0], self.other, start=TODAY - timedelta(days=60), end=TODAY + timedelta(days=10), **active)
        f.movement(people[1], self.other, start=TODAY - timedelta(days=60), end=TODAY - timedelta(days=2), **active)
        f.movement(people[2], self.commune, start=TODAY - timedelta(days=3), end=TODAY + timedelta(days=90),
                   status=Status.APPROVED, plan=self.plan)  # fmt: skip
        f.movement(people[3], self.commune, kind=Kind.TRANSFER, start=TODAY - timedelta(days=1),
                   status=Status.APPROVED, problem="Không còn bố trí tại đơn vị cử đi.")  # fmt: skip
        f.movement(people[4], self.other, kind=Kind.TRANSFER, start=TODAY + timedelta(days=20),
                   status=Status.PROPOSED, plan=self.plan)  # fmt: skip
        moved = f.staff(self.dept, self.finance, placed_from=date(2020, 1, 1))
        placed = f.placement(moved)
        placed.valid_to = TODAY - timedelta(days=100)
        placed.save()
        new = Assignment.objects.create(
            person=moved, unit=self.other, field=self.land, category="civil_servant",
            valid_from=TODAY - timedelta(days=99), change=PlacementChange.TRANSFER,
        )  # fmt: skip
        f.movement(moved, self.other, kind=Kind.TRANSFER, start=new.valid_from, status=Status.COMPLETED,
                   from_unit=self.dept, field=self.land, assignment=new)  # fmt: skip


def pages(w):
    return {
        "home": reverse("home"),
        "province dashboard": reverse("reports:province", args=[w.province.code]),
        "province dashboard, establishment": reverse("reports:province", args=[w.province.code])
        + "?view=establishment",
        "national": reverse("reports:national"),
        "unit page": reverse("unit-detail", args=[w.commune.code]),
        "department page": reverse("reports:department", args=[w.dept.code]),
        "roster": reverse("unit-roster", args=[w.commune.code]),
        "roster, working here": reverse("unit-roster", args=[w.commune.code]) + "?mode=working",
        "roster, absent": reverse("unit-roster", args=[w.commune.code]) + "?mode=absent",
        "staff timeline": reverse("staff-detail", args=[w.person.pk]),
        "movements": reverse("secondments:movement-list"),
        "plan": reverse("plan-detail", args=[w.plan.pk]),
        "alerts": reverse("secondments:movement-alerts"),
    }


# Queries per page, session and user included.
# On PostgreSQL the dashboard's list of communes and today's sums travel in one round trip, and so
# do the province and the fields, and the movements and the quota pool.
DASHBOARD = 7 if connection.vendor == "postgresql" else 10
EXPECTED = {
    "home": 5,
    "province dashboard": DASHBOARD,  # one to ask whether the summary holds today
    "province dashboard, establishment": DASHBOARD,
    "national": 8,
    "unit page": 8,
    "department page": 9,
    # The filter options are asked through today's stored placements, then (today's summary is not
    # built here) through the dated assignments: 6 once the summary holds today.
    "roster": 7,
    "roster, working here": 7,
    "roster, absent": 7,
    "staff timeline": 11,
    "movements": 8,
    "plan": 14,
    "alerts": 6,
}


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def grown(db, clock, client):
    w = Province()
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    national = Client()
    national.force_login(f.user(Role.NATIONAL_VIEWER))
    readers = {name: (national if name == "national" else client, url) for name, url in pages(w).items()}
    for reader, url in readers.values():
        reader.get(url)  # sessions and caches warm
    small = {name: queries(reader, url) for name, (reader, url) in readers.items()}
    w.grow(rounds=4)
    large = {name: queries(reader, url) for name, (reader, url) in readers.items()}
    return w, small, large


def test_page_query_counts_do_not_grow_with_the_dated_record(grown, client):
    w, small, large = grown
    assert small == EXPECTED
    assert large == small
    # The larger pages really list the grown record (five rounds).
    urls = pages(w)
    groups = {key: rows for key, _label, rows in client.get(urls["alerts"]).context["groups"]}
    # A transfer not applied is listed once, under "not applied" (not also as never started).
    assert {key: len(rows) for key, rows in groups.items()} == {
        "ending_soon": 5, "overdue": 5, "not_started": 5, "not_applied": 5,
    }  # fmt: skip
    # Xã Hòa Phú: An and 15 land officers on the roll, 5 of them on maternity leave; 10 seconded in,
    # 5 of them on sick leave and 5 decided but not yet confirmed as arrived (they count from their
    # start date).
    assert client.get(urls["roster"]).context["page_obj"].paginator.count == 16
    assert client.get(urls["roster, working here"]).context["page_obj"].paginator.count == 16
    assert client.get(urls["roster, absent"]).context["page_obj"].paginator.count == 10
    timeline = client.get(urls["staff timeline"]).context["timeline"]
    kinds = [kind for _start, _end, kind, _item in timeline]
    assert (kinds.count("assignment"), kinds.count("movement"), kinds.count("absence")) == (11, 5, 5)
