"""The audit log: every read and export path of personal records leaves an entry; entries cannot
be changed; the log page shows a province official their province, an administrator everything."""

import io
from datetime import datetime, timedelta

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AppendOnlyError, AuditEntry
from audit.services import audit_purge
from reports.models import ExportJob, ExportStatus
from tests import factories as f
from tests.staffing import support

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


@pytest.fixture
def people(world):
    return {
        "an": f.staff(world.commune, world.land, name="Nguyễn Văn An", staff_code="NV-AN"),
        "binh": f.staff(world.commune, world.finance, name="Trần Thị Bình", staff_code="NV-BINH"),
        "far": f.staff(world.far_commune, world.land, name="Lê Văn Xa", staff_code="NV-XA"),
    }


def entry(**filters):
    return AuditEntry.objects.get(**filters)


def summary(e):
    return (e.action, e.username, e.province_id, e.staff_id, e.params, e.rows)


def test_staff_page_records_who_viewed_whom(client, world, people):
    official = support.officer(world, Role.PROVINCE_OFFICIAL)
    client.force_login(official)
    assert client.get(reverse("staff-detail", args=[people["an"].pk])).status_code == 200
    e = entry(action="staff.view")
    assert summary(e) == ("staff.view", official.username, world.province.pk, people["an"].pk, {}, None)
    assert (e.staff_name, e.staff_code, e.method, e.path) == (
        "Nguyễn Văn An",
        "NV-AN",
        "GET",
        f"/staff/{people['an'].pk}/",
    )
    # Out of scope: 404, nothing read, nothing recorded.
    assert client.get(reverse("staff-detail", args=[people["far"].pk])).status_code == 404
    assert AuditEntry.objects.count() == 1


def test_roster_page_records_the_listing_with_filters_and_count(client, world, people):
    officer = support.officer(world, Role.COMMUNE_OFFICER)
    client.force_login(officer)
    client.get(reverse("unit-roster", args=["24001"]), {"field": world.land.pk, "page": 1})
    e = entry(action="staff.list")
    assert summary(e) == ("staff.list", officer.username, world.province.pk, None, {"field": [str(world.land.pk)]}, 1)
    assert e.path == "/units/24001/staff/"


def test_staff_api_records_list_and_record(world, people):
    official = support.officer(world, Role.PROVINCE_OFFICIAL)
    api = APIClient()
    api.force_login(official)
    assert api.get("/api/v1/staff/", {"q": "nguyen"}).json()["count"] == 1
    assert api.get(f"/api/v1/staff/{people['binh'].pk}/").status_code == 200
    listed, viewed = entry(action="staff.list"), entry(action="staff.view")
    assert summary(listed) == ("staff.list", official.username, world.province.pk, None, {"q": ["nguyen"]}, 1)
    assert (viewed.staff_id, viewed.staff_name) == (people["binh"].pk, "Trần Thị Bình")


def test_report_staff_list_records_the_page_it_gave(world, people):
    official = support.officer(world, Role.PROVINCE_OFFICIAL)
    api = APIClient()
    api.force_login(official)
    data = api.get(reverse("api-report-staff"), {"page_size": 1, "field_code": "land"}).json()
    assert len(data["results"]) == 1
    assert summary(entry(action="staff.list")) == (
        "staff.list",
        official.username,
        world.province.pk,
        None,
        {"field_code": ["land"]},
        1,
    )


def test_staff_export_records_filters_and_rows(client, world, people):
    official = support.officer(world, Role.PROVINCE_OFFICIAL)
    client.force_login(official)
    response = client.get(reverse("reports:export-staff"), {"unit_code": "24001"})
    assert response.status_code == 200
    assert summary(entry(action="staff.export")) == (
        "staff.export",
        official.username,
        world.province.pk,
        None,
        {"unit_code": ["24001"]},
        2,
    )
    # The same export through the API.
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(official, name='BI')}")
    assert api.get(reverse("api-report-staff"), {"format": "xlsx", "field_code": "finance"}).status_code == 200
    e = AuditEntry.objects.filter(action="staff.export").latest("pk")
    assert (e.params, e.rows) == ({"field_code": ["finance"]}, 1)
    assert AuditEntry.objects.filter(action="token.use", token_name="BI").count() == 1


def test_background_export_records_the_export_and_each_download(client, world, people, settings):
    settings.REPORTS_BACKGROUND_ROWS = 1
    official = support.officer(world, Role.PROVINCE_OFFICIAL)
    client.force_login(official)
    client.get(reverse("reports:export-staff"), {"unit_code": "24001"})
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.DONE
    client.get(reverse("reports:export-download", args=[job.pk]))
    e = entry(action="export.download")
    assert summary(e) == (
        "export.download",
        official.username,
        world.province.pk,
        None,
        {"export": ["staff"], "unit_code": ["24001"]},
        2,
    )
    assert AuditEntry.objects.filter(action="staff.export").count() == 1


def test_entries_cannot_be_changed_or_deleted(world):
    e = AuditEntry.objects.create(action="staff.view", username="x")
    e.username = "y"
    with pytest.raises(AppendOnlyError):
        e.save()
    with pytest.raises(AppendOnlyError):
        e.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=e.pk).update(username="y")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get().username == "x"
    admin = site._registry[AuditEntry]
    request = RequestFactory().get("/")
    request.user = f.user(Role.NATIONAL_VIEWER, is_staff=True, is_superuser=True)
    assert not any(
        (
            admin.has_add_permission(request),
            admin.has_change_permission(request, e),
            admin.has_delete_permission(request, e),
        )
    )


