"""Quotas are decided by the province: units request posts with a justification, a province
official accepts (the quota decision is recorded) or rejects with a reason."""

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import Role
from staffing import services
from staffing.models import Quota, QuotaRequest
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


def request_counts():
    return {**counts(), "requests": QuotaRequest.objects.count(), "request_history": QuotaRequest.history.count()}


def make_request(world, by=None, count=3):
    by = by or officer(world, Role.COMMUNE_OFFICER)
    return services.quota_request_create(
        by=by,
        unit=world.commune,
        field=world.land,
        category="civil_servant",
        count=count,
        justification="Thiếu 3 người",
    )


def test_commune_officer_cannot_record_a_quota_decision(world):
    commune = officer(world, Role.COMMUNE_OFFICER)
    before = request_counts()
    with pytest.raises(PermissionDenied, match="Only a province official records quota decisions"):
        services.quota_set(
            by=commune,
            unit=world.commune,
            field=world.land,
            category="civil_servant",
            count=5,
            decision_number="1/QĐ",
            decision_date=date(2025, 7, 1),
            effective_from=date(2025, 7, 1),
        )
    assert request_counts() == before


def test_request_then_accept_records_the_decision_with_history(world):
    commune = officer(world, Role.COMMUNE_OFFICER)
    official = officer(world, Role.PROVINCE_OFFICIAL)
    r = make_request(world, commune)
    assert (r.status, r.requested_by, r.quota) == ("open", commune, None)
    r = services.quota_request_accept(
        request=r,
        by=official,
        count=2,
        decision_number="7/QĐ-UBND",
        decision_date=date(2025, 8, 1),
        effective_from=date(2025, 8, 15),
    )
    quota = Quota.objects.get()
    assert (quota.unit, quota.field, quota.category, quota.count) == (world.commune, world.land, "civil_servant", 2)
    assert (r.status, r.quota, r.decided_by) == ("accepted", quota, official)
    assert quota.history.get().history_user == official
    assert [h.status for h in r.history.order_by("history_date")] == ["open", "accepted"]


def test_reject_needs_a_reason_and_a_decided_request_stays_decided(world):
    official = officer(world, Role.PROVINCE_OFFICIAL)
    r = make_request(world)
    before = request_counts()
    with pytest.raises(ValidationError, match="Give the reason"):
        services.quota_request_reject(request=r, by=official, reply="  ")
    assert request_counts() == before
    services.quota_request_reject(request=r, by=official, reply="Đã đủ chỉ tiêu")
    before = request_counts()
    with pytest.raises(ValidationError, match="already rejected"):
        services.quota_request_accept(
            request=r, by=official, decision_number="1", decision_date=date(2025, 7, 1), effective_from=date(2025, 7, 1)
        )
    assert request_counts() == before


def test_unit_officer_cannot_decide_and_other_units_cannot_request(world):
    r = make_request(world)
    neighbour = f.user(Role.COMMUNE_OFFICER, unit=world.neighbour)
    before = request_counts()
    with pytest.raises(PermissionDenied, match="Only a province official can accept or reject quota requests."):
        services.quota_request_reject(request=r, by=officer(world, Role.COMMUNE_OFFICER), reply="x")
    with pytest.raises(PermissionDenied, match="Only the unit's own officer"):
        make_request(world, neighbour)
    with pytest.raises(PermissionDenied):
        services.quota_request_accept(
            request=r,
            by=f.user(Role.PROVINCE_OFFICIAL, prov=world.other_province),
            decision_number="1",
            decision_date=date(2025, 7, 1),
            effective_from=date(2025, 7, 1),
        )
    assert request_counts() == before


# Pages


def test_commune_quota_form_is_refused_with_the_reason(client, world):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    before = request_counts()
    response = client.post(
        reverse("quota-create", args=["24001"]),
        {
            "field": world.land.pk,
            "category": "cadre",
            "count": "9",
            "decision_number": "1",
            "decision_date": "01/07/2025",
            "effective_from": "01/07/2025",
        },
    )
    assert response.status_code == 403
    assert "a unit submits a quota request" in response.content.decode()
    assert request_counts() == before


def test_unit_page_offers_a_request_to_units_and_a_decision_to_the_province(client, world):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    html = client.get(reverse("unit-detail", args=["24001"])).content.decode()
    assert (
        reverse("quota-request-create", args=["24001"]) in html and reverse("quota-create", args=["24001"]) not in html
    )
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = client.get(reverse("unit-detail", args=["24001"])).content.decode()
    assert reverse("quota-create", args=["24001"]) in html
    assert reverse("quota-request-create", args=["24001"]) not in html


