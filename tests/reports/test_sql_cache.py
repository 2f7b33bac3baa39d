"""Report SQL is compiled once per shape and kept; the numbers stay those of the date and units asked."""

from datetime import date

import pytest

from core.memo import Kept
from headcount import selectors
from reports.selectors import province_dashboard
from tests.reports.builders import AS_OF, province_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return province_fixture()


@pytest.fixture
def builds(monkeypatch):
    """Counts how often the headcount SQL is compiled, from an empty cache."""
    monkeypatch.setattr(selectors, "_SQL_CACHE", Kept(256))
    calls = []
    build = selectors._build_summed_sql

    def counting(*args, **kwargs):
        calls.append(args[1])
        return build(*args, **kwargs)

    monkeypatch.setattr(selectors, "_build_summed_sql", counting)
    return calls


def numbers(d):
    k = d.kpis
    return k.quota, k.on_roll, k.seconded_in, k.seconded_out, k.active_movements, k.ending_soon, k.mismatches


def test_the_same_report_again_reuses_its_sql_and_another_date_gets_its_own(world, builds):
    # At AS_OF (worked out in builders.py): quota 16, on roll 16, in 2, out 1, two movements in
    # effect, one ending within 30 days, one mismatch. By 2 November 2025 the land secondment
    # from Xã An (it ended on 1 November) is over.
    at_as_of = numbers(province_dashboard(world["province"], as_of=AS_OF))
    assert at_as_of == (16, 16, 2, 1, 2, 1, 1)
    assert builds == [AS_OF]
    assert numbers(province_dashboard(world["province"], as_of=AS_OF)) == at_as_of
    assert builds == [AS_OF]

    later = date(2025, 11, 2)
    after_end = numbers(province_dashboard(world["province"], as_of=later))
    assert after_end[4] == 1  # only the department secondment to Phường Bình is still in effect
    assert builds == [AS_OF, later]
    # Back to the first date: its kept SQL gives its own numbers, not the later ones.
    assert numbers(province_dashboard(world["province"], as_of=AS_OF)) == at_as_of
    assert builds == [AS_OF, later]


def test_kept_sql_is_bounded(world, monkeypatch, builds):
    monkeypatch.setattr(selectors, "_SQL_CACHE", Kept(4))
    for day in range(1, 11):
        province_dashboard(world["province"], as_of=date(2025, 10, day))
    assert len(selectors._SQL_CACHE) <= 4
    assert len(builds) == 10
