"""Excel exports opened with openpyxl and checked cell by cell; background export jobs."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from accounts.models import Role
from communes.models import ReportLetterhead
from core.excel import XLSX_CONTENT_TYPE
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


def place_date(day):
    """The date line's date in English: the day the report is made (Decree 30 pads months 1–2 only)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}/{month}/{day.year}"


def no_formulas(ws):
    return all(cell.data_type != "f" for row in ws.iter_rows() for cell in row)


def values(ws, row, first="A", last=None):
    last = last or get_column_letter(ws.max_column)
    return [c.value for c in ws[f"{first}{row}:{last}{row}"][0]]


def test_province_summary_workbook_cell_by_cell(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&format=xlsx"
    response = client.get(url, **EN)
    assert 'filename="bao-cao-bien-che-dak-lak-2025-10-15.xlsx"' in response["Content-Disposition"]
    book = workbook(response)
    assert book.sheetnames == ["Tong hop", "Phu luc 1"]
    ws = book["Tong hop"]
    # 9 columns: STT, commune, code, quota, effective, net, short, surplus, fields most short.
    assert ws.max_column == 9
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" and ws["A2"].value == "SỞ NỘI VỤ" and ws["A2"].font.b
    assert ws["F1"].value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and ws["F2"].value == "Độc lập - Tự do - Hạnh phúc"
    assert ws["A4"].value == "No.:      /BC-SNV"
    assert ws["F4"].value == "Đắk Lắk, " + place_date(timezone.localdate()) and ws["F4"].font.i
    assert ws["A6"].value == "STAFF AGAINST ASSIGNED QUOTA — TỈNH ĐẮK LẮK, AS OF 15/10/2025"
    assert ws["A7"].value == "As of 15/10/2025"
    # The headline: by total An 7/7 and Bình 7/7 are even, Cư 3/2 is one over; An and Bình each
    # have a short field.
    assert ws["A8"].value == (
        "0 communes short of 0 people against their assigned quota; 1 communes with 1 people over it "
        "(each commune counted by its whole headcount against its whole quota). "
        "Communes short in at least one field: 2.\n"
        "Figures for 15/10/2025 computed live from the records (the daily summary holds today only)."
    )
    assert values(ws, 10) == [
        "STT",
        "Commune",
        "Code",
        "Quota",
        "Effective",
        "Headcount against quota",
        "Short (sum of fields)",
        "Surplus (sum of fields)",
        "Fields most short",
    ]
    # Worked out in builders.py; rows in the page's default order (largest shortage first).
    assert values(ws, 11) == [1, "Xã An", "66001", 7, 7, 0, 2, 2, "Land (2)"]
    assert values(ws, 12) == [2, "Phường Bình", "66002", 7, 7, 0, 1, 1, "Finance (1)"]
    assert values(ws, 13) == [3, "Xã Cư", "66003", 2, 3, 1, 0, 1, None]
    assert values(ws, 14) == [None, "Total", None, 16, 17, 1, 3, 4, None]
    for col in range(4, 9):  # the totals row is the sum of the rows
        assert ws.cell(14, col).value == sum(ws.cell(r, col).value for r in range(11, 14))
    assert ws["D11"].number_format == "#,##0" and ws["H14"].number_format == "#,##0"
    assert ws["D14"].font.b
    # The signature block under the table: the preparer left, the director right.
    assert (ws["A16"].value, ws["F16"].value) == ("NGƯỜI LẬP BIỂU", "GIÁM ĐỐC")
    assert ws["A17"].value == "(Signature and full name)" and ws["F17"].value == "(Signature, full name and seal)"
    assert ws.max_row == 21
    assert ws.freeze_panes == "B11"
    assert ws.print_title_rows == "$10:$10"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0
    assert no_formulas(ws)

    detail = book["Phu luc 1"]  # the field detail: three fields fit on one appendix sheet
    assert detail["A1"].value == "APPENDIX 1: STAFF AGAINST ASSIGNED QUOTA BY FIELD — TỈNH ĐẮK LẮK"
    assert detail["A2"].value == "Fields: Land, Finance, Culture" and detail["A3"].value == "As of 15/10/2025"
    assert values(detail, 5) == ["STT", "Commune", None, "Land", None, None, "Finance", None, None, "Culture"] + [
        None,
        None,
    ]
    assert values(detail, 6) == [None, "Commune", "Code"] + ["Quota", "Effective", "Gap"] * 3  # A5:A6 is one cell
    assert {"A5:A6", "B5:C5", "D5:F5", "G5:I5", "J5:L5"} <= {str(r) for r in detail.merged_cells.ranges}
    assert values(detail, 7) == [1, "Xã An", "66001", 5, 3, -2, 0, 0, 0, 2, 4, 2]
    assert values(detail, 8) == [2, "Phường Bình", "66002", 4, 5, 1, 3, 2, -1, 0, 0, 0]
    assert values(detail, 9) == [3, "Xã Cư", "66003", 0, 0, 0, 2, 3, 1, 0, 0, 0]
    assert values(detail, 10) == [None, "Total", None, 9, 8, -1, 5, 5, 0, 2, 4, 2]
    assert detail.max_row == 10 and detail.print_title_rows == "$5:$6" and detail.freeze_panes == "B7"
    assert no_formulas(detail)


def test_province_field_detail_is_split_so_pages_stay_legible(client, login_as, world):
    for n in range(6):  # 3 + 6 = 9 fields with staff: four per appendix sheet
        fld = f.field(f"extra{n}", f"Lĩnh vực thêm {n}", f"Extra {n}", sort_order=10 + n)
        f.quota(world["cu"], fld, 1)
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&format=xlsx"
    book = workbook(client.get(url, **EN))
    assert book.sheetnames == ["Tong hop", "Phu luc 1", "Phu luc 2", "Phu luc 3"]
    # STT + commune + code + 4 fields × 3 columns; the last sheet holds the ninth field alone.
    assert [book[name].max_column for name in book.sheetnames[1:]] == [15, 15, 6]
    assert book["Phu luc 3"]["D5"].value == "Extra 5"
    for name in book.sheetnames:
        ws = book[name]
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows  # header rows repeated on every printed page


def test_a_provinces_own_letterhead_heads_and_signs_its_exports(client, login_as, world):
    ReportLetterhead.objects.create(
        province=world["province"],
        issuing_body="Ủy ban nhân dân tỉnh Đắk Lắk",
        unit_name="Sở Nội vụ",
        symbol_suffix="SNV-TCBC",
        place_name="Buôn Ma Thuột",
        preparer_title="Người lập biểu",
        preparer_name="Nguyễn Thị Lan",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        signer_name="Phạm Văn Tâm",
    )
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&format=xlsx"
    ws = workbook(client.get(url, **EN))["Tong hop"]
    assert (ws["A1"].value, ws["A2"].value) == ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "SỞ NỘI VỤ")
    assert ws["A4"].value == "No.:      /BC-SNV-TCBC" and ws["F4"].value.startswith("Buôn Ma Thuột, ")
    assert (ws["A16"].value, ws["F16"].value) == ("Người lập biểu", "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC")
    assert (ws["A21"].value, ws["F21"].value) == ("Nguyễn Thị Lan", "Phạm Văn Tâm")
    assert ws.row_dimensions[16].height > ws.row_dimensions[17].height  # two lines of title


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
    assert [tuple(values(ws, r, "C", "F")) for r in (11, 12, 13)] == expected
    assert ws["E10"].value == "On roll"
    assert values(ws, 14, "D", "F") == [16, 16, 0] == [page.kpis.quota, page.kpis.headcount, data["kpis"]["net"]]


