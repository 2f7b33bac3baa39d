"""Excel exports: the plan's progress and the movement list as filtered on the page."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from secondments.models import Kind, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in wb.active.iter_rows(values_only=True)]


def table(rows, first_header):
    start = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[start][1] == first_header
    # The table ends at the empty row above the signature block.
    end = next(i for i in range(start, len(rows)) if all(v is None for v in rows[i]))
    return rows[start + 1 : end]


def test_plan_export_sending_units(client, login_as, w=None):
    w = b.World()
    b.fixed_quota(w.plan, w.dept, 10)  # 3 active staff: 10 capped at 3
    f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan)
    f.movement(w.people[1], w.commune, status=Status.PROPOSED, plan=w.plan)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    rows = sheet(client.get(reverse("plan-export", args=[w.plan.pk])))
    assert rows[0][0] == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    # The plan's name says "Kế hoạch" itself: the title does not say "plan" before it again.
    assert any(r[0] == "PROGRESS OF KẾ HOẠCH TĂNG CƯỜNG CÁN BỘ VỀ XÃ: SENDING UNITS" for r in rows)
    data = table(rows, "Sending unit")
    assert data[0] == [1, "Sở Tài chính", 3, "10", 3, 3, 1, 1, 0, 0, 1]
    assert data[1][:2] == [None, "Total"] and data[1][2] == 3


def test_plan_export_receiving_communes(client, login_as):
    w = b.World()
    f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan, end=date(2026, 12, 31))
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    rows = sheet(client.get(reverse("plan-export", args=[w.plan.pk]), {"part": "communes"}))
    data = table(rows, "Commune")
    # finance quota 2, one person in effect today: shortage 1
    assert data[0] == [1, "Xã Hòa Phú", "Finance", None, 1, 0, 0, 1, 1]


def test_movement_export_follows_filters_and_scope(client, login_as, django_assert_num_queries):
    w = b.World()
    f.movement(w.people[0], w.commune, kind=Kind.SECONDMENT, decision_number="=1+1")
    f.movement(w.people[1], w.other_commune, kind=Kind.ROTATION)
    f.movement(w.far_person, w.far_commune)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    rows = sheet(client.get(reverse("movement-export"), {"kind": "secondment"}))
    data = table(rows, "Full name")
    assert len(data) == 1
    assert data[0][:4] == [1, "Nguyễn Văn An", w.people[0].staff_code, "Secondment"]
    assert data[0][7] == date(2025, 8, 1) or data[0][7].date() == date(2025, 8, 1)
    assert data[0][11] == "=1+1"  # text, never a formula
    for _ in range(5):
        f.movement(f.staff(w.dept, w.finance), w.commune)
    # session, user, province for the issuer, its letterhead, the count (now or in the background?),
    # the movements
    with django_assert_num_queries(6):
        response = client.get(reverse("movement-export"))
        rows = sheet(response)
    assert len(table(rows, "Full name")) == 7


def test_movement_export_bad_filter_is_400(client, login_as):
    login_as(Role.PROVINCE_OFFICIAL, prov=f.province())
    response = client.get(reverse("movement-export"), {"date_to": "tomorrow"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_plan_export_title_names_the_plan_once_in_vietnamese(client, login_as, settings):
    w = b.World()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    rows = sheet(client.get(reverse("plan-export", args=[w.plan.pk])))
    titles = [r[0] for r in rows if r[0] and str(r[0]).startswith("TIẾN ĐỘ")]
    assert titles == ["TIẾN ĐỘ KẾ HOẠCH TĂNG CƯỜNG CÁN BỘ VỀ XÃ: ĐƠN VỊ CỬ ĐI"]
    w.plan.name = "Đợt 1 năm 2025"  # a name that does not say what it is
    w.plan.save()
    rows = sheet(client.get(reverse("plan-export", args=[w.plan.pk]), {"part": "communes"}))
    assert [r[0] for r in rows if r[0] and str(r[0]).startswith("TIẾN ĐỘ")] == [
        "TIẾN ĐỘ KẾ HOẠCH ĐỢT 1 NĂM 2025: XÃ TIẾP NHẬN"
    ]
