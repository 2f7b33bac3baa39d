"""Staff, quota, field and position API: scoped CRUD, model validation, no lost updates."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from staffing.models import Quota, Staff
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


@pytest.fixture
def person(world):
    return f.staff(world.commune, world.land, name="Nguyễn Văn A", staff_code="NV1")


@pytest.fixture
def api(client, world):
    client.force_login(officer(world))
    return client


def send(client, method, url, data=None, **headers):
    return getattr(client, method)(url, data=json.dumps(data or {}), content_type="application/json", headers=headers)


STAFF = {
    "staff_code": "NV9",
    "full_name": "Đặng Thị Mới",
    "gender": "female",
    "birth_date": "1992-03-04",
    "category": "civil_servant",
    "qualification": "bachelor",
}


def test_list_is_scoped_filtered_and_accent_insensitive(api, world, person):
    f.staff(world.far_commune, world.land, name="Nguyễn Văn An")
    f.staff(world.commune, world.finance, name="Đặng Thị Đắk")
    body = api.get("/api/v1/staff/", {"q": "nguyen van"}).json()
    assert body["count"] == 1
    assert body["results"][0] | {"id": 0} == {
        "id": 0,
        "staff_code": "NV1",
        "full_name": "Nguyễn Văn A",
        "gender": "male",
        "birth_date": "1985-05-20",
        "category": "civil_servant",
        "position": None,
        "field": world.land.pk,
        "major_field": None,
        "qualification": "bachelor",
        "home_unit": world.commune.pk,
        "unit_code": "24001",
        "status": "active",
        "start_date": None,
        "end_date": None,
        "is_leader": False,
        "placed_from": "2000-01-01",
        "version": 1,
    }
    assert [r["full_name"] for r in api.get("/api/v1/staff/", {"q": "dak"}).json()["results"]] == ["Đặng Thị Đắk"]
    assert api.get("/api/v1/staff/", {"field_code": "finance"}).json()["count"] == 1


def test_invalid_filter_value_is_a_400(api, world):
    response = api.get("/api/v1/staff/", {"category": "boss"})
    assert response.status_code == 400
    assert response.json() == {"category": ["Select a valid choice. boss is not one of the available choices."]}


def test_list_query_count_stays_constant_when_the_roster_grows_tenfold(api, world, django_assert_num_queries):
    f.staff_many(world.commune, world.land, 3, position=world.cadastral, major_field=world.finance)
    # Session, user, count, page of staff with units, positions and fields joined, the listing audited.
    with django_assert_num_queries(5):
        assert api.get("/api/v1/staff/").json()["count"] == 3
    f.staff_many(world.commune, world.land, 27, position=world.cadastral, major_field=world.finance)
    with django_assert_num_queries(5):
        assert api.get("/api/v1/staff/").json()["count"] == 30


def test_create_staff(api, world):
    response = send(api, "post", "/api/v1/staff/", {**STAFF, "home_unit": world.commune.pk, "field": world.land.pk})
    assert response.status_code == 201, response.json()
    person = Staff.objects.get(staff_code="NV9")
    assert response["ETag"] == f'"staff-{person.pk}-v1"'
    assert (person.full_name, person.search_text, person.history.count()) == ("Đặng Thị Mới", "dang thi moi nv9", 1)


@pytest.mark.parametrize(
    "changes, errors",
    [
        ({"birth_date": "2999-01-01"}, {"birth_date": ["The date of birth cannot be in the future."]}),
        ({"category": "boss"}, {"category": ['"boss" is not a valid choice.']}),
        ({"staff_code": "NV1"}, {"staff_code": ["staff member with this staff code already exists."]}),
        ({"home_unit": "far"}, {"home_unit": ['Invalid pk "{far}" - object does not exist.']}),
        ({"home_unit": "missing"}, {"home_unit": ["This field is required."]}),
        (
            {"position": "cadastral", "field": "finance"},
            {"field": ["The field must be the field of the position (Land)."]},
        ),
    ],
)
def test_create_staff_bad_input(api, world, person, changes, errors):
    data = {**STAFF, "home_unit": world.commune.pk, "field": world.land.pk}
    if changes.get("home_unit") == "far":
        changes = {"home_unit": world.far_commune.pk}
        errors = {"home_unit": [f'Invalid pk "{world.far_commune.pk}" - object does not exist.']}
    if changes.get("home_unit") == "missing":
        data.pop("home_unit")
        changes = {}
    if changes.get("position") == "cadastral":
        changes = {"position": world.cadastral.pk, "field": world.finance.pk}
    before = counts()
    response = send(api, "post", "/api/v1/staff/", {**data, **changes})
    assert response.status_code == 400
    assert response.json() == errors
    assert counts() == before


def test_retrieve_sends_an_etag_and_if_match_guards_the_update(api, world, person):
    response = api.get(f"/api/v1/staff/{person.pk}/")
    tag = response["ETag"]
    assert tag == f'"staff-{person.pk}-v1"'
    ok = send(api, "patch", f"/api/v1/staff/{person.pk}/", {"full_name": "Nguyễn Văn B"}, if_match=tag)
    assert ok.status_code == 200 and ok["ETag"] == f'"staff-{person.pk}-v2"'
    stale = send(api, "patch", f"/api/v1/staff/{person.pk}/", {"full_name": "Nguyễn Văn C"}, if_match=tag)
    assert stale.status_code == 412
    assert stale.json()["detail"] == (
        "Someone else changed this record after you opened it. The current values are shown; "
        "review them and save again if your change is still needed."
    )
    assert stale.json()["current"]["full_name"] == "Nguyễn Văn B"
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Nguyễn Văn B", 2)


def test_version_field_guards_the_update(api, world, person):
    assert send(api, "patch", f"/api/v1/staff/{person.pk}/", {"full_name": "B", "version": 1}).status_code == 200
    stale = send(api, "patch", f"/api/v1/staff/{person.pk}/", {"full_name": "C", "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2
    person.refresh_from_db()
    assert person.full_name == "B"


def test_update_without_a_version_is_refused(api, world, person):
    response = send(api, "patch", f"/api/v1/staff/{person.pk}/", {"full_name": "B"})
    assert response.status_code == 428
    assert response.json() == {
        "detail": "Send the version you read (the ETag in an If-Match header, or a version field), "
        "so that a newer change is not overwritten."
    }
    person.refresh_from_db()
    assert (person.full_name, person.version) == ("Nguyễn Văn A", 1)


def test_put_replaces_the_record_and_changes_the_placement_from_today(api, world, person):
    data = {**STAFF, "staff_code": "NV1", "home_unit": world.commune.pk, "field": world.finance.pk, "version": 1}
    response = send(api, "put", f"/api/v1/staff/{person.pk}/", data)
    assert response.status_code == 200, response.json()
    person.refresh_from_db()
    today = timezone.localdate()
    # Name changed (version 2), then the placement from today (version 3); yesterday keeps land.
    assert (person.full_name, person.version) == ("Đặng Thị Mới", 3)
    assert f.placement(person, today).field == world.finance
    assert f.placement(person, today - timedelta(days=1)).field == world.land
    assert response.json()["field"] == world.finance.pk and response.json()["placed_from"] == today.isoformat()


def test_a_back_dated_placement_change_is_a_correction_for_province_officials_only(api, client, world, person):
    yesterday = timezone.localdate() - timedelta(days=1)
    change = {"field": world.finance.pk, "effective_from": yesterday.isoformat(), "version": 1}
    refused = send(api, "patch", f"/api/v1/staff/{person.pk}/", {**change, "reason": "Sai lĩnh vực"})
    assert refused.status_code == 400
    assert refused.json() == {"effective_from": ["Only a province official can record a back-dated correction."]}
    client.force_login(officer(world, "province_official"))
    no_reason = send(client, "patch", f"/api/v1/staff/{person.pk}/", change)
    assert no_reason.status_code == 400
    assert no_reason.json() == {"reason": ["State the reason for the correction."]}
    done = send(client, "patch", f"/api/v1/staff/{person.pk}/", {**change, "reason": "Sai lĩnh vực"})
    assert done.status_code == 200, done.json()
    latest = f.placement(person)
    assert (latest.field, latest.valid_from, latest.change, latest.reason) == (
        world.finance,
        yesterday,
        "correction",
        "Sai lĩnh vực",
    )
    rows = api.get(f"/api/v1/staff/{person.pk}/assignments/").json()
    expected = [("2000-01-01", False), (yesterday.isoformat(), True)]
    assert [(r["valid_from"], r["is_correction"]) for r in rows] == expected


def test_deactivate_instead_of_delete(api, world, person):
    assert send(api, "delete", f"/api/v1/staff/{person.pk}/").status_code == 405
    response = send(
        api,
        "post",
        f"/api/v1/staff/{person.pk}/deactivate/",
        {"status": "retired", "end_date": "2026-01-31", "version": 1},
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["end_date"]) == ("retired", "2026-01-31")
    bad = send(api, "post", f"/api/v1/staff/{person.pk}/deactivate/", {"status": "active", "end_date": "2026-01-31"})
    assert bad.status_code == 400
    assert bad.json() == {"status": ['"active" is not a valid choice.']}


def test_quota_create_update_and_errors(api, world):
    api.force_login(officer(world, Role.PROVINCE_OFFICIAL))  # quotas are decided by the province
    data = {
        "unit": world.commune.pk,
        "field": world.land.pk,
        "category": "civil_servant",
        "count": 4,
        "decision_number": "1/QĐ",
        "decision_date": "2025-07-01",
        "effective_from": "2025-07-01",
    }
    created = send(api, "post", "/api/v1/quotas/", data)
    assert created.status_code == 201
    quota = Quota.objects.get()
    duplicate = send(api, "post", "/api/v1/quotas/", data)
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "non_field_errors": ["A quota for this unit, field and category already starts on that date."]
    }
    negative = send(api, "post", "/api/v1/quotas/", {**data, "count": -1, "effective_from": "2026-01-01"})
    assert negative.json() == {"count": ["Ensure this value is greater than or equal to 0."]}
    early = send(api, "post", "/api/v1/quotas/", {**data, "effective_from": "2025-06-01"})
    assert early.json() == {"__all__": ["A quota cannot take effect before the decision that sets it."]}
    assert Quota.objects.count() == 1
    patched = send(api, "patch", f"/api/v1/quotas/{quota.pk}/", {"count": 6, "version": 1})
    assert patched.json()["count"] == 6 and patched.json()["version"] == 2
    assert api.get("/api/v1/quotas/", {"unit_code": "24001", "field_code": "land"}).json()["count"] == 1


def test_fields_positions_and_units(api, world):
    assert [r["code"] for r in api.get("/api/v1/fields/").json()["results"]] == ["land", "finance"]
    positions = api.get("/api/v1/positions/").json()["results"]
    assert [(p["code"], p["field_code"]) for p in positions] == [("DC-01", "land")]
    units = api.get("/api/v1/units/").json()
    assert [u["code"] for u in units["results"]] == ["24001"]


def test_token_authentication(client, world, person):
    user = officer(world, "api_client")
    key = f.api_key(user)
    response = client.get("/api/v1/staff/", headers={"Authorization": f"Token {key}"})
    assert response.status_code == 200 and response.json()["count"] == 1
    refused = send(
        client,
        "patch",
        f"/api/v1/staff/{person.pk}/",
        {"full_name": "X", "version": 1},
        Authorization=f"Token {key}",
    )
    assert refused.status_code == 403


def test_schema_and_docs_are_served_locally(api):
    schema = api.get("/api/v1/schema/")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in ("/api/v1/staff/{id}/deactivate/", "/api/v1/quotas/", "/api/v1/units/", "/api/v1/positions/"):
        assert path in text
    assert "'412':" in text and "'428':" in text
    docs = api.get("/api/v1/docs/").content.decode()
    assert "drf_spectacular_sidecar" in docs and "cdn" not in docs.lower()
