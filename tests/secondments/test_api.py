"""The API: CRUD where the role allows, one endpoint per transition, 400/403/404/409 answers."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from secondments.models import Kind, Plan, Secondment, StaffRequest, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db

MISSING_VERSION_TEXT = (
    "This form was sent without the version of the record it was opened on; reload the page and "
    "make your change again."
)


@pytest.fixture
def w():
    return b.World()


@pytest.fixture
def api():
    client = APIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def as_(api, user):
    api.force_authenticate(user)
    return api


def test_department_officer_proposes_province_approves_commune_confirms(api, w):
    as_(api, f.user(Role.DEPARTMENT_OFFICER, unit=w.dept))
    response = api.post("/api/v1/movements/", {
        "person": w.people[0].pk, "kind": "secondment", "to_unit": w.commune.pk, "field": w.finance.pk,
        "plan": w.plan.pk, "start_date": "2025-08-01", "planned_end_date": "2025-12-31", "propose": True,
    }, format="json")  # fmt: skip
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert (response.json()["status"], response.json()["from_unit_code"]) == ("proposed", w.dept.code)

    response = api.post(f"/api/v1/movements/{pk}/approve/", {"decision_number": "45/QĐ"}, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only a province official can approve movements."}

    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    response = api.post(f"/api/v1/movements/{pk}/approve/", {"decision_number": "45/QĐ"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"decision_date": ["This field is required."]}
    response = api.post(
        f"/api/v1/movements/{pk}/approve/", {"decision_number": "45/QĐ", "decision_date": "2025-07-25"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "approved"
    response = api.post(
        f"/api/v1/movements/{pk}/approve/", {"decision_number": "45/QĐ", "decision_date": "2025-07-25"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "A movement that is approved cannot be approved."}

    as_(api, f.user(Role.COMMUNE_OFFICER, unit=w.commune))
    response = api.post(f"/api/v1/movements/{pk}/confirm-arrival/", {"arrival_date": "2025-08-01"}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["arrival_date"]) == ("active", "2025-08-01")


def test_extend_end_and_cancel_endpoints(api, w):
    today = timezone.localdate()
    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    start, end = today - timedelta(days=30), today + timedelta(days=30)
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan, start=start, end=end)
    later = end + timedelta(days=90)
    data = {"new_end_date": later.isoformat(), "decision_number": "9/QĐ", "decision_date": today.isoformat()}
    response = api.post(f"/api/v1/movements/{m.pk}/extend/", data, format="json")
    assert response.status_code == 200
    assert response.json()["extensions"][0]["new_end_date"] == later.isoformat()
    after = (later + timedelta(days=1)).isoformat()
    response = api.post(f"/api/v1/movements/{m.pk}/end/", {"actual_end_date": after}, format="json")
    assert response.status_code == 400
    assert response.json()["actual_end_date"][0].startswith("The last day must be between")
    yesterday = (today - timedelta(days=1)).isoformat()
    response = api.post(f"/api/v1/movements/{m.pk}/end/", {"actual_end_date": yesterday}, format="json")
    assert (response.status_code, response.json()["status"], response.json()["actual_end_date"]) == (
        200,
        "completed",
        yesterday,
    )
    assert api.post(f"/api/v1/movements/{m.pk}/cancel/", {}, format="json").status_code == 409
    # Without a date the last day is today: still active today, completed by tomorrow's run.
    other = f.movement(w.people[1], w.commune, status=Status.ACTIVE, start=start, end=end)
    body = api.post(f"/api/v1/movements/{other.pk}/end/", {}, format="json").json()
    assert (body["status"], body["actual_end_date"]) == ("active", today.isoformat())


def test_out_of_scope_movement_is_404(api, w):
    m = f.movement(w.far_person, w.far_commune, status=Status.PROPOSED)
    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    assert api.get(f"/api/v1/movements/{m.pk}/").status_code == 404
    assert api.post(f"/api/v1/movements/{m.pk}/approve/", {}, format="json").status_code == 404


@pytest.mark.parametrize("role", [Role.NATIONAL_VIEWER, Role.API_CLIENT, Role.COMMUNE_OFFICER])
def test_read_only_and_commune_roles_cannot_create_movements(api, w, role):
    as_(api, f.user(role, unit=w.commune if role == Role.COMMUNE_OFFICER else None, prov=w.province))
    response = api.post("/api/v1/movements/", {
        "person": w.people[0].pk, "kind": "secondment", "to_unit": w.commune.pk, "field": w.finance.pk,
        "start_date": "2025-08-01", "planned_end_date": "2025-12-31",
    }, format="json")  # fmt: skip
    # a commune officer cannot even see the department's staff: the person is not a valid choice
    expected = 400 if role == Role.COMMUNE_OFFICER else 403
    assert response.status_code == expected
    assert not Secondment.objects.exists()


def test_overlap_over_the_api(api, w):
    first = f.movement(w.people[0], w.other_commune, start=date(2025, 9, 1), end=date(2025, 9, 30))
    as_(api, f.user(Role.DEPARTMENT_OFFICER, unit=w.dept))
    response = api.post("/api/v1/movements/", {
        "person": w.people[0].pk, "kind": "reinforcement", "to_unit": w.commune.pk, "field": w.finance.pk,
        "start_date": "2025-08-01", "planned_end_date": "2025-12-31",
    }, format="json")  # fmt: skip
    assert response.status_code == 400
    assert response.json() == {
        "__all__": [
            f"Nguyễn Văn An already has a movement to Xã Ea Tu from 01/09/2025 to 30/09/2025 (no. {first.pk}); "
            "one person can have only one temporary movement at a time."
        ]
    }


def test_update_a_proposed_movement_then_not_after_approval(api, w):
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED, plan=w.plan)
    as_(api, f.user(Role.DEPARTMENT_OFFICER, unit=w.dept))
    # Without the version read, refused: no silent overwrite.
    response = api.patch(f"/api/v1/movements/{m.pk}/", {"planned_end_date": "2026-01-31"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"version": [MISSING_VERSION_TEXT]}
    data = {"planned_end_date": "2026-01-31", "version": 1}
    response = api.patch(f"/api/v1/movements/{m.pk}/", data, format="json")
    assert response.status_code == 200 and response.json()["planned_end_date"] == "2026-01-31"
    stale = api.patch(f"/api/v1/movements/{m.pk}/", {"planned_end_date": "2026-02-15", "version": 1}, format="json")
    assert stale.status_code == 409
    m.refresh_from_db()
    m.status, m.decision_number, m.decision_date = Status.APPROVED, "1/QĐ", date(2025, 7, 1)
    m.save()
    data = {"planned_end_date": "2026-02-28", "version": m.version}
    response = api.patch(f"/api/v1/movements/{m.pk}/", data, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "Only draft or proposed movements can be edited."}


def test_movement_list_uses_the_shared_filters(api, w, django_assert_num_queries):
    f.movement(w.people[0], w.commune, kind=Kind.SECONDMENT)
    f.movement(w.people[1], w.commune, kind=Kind.ROTATION)
    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    response = api.get("/api/v1/movements/", {"q": "nguyen van an"})
    assert [r["person_name"] for r in response.json()["results"]] == ["Nguyễn Văn An"]
    response = api.get("/api/v1/movements/", {"kind": "rotation"})
    assert [r["person_name"] for r in response.json()["results"]] == ["Trần Thị Bình"]
    response = api.get("/api/v1/movements/", {"date_from": "not a date"})
    assert response.status_code == 400 and response.json() == {"date_from": ["Enter a valid date."]}
    for _ in range(4):
        f.movement(f.staff(w.dept, w.finance), w.commune)
    # count, page of movements, their extensions
    with django_assert_num_queries(3):
        response = api.get("/api/v1/movements/")
    assert response.json()["count"] == 6


def test_plans_crud_by_province_official_only(api, w):
    data = {
        "name": "Kế hoạch 2026", "period_start": "2026-01-01", "period_end": "2026-12-31",
        "allowed_kinds": ["reinforcement", "secondment"], "min_duration_days": 90, "max_duration_days": 180,
        "priority_communes": [w.commune.pk], "priority_fields": [], "target_reinforcement": 40,
    }  # fmt: skip
    as_(api, f.user(Role.DEPARTMENT_OFFICER, unit=w.dept))
    response = api.post("/api/v1/plans/", data, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "Only a province official can create or change plans."}
    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    response = api.post("/api/v1/plans/", {**data, "priority_communes": [w.far_commune.pk]}, format="json")
    assert response.status_code == 400
    assert response.json() == {"priority_communes": [f'Invalid pk "{w.far_commune.pk}" - object does not exist.']}
    response = api.post("/api/v1/plans/", {**data, "max_duration_days": 30}, format="json")
    assert response.status_code == 400
    assert response.json() == {"__all__": ["The maximum duration must not be shorter than the minimum."]}
    response = api.post("/api/v1/plans/", data, format="json")
    assert response.status_code == 201, response.json()
    plan = Plan.objects.get(name="Kế hoạch 2026")
    assert (plan.province, plan.allowed_kinds) == (w.province, ["secondment", "reinforcement"])
    response = api.post("/api/v1/sending-quotas/", {"plan": plan.pk, "unit": w.dept.pk, "rule": "percent",
                                                    "min_percent": "5", "max_percent": "7"}, format="json")  # fmt: skip
    assert response.status_code == 201
    progress = api.get(f"/api/v1/plans/{plan.pk}/progress/").json()
    # 5–7% of 3 active staff: 0.15 → 0, 0.21 → 0
    assert progress["departments"][0] | {} == {**progress["departments"][0], "required_min": 0, "required_max": 0}
    assert progress["totals"] == [
        {"kind": "secondment", "target": None, "proposed": 0, "sent": 0},
        {"kind": "reinforcement", "target": 40, "proposed": 0, "sent": 0},
    ]
    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.far_province))
    assert api.get(f"/api/v1/plans/{plan.pk}/").status_code == 404


def test_staff_requests_api(api, w):
    as_(api, f.user(Role.COMMUNE_OFFICER, unit=w.commune))
    response = api.post("/api/v1/staff-requests/", {"field": w.finance.pk, "count": 2}, format="json")
    assert response.status_code == 201
    r = StaffRequest.objects.get()
    assert r.commune == w.commune
    as_(api, f.user(Role.DEPARTMENT_OFFICER, unit=w.dept))
    response = api.post("/api/v1/staff-requests/", {"field": w.finance.pk, "count": 2}, format="json")
    assert response.status_code == 403
    as_(api, f.user(Role.PROVINCE_OFFICIAL, prov=w.province))
    m = f.movement(w.people[0], w.commune, field=w.finance)
    response = api.post(f"/api/v1/staff-requests/{r.pk}/fulfil/", {"movements": [m.pk]}, format="json")
    assert (response.status_code, response.json()["status"]) == (200, "fulfilled")
    response = api.post(f"/api/v1/staff-requests/{r.pk}/fulfil/", {"movements": [m.pk]}, format="json")
    assert response.status_code == 409


def test_schema_documents_the_refusals(api, w):
    as_(api, f.user(Role.NATIONAL_VIEWER))
    response = api.get("/api/v1/schema/", {"format": "json"})
    paths = response.json()["paths"]
    approve = paths["/api/v1/movements/{id}/approve/"]["post"]["responses"]
    assert {"200", "400", "403", "404", "409"} <= set(approve)
