"""A small world for the headcount sequences, a clock the services read as "today", and the
counts per unit on a day (establishment, coverage) read through the headcount selectors."""

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import timezone, translation

from accounts.models import Role
from communes.models import Unit
from headcount.selectors import headcount_rows
from tests import factories as f


class Clock:
    """``timezone.localdate()`` for the services, the pages and the hourly run."""

    def __init__(self, day):
        self.day = day


@pytest.fixture
def clock(monkeypatch):
    real = timezone.localdate
    c = Clock(date(2026, 4, 15))

    def localdate(value=None, timezone=None):
        return c.day if value is None else real(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return c


@pytest.fixture
def vi():
    """Messages are asserted in Vietnamese, the language officials read them in."""
    with translation.override("vi"):
        yield


@dataclass
class World:
    province: object
    finance: object
    land: object
    a: object  # Sở Tài chính: the sending department
    b: object  # Xã Hòa Phú
    c: object  # Xã Ea Tu
    p: object  # Nguyễn Văn An, finance at A: the person the sequences move
    q: object  # Trần Thị Bình, finance at A
    s: object  # Phạm Thị Dung, finance at A
    r: object  # Lê Văn Cường, land at B
    official: object

    @property
    def units(self):
        return {"A": self.a, "B": self.b, "C": self.c}


def build_world():
    """A: 3 finance staff (p, q, s); B: 1 land (r); C: nobody. Quotas: A finance 3; B land 2, finance 1;
    C land 1, finance 1. Everybody placed since 01/01/2000."""
    province = f.province("66", "Tỉnh Đắk Lắk")
    finance = f.field("finance", "Tài chính", "Finance", sort_order=1)
    land = f.field("land", "Đất đai", "Land", sort_order=2)
    a = f.department("Sở Tài chính", code="66S01", prov=province)
    b = f.unit("Xã Hòa Phú", code="66001", prov=province)
    c = f.unit("Xã Ea Tu", code="66002", prov=province)
    f.quota(a, finance, 3)
    f.quota(b, land, 2)
    f.quota(b, finance, 1)
    f.quota(c, land, 1)
    f.quota(c, finance, 1)
    return World(
        province=province,
        finance=finance,
        land=land,
        a=a,
        b=b,
        c=c,
        p=f.staff(a, finance, name="Nguyễn Văn An", staff_code="NV001"),
        q=f.staff(a, finance, name="Trần Thị Bình", staff_code="NV002", gender="female"),
        s=f.staff(a, finance, name="Phạm Thị Dung", staff_code="NV003", gender="female"),
        r=f.staff(b, land, name="Lê Văn Cường", staff_code="NV004"),
        official=f.user(Role.PROVINCE_OFFICIAL, prov=province),
    )


@pytest.fixture
def w(db, clock):
    return build_world()


def parts(w, day):
    """{unit letter: (on roll, seconded out, seconded in, absent)} on ``day``, all fields added."""
    names = {u.pk: k for k, u in w.units.items()}
    out = {k: [0, 0, 0, 0] for k in w.units}
    for r in headcount_rows(units=Unit.objects.filter(pk__in=names), as_of=day):
        acc = out[names[r.unit_id]]
        for i, value in enumerate((r.on_roll, r.seconded_out, r.seconded_in, r.absent)):
            acc[i] += value
    return {k: tuple(v) for k, v in out.items()}


def counts(w, day):
    """{unit letter: (establishment, coverage)} on ``day``."""
    return {k: (on_roll, on_roll - out + came - absent) for k, (on_roll, out, came, absent) in parts(w, day).items()}


def by_field(w, day):
    """{(unit letter, field code): (establishment, coverage)} on ``day``, non-zero entries only."""
    names = {u.pk: k for k, u in w.units.items()}
    codes = {w.finance.pk: "finance", w.land.pk: "land"}
    out = {}
    for r in headcount_rows(units=Unit.objects.filter(pk__in=names), as_of=day):
        if r.on_roll or r.effective:
            out[(names[r.unit_id], codes[r.field_id])] = (r.on_roll, r.effective)
    return out
