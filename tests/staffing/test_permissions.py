"""Who may open or change what: every page and endpoint × every role, in one table.

Account pages are everyone's own; the users, password-reset and audit pages are a province
official's (their own province; others answer 404) and an administrator's.

Outside the user's scope answers 404; inside it, an action the role may not take answers 403.
The commune officer works on Xã Đắk Mil (24001), the department officer on Sở Tài chính, the
province official and the API client on Đắk Lắk; the national viewer reads everything.
"""

import json
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken
from reports.models import ExportJob
from staffing.models import Absence, ImportJob, ProvinceQuota, QuotaRequest
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

FUTURE = timezone.now() + timedelta(days=30)
ROLES = ["anonymous", "national_viewer", "province_official", "department_officer", "commune_officer", "api_client"]


def _staff_post(w, o):
    return {
        "staff_code": "NEW1",
        "full_name": "Nguyễn Văn Mới",
        "gender": "female",
        "birth_date": "15/01/1990",
        "category": "civil_servant",
        "field": w.land.pk,
        "qualification": "bachelor",
    }


def _quota_api(w, o):
    return {
        "unit": w.commune.pk,
        "field": w.finance.pk,
        "category": "cadre",
        "count": 2,
        "decision_number": "9/QĐ",
        "decision_date": "2025-07-01",
        "effective_from": "2025-07-01",
    }


def _staff_api(w, o):
    return {**_staff_post(w, o), "birth_date": "1990-01-15", "home_unit": w.commune.pk}


def _pool_api(province):
    return lambda w, o: {
        "province": getattr(w, province).pk,
        "category": "cadre",
        "count": 9,
        "decision_number": "3/QĐ-BNV",
        "decision_date": "2025-08-01",
        "effective_from": "2025-08-01",
    }


def _pool(province):
    return ProvinceQuota.objects.create(
        province=province,
        category="civil_servant",
        count=40,
        decision_number="1/QĐ-BNV",
        decision_date=date(2025, 7, 1),
        effective_from=date(2025, 7, 1),
    )


def _quota_post(w, o):
    return {
        "field": w.finance.pk,
        "category": "cadre",
        "count": "2",
        "decision_number": "9/QĐ",
        "decision_date": "01/07/2025",
        "effective_from": "01/07/2025",
    }


def _quota_request_post(w, o):
    return {"field": w.finance.pk, "category": "cadre", "count": "2", "justification": "Thiếu người làm tài chính"}


def _quota_request_api(w, o):
    return {"field": w.finance.pk, "category": "cadre", "count": 2, "justification": "Thiếu người làm tài chính"}


TODAY = timezone.localdate()


def _placement_post(w, day):
    return {
        "unit": w.commune.pk,
        "field": w.finance.pk,
        "category": "civil_servant",
        "effective_from": day.strftime("%d/%m/%Y"),
        "version": 1,
    }


def _workbook(w, o):
    return {"file": support.upload(hf.roster_workbook([hf.staff_row("", "NV9", "Lê Văn C")]))}


def _province_workbook(w, o):
    return {"file": support.upload(hf.roster_workbook([hf.staff_row("24001", "NV9", "Lê Văn C")]))}


OTHERS_IMPORT = [302, 403, 404, 404, 404, 403]  # a colleague's import: nobody else's to see


