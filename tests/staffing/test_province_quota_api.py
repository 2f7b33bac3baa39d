"""The province pool over the API: decisions in force with pool, allocated and unallocated figures
worked out by hand; pool decisions recorded by the province's own officials only."""

import json
from datetime import date

import pytest
from django.utils import translation

from accounts.models import Role
from audit.models import AuditEntry
from staffing.models import ProvinceQuota
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

JULY = date(2025, 7, 1)
URL = "/api/v1/province-quotas/"


def pool(province, count, category="civil_servant", day=JULY):
    return ProvinceQuota.objects.create(
        province=province,
        category=category,
        count=count,
        decision_number="1/QĐ-BNV",
        decision_date=day,
        effective_from=day,
    )


@pytest.fixture
def pools(world):
    """Đắk Lắk: civil servants 20 from July, 25 from October; cadres 5. Gia Lai: civil servants 30.
    Đắk Lắk's units: 6 + 5 civil servants from July, 4 more from September; 3 cadres."""
    p = {
        "dl_20": pool(world.province, 20),
        "dl_25": pool(world.province, 25, day=date(2025, 10, 1)),
        "dl_cadre": pool(world.province, 5, category="cadre"),
        "gl_30": pool(world.other_province, 30),
    }
    f.quota(world.commune, world.land, 6)
    f.quota(world.neighbour, world.finance, 5)
    f.quota(world.department, world.finance, 4, effective_from=date(2025, 9, 1))
    f.quota(world.commune, world.finance, 3, category="cadre")
    f.quota(world.far_commune, world.land, 12)
    return p


def figures(body):
    return [
        (r["province_code"], r["category"], r["count"], r["pool"], r["allocated"], r["unallocated"])
        for r in body["results"]
    ]


def send(client, data, **headers):
    return client.post(URL, data=json.dumps(data), content_type="application/json", headers=headers)


def test_list_holds_the_decisions_in_force_with_hand_computed_figures(client, world, pools):
    client.force_login(officer(world, Role.NATIONAL_VIEWER))
    # 1 August: Đắk Lắk 20 civil servants, 6 + 5 allocated (the department's 4 start in September).
    body = client.get(URL, {"on": "2025-08-01"}).json()
    assert body["count"] == 3
    assert figures(body) == [
        ("64", "civil_servant", 30, 30, 12, 18),
        ("66", "cadre", 5, 5, 3, 2),
        ("66", "civil_servant", 20, 20, 11, 9),
    ]
    assert {r["on"] for r in body["results"]} == {"2025-08-01"}
    # 15 October: the 25 decision replaces the 20; 6 + 5 + 4 = 15 allocated, 10 left.
    body = client.get(URL, {"on": "2025-10-15", "province_code": "66", "category": "civil_servant"}).json()
    assert figures(body) == [("66", "civil_servant", 25, 25, 15, 10)]
    assert body["results"][0]["id"] == pools["dl_25"].pk
    # Before any decision: nothing in force.
    assert client.get(URL, {"on": "2025-06-30"}).json()["count"] == 0


def test_list_and_retrieve_are_scoped_to_the_officials_province(client, world, pools):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    body = client.get(URL, {"on": "2025-08-01"}).json()
    assert [r["province_code"] for r in body["results"]] == ["66", "66"]
    assert client.get(f"{URL}{pools['gl_30'].pk}/").status_code == 404
    # A superseded decision still reads, with the pool in force on the day asked.
    row = client.get(f"{URL}{pools['dl_20'].pk}/", {"on": "2025-10-15"}).json()
    assert (row["count"], row["pool"], row["allocated"], row["unallocated"]) == (20, 25, 15, 10)


def test_list_query_count_stays_fixed_as_provinces_grow(client, world, pools, django_assert_num_queries):
    client.force_login(officer(world, Role.NATIONAL_VIEWER))
    # session + user, count, page, pools with their allocations
    with django_assert_num_queries(5):
        client.get(URL, {"on": "2025-08-01"})
    for i in range(3):
        pool(f.province(f"7{i}", f"Tỉnh {i}"), 10 + i)
    with django_assert_num_queries(5):
        assert client.get(URL, {"on": "2025-08-01"}).json()["count"] == 6