def test_national_workbook(client, login_as, world):
    login_as(Role.NATIONAL_VIEWER)
    ws = workbook(client.get(reverse("reports:national") + "?as_of=15/10/2025&format=xlsx", **EN)).active
    assert ws["A1"].value == "BỘ NỘI VỤ" and ws["A4"].value == "No.:      /BC-BNV"
    assert ws["A6"].value == "STAFF AGAINST ASSIGNED QUOTA BY PROVINCE, NATIONWIDE, AS OF 15/10/2025"
    # Hà Nội: its one commune 2 / 7, short 5. Đắk Lắk (coverage): An 7/7 and Bình 7/7 even by
    # their totals though each has a field short, Cư 3/2 one over.
    assert ws["A8"].value.startswith("1 communes short of 5 people against their assigned quota; 1 communes with 1 ")
    assert values(ws, 10, "A", "F") == ["STT", "Province", "Code", "Quota", "On roll", "Absent"]
    assert values(ws, 10, "H", "P") == [
        "Against quota",
        "Communes",
        "Communes short against quota",
        "People short",
        "Communes over quota",
        "People over",
        "Communes short in at least one field",
        "Communes over in at least one field",
        "Shortage, field by field",
    ]
    assert values(ws, 11, "A", "Q") == [1, "Thành phố Hà Nội", "01", 7, 2, 0, 2, -5, 1, 1, 5, 0, 0, 1, 0, 5, 0]
    assert values(ws, 12, "A", "Q") == [2, "Tỉnh Đắk Lắk", "66", 16, 16, 0, 17, 1, 3, 0, 0, 1, 1, 2, 3, 3, 4]
    assert values(ws, 13, "B", "Q") == ["Total", None, 23, 18, 0, 19, -4, 4, 1, 5, 1, 1, 3, 3, 8, 4]
    assert no_formulas(ws)