def test_purge_removes_only_entries_past_retention():
    now = timezone.now()
    old = AuditEntry.objects.create(action="staff.view", at=now - timedelta(days=400))
    kept = AuditEntry.objects.create(action="staff.view", at=now - timedelta(days=10))
    assert audit_purge(before=now - timedelta(days=365)) == 1
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()


# --- The log page ---------------------------------------------------------------------------------


def at(day, hour=10):
    return timezone.make_aware(datetime(2025, 10, day, hour))


@pytest.fixture
def log(world):
    official = support.officer(world, Role.PROVINCE_OFFICIAL)
    make = AuditEntry.objects.create
    return {
        "official": official,
        "entries": [
            make(
                action="staff.view",
                at=at(1),
                username="commune_a",
                province=world.province,
                staff_id=1,
                staff_name="Nguyễn Văn An",
                staff_code="NV-AN",
            ),
            make(
                action="staff.list",
                at=at(2),
                username="commune_a",
                province=world.province,
                rows=8,
                params={"field": ["3"]},
            ),
            make(
                action="staff.view",
                at=at(3),
                username="dept_b",
                province=world.province,
                staff_id=2,
                staff_name="Trần Thị Bình",
                staff_code="NV-BINH",
            ),
            make(
                action="staff.view",
                at=at(3),
                username="far_c",
                province=world.other_province,
                staff_id=3,
                staff_name="Lê Văn Xa",
                staff_code="NV-XA",
            ),
            make(action="token.use", at=at(4), username="robot", token_name="BI"),
        ],
    }


def shown(response):
    assert response.status_code == 200, response.content[:300]
    return [e.username for e in response.context["entries"]]


def test_a_province_official_sees_their_province_only(client, log):
    client.force_login(log["official"])
    assert shown(client.get(reverse("audit-log"))) == ["dept_b", "commune_a", "commune_a"]


def test_an_administrator_sees_everything(client, log):
    client.force_login(f.user(Role.NATIONAL_VIEWER, is_superuser=True, is_staff=True))
    assert shown(client.get(reverse("audit-log"))) == ["robot", "far_c", "dept_b", "commune_a", "commune_a"]


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.DEPARTMENT_OFFICER, Role.NATIONAL_VIEWER, Role.API_CLIENT])
def test_other_roles_are_refused(client, world, log, role):
    client.force_login(support.officer(world, role))
    assert client.get(reverse("audit-log")).status_code == 403


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"person": "nguyen van an"}, []),  # names are matched as written
        ({"person": "Nguyễn Văn"}, ["commune_a"]),
        ({"person": "NV-BINH"}, ["dept_b"]),
        ({"person": "2"}, ["dept_b"]),
        ({"user": "commune"}, ["commune_a", "commune_a"]),
        ({"date_from": "02/10/2025", "date_to": "02/10/2025"}, ["commune_a"]),
        ({"date_from": "03/10/2025"}, ["dept_b"]),
        ({"action": "staff.list"}, ["commune_a"]),
    ],
)
def test_filters(client, log, params, expected):
    client.force_login(log["official"])
    assert shown(client.get(reverse("audit-log"), params)) == expected


def test_bad_filters_answer_400_with_the_reason(client, log):
    client.force_login(log["official"])
    response = client.get(reverse("audit-log"), {"date_from": "05/10/2025", "date_to": "01/10/2025"})
    assert response.status_code == 400
    assert "The start date is after the end date." in response.content.decode()
    assert client.get(reverse("audit-log"), {"date_from": "31/02/2025"}).status_code == 400


def test_pages_of_50(client, world, log):
    for n in range(60):
        AuditEntry.objects.create(action="staff.view", at=at(5), username=f"u{n}", province=world.province)
    client.force_login(log["official"])
    first = client.get(reverse("audit-log"))
    assert len(first.context["entries"]) == 50 and first.context["page_obj"].paginator.count == 63
    assert len(client.get(reverse("audit-log"), {"page": 2}).context["entries"]) == 13


def test_excel_export_of_the_filtered_log(client, log):
    client.force_login(log["official"])
    response = client.get(reverse("audit-log"), {"user": "commune", "format": "xlsx"})
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [r for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[header][1:5] == ("Time", "User", "Action", "Person")
    data = rows[header + 1 :]
    assert [(r[2], r[3], r[4], r[6], r[7]) for r in data] == [
        ("commune_a", "Listed staff", None, "field=3", 8),
        ("commune_a", "Viewed a staff record", "Nguyễn Văn An", None, None),
    ]
    assert data[0][1] == "02/10/2025 10:00:00"


def test_an_appended_entry_reads_back_as_written(world):
    user = f.user("province_official", prov=world.province)
    at = timezone.make_aware(datetime(2026, 3, 4, 8, 30, 15))
    AuditEntry.objects.append(
        at=at,
        action="staff.list",
        user=user,
        username=user.username,
        province_id=world.province.pk,
        method="GET",
        path="/units/24001/staff/",
        params={"q": ["Nguyễn Văn"], "category": ["civil_servant"]},
        rows=12,
        address="10.0.0.7",
    )
    e = AuditEntry.objects.get()
    assert (e.at, e.action, e.user_id, e.username, e.province_id, e.staff_id, e.staff_code) == (
        at,
        "staff.list",
        user.pk,
        user.username,
        world.province.pk,
        None,
        "",  # fmt: skip
    )
    assert (e.method, e.path, e.params, e.rows, e.token_name, e.address) == (
        "GET",
        "/units/24001/staff/",
        {"q": ["Nguyễn Văn"], "category": ["civil_servant"]},
        12,
        "",
        "10.0.0.7",  # fmt: skip
    )
