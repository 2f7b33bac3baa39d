"""Import pages: upload → columns → preview → apply, values mapped from the preview, province uploads."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from staffing.models import ImportJob, ImportMapping, ImportStatus, Staff, ValueAlias
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import layouts, support
from tests.staffing.support import counts, officer, upload

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


@pytest.fixture
def fields(world):
    government = f.field("government", "Lãnh đạo chính quyền", "Local government leadership")
    justice = f.field("justice", "Tư pháp, hộ tịch", "Justice and civil status")
    ValueAlias.objects.create(kind="field", value="Tư pháp - Hộ tịch", target="justice")
    ValueAlias.objects.create(kind="field", value="Luật", target="justice")
    ValueAlias.objects.create(kind="qualification", value="Cao đẳng", target="vocational")
    return government, justice


@pytest.fixture
def signed_in(client, world):
    user = officer(world)
    client.force_login(user)
    return user


def test_upload_page_renders_for_a_unit_and_for_the_province(client, world):
    client.force_login(officer(world))
    page = client.get(reverse("unit-import", args=["24001"]))
    assert page.status_code == 200 and "Import the roster and quotas from Excel" in page.content.decode()
    client.force_login(officer(world, "province_official"))
    page = client.get(reverse("province-import"))
    assert page.status_code == 200 and "Import a workbook of many units (Tỉnh Đắk Lắk)" in page.content.decode()


def test_guessed_header_asks_for_the_columns_then_remembers_them(client, world, fields, signed_in):
    content = layouts.commune_roster(name_header="Họ và tên khai sinh")  # a guess, not a known header
    before = counts()
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("unit-import-mapping", args=["24001", job.token])
    page = client.get(response["Location"])
    assert page.status_code == 200
    sheet = page.context["sheets"][0]
    guessed = {c["letter"]: (c["header"], c["meaning"], c["certain"]) for c in sheet["columns"]}
    assert guessed["B"] == ("Họ và tên khai sinh", "full_name", False)
    assert guessed["C"] == ("Ngày, tháng, năm sinh / Nam", "birth_date_male", True)
    assert guessed["E"] == ("Chức vụ/chức danh", "post", True)
    assert [row for row, _cells in sheet["preview"]["rows"]] == [9, 10, 12, 13]
    # The live preview follows a change: "Ghi chú" read as the note is dropped from the rows.
    live = client.post(
        reverse("unit-import-mapping-live", args=["24001", job.token]), {"m-0-1": "full_name", "m-0-0": "ignore"}
    )
    assert live.status_code == 200 and "Nguyễn Văn An" in live.content.decode()
    live = client.post(reverse("unit-import-mapping-live", args=["24001", job.token]), {"m-0-1": ""})
    assert "Still missing:" in live.content.decode()
    # Confirmed as guessed.
    posted = {c["field"]: c["meaning"] for c in sheet["columns"]}
    response = client.post(reverse("unit-import-mapping", args=["24001", job.token]), posted)
    assert response["Location"] == reverse("unit-import-preview", args=["24001", job.token])
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["counts"]["staff_add"] == 4
    skipped = preview.context["sheets"][0]["skipped"]
    assert [(row, reason) for row, reason, _text in skipped] == [
        (7, "Column numbers"),
        (8, "Section heading"),
        (11, "Section heading"),
        (14, "Totals row"),
        (15, "Blank row"),
        (16, "Signature block"),
        (17, "Below the signature block"),
        (18, "Below the signature block"),
    ]
    assert counts() == before  # nothing written before the apply
    remembered = ImportMapping.objects.get(unit=world.commune)
    assert remembered.columns["Họ và tên khai sinh"] == "full_name"
    response = client.post(reverse("unit-import-preview", args=["24001", job.token]))
    assert response["Location"] == reverse("unit-roster", args=["24001"])
    assert Staff.objects.count() == 4
    assert client.post(reverse("unit-import-preview", args=["24001", job.token])).status_code == 404
    # The next upload in the same layout goes straight to the preview: the mapping is remembered.
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    again = ImportJob.objects.exclude(pk=job.pk).get()
    assert response["Location"] == reverse("unit-import-preview", args=["24001", again.token])
    assert client.get(response["Location"]).context["result"].plan.is_empty


def test_unknown_value_is_mapped_from_the_error_for_the_unit(client, world, fields, signed_in):
    people = [("Võ Văn Em", "M", date(1988, 8, 8), "Công chức", "Tài chính - Kế toán", "Đại học", "II")]
    before = counts()
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(layouts.commune_roster(people))})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 10, column «Lĩnh vực công tác»: Unknown field «Tài chính - Kế toán»." in page
    assert "«Tài chính - Kế toán» is unknown: map it to the field" in page
    assert "Accepted values: Local government leadership; Justice and civil status; Land; Finance" in page
    job = ImportJob.objects.get()
    url = reverse("unit-import-alias", args=["24001", job.token])
    assert client.post(url, {"kind": "field", "value": "Tài chính - Kế toán", "target": "nope"}).status_code == 302
    assert not ValueAlias.objects.filter(value="Tài chính - Kế toán").exists()
    response = client.post(url, {"kind": "field", "value": "Tài chính - Kế toán", "target": "finance"})
    alias = ValueAlias.objects.get(value="Tài chính - Kế toán")
    assert (alias.unit, alias.province, alias.target) == (world.commune, None, "finance")  # the unit's own
    preview = client.get(response["Location"])
    assert preview.status_code == 200 and preview.context["counts"]["staff_add"] == 1
    assert counts() == before


def test_a_province_official_maps_a_value_for_the_whole_province(client, world, fields):
    client.force_login(officer(world, "province_official"))
    people = [("Võ Văn Em", "M", date(1988, 8, 8), "Công chức", "Kinh tế", "Đại học", "II")]
    client.post(reverse("unit-import", args=["24001"]), {"file": upload(layouts.commune_roster(people))})
    job = ImportJob.objects.get()
    client.post(
        reverse("unit-import-alias", args=["24001", job.token]), {"kind": "field", "value": "Kinh tế", "target": "land"}
    )
    alias = ValueAlias.objects.get(value="Kinh tế")
    assert (alias.unit, alias.province) == (None, world.province)


def test_big_files_run_in_the_background_with_progress(client, world, fields, signed_in, settings):
    settings.IMPORT_BACKGROUND_BYTES = 0
    settings.IMPORT_BACKGROUND_ROWS = 0
    content = hf.roster_workbook([hf.staff_row("", "NV1", "A"), hf.staff_row("", "NV2", "B")])
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("unit-import-job", args=["24001", job.token])
    # The test worker ran the steps at once: the job page sends on to the preview.
    assert (job.status, job.progress, job.total) == (ImportStatus.CHECKED, job.total, 3)
    htmx = client.get(response["Location"], headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == reverse("unit-import-preview", args=["24001", job.token])
    applied = client.post(reverse("unit-import-preview", args=["24001", job.token]))
    assert applied["Location"] == reverse("unit-import-job", args=["24001", job.token])
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and Staff.objects.count() == 2
    assert not job.parsed and not job.plan  # the kept cells go once applied


def test_running_job_page_shows_progress(client, world, signed_in):
    job = ImportJob.objects.create(
        token="c" * 32,
        owner=signed_in,
        unit=world.commune,
        province=world.province,
        filename="big.xlsx",
        status=ImportStatus.CHECKING,
        progress=250,
        total=1000,
    )
    page = client.get(reverse("unit-import-job", args=["24001", job.token]))
    assert page.status_code == 200
    assert "Checking the rows · 250 of 1,000 rows" in page.content.decode()
    partial = client.get(reverse("unit-import-job", args=["24001", job.token]), headers={"HX-Request": "true"})
    assert b'value="25"' in partial.content and b"<html" not in partial.content


def test_province_workbook_previewed_per_unit_and_applied_at_once(client, world, fields):
    client.force_login(officer(world, "province_official"))
    headers = ["STT", "Họ tên", "Ngày sinh", "Giới tính", "Loại", "Lĩnh vực", "Trình độ"]
    sheets = {
        "Xã Đắk Mil": [headers, [1, "Hồ Văn Một", date(1980, 1, 1), "Nam", "Công chức", "Đất đai", "Đại học"]],
        "Phường Buôn Ma Thuột": [
            headers,
            [1, "Hồ Văn Hai", date(1981, 2, 2), "Nam", "Công chức", "Tài chính", "Đại học"],
            [2, "Hồ Thị Ba", date(1982, 3, 3), "Nữ", "Cán bộ", "Tài chính", "Đại học"],
        ],
    }
    response = client.post(reverse("province-import"), {"file": upload(layouts.workbook(sheets))})
    job = ImportJob.objects.get()
    assert job.unit is None and response["Location"] == reverse("province-import-preview", args=[job.token])
    preview = client.get(response["Location"])
    assert preview.context["per_unit"] == [("Phường Buôn Ma Thuột", 2, 0, 0), ("Xã Đắk Mil", 1, 0, 0)]
    response = client.post(reverse("province-import-preview", args=[job.token]))
    assert response.status_code == 302
    assert sorted(Staff.objects.values_list("staff_code", flat=True)) == ["24001-0001", "24002-0001", "24002-0002"]


def test_refused_files_keep_nothing(client, world, signed_in):
    before = counts()
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(hf.corrupt_zip())})
    assert response.status_code == 400
    assert ImportJob.objects.count() == 0 and counts() == before
    response = client.post(
        reverse("unit-import", args=["24001"]), {"file": upload(hf.roster_workbook([]), name="roster.xlsm")}
    )
    assert response.context["form"].errors["file"] == [
        "The workbook contains macros. Save it in Excel as «Excel Workbook (*.xlsx)», without macros, and upload again."
    ]


def test_preview_queries_do_not_grow_with_rows(client, world, signed_in):
    def preview_queries(n):
        rows = [hf.staff_row("", f"NV{i}", f"Người {i}") for i in range(n)]
        location = client.post(reverse("unit-import", args=["24001"]), {"file": upload(hf.roster_workbook(rows))})
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(location["Location"]).status_code == 200
        return len(ctx.captured_queries)

    assert preview_queries(2) == preview_queries(25)


def test_the_workbook_is_parsed_once_from_upload_to_apply(client, world, fields, signed_in, monkeypatch):
    from python_calamine import CalamineWorkbook

    from staffing import importer

    opened = []
    real = CalamineWorkbook.from_filelike

    def counting(fileobj):
        opened.append(1)
        return real(fileobj)

    monkeypatch.setattr(importer.CalamineWorkbook, "from_filelike", counting)
    content = layouts.commune_roster(name_header="Họ và tên khai sinh")
    client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    job = ImportJob.objects.get()
    page = client.get(reverse("unit-import-mapping", args=["24001", job.token]))
    posted = {c["field"]: c["meaning"] for c in page.context["sheets"][0]["columns"]}
    client.post(reverse("unit-import-mapping-live", args=["24001", job.token]), posted)
    client.post(reverse("unit-import-mapping", args=["24001", job.token]), posted)
    client.get(reverse("unit-import-preview", args=["24001", job.token]))
    client.post(reverse("unit-import-preview", args=["24001", job.token]))
    assert Staff.objects.count() == 4
    assert opened == [1]


def test_abandoned_imports_go_with_the_retention_run(world, signed_in):
    from datetime import timedelta

    from django.utils import timezone

    from maintenance.retention import uploads_purge

    old = timezone.now() - timedelta(days=2)
    kept = ImportJob.objects.create(
        token="d" * 32, owner=signed_in, unit=world.commune, province=world.province, status=ImportStatus.APPLIED
    )
    gone = ImportJob.objects.create(token="e" * 32, owner=signed_in, unit=world.commune, province=world.province)
    fresh = ImportJob.objects.create(token="f" * 32, owner=signed_in, unit=world.commune, province=world.province)
    ImportJob.objects.filter(pk__in=[kept.pk, gone.pk]).update(created_at=old)
    uploads_purge(before=timezone.now() - timedelta(days=1))
    assert set(ImportJob.objects.values_list("token", flat=True)) == {kept.token, fresh.token}


# Rules checked when the import writes: the page says why, nothing is written, the job can be checked again.


def apply_refused(client, content):
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    job = ImportJob.objects.get()
    assert response["Location"] == reverse("unit-import-preview", args=["24001", job.token])
    before = counts()
    response = client.post(reverse("unit-import-preview", args=["24001", job.token]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and counts() == before
    return [str(m) for m in response.context["messages"]]


def test_quota_rows_past_the_provinces_pool_are_refused_when_applied(client, world):
    # Pool 5 civil servants; the neighbour holds 3 in land. The file gives the commune 4 in land:
    # 3 + 4 = 7 > 5 on 01/07/2025.
    from staffing import services
    from staffing.models import Quota

    official = officer(world, "province_official")
    client.force_login(official)
    f.quota(world.neighbour, world.land, 3)
    services.province_quota_set(
        by=official, province=world.province, category="civil_servant", count=5,
        decision_number="1/QĐ-BNV", decision_date=date(2025, 7, 1), effective_from=date(2025, 7, 1),
    )  # fmt: skip
    content = hf.xlsx({"Biên chế": [hf.QUOTA_HEADERS, hf.quota_row("24001", "land", 4)]})
    assert apply_refused(client, content) == [
        "The file's quotas would allocate 7 civil servant posts on 01/07/2025, past the province's pool of 5."
    ]
    assert not Quota.objects.filter(unit=world.commune).exists()


def test_a_home_unit_change_over_an_open_movement_is_refused_when_applied(client, world):
    # Nguyễn Văn A (land, at the commune) is seconded to the neighbour until 31/12/2099: a row
    # placing him at the neighbour from today is refused by the movement rule, not left half-applied.
    from secondments.models import Kind, Status

    client.force_login(officer(world, "province_official"))
    person = f.staff(world.commune, world.land, name="Nguyễn Văn A", staff_code="NV001", gender="male",
                     birth_date=date(1990, 1, 15))  # fmt: skip
    m = f.movement(person, world.neighbour, kind=Kind.SECONDMENT, start=date(2025, 8, 1), end=date(2099, 12, 31),
                   status=Status.ACTIVE)  # fmt: skip
    content = hf.roster_workbook([hf.staff_row("24002", "NV001", "Nguyễn Văn A")])
    assert apply_refused(client, content) == [
        f"Nguyễn Văn A has movement no. {m.pk} to Phường Buôn Ma Thuột until 31/12/2099; end it before changing "
        "the home unit."
    ]
    assert f.placement(person).unit == world.commune


def test_a_back_dated_leave_that_undoes_a_transfer_is_refused_when_a_commune_officer_applies_it(client, world):
    # Trần Văn C moved from the commune to the neighbour by a transfer that started five days ago.
    # The neighbour's officer imports a file saying he resigned ten days ago, before the transfer:
    # undoing it is a correction of the past, for province officials only. Nothing is written.
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import Role
    from secondments import services as movements
    from secondments.models import Kind, Status

    today = timezone.localdate()
    person = f.staff(world.commune, world.land, name="Trần Văn C", staff_code="NV003", gender="male",
                     birth_date=date(1990, 1, 15))  # fmt: skip
    transfer = f.movement(person, world.neighbour, kind=Kind.TRANSFER, start=today - timedelta(days=5),
                          status=Status.PROPOSED)  # fmt: skip
    movements.secondment_approve(
        secondment=transfer, by=officer(world, Role.PROVINCE_OFFICIAL), decision_number="7/QĐ-UBND",
        decision_date=today - timedelta(days=6),
    )  # fmt: skip
    assert f.placement(person).unit == world.neighbour
    client.force_login(f.user(Role.COMMUNE_OFFICER, unit=world.neighbour))
    left = (today - timedelta(days=10)).strftime("%d/%m/%Y")
    content = hf.roster_workbook([hf.staff_row("24002", "NV003", "Trần Văn C", status="resigned", end=left)])
    response = client.post(reverse("unit-import", args=["24002"]), {"file": upload(content)})
    job = ImportJob.objects.get()
    before = counts()
    response = client.post(reverse("unit-import-preview", args=["24002", job.token]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED and counts() == before
    assert [str(m) for m in response.context["messages"]] == [
        "Only a province official can record a back-dated correction."
    ]
    transfer.refresh_from_db()
    assert transfer.status == Status.COMPLETED
    assert f.placement(person).unit == world.neighbour
