"""The staff API's kept SQL (``reports.exports.staff_page``): never a stale row, the same queries."""

from datetime import date, timedelta

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from headcount import summary
from reports import api, exports
from tests import factories as f
from tests.reports.builders import province_fixture
from tests.reports.test_report_api import api_as

pytestmark = pytest.mark.django_db

URL = reverse("api-report-staff")


@pytest.fixture
def world():
    exports._STAFF_KEPT.clear()
    return province_fixture()


def codes(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    return sorted(r["staff_code"] for r in response.json()["results"])


def refresh(summary_holds):
    if summary_holds:
        summary.rebuild()


@pytest.mark.parametrize("summary_holds", [True, False])
def test_a_kept_list_is_not_built_again_and_costs_the_same_queries(
    world, django_assert_num_queries, monkeypatch, summary_holds
):
    refresh(summary_holds)
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    # token + user 1, token use audited 1, units 1, page 1, listing audited 1; without today's
    # summary: whether it holds 1, units 1, page through the assignments 1
    n = 5 if summary_holds else 8
    with django_assert_num_queries(n):
        first = client.get(URL, {"page_size": 7}).json()
    filtered = client.get(URL, {"page_size": 7, "category": "civil_servant", "ordering": "full_name"}).json()

    def built(*args, **kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(exports, "staff_filtered", built)
    with django_assert_num_queries(n):
        assert client.get(URL, {"page_size": 7}).json() == first
    # The filters are keyed in any order; a parameter the filterset ignores changes nothing.
    again = client.get(URL, {"ordering": "full_name", "x": "1", "category": "civil_servant", "page_size": 7}).json()
    assert again["results"] == filtered["results"]


@pytest.mark.parametrize("summary_holds", [True, False])
def test_a_new_unit_in_scope_is_listed_at_once_with_the_same_queries(world, django_assert_num_queries, summary_holds):
    refresh(summary_holds)
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    before = codes(client, page_size=100)
    assert codes(client, page_size=100, unit_code="66004") == []
    unit = f.unit("Xã Mới", code="66004", prov=world["province"])
    person = f.staff(unit, world["land"])
    refresh(summary_holds)
    with django_assert_num_queries(5 if summary_holds else 8):
        assert codes(client, page_size=100) == sorted([*before, person.staff_code])
    assert codes(client, page_size=100, unit_code="66004") == [person.staff_code]


def token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(user)}")
    return client


def test_another_scope_never_gets_the_kept_rows(world):
    summary.rebuild()
    user = f.user(Role.PROVINCE_OFFICIAL, prov=world["province"])
    own = sorted(p.staff_code for p in exports.staff_list(user, QueryDict()))
    client = token_client(user)
    assert codes(client, page_size=100) == own
    user.province = world["other"]
    user.save()
    hanoi = codes(client, page_size=100)
    assert len(hanoi) == 2 and not set(hanoi) & set(own)
    assert len(codes(api_as(Role.COMMUNE_OFFICER, unit=world["cu"]), page_size=100)) == 3
    assert len(codes(api_as(Role.NATIONAL_VIEWER), page_size=100)) == len(own) + 2
    # Granted personal data, the same reader with the same filters reads more columns.
    viewer = f.user(Role.NATIONAL_VIEWER)
    client = token_client(viewer)
    assert "birth_date" not in client.get(URL, {"page_size": 1}).json()["results"][0]
    viewer.personal_data_access = True
    viewer.save()
    assert "birth_date" in client.get(URL, {"page_size": 1}).json()["results"][0]


def test_a_write_is_read_at_once(world):
    summary.rebuild()
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    row = client.get(URL, {"q": "tran thi lech"}).json()["results"][0]
    assert row["field_code"] == "culture"
    world["culture"].code = "culture2"
    world["culture"].save()
    world["an"].code = "66009"
    world["an"].save()
    row = client.get(URL, {"q": "tran thi lech"}).json()["results"][0]
    assert (row["field_code"], row["unit_code"]) == ("culture2", "66009")


def test_a_new_day_reads_its_own_placements(world):
    user = f.user(Role.PROVINCE_OFFICIAL, prov=world["province"])
    today = timezone.localdate()
    tomorrow = today + timedelta(days=1)
    person = f.staff(world["cu"], world["land"], placed_from=tomorrow)
    params = QueryDict("unit_code=66003")

    def listed(day):
        rows = exports.staff_page(user, params, day, stored=False, columns=api.STAFF_API, after=None, limit=100)
        return {row[0] for row in rows}

    assert person.pk not in listed(today)
    assert person.pk in listed(tomorrow)
    assert person.pk not in listed(today)


def test_a_filter_reading_other_rows_is_never_kept(world):
    summary.rebuild()
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    assert codes(client, field_code="health") == []
    health = f.field("health", "Y tế", "Health", sort_order=9)
    person = f.staff(world["cu"], health)
    summary.rebuild()
    assert codes(client, field_code="health") == [person.staff_code]
    assert client.get(URL, {"field": 999_999}).status_code == 400


def test_the_cursor_walks_kept_pages_and_bad_filters_answer_before_a_bad_cursor(world):
    summary.rebuild()
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    for _ in range(2):
        url, seen = f"{URL}?page_size=4", []
        while url:
            data = client.get(url).json()
            seen += [(r["unit_id"], r["id"]) for r in data["results"]]
            url = data["next"]
        assert len(seen) == 26 and seen == sorted(set(seen))
    assert client.get(URL, {"cursor": "garbage", "category": "boss"}).status_code == 400
    assert client.get(URL, {"cursor": "garbage"}).status_code == 404


def test_sqlite_values_are_converted_as_the_orm_does(world):
    summary.rebuild()
    f.staff(world["cu"], world["land"], name="Lê Văn Lãnh", is_leader=True, birth_date=date(1970, 1, 2))
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    for _ in range(2):
        row = client.get(URL, {"q": "le van lanh"}).json()["results"][0]
        assert row["is_leader"] is True and row["birth_date"] == "1970-01-02" and row["position_code"] is None


def test_units_nothing_can_match_give_no_rows_every_time(world):
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    for _ in range(2):
        assert codes(client, unit="1.5") == []
    assert codes(client, unit="1.5", unit_code="66001") == []
    assert len(codes(client, unit=str(world["an"].pk))) == 8
