"""End to end in headless Chromium: a commune officer keeps the roster in the browser and in Excel."""

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from staffing.models import Staff
from tests import factories as f
from tests.staffing import support

english = support.english
world = support.world


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US", "accept_downloads": True}


def first_empty_row(ws, column="C", start=8):
    row = start
    while ws[f"{column}{row}"].value not in (None, ""):
        row += 1
    return row


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_adds_staff_then_round_trips_the_excel_template(page, live_server, world, tmp_path):
    f.quota(world.commune, world.land, 3)
    f.user("commune_officer", unit=world.commune, username="dakmil")

    page.goto(f"{live_server.url}/login/?next=/units/24001/")
    page.get_by_label("User name").fill("dakmil")
    page.get_by_label("Password").fill("pw-Test-12345")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Xã Đắk Mil")

    # Add a staff member through the form.
    page.get_by_role("link", name="Add a staff member").click()
    page.get_by_label("Staff code").fill("NV100")
    page.get_by_label("Full name").fill("Nguyễn Thị Hoa")
    page.get_by_label("Gender").select_option("female")
    page.get_by_label("Date of birth").fill("15/03/1990")
    page.get_by_label("Category").select_option("civil_servant")
    page.get_by_label("Field", exact=True).select_option(label="Land")
    page.get_by_label("Qualification").select_option("bachelor")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#staff-record")).to_contain_text("15/03/1990")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nguyễn Thị Hoa")

    # Download the unit's template.
    page.goto(f"{live_server.url}/units/24001/import/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download the unit's template").click()
    template = tmp_path / "template.xlsx"
    info.value.save_as(template)

    wb = load_workbook(template)
    ws = wb["Roster"]
    assert ws["C8"].value == "NV100"
    ws["D8"] = "Nguyễn Thị Hoa Mai"  # a correction to an existing person
    row = first_empty_row(ws)
    for col, value in zip(
        "BCDEFGHIJKL",
        [
            "24001",
            "NV101",
            "Trần Văn Nam",
            "Male",
            "01/02/1988",
            "Civil servant",
            None,
            "nope",
            None,
            "Bachelor",
            "Active",
        ],
        strict=True,
    ):
        ws[f"{col}{row}"] = value
    bad = tmp_path / "bad.xlsx"
    wb.save(bad)

    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator("#import-errors")).to_contain_text(f"Row {row}, column «Lĩnh vực»: Unknown field «nope».")
    assert Staff.objects.count() == 1

    ws[f"I{row}"] = "land - Đất đai"
    good = tmp_path / "good.xlsx"
    wb.save(good)
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Excel workbook (.xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    expect(page.locator('[data-count="staff_add"]')).to_have_text("1")
    expect(page.locator('[data-count="staff_update"]')).to_have_text("1")
    page.get_by_role("button", name="Apply all changes").click()

    expect(page.get_by_role("alert")).to_contain_text("Import applied: 1 staff added, 1 staff updated")
    roster = page.locator("#roster-table")
    expect(roster).to_contain_text("Trần Văn Nam")
    expect(roster).to_contain_text("Nguyễn Thị Hoa Mai")

    roster.get_by_role("link", name="Nguyễn Thị Hoa Mai").click()
    history = page.locator("#history")
    expect(history).to_contain_text("Full name: Nguyễn Thị Hoa → Nguyễn Thị Hoa Mai")
    expect(history).to_contain_text("dakmil")
    assert re.search(r"Changed", history.inner_text())

    # The unit page counts both against the land quota.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Xã Đắk Mil").click()
    expect(
        page.locator('#quota-table tr[data-field="land"][data-category="civil_servant"] [data-col="on_roll"]')
    ).to_have_text("2")
