"""Excel exports opened with openpyxl and checked cell by cell; background export jobs."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import Role
from reports.excel import XLSX_CONTENT_TYPE
from reports.models import ExportJob, ExportStatus
from tests import factories as f
from tests.reports.builders import double, province_fixture
from tests.reports.test_report_api import api_as

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    return province_fixture()


@pytest.fixture(autouse=True)
def english(client, settings):
    """Column labels checked below are the English msgids: pages follow the language switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def workbook(response):
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data))


def no_formulas(ws):
    return all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def values(ws, row, first="A", last=None):
    last = last or get_column_letter(ws.max_column)
    return [c.value for c in ws[f"{first}{row}:{last}{row}"][0]]


def test_province_summary_workbook_cell_by_cell(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&format=xlsx"
    response = client.get(url, **EN)
    assert 'filename="bien-che-66-20251015.xlsx"' in response["Content-Disposition"]
    ws = workbook(response).active
    # 15 columns: STT, unit, code, then quota / effective / gap for land, finance, culture and the total.
    assert ws.max_column == 15
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" and ws["A2"].value == "SỞ NỘI VỤ"
    assert ws["H1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and ws["H2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A4"].value == "STAFF AGAINST ASSIGNED QUOTA BY FIELD — TỈNH ĐẮK LẮK"
    assert ws["A5"].value == "As of 15/10/2025"
    assert values(ws, 7) == [
        "STT",
        "Commune",
        None,
        "Land",
        None,
        None,
        "Finance",
        None,
        None,
        "Culture",
        None,
        None,
    ] + [
        "Total",
        None,
        None,
    ]
    assert values(ws, 8) == [None, "Unit", "Code"] + ["Quota", "Effective", "Gap"] * 4  # A7:A8 is one cell
    assert {"A7:A8", "B7:C7", "D7:F7", "G7:I7", "J7:L7", "M7:O7"} <= {str(r) for r in ws.merged_cells.ranges}
    # Worked out in builders.py; rows in the page's default order (largest shortage first).
    assert values(ws, 9) == [1, "Xã An", "66001", 5, 3, -2, 0, 0, 0, 2, 4, 2, 7, 7, 0]
    assert values(ws, 10) == [2, "Phường Bình", "66002", 4, 5, 1, 3, 2, -1, 0, 0, 0, 7, 7, 0]
    assert values(ws, 11) == [3, "Xã Cư", "66003", 0, 0, 0, 2, 3, 1, 0, 0, 0, 2, 3, 1]
    assert values(ws, 12) == [None, "Total", None, 9, 8, -1, 5, 5, 0, 2, 4, 2, 16, 17, 1]
    for col in range(4, 16):  # the totals row is the sum of the rows
        assert ws.cell(12, col).value == sum(ws.cell(r, col).value for r in range(9, 12))
    assert ws.max_row == 12
    assert ws["D9"].number_format == "#,##0" and ws["O12"].number_format == "#,##0"
    assert ws["D12"].font.b
    assert ws.freeze_panes == "B9"
    assert ws.print_title_rows == "$7:$8"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert no_formulas(ws)


def test_page_api_and_export_agree(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    base = reverse("reports:province", args=["66"])
    page = client.get(base + "?as_of=15/10/2025&view=establishment").context["report"]
    api = api_as(Role.API_CLIENT, prov=world["province"])
    data = api.get(reverse("api-report-province", args=["66"]) + "?as_of=15/10/2025&view=establishment").json()
    ws = workbook(client.get(base + "?as_of=15/10/2025&view=establishment&format=xlsx", **EN)).active
    # Establishment, by hand: Bình 5 on roll / 7 quota, An 8 / 7, Cư 3 / 2 (ties by name: Bình first).
    expected = [("66002", 7, 5, -2), ("66001", 7, 8, 1), ("66003", 2, 3, 1)]
    assert [(c.code, c.quota, c.headcount, c.net) for c in page.communes] == expected
    assert [(c["code"], c["quota"], c["headcount"], c["net"]) for c in data["communes"]] == expected
    assert [tuple(values(ws, r, "C", "C") + values(ws, r, "M", "O")) for r in (9, 10, 11)] == expected
    assert ws["E8"].value == "On roll"
    assert values(ws, 12, "M", "O") == [16, 16, 0] == [page.kpis.quota, page.kpis.headcount, data["kpis"]["net"]]


def test_national_workbook(client, login_as, world):
    login_as(Role.NATIONAL_VIEWER)
    ws = workbook(client.get(reverse("reports:national") + "?as_of=15/10/2025&format=xlsx", **EN)).active
    assert ws["A1"].value == "BỘ NỘI VỤ"
    assert values(ws, 7, "A", "F") == ["STT", "Province", "Code", "Quota", "On roll", "Absent"]
    assert values(ws, 8, "A", "J") == [1, "Thành phố Hà Nội", "01", 7, 2, 0, 2, 5, 0, -5]
    assert values(ws, 9, "A", "J") == [2, "Tỉnh Đắk Lắk", "66", 16, 16, 0, 17, 3, 4, 1]
    assert values(ws, 10, "B", "J") == ["Total", None, 23, 18, 0, 19, 8, 4, -4]
    assert no_formulas(ws)


@pytest.mark.parametrize("name", ["=1+1", "+84 912", "-SUM(A1)", "@cmd"])
def test_staff_names_that_look_like_formulas_stay_text(world, name):
    f.staff(world["cu"], world["finance"], name=name, staff_code="X-1", birth_date=date(1990, 1, 2))
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(reverse("api-report-staff") + "?format=xlsx&unit_code=66003&q=X-1", **EN)
    ws = workbook(response).active
    assert ws["A4"].value == "LIST OF CADRES, CIVIL SERVANTS AND PUBLIC EMPLOYEES"
    assert values(ws, 7, "A", "M") == [
        "STT",
        "Staff code",
        "Full name",
        "Gender",
        "Date of birth",
        "Category",
        "Unit",
        "Position",
        "Field",
        "Trained field",
        "Qualification",
        "Status",
        "Joined on",
    ]
    row = values(ws, 8, "A", "M")
    assert row[:3] == [1, "X-1", name] and ws["C8"].data_type == "s"
    assert row[3:] == ["Male", row[4], "Civil servant", "Xã Cư", None, "Tài chính", None, "Bachelor", "Active", None]
    assert row[4].date() == date(1990, 1, 2) and ws["E8"].number_format == "dd/mm/yyyy"
    assert ws.max_row == 8 and no_formulas(ws)


def test_staff_export_is_scoped_and_filtered(world):
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    ws = workbook(client.get(reverse("api-report-staff") + f"?format=xlsx&field={world['land'].pk}")).active
    # Land staff of Đắk Lắk: 3 in An, 4 in Bình, 1 trained in land but in a culture post is not counted.
    assert ws.max_row == 7 + 7
    assert {ws.cell(r, 7).value for r in range(8, 15)} == {"Xã An", "Phường Bình"}


def test_staff_export_bad_filter_is_400(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    assert client.get(reverse("reports:export-staff") + "?category=boss").status_code == 400
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = api.get(reverse("api-report-staff") + "?format=xlsx&field=abc")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")


def test_large_export_runs_as_background_job(client, login_as, world, settings):
    settings.REPORTS_BACKGROUND_ROWS = 5
    owner = login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(reverse("reports:export-staff") + "?unit_code=66001", **EN)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export-job", args=[job.pk])
    # The immediate backend in tests ran it already: 8 staff of Xã An written to storage.
    assert (job.owner, job.name, job.status, job.progress, job.total) == (owner, "staff", ExportStatus.DONE, 8, 8)
    assert job.params == {"unit_code": ["66001"]}
    page = client.get(response["Location"])
    assert page.status_code == 200 and b'id="export-download"' in page.content and b"<progress" in page.content
    status = client.get(reverse("reports:export-status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100
    assert status["download_url"] == reverse("reports:export-download", args=[job.pk])
    ws = workbook(client.get(status["download_url"])).active
    assert ws.max_row == 7 + 8 and no_formulas(ws)


def test_export_jobs_belong_to_their_owner(client, login_as, world, settings):
    settings.REPORTS_BACKGROUND_ROWS = 5
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    client.get(reverse("reports:export-staff") + "?unit_code=66001")
    job = ExportJob.objects.get()
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])  # a colleague of the same province
    for name in ("reports:export-job", "reports:export-status", "reports:export-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert api_as(Role.NATIONAL_VIEWER).get(reverse("api-report-export", args=[job.pk])).status_code == 404


def test_api_large_export_answers_202_with_the_job(world, settings):
    settings.REPORTS_BACKGROUND_ROWS = 5
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(reverse("api-report-staff") + "?format=xlsx")
    assert response.status_code == 202
    job = response.json()
    assert (job["status"], job["total"]) == ("done", 8 + 5 + 3 + 10)  # every Đắk Lắk staff member
    assert client.get(reverse("api-report-export", args=[job["id"]])).json()["download_url"] == job["download_url"]


def test_export_query_count_is_constant(client, login_as, world, django_assert_num_queries):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&format=xlsx"
    # session 1, user 1, province 1, fields 1, communes 1, headcount 1, mismatches 1, movements 1
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    double(world)
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
