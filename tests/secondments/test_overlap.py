"""One temporary movement at a time, refused with the same message on SQLite and PostgreSQL."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from accounts.models import Role
from secondments import services as s
from secondments.models import Kind, Secondment, SecondmentQuerySet
from tests import factories as f
from tests.secondments import builders as b

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint: PostgreSQL")


def nominate(w, by, to_unit, start, end):
    return s.secondment_create(
        by=by, person=w.people[0], to_unit=to_unit, field=w.finance, kind=Kind.REINFORCEMENT,
        start_date=start, planned_end_date=end, plan=w.plan, propose=True,
    )  # fmt: skip


def expected(first):
    return (
        f"Nguyễn Văn An already has a movement to {first.to_unit} from 01/08/2025 to 31/10/2025 (no. {first.pk}); "
        "one person can have only one temporary movement at a time."
    )


@pytest.mark.django_db
def test_overlap_refused_by_the_check(w=None):
    w = b.World()
    officer = f.user(Role.DEPARTMENT_OFFICER, unit=w.dept)
    first = nominate(w, officer, w.commune, date(2025, 8, 1), date(2025, 10, 31))
    with pytest.raises(ValidationError) as exc:
        nominate(w, officer, w.other_commune, date(2025, 10, 31), date(2025, 12, 31))
    assert exc.value.messages == [expected(first)]
    assert Secondment.objects.count() == 1


@postgres_only
@pytest.mark.django_db
def test_database_refusal_reads_like_the_check(monkeypatch):
    """A request that raced past the check is stopped by the exclusion constraint, same message."""
    w = b.World()
    officer = f.user(Role.DEPARTMENT_OFFICER, unit=w.dept)
    first = nominate(w, officer, w.commune, date(2025, 8, 1), date(2025, 10, 31))
    real = SecondmentQuerySet.overlapping
    calls = []

    def blind_once(self, **kwargs):
        calls.append(kwargs)
        # the first look (clean) sees nothing, as if the other movement were not committed yet
        return self.none() if len(calls) == 1 else real(self, **kwargs)

    monkeypatch.setattr(SecondmentQuerySet, "overlapping", blind_once)
    with pytest.raises(ValidationError) as exc:
        nominate(w, officer, w.other_commune, date(2025, 9, 1), date(2025, 9, 30))
    assert exc.value.messages == [expected(first)]
    assert Secondment.objects.count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_nominations_leave_one_movement():
    w = b.World()
    officer = f.user(Role.DEPARTMENT_OFFICER, unit=w.dept)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(to_unit):
        try:
            barrier.wait()
            with translation.override("en"):  # the language is per thread
                outcomes.append(nominate(w, officer, to_unit, date(2025, 8, 1), date(2025, 10, 31)))
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(u,)) for u in (w.commune, w.other_commune)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    created = [o for o in outcomes if isinstance(o, Secondment)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert (len(created), len(refused)) == (1, 1)
    assert refused[0].messages == [expected(created[0])]
    assert Secondment.objects.count() == 1
