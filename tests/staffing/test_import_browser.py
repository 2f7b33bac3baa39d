"""End to end in headless Chromium: a commune officer imports the commune's own staff list; a stopped
background import is started again from its page."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from staffing import imports
from staffing.models import Assignment, ImportJob, ImportStatus, Staff, ValueAlias
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import layouts, support

english = support.english
world = support.world


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US"}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_imports_own_layout_confirms_columns_maps_a_value_and_applies(page, live_server, world, tmp_path):
    f.field("government", "Lãnh đạo chính quyền", "Local government leadership")
    f.field("justice", "Tư pháp, hộ tịch", "Justice and civil status")
    ValueAlias.objects.create(kind="field", value="Tư pháp - Hộ tịch", target="justice")
    ValueAlias.objects.create(kind="field", value="Luật", target="justice")
    ValueAlias.objects.create(kind="qualification", value="Cao đẳng", target="vocational")
    f.user("commune_officer", unit=world.commune, username="dakmil")
    people = [
        *layouts.PEOPLE[:3],
        ("Phạm Thị Dung", "F", date(1992, 11, 12), "Công chức", "Tài chính - Kế toán", "Đại học", "II"),
    ]
    path = tmp_path / "danh-sach-cbcc.xlsx"
    path.write_bytes(layouts.commune_roster(people, name_header="Họ và tên khai sinh"))

    page.goto(f"{live_server.url}/login/?next=/units/24001/import/")
    page.get_by_label("User name").fill("dakmil")
    page.get_by_label("Password").fill("pw-Test-12345")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()

    # The columns: the name column was a guess; the rows below follow each change.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Columns of danh-sach-cbcc.xlsx")
    name_column = page.get_by_label("Họ và tên khai sinh")
    expect(name_column).to_have_value("full_name")
    preview = page.locator("#mapping-preview")
    expect(preview).to_contain_text("Nguyễn Văn An")
    name_column.select_option("")
    expect(preview).to_contain_text("Still missing: Full name")
    name_column.select_option("full_name")
    expect(preview).not_to_contain_text("Still missing")
    page.get_by_role("button", name="Confirm the columns and check the rows").click()

    # The preview: one value unknown, offered for mapping from the error itself.
    expect(page.locator("#import-errors")).to_contain_text("Unknown field «Tài chính - Kế toán».")
    page.get_by_label("«Tài chính - Kế toán» is unknown: map it to the field").select_option(label="Finance")
    page.get_by_role("button", name="Map and check again").click()
    expect(page.locator("[data-count=staff_add]")).to_have_text("4")
    expect(page.locator("#import-errors")).to_have_count(0)
    page.get_by_role("button", name="Apply all changes").click()
    expect(page.locator(".alert-success")).to_contain_text("Import applied: 4 staff added")

    chair = Staff.objects.get(full_name="Nguyễn Văn An")
    assert Assignment.objects.get(person=chair).is_leader
    assert Assignment.objects.get(person__full_name="Phạm Thị Dung").field.code == "finance"
    assert ValueAlias.objects.get(value="Tài chính - Kế toán").unit == world.commune


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_stopped_import_says_why_in_vietnamese_and_starts_again(browser, live_server, world, settings):
    settings.IMPORT_BACKGROUND_BYTES = settings.IMPORT_BACKGROUND_ROWS = 0
    settings.LANGUAGE_CODE = "vi"
    owner = f.user("commune_officer", unit=world.commune)
    client = Client()
    client.force_login(owner)
    content = hf.roster_workbook([hf.staff_row("", "NV1", "Lê Văn A")])
    client.post(reverse("unit-import", args=["24001"]), {"file": support.upload(content)})
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING, heartbeat_at=timezone.now() - timedelta(minutes=11)
    )
    assert imports.import_jobs_recover() == 1

    context = browser.new_context(locale="vi-VN")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.add_cookies([{"name": "django_language", "value": "vi", "url": live_server.url}])
    page = context.new_page()
    page.goto(live_server.url + reverse("unit-import-job", args=["24001", job.token]))
    expect(page.locator("#import-error")).to_contain_text("nên chưa có dữ liệu nào được lưu")
    axe = (Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js").read_text()
    page.evaluate(axe)
    violations = page.evaluate("async () => (await axe.run(document)).violations.map(v => v.id)")
    assert violations == []
    page.get_by_role("button", name="Kiểm tra lại các dòng").click()
    expect(page).to_have_url(live_server.url + reverse("unit-import-preview", args=["24001", job.token]))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    context.close()
