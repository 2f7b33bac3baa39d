"""Kept values: a bounded map, and lookups whose SQL is compiled once and run with other values."""

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.models import User
from communes.models import Unit
from core.memo import Kept, kept_instance, kept_rows
from tests import factories as f


def test_kept_drops_the_least_recently_used():
    kept = Kept(2)
    kept.put("a", 1)
    kept.put("b", 2)
    assert kept.get("a") == 1  # "b" is now the least recently used
    kept.put("c", 3)
    assert (kept.get("a"), kept.get("b"), kept.get("c"), len(kept)) == (1, None, 3, 2)
    assert kept.get_or_build("b", lambda: 4) == 4
    assert kept.get_or_build("b", lambda: 5) == 4


@pytest.mark.django_db
def test_a_kept_lookup_is_compiled_once_and_reads_each_value_converted():
    users = [f.user("province_official", prov=f.province(), username=n) for n in ("lan", "minh")]
    User.objects.filter(pk=users[1].pk).update(is_active=False)
    built = []

    def build(pk):
        built.append(pk)
        return User.objects.filter(pk=pk)

    key = ("test user", object())
    found = [kept_instance(User, key, build, u.pk) for u in users]
    assert [(u.pk, u.username, u.is_active) for u in found] == [
        (users[0].pk, "lan", True),
        (users[1].pk, "minh", False),
    ]
    assert found[0].is_active is True  # a boolean, also on SQLite
    assert found[0].date_joined == User.objects.get(pk=users[0].pk).date_joined  # an aware datetime
    assert len(built) == 1 and built[0] not in (users[0].pk, users[1].pk)  # compiled once, with a stand-in
    assert kept_instance(User, key, build, 987654) is None
    assert found[0]._state.adding is False and found[0]._state.db == "default"


@pytest.mark.django_db
def test_a_kept_lookup_fills_the_related_row_it_joins():
    province = f.province("66", "Tỉnh Đắk Lắk")
    unit = f.unit("Xã Ea Tu", prov=province, code="24001")
    build = lambda code: Unit.objects.select_related("province").filter(code=code)  # noqa: E731
    found = kept_instance(Unit, ("test unit",), build, "24001", related=("province",))
    assert (found.pk, found.name, found.province_id) == (unit.pk, "Xã Ea Tu", province.pk)
    assert "province" in found._state.fields_cache and found.province.name == "Tỉnh Đắk Lắk"
    assert kept_instance(Unit, ("test unit",), build, "99999", related=("province",)) is None


@pytest.mark.django_db
def test_kept_rows_take_whole_numbers_and_strings_only():
    with pytest.raises(TypeError):
        kept_rows(("test date",), lambda day: Session.objects.filter(expire_date__gt=day), timezone.now())


@pytest.mark.django_db
def test_each_stand_in_must_reach_the_sql():
    # A value the queryset ignores would be silently dropped: refused instead.
    with pytest.raises(ValueError):
        kept_rows(("test ignored",), lambda code: Unit.objects.all(), "24001")


@pytest.mark.django_db
def test_run_gives_the_rows_of_each_parameters_kept_or_not():
    from django.db import connection

    from core.memo import run

    f.unit("Xã 100% Thử", code="24001")
    f.unit("Xã Ea Tu", code="24002")
    sql = "SELECT code FROM communes_unit WHERE name LIKE %s AND code >= %s ORDER BY code"
    with connection.cursor() as cursor:
        for params in (["Xã 100%%", "24000"], ["Xã%", "24002"], ["Xã%", "24000"], ["Xã 100%%", "24000"]):
            run(cursor, sql, params)
            got = [r[0] for r in cursor.fetchall()]
            cursor.execute(sql, params)
            assert got == [r[0] for r in cursor.fetchall()], params
        run(cursor, "SELECT 1 WHERE %s = %s", [1, 2])
        assert cursor.fetchall() == []