@pytest.mark.parametrize("name", ["=1+1", "+84 912", "-SUM(A1)", "@cmd"])
def test_staff_names_that_look_like_formulas_stay_text(world, name):
    f.staff(world["cu"], world["finance"], name=name, staff_code="X-1", birth_date=date(1990, 1, 2))
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(reverse("api-report-staff") + "?format=xlsx&unit_code=66003&q=X-1", **EN)
    ws = workbook(response).active
    assert ws["A6"].value == "LIST OF CADRES, CIVIL SERVANTS AND PUBLIC EMPLOYEES — TỈNH ĐẮK LẮK, AS OF " + (
        timezone.localdate().strftime("%d/%m/%Y")
    )
    assert values(ws, 9, "A", "M") == [
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
    row = values(ws, 10, "A", "M")
    assert row[:3] == [1, "X-1", name] and ws["C10"].data_type == "s"
    assert row[3:] == ["Male", row[4], "Civil servant", "Xã Cư", None, "Tài chính", None, "Bachelor", "Active", None]
    assert row[4].date() == date(1990, 1, 2) and ws["E10"].number_format == "dd/mm/yyyy"
    assert ws.cell(11, 1).value is None and ws.cell(12, 1).value == "NGƯỜI LẬP BIỂU"  # signature block
    assert no_formulas(ws)


def test_staff_export_is_scoped_and_filtered(world):
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    ws = workbook(client.get(reverse("api-report-staff") + f"?format=xlsx&field={world['land'].pk}")).active
    # Land staff of Đắk Lắk: 3 in An, 4 in Bình, 1 trained in land but in a culture post is not counted.
    assert [ws.cell(r, 1).value for r in range(10, 18)] == [1, 2, 3, 4, 5, 6, 7, None]
    assert {ws.cell(r, 7).value for r in range(10, 17)} == {"Xã An", "Phường Bình"}


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
    assert [ws.cell(r, 1).value for r in range(10, 19)] == [1, 2, 3, 4, 5, 6, 7, 8, None] and no_formulas(ws)


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
    # session 1, user 1, province 1, fields 1, communes 1, headcount 1, mismatches 1, movements 1,
    # the province's letterhead 1
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    double(world)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