def test_an_official_records_a_pool_decision(client, world, pools):
    official = officer(world, Role.PROVINCE_OFFICIAL)
    client.force_login(official)
    data = {
        "province": world.province.pk,
        "category": "civil_servant",
        "count": 18,
        "decision_number": "7/QĐ-BNV",
        "decision_date": "2025-11-01",
        "effective_from": "2025-11-01",
    }
    response = send(client, data)
    assert response.status_code == 201, response.content
    body = response.json()
    # On 1 November: 18 in force, 15 allocated, 3 left.
    assert (body["count"], body["pool"], body["allocated"], body["unallocated"]) == (18, 18, 15, 3)
    assert body["on"] == "2025-11-01"
    saved = ProvinceQuota.objects.get(pk=body["id"])
    assert (saved.count, saved.decision_number, saved.effective_from) == (18, "7/QĐ-BNV", date(2025, 11, 1))
    # Pool decisions are not personal data: no audit entry; the history records who wrote it.
    assert saved.history.get().history_user == official
    assert not AuditEntry.objects.exists()
    # The same date again corrects that decision rather than adding one.
    response = send(client, {**data, "count": 19})
    assert response.status_code == 201
    assert ProvinceQuota.objects.filter(province=world.province, effective_from=date(2025, 11, 1)).count() == 1
    assert ProvinceQuota.objects.get(pk=body["id"]).count == 19


def test_a_pool_below_the_allocations_answers_400_in_vietnamese(client, world, pools):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    before = list(ProvinceQuota.history.values_list("pk", flat=True))
    data = {
        "province": world.province.pk,
        "category": "civil_servant",
        "count": 14,
        "decision_number": "8/QĐ-BNV",
        "decision_date": "2025-11-01",
        "effective_from": "2025-11-01",
    }
    response = send(client, data, **{"Accept-Language": "vi"})
    assert response.status_code == 400
    assert response.json() == {
        "count": [
            "Ngày 01/11/2025 đã phân bổ 15 biên chế công chức cho các đơn vị của tỉnh; "
            "biên chế tỉnh được giao không thể nhỏ hơn."
        ]
    }
    assert list(ProvinceQuota.history.values_list("pk", flat=True)) == before


GOOD = {
    "category": "civil_servant",
    "count": 40,
    "decision_number": "9/QĐ-BNV",
    "decision_date": "2025-11-01",
    "effective_from": "2025-11-01",
}


DATE_FORMAT = "Ngày sai định dạng. Dùng một trong những định dạng sau để thay thế: YYYY-MM-DD."


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"count": None}, "count", "Trường này là bắt buộc."),
        ({"count": -1}, "count", "Đảm bảo giá trị này lớn hơn hoặc bằng 0."),
        ({"category": "general"}, "category", '"general" không phải là một lựa chọn hợp lệ.'),
        ({"count": "abc"}, "count", "Hãy nhập một số nguyên hợp lệ."),
        ({"count": 10**7 + 1}, "count", "Đảm bảo giá trị này nhỏ hơn hoặc bằng 10000000."),
        ({"decision_date": "31/02/2025"}, "decision_date", DATE_FORMAT),
        ({"effective_from": "2025-13-01"}, "effective_from", DATE_FORMAT),
        (
            {"decision_number": "9/QĐ\x07BNV"},
            "decision_number",
            "Văn bản có ký tự điều khiển không nhìn thấy được (thường do dán từ chương trình khác); hãy xóa và gõ lại.",
        ),
    ],
)
def test_bad_input_answers_400_in_vietnamese_and_writes_nothing(client, world, pools, change, field, message):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    data = {"province": world.province.pk, **GOOD, **change}
    data = {k: v for k, v in data.items() if v is not None}
    before = ProvinceQuota.history.count()
    response = send(client, data, **{"Accept-Language": "vi"})
    assert response.status_code == 400, response.content
    errors = response.json()
    assert list(errors) == [field]
    assert errors[field] == [message]
    with translation.override("en"):
        english_response = send(client, data, **{"Accept-Language": "en"})
    assert errors[field] != english_response.json()[field]  # translated, not the English text
    assert ProvinceQuota.history.count() == before


def test_a_decision_taking_effect_before_it_was_made_is_refused(client, world, pools):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    data = {"province": world.province.pk, **GOOD, "decision_date": "2025-11-02"}
    before = ProvinceQuota.history.count()
    response = send(client, data, **{"Accept-Language": "vi"})
    assert response.status_code == 400
    assert ProvinceQuota.history.count() == before


def test_an_official_of_another_province_is_refused(client, world, pools):
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, prov=world.other_province))
    before = ProvinceQuota.history.count()
    response = send(client, {"province": world.province.pk, **GOOD}, **{"Accept-Language": "vi"})
    assert response.status_code == 403
    assert response.json() == {"detail": "Chỉ cán bộ Sở Nội vụ được ghi biên chế Trung ương giao cho tỉnh."}
    assert ProvinceQuota.history.count() == before


def test_a_bad_day_answers_400(client, world, pools):
    client.force_login(officer(world, Role.NATIONAL_VIEWER))
    response = client.get(URL, {"on": "2025-02-30"})
    assert response.status_code == 400
    assert list(response.json()) == ["on"]