# name: (method, url(world, objects), data(world, objects) or None, expected status per role)
CASES = {
    "page unit list": ("get", lambda w, o: reverse("unit-list"), None, [302, 200, 200, 200, 200, 403]),
    "page own commune": (
        "get",
        lambda w, o: reverse("unit-detail", args=["24001"]),
        None,
        [302, 200, 200, 404, 200, 403],
    ),
    "page own roster": (
        "get",
        lambda w, o: reverse("unit-roster", args=["24001"]),
        None,
        [302, 200, 200, 404, 200, 403],
    ),
    "page other province roster": (
        "get",
        lambda w, o: reverse("unit-roster", args=["23001"]),
        None,
        [302, 200, 404, 404, 404, 403],
    ),
    "page department": (
        "get",
        lambda w, o: reverse("unit-detail", args=["S66-TC"]),
        None,
        [302, 200, 200, 200, 404, 403],
    ),
    "page other province": (
        "get",
        lambda w, o: reverse("unit-detail", args=["23001"]),
        None,
        [302, 200, 404, 404, 404, 403],
    ),
    "page staff": (
        "get",
        lambda w, o: reverse("staff-detail", args=[o["staff"].pk]),
        None,
        [302, 200, 200, 404, 200, 403],
    ),
    "page department staff": (
        "get",
        lambda w, o: reverse("staff-detail", args=[o["dept_staff"].pk]),
        None,
        [302, 200, 200, 200, 404, 403],
    ),
    "page staff create": (
        "get",
        lambda w, o: reverse("staff-create", args=["24001"]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page staff create (post)": (
        "post",
        lambda w, o: reverse("staff-create", args=["24001"]),
        _staff_post,
        [302, 403, 302, 404, 302, 403],
    ),
    "page staff edit": (
        "get",
        lambda w, o: reverse("staff-update", args=[o["staff"].pk]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page staff edit (post)": (
        "post",
        lambda w, o: reverse("staff-update", args=[o["staff"].pk]),
        lambda w, o: {**_staff_post(w, o), "staff_code": o["staff"].staff_code, "version": 1},
        [302, 403, 302, 404, 302, 403],
    ),
    "page staff deactivate (post)": (
        "post",
        lambda w, o: reverse("staff-deactivate", args=[o["staff"].pk]),
        lambda w, o: {"status": "retired", "end_date": "31/01/2026", "version": 1},
        [302, 403, 302, 404, 302, 403],
    ),
    "page placement change": (
        "get",
        lambda w, o: reverse("staff-placement", args=[o["staff"].pk]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page placement change (post)": (
        "post",
        lambda w, o: reverse("staff-placement", args=[o["staff"].pk]),
        lambda w, o: _placement_post(w, TODAY),
        [302, 403, 302, 404, 302, 403],
    ),
    "page placement correction (post)": (
        "post",
        lambda w, o: reverse("staff-placement", args=[o["staff"].pk]),
        lambda w, o: {**_placement_post(w, TODAY - timedelta(days=1)), "reason": "Ghi sai lĩnh vực"},
        [302, 403, 302, 404, 400, 403],
    ),
    "page absence create": (
        "get",
        lambda w, o: reverse("absence-create", args=[o["staff"].pk]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page absence create (post)": (
        "post",
        lambda w, o: reverse("absence-create", args=[o["staff"].pk]),
        lambda w, o: {"kind": "study", "start_date": "01/02/2026", "end_date": "", "note": ""},
        [302, 403, 302, 404, 302, 403],
    ),
    "page absence edit": (
        "get",
        lambda w, o: reverse("absence-update", args=[o["staff"].pk, o["absence"].pk]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page quota create (post)": (
        "post",
        lambda w, o: reverse("quota-create", args=["24001"]),
        _quota_post,
        [302, 403, 302, 404, 403, 403],
    ),
    "page import upload (post)": (
        "post",
        lambda w, o: reverse("unit-import", args=["24001"]),
        _workbook,
        [302, 403, 302, 404, 302, 403],
    ),
    "page staff deactivate": (
        "get",
        lambda w, o: reverse("staff-deactivate", args=[o["staff"].pk]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page quota create": (
        "get",
        lambda w, o: reverse("quota-create", args=["24001"]),
        None,
        [302, 403, 200, 404, 403, 403],
    ),
    "page quota edit": (
        "get",
        lambda w, o: reverse("quota-update", args=[o["quota"].pk]),
        None,
        [302, 403, 200, 404, 403, 403],
    ),
    "page template download": (
        "get",
        lambda w, o: reverse("unit-template", args=["24001"]),
        None,
        [302, 200, 200, 404, 200, 403],
    ),
    "page import upload": (
        "get",
        lambda w, o: reverse("unit-import", args=["24001"]),
        None,
        [302, 403, 200, 404, 200, 403],
    ),
    "page import preview": (
        "get",
        lambda w, o: reverse("unit-import-preview", args=["24001", "0" * 32]),
        None,
        [302, 403, 404, 404, 404, 403],
    ),
    "page someone else's import restart": (
        "post",
        lambda w, o: reverse("unit-import-restart", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page someone else's province import restart": (
        "post",
        lambda w, o: reverse("province-import-restart", args=[o["province_import"].token]),
        None,
        [302, 403, 404, 403, 403, 403],
    ),
    "page someone else's import columns": (
        "get",
        lambda w, o: reverse("unit-import-mapping", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page someone else's import columns (post)": (
        "post",
        lambda w, o: reverse("unit-import-mapping", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page someone else's import live preview (post)": (
        "post",
        lambda w, o: reverse("unit-import-mapping-live", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page someone else's import progress": (
        "get",
        lambda w, o: reverse("unit-import-job", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page someone else's import preview": (
        "get",
        lambda w, o: reverse("unit-import-preview", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page apply someone else's import (post)": (
        "post",
        lambda w, o: reverse("unit-import-preview", args=["24001", o["import"].token]),
        None,
        OTHERS_IMPORT,
    ),
    "page map a value in someone else's import (post)": (
        "post",
        lambda w, o: reverse("unit-import-alias", args=["24001", o["import"].token]),
        lambda w, o: {"kind": "field", "value": "X", "target": "land"},
        OTHERS_IMPORT,
    ),
    "page province import upload": (
        "get",
        lambda w, o: reverse("province-import"),
        None,
        [302, 403, 200, 403, 403, 403],
    ),
    "page province import upload (post)": (
        "post",
        lambda w, o: reverse("province-import"),
        _province_workbook,
        [302, 403, 302, 403, 403, 403],
    ),
    "page province import preview of another's": (
        "get",
        lambda w, o: reverse("province-import-preview", args=[o["province_import"].token]),
        None,
        [302, 403, 404, 403, 403, 403],
    ),
    "api units": ("get", lambda w, o: "/api/v1/units/", None, [401, 200, 200, 200, 200, 200]),
    "api unit": ("get", lambda w, o: f"/api/v1/units/{w.commune.pk}/", None, [401, 200, 200, 404, 200, 200]),
    "api fields": ("get", lambda w, o: "/api/v1/fields/", None, [401, 200, 200, 200, 200, 200]),
    "api positions": ("get", lambda w, o: "/api/v1/positions/", None, [401, 200, 200, 200, 200, 200]),
    "api field": ("get", lambda w, o: f"/api/v1/fields/{w.land.pk}/", None, [401, 200, 200, 200, 200, 200]),
    "api position": ("get", lambda w, o: f"/api/v1/positions/{w.cadastral.pk}/", None, [401, 200, 200, 200, 200, 200]),
    "api staff create": ("post", lambda w, o: "/api/v1/staff/", _staff_api, [401, 403, 201, 400, 201, 403]),
    "api staff list": ("get", lambda w, o: "/api/v1/staff/", None, [401, 200, 200, 200, 200, 200]),
    "api staff": ("get", lambda w, o: f"/api/v1/staff/{o['staff'].pk}/", None, [401, 200, 200, 404, 200, 200]),
    "api staff patch": (
        "patch",
        lambda w, o: f"/api/v1/staff/{o['staff'].pk}/",
        lambda w, o: {"full_name": "Tên Mới", "version": 1},
        [401, 403, 200, 404, 200, 403],
    ),
    "api staff deactivate": (
        "post",
        lambda w, o: f"/api/v1/staff/{o['staff'].pk}/deactivate/",
        lambda w, o: {"status": "retired", "end_date": "2026-01-31", "version": 1},
        [401, 403, 200, 404, 200, 403],
    ),
    "api staff assignments": (
        "get",
        lambda w, o: f"/api/v1/staff/{o['staff'].pk}/assignments/",
        None,
        [401, 200, 200, 404, 200, 200],
    ),
    "api absences": ("get", lambda w, o: "/api/v1/absences/", None, [401, 200, 200, 200, 200, 200]),
    "api absence": ("get", lambda w, o: f"/api/v1/absences/{o['absence'].pk}/", None, [401, 200, 200, 404, 200, 200]),
    "api absence create": (
        "post",
        lambda w, o: "/api/v1/absences/",
        lambda w, o: {"person": o["staff"].pk, "kind": "study", "start_date": "2026-02-01"},
        [401, 403, 201, 400, 201, 403],
    ),
    "api absence patch": (
        "patch",
        lambda w, o: f"/api/v1/absences/{o['absence'].pk}/",
        lambda w, o: {"end_date": "2025-12-31", "version": 1},
        [401, 403, 200, 404, 200, 403],
    ),
    "api staff delete": (
        "delete",
        lambda w, o: f"/api/v1/staff/{o['staff'].pk}/",
        None,
        [401, 403, 405, 405, 405, 403],
    ),
    "api quota list": ("get", lambda w, o: "/api/v1/quotas/", None, [401, 200, 200, 200, 200, 200]),
    "api quota": ("get", lambda w, o: f"/api/v1/quotas/{o['quota'].pk}/", None, [401, 200, 200, 404, 200, 200]),
    "api quota create": ("post", lambda w, o: "/api/v1/quotas/", _quota_api, [401, 403, 201, 400, 403, 403]),
    "page account": ("get", lambda w, o: reverse("account"), None, [302, 200, 200, 200, 200, 403]),
    "page password change": ("get", lambda w, o: reverse("password-change"), None, [302, 200, 200, 200, 200, 403]),
    "page two-factor setup": ("get", lambda w, o: reverse("two-factor-setup"), None, [302, 200, 200, 200, 200, 403]),
    "page token create (post)": (
        "post",
        lambda w, o: reverse("token-create"),
        lambda w, o: {"name": "BI", "days": "30"},
        [302, 200, 200, 200, 200, 403],
    ),
    "page token revoke someone else's (post)": (
        "post",
        lambda w, o: reverse("token-revoke", args=[o["token"].pk]),
        None,
        [302, 404, 302, 404, 404, 403],
    ),
    "page users": ("get", lambda w, o: reverse("user-list"), None, [302, 403, 200, 403, 403, 403]),
    "page user in the province": (
        "get",
        lambda w, o: reverse("user-detail", args=[o["colleague"].pk]),
        None,
        [302, 403, 200, 403, 403, 403],
    ),
    "page user in another province": (
        "get",
        lambda w, o: reverse("user-detail", args=[o["far_colleague"].pk]),
        None,
        [302, 403, 404, 403, 403, 403],
    ),
    "page password reset (post)": (
        "post",
        lambda w, o: reverse("user-password-reset", args=[o["colleague"].pk]),
        None,
        [302, 403, 200, 403, 403, 403],
    ),
    "page audit log": ("get", lambda w, o: reverse("audit-log"), None, [302, 403, 200, 403, 403, 403]),
    "page audit log export": (
        "get",
        lambda w, o: reverse("audit-log") + "?format=xlsx",
        None,
        [302, 403, 200, 403, 403, 403],
    ),
    "page someone else's export job": (
        "get",
        lambda w, o: reverse("reports:export-job", args=[o["job"].pk]),
        None,
        [302, 404, 404, 404, 404, 403],
    ),
    "page retry someone else's export (post)": (
        "post",
        lambda w, o: reverse("reports:export-retry", args=[o["job"].pk]),
        None,
        [302, 404, 404, 404, 404, 403],
    ),
    "api docs": ("get", lambda w, o: "/api/v1/docs/", None, [200, 200, 200, 200, 200, 200]),
    "api redoc": ("get", lambda w, o: "/api/v1/redoc/", None, [200, 200, 200, 200, 200, 200]),
    "api quota patch": (
        "patch",
        lambda w, o: f"/api/v1/quotas/{o['quota'].pk}/",
        lambda w, o: {"count": 7, "version": 1},
        [401, 403, 200, 404, 403, 403],
    ),
    "page quota requests": ("get", lambda w, o: reverse("quota-request-list"), None, [302, 200, 200, 200, 200, 403]),
    "page quota request create": (
        "get",
        lambda w, o: reverse("quota-request-create", args=["24001"]),
        None,
        [302, 403, 403, 404, 200, 403],
    ),
    "page quota request create (post)": (
        "post",
        lambda w, o: reverse("quota-request-create", args=["24001"]),
        _quota_request_post,
        [302, 403, 403, 404, 302, 403],
    ),
    "page quota request": (
        "get",
        lambda w, o: reverse("quota-request-detail", args=[o["quota_request"].pk]),
        None,
        [302, 200, 200, 404, 200, 403],
    ),
    "page quota request accept (post)": (
        "post",
        lambda w, o: reverse("quota-request-decide", args=[o["quota_request"].pk, "accept"]),
        lambda w, o: {
            "count": "2",
            "decision_number": "5/QĐ",
            "decision_date": "01/07/2025",
            "effective_from": "01/07/2025",
        },
        [302, 403, 302, 404, 403, 403],
    ),
    "page quota request reject (post)": (
        "post",
        lambda w, o: reverse("quota-request-decide", args=[o["quota_request"].pk, "reject"]),
        lambda w, o: {"reply": "Chưa có chỉ tiêu"},
        [302, 403, 302, 404, 403, 403],
    ),
    "page quota pool": ("get", lambda w, o: reverse("quota-pool", args=["66"]), None, [302, 200, 200, 200, 200, 403]),
    "page quota pool (post)": (
        "post",
        lambda w, o: reverse("quota-pool", args=["66"]),
        lambda w, o: {
            "category": "civil_servant",
            "count": "50",
            "decision_number": "1/QĐ-BNV",
            "decision_date": "01/07/2025",
            "effective_from": "01/07/2025",
        },
        [302, 403, 302, 403, 403, 403],
    ),
    "page other province's quota pool": (
        "get",
        lambda w, o: reverse("quota-pool", args=["64"]),
        None,
        [302, 200, 404, 404, 404, 403],
    ),
    "api quota requests": ("get", lambda w, o: "/api/v1/quota-requests/", None, [401, 200, 200, 200, 200, 200]),
    "api quota request": (
        "get",
        lambda w, o: f"/api/v1/quota-requests/{o['quota_request'].pk}/",
        None,
        [401, 200, 200, 404, 200, 200],
    ),
    "api quota request create": (
        "post",
        lambda w, o: "/api/v1/quota-requests/",
        lambda w, o: {**_quota_request_api(w, o), "unit": w.commune.pk},
        [401, 403, 403, 400, 201, 403],
    ),
    "api quota request accept": (
        "post",
        lambda w, o: f"/api/v1/quota-requests/{o['quota_request'].pk}/accept/",
        lambda w, o: {"decision_number": "5/QĐ", "decision_date": "2025-07-01", "effective_from": "2025-07-01"},
        [401, 403, 200, 404, 403, 403],
    ),
    "api province pool list": ("get", lambda w, o: "/api/v1/province-quotas/", None, [401, 200, 200, 200, 200, 200]),
    "api province pool retrieve": (
        "get",
        lambda w, o: f"/api/v1/province-quotas/{o['pool'].pk}/",
        None,
        [401, 200, 200, 200, 200, 200],
    ),
    "api other province pool retrieve": (
        "get",
        lambda w, o: f"/api/v1/province-quotas/{o['far_pool'].pk}/",
        None,
        [401, 200, 404, 404, 404, 404],
    ),
    "api province pool create": (
        "post",
        lambda w, o: "/api/v1/province-quotas/",
        _pool_api("province"),
        [401, 403, 201, 403, 403, 403],
    ),
    "api other province pool create": (
        "post",
        lambda w, o: "/api/v1/province-quotas/",
        _pool_api("other_province"),
        [401, 403, 403, 403, 403, 403],
    ),
    "api quota request reject": (
        "post",
        lambda w, o: f"/api/v1/quota-requests/{o['quota_request'].pk}/reject/",
        lambda w, o: {"reply": "Chưa có chỉ tiêu"},
        [401, 403, 200, 404, 403, 403],
    ),
}


def _login(client, world, role):
    if role == "anonymous":
        return None
    user = support.officer(world, role)
    client.force_login(user)
    return user


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_permission_matrix(client, world, case, role):
    staff = f.staff(world.commune, world.land, name="Nguyễn Văn A")
    colleague = f.user("commune_officer", unit=world.commune)
    objects = {
        "staff": staff,
        "absence": Absence.objects.create(
            person=staff, kind="maternity", start_date=date(2025, 9, 1), end_date=date(2025, 12, 31)
        ),
        "dept_staff": f.staff(world.department, world.finance, name="Lê Thị B"),
        "quota": f.quota(world.commune, world.land, 3, effective_from=date(2025, 7, 1)),
        "colleague": colleague,
        "far_colleague": f.user("commune_officer", unit=world.far_commune),
        "token": ApiToken.objects.create(user=colleague, name="x", prefix="x", digest="0" * 64, expires_at=FUTURE),
        "job": ExportJob.objects.create(owner=colleague, name="staff", status="failed"),
        "import": ImportJob.objects.create(
            token="a" * 32, owner=colleague, unit=world.commune, province=world.province, filename="x.xlsx"
        ),
        "province_import": ImportJob.objects.create(
            token="b" * 32, owner=f.user("province_official", prov=world.province), province=world.province
        ),
        "pool": _pool(world.province),
        "far_pool": _pool(world.other_province),
        "quota_request": QuotaRequest.objects.create(
            unit=world.commune,
            field=world.land,
            category="civil_servant",
            count=2,
            justification="x",
            requested_by=colleague,
        ),
    }
    method, url, data, expected = CASES[case]
    _login(client, world, role)
    target = url(world, objects)
    payload = data(world, objects) if data else None
    if target.startswith("/api/"):
        kwargs = {"content_type": "application/json", "data": json.dumps(payload)} if payload is not None else {}
        response = getattr(client, method)(target, **kwargs)
    else:
        response = getattr(client, method)(target, payload or {})
    assert response.status_code == expected[ROLES.index(role)], getattr(response, "content", b"")[:500]