def test_request_pages_render_and_accept_through_the_page(client, world):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    create = reverse("quota-request-create", args=["24001"])
    assert client.get(create + f"?field={world.land.pk}&category=cadre").status_code == 200
    response = client.post(
        create, {"field": world.land.pk, "category": "cadre", "count": "2", "justification": "Thiếu cán bộ địa chính"}
    )
    r = QuotaRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == r.get_absolute_url()
    html = client.get(reverse("quota-request-list")).content.decode()
    assert "Xã Đắk Mil" in html and 'data-status="open"' in html
    assert 'id="accept"' not in client.get(r.get_absolute_url()).content.decode()

    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = client.get(r.get_absolute_url()).content.decode()
    assert 'id="accept"' in html and 'id="reject"' in html and "Thiếu cán bộ địa chính" in html
    response = client.post(
        reverse("quota-request-decide", args=[r.pk, "accept"]),
        {"count": "2", "decision_number": "8/QĐ", "decision_date": "01/08/2025", "effective_from": "01/08/2025"},
    )
    assert response.status_code == 302
    r.refresh_from_db()
    assert r.status == "accepted" and r.quota.count == 2 and r.quota.category == "cadre"
    html = client.get(r.get_absolute_url()).content.decode()
    assert "8/QĐ" in html and 'id="accept"' not in html


@pytest.mark.parametrize(
    "data, message",
    [
        ({"count": "0"}, "greater than or equal to 1"),
        ({"count": "-2"}, "greater than or equal to 1"),
        ({"count": "100001"}, "less than or equal to 100000"),
        ({"justification": "   "}, "This field is required."),
        ({"category": "king"}, "Select a valid choice"),
    ],
)
def test_bad_request_forms_are_refused_with_a_message(client, world, data, message):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    before = request_counts()
    post = {"field": world.land.pk, "category": "cadre", "count": "2", "justification": "Lý do", **data}
    response = client.post(reverse("quota-request-create", args=["24001"]), post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert request_counts() == before


def test_accept_form_refuses_bad_dates_and_keeps_the_request_open(client, world):
    r = make_request(world)
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    before = request_counts()
    response = client.post(
        reverse("quota-request-decide", args=[r.pk, "accept"]),
        {"count": "2", "decision_number": "8/QĐ", "decision_date": "01/08/2025", "effective_from": "01/07/2025"},
    )
    assert response.status_code == 400
    assert "A quota cannot take effect before the decision that sets it." in response.content.decode()
    assert request_counts() == before
    assert client.post(reverse("quota-request-decide", args=[r.pk, "approve"]), {}).status_code == 404


def test_request_list_query_count_does_not_grow(client, world, django_assert_max_num_queries):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    make_request(world)
    with django_assert_max_num_queries(12) as small:
        client.get(reverse("quota-request-list"))
    for _ in range(10):
        make_request(world)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("quota-request-list"))


# API


def test_api_commune_posts_a_request_and_the_province_accepts(client, world):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    denied = client.post(
        "/api/v1/quotas/",
        json.dumps(
            {
                "unit": world.commune.pk,
                "field": world.land.pk,
                "category": "cadre",
                "count": 2,
                "decision_number": "1",
                "decision_date": "2025-07-01",
                "effective_from": "2025-07-01",
            }
        ),
        content_type="application/json",
    )
    assert denied.status_code == 403
    assert "a unit submits a quota request" in denied.json()["detail"]
    response = client.post(
        "/api/v1/quota-requests/",
        json.dumps(
            {
                "unit": world.commune.pk,
                "field": world.land.pk,
                "category": "cadre",
                "count": 2,
                "justification": "Thiếu",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    bad = client.post(f"/api/v1/quota-requests/{pk}/accept/", json.dumps({"count": 2}), content_type="application/json")
    assert bad.status_code == 400 and "decision_number" in bad.json()
    ok = client.post(
        f"/api/v1/quota-requests/{pk}/accept/",
        json.dumps({"decision_number": "3/QĐ", "decision_date": "2025-07-01", "effective_from": "2025-07-01"}),
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    assert Quota.objects.get(pk=ok.json()["quota"]).count == 2
    again = client.post(
        f"/api/v1/quota-requests/{pk}/reject/", json.dumps({"reply": "x"}), content_type="application/json"
    )
    assert again.status_code == 400 and "already accepted" in json.dumps(again.json())
