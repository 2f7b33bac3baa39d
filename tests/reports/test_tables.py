"""Report tables declared once (reports/tables.py): the page, the API and the workbook read the same
columns; the department report, a unit's quotas and mismatches, the alerts and a person's history
export to Excel and are served by the report API as JSON and xlsx with the same parameters."""

import io
import re
from datetime import date, datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from core.excel import XLSX_CONTENT_TYPE
from planner import tables as planner_tables
from reports import tables
from secondments import tables as secondments_tables
from secondments.selectors import alert_groups, alert_rows
from staffing import tables as staffing_tables
from tests import factories as f
from tests.reports.builders import province_fixture
from tests.reports.test_report_api import api_as
from tests.tables import table_html

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    return province_fixture()


@pytest.fixture(autouse=True)
def english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


def book(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    data = b"".join(response.streaming_content) if response.streaming else response.content
    return load_workbook(io.BytesIO(data))


def row_values(ws, row):
    return [c.value for c in ws[row]]


def find_row(ws, first):
    """The number of the first row whose column B holds ``first`` (the first column after STT)."""
    for row in ws.iter_rows(min_col=2, max_col=2):
        if row[0].value == first:
            return row[0].row
    raise AssertionError(f"{first!r} not in column B")


ALL_TABLES = (
    tables.COMMUNES,
    tables.NATIONAL,
    tables.DEPARTMENT_FIELDS,
    tables.DEPARTMENT_PLANS,
    tables.UNIT_QUOTAS,
    tables.MISMATCHES,
    tables.ALERTS,
    tables.PERSON_HISTORY,
    tables.FIELDS,
    tables.TOP_SHORTAGE,
    tables.FIELD_DETAIL,
    tables.PLAN_DEPARTMENTS,
    tables.PLAN_COMMUNES,
    tables.PLAN_TOTALS,
    secondments_tables.MOVEMENTS,
    secondments_tables.STAFF_REQUESTS,
    tables.UNIT_MOVEMENTS_IN,
    tables.UNIT_MOVEMENTS_OUT,
    tables.QUOTA_POOL,
    staffing_tables.QUOTA_REQUESTS,
    staffing_tables.POOL_DECISIONS,
    planner_tables.RUN_MOVES,
    planner_tables.RUN_CELLS,
    planner_tables.RUN_SENDERS,
    planner_tables.RUN_UNMET,
    planner_tables.COMPARE_CELLS,
    planner_tables.FORECAST_MONTHS,
    planner_tables.FORECAST_CELLS,
)


def test_every_table_declares_labels_formats_and_links_by_url_name():
    for table in ALL_TABLES:
        keys = [c.key for c in table.columns]
        assert len(keys) == len(set(keys)), table.name
        assert all(c.format in tables.FORMATS for c in table.columns)
        for c in table.columns:
            assert c.link is None or not c.link.url_name.startswith("/")
        # The schema's row serializer has one field per served column (a nested table: per group).
        served = {c.key.split(".")[0] if table.nested else tables.json_key(c.key) for c in table.columns if c.api}
        assert set(table.serializer()().fields) == served


def test_department_page_api_and_workbook_read_one_declaration(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    page = client.get(reverse("reports:department", args=["66S01"]) + "?as_of=15/10/2025", **EN)
    html = page.content.decode()
    # Headers from the declaration, links by URL name: the roster by field, the movements sent.
    for label in ("Field", "Quota", "On roll", "Seconded out", "Against quota", "Mismatches"):
        assert f'<th scope="col"{' class="num"' if label != "Field" else ""}>{label}</th>' in html
    assert f'href="/units/66S01/staff/?field={world["finance"].pk}"' in html
    assert f'href="/movements/?from_code=66S01&amp;field={world["finance"].pk}"' in html
    assert '<td class="num gap-neg" data-col="gap">-1</td>' in html  # finance 9 / 10
    assert 'data-total="quota">10<' in html
    assert 'id="export-xlsx"' in html

    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    data = api.get(reverse("api-report-department", args=["66S01"]) + "?as_of=15/10/2025").json()
    assert [(r["name"], r["quota"], r["effective"], r["gap"]) for r in data["by_field"]] == [("Finance", 10, 9, -1)]

    wb = book(client.get(reverse("reports:department", args=["66S01"]) + "?as_of=15/10/2025&format=xlsx", **EN))
    assert wb.sheetnames == ["Theo linh vuc", "Theo ke hoach"]
    ws = wb["Theo linh vuc"]
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" and ws["A4"].value == "No.:      /BC-SNV"
    assert ws["A6"].value == "STAFF BY FIELD AGAINST ASSIGNED QUOTA — SỞ TÀI CHÍNH, AS OF 15/10/2025"
    assert ws["A7"].value == "As of 15/10/2025"
    assert row_values(ws, 9) == [
        "STT",
        "Field",
        "Quota",
        "On roll",
        "Seconded out",
        "Seconded in",
        "Absent",
        "Effective",
        "Against quota",
        "Mismatches",
    ]
    assert row_values(ws, 10) == [1, "Finance", 10, 10, 1, 0, 0, 9, -1, 0]
    assert row_values(ws, 11) == [None, "Total", 10, 10, 1, 0, 0, 9, -1, 0]
    assert ws["C10"].number_format == "#,##0"
    assert ws.print_title_rows == "$9:$9" and ws.page_setup.orientation == "landscape"
    assert any(c.value == "GIÁM ĐỐC" for row in ws.iter_rows(min_row=12) for c in row)  # signature block
    plans = wb["Theo ke hoach"]
    assert plans["A1"].value == "STAFF SENT, BY PLAN — SỞ TÀI CHÍNH, AS OF 15/10/2025"
    r = find_row(plans, "Outside any plan")
    assert row_values(plans, r) == [1, "Outside any plan", "—", 0, 1, 1, 0, 1]
    assert row_values(plans, r - 1)[:3] == ["STT", "Plan", "Required"]


def test_unit_quota_table_page_api_and_workbook_agree(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    html = client.get(reverse("unit-detail", args=["66001"]), **EN).content.decode()
    assert 'href="/reports/exports/tables/unit-quotas/?code=66001"' in html
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    # On 15/10/2025: An land 5 / 3; culture 2 / 5 on roll, one seconded out → 4.
    data = api.get(reverse("api-report-unit-quotas", args=["66001"]) + "?as_of=2025-10-15").json()
    assert data["unit"] == {"code": "66001", "name": "Xã An"}
    assert [(r["field_name"], r["category_label"], r["quota"], r["on_roll"], r["effective"], r["gap"])
            for r in data["rows"]] == [("Land", "Civil servant", 5, 3, 3, -2),
                                       ("Culture", "Civil servant", 2, 5, 4, 2)]  # fmt: skip
    url = reverse("reports:export-table", args=["unit-quotas"]) + "?code=66001&as_of=15/10/2025"
    response = client.get(url, **EN)
    assert 'filename="bien-che-theo-linh-vuc-xa-an-2025-10-15.xlsx"' in response["Content-Disposition"]
    ws = book(response).active
    # A commune's own heading.
    assert (ws["A1"].value, ws["A2"].value) == ("ỦY BAN NHÂN DÂN", "XÃ AN")
    assert ws["A6"].value == "QUOTA AND HEADCOUNT BY FIELD AND CATEGORY — XÃ AN, AS OF 15/10/2025"
    r = find_row(ws, "Land")
    assert row_values(ws, r) == [1, "Land", "Civil servant", 5, 3, 0, 0, 0, 3, -2]
    assert row_values(ws, r + 1) == [2, "Culture", "Civil servant", 2, 5, 1, 0, 0, 4, 2]
    assert row_values(ws, r + 2) == [None, "Total", None, 7, 8, 1, 0, 0, 7, 0]
    # The API's xlsx is the same file.
    api_book = book(api.get(reverse("api-report-unit-quotas", args=["66001"]) + "?as_of=2025-10-15&format=xlsx"))
    assert row_values(api_book.active, r) == row_values(ws, r)


def test_mismatch_table_page_api_and_workbook(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    html = client.get(reverse("unit-detail", args=["66001"]), **EN).content.decode()
    person = world["an"].assignments.get(person__full_name="Trần Thị Lệch").person
    assert f'<a href="/staff/{person.pk}/">Trần Thị Lệch</a>' in html
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    data = api.get(reverse("api-report-mismatches", args=["66001"])).json()
    assert [(r["full_name"], r["field"], r["major_field"]) for r in data["rows"]] == [
        ("Trần Thị Lệch", "Culture", "Land")
    ]
    response = client.get(reverse("reports:export-table", args=["mismatches"]) + "?code=66001", **EN)
    today = timezone.localdate()
    assert f'filename="trai-chuyen-mon-xa-an-{today.isoformat()}.xlsx"' in response["Content-Disposition"]
    ws = book(response).active
    r = find_row(ws, "Trần Thị Lệch")
    assert row_values(ws, r)[2:] == [person.staff_code, None, "Culture", "Land"]


def test_alerts_page_api_and_workbook_list_the_same_movements(client, login_as, world):
    user = login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    expected = alert_rows(alert_groups(user, as_of=timezone.localdate()))
    assert expected  # the fixture's approved movements are past their dates
    html = client.get(reverse("secondments:movement-alerts"), **EN).content.decode()
    assert 'id="export-alerts"' in html
    counts = [int(x.split("<")[0]) for x in html.split("data-count>")[1:]]
    assert sum(counts) == len(expected)
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    data = api.get(reverse("api-report-alerts")).json()
    assert [(r["pk"], r["group"]) for r in data["rows"]] == [(r["pk"], r["group"]) for r in expected]
    wb = book(client.get(reverse("reports:export-table", args=["alerts"]), **EN))
    ws = wb.active
    assert ws["A6"].value.startswith("MOVEMENT ALERTS — TỈNH ĐẮK LẮK, AS OF ")
    first = find_row(ws, expected[0]["pk"])
    assert [ws.cell(first + i, 2).value for i in range(len(expected))] == [r["pk"] for r in expected]
    assert ws.cell(first + len(expected), 2).value is None  # a listing: no totals, no signature
    assert not any(c.value == "GIÁM ĐỐC" for row in ws.iter_rows() for c in row)


def test_person_history_api_and_workbook(client, login_as, world):
    person = f.staff(world["an"], world["land"], name="Nguyễn Thị Hạnh", placed_from=date(2020, 3, 1))
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    html = client.get(reverse("staff-detail", args=[person.pk]), **EN).content.decode()
    assert f'href="/reports/exports/tables/person-history/?pk={person.pk}"' in html
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    data = api.get(reverse("api-report-person-history", args=[person.pk])).json()
    assert data["person"] == {"code": person.staff_code, "name": "Nguyễn Thị Hạnh"}
    assert [(r["start"], r["end"], r["unit"], r["field"]) for r in data["rows"]] == [
        ("2020-03-01", None, "Xã An", "Land")
    ]
    response = client.get(reverse("reports:export-table", args=["person-history"]) + f"?pk={person.pk}", **EN)
    today = timezone.localdate().isoformat()
    assert f'filename="qua-trinh-cong-tac-nguyen-thi-hanh-{today}.xlsx"' in response["Content-Disposition"]
    ws = book(response).active
    assert ws["A6"].value.startswith(f"WORK HISTORY OF NGUYỄN THỊ HẠNH ({person.staff_code}), AS OF ")
    r = find_row(ws, datetime(2020, 3, 1))
    assert ws.cell(r, 2).number_format == "dd/mm/yyyy" and ws.cell(r, 5).value == "Xã An"


@pytest.mark.parametrize(
    "role, where, expected",
    [
        (Role.PROVINCE_OFFICIAL, "own", 200),
        (Role.PROVINCE_OFFICIAL, "other", 404),
        (Role.COMMUNE_OFFICER, "an", 200),
        (Role.COMMUNE_OFFICER, "cu", 404),
        (Role.NATIONAL_VIEWER, None, 200),
    ],
)
def test_unit_table_exports_follow_the_unit_scope(client, world, role, where, expected):
    from tests.reports.test_report_api import scope

    client.force_login(f.user(role, **scope(world, where)))
    for name in ("unit-quotas", "mismatches"):
        assert client.get(reverse("reports:export-table", args=[name]) + "?code=66001").status_code == expected
    api = api_as(role, **scope(world, where)) if role != Role.COMMUNE_OFFICER else None
    if api is not None:
        for name in ("api-report-unit-quotas", "api-report-mismatches"):
            assert api.get(reverse(name, args=["66001"])).status_code == expected


def test_table_exports_refuse_bad_input(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(reverse("reports:export-table", args=["unit-quotas"]) + "?code=66001&as_of=31/02/2025")
    assert response.status_code == 400 and "dd/mm/yyyy" in response.content.decode()
    assert client.get(reverse("reports:export-table", args=["person-history"]) + "?pk=x").status_code == 404
    assert client.get(reverse("reports:export-table", args=["staff"])).status_code == 404  # not a table export
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = api.get(reverse("api-report-unit-quotas", args=["66001"]) + "?as_of=31/02/2025")
    assert response.status_code == 400


def test_schema_documents_the_table_endpoints_with_json_and_xlsx():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path in (
        "/api/v1/reports/units/{code}/",
        "/api/v1/reports/units/{code}/quotas/",
        "/api/v1/reports/units/{code}/mismatches/",
        "/api/v1/reports/alerts/",
        "/api/v1/reports/staff/{id}/history/",
    ):
        op = schema["paths"][path]["get"]
        assert {"200", "400", "403", "404"} <= set(op["responses"]), path
        assert {"application/json", XLSX_CONTENT_TYPE} <= set(op["responses"]["200"]["content"]), path
        assert "format" in {p["name"] for p in op["parameters"]}, path


def test_person_history_and_alerts_follow_the_scope(client, world):
    from tests.reports.test_report_api import scope

    far = f.staff(world["hn"], world["land"], name="Lê Văn Xa")
    near = f.staff(world["an"], world["land"], name="Lê Văn Gần")
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, **scope(world, "own")))
    export = reverse("reports:export-table", args=["person-history"])
    assert client.get(f"{export}?pk={near.pk}").status_code == 200
    assert client.get(f"{export}?pk={far.pk}").status_code == 404
    api = api_as(Role.PROVINCE_OFFICIAL, **scope(world, "own"))
    assert api.get(reverse("api-report-person-history", args=[near.pk])).status_code == 200
    assert api.get(reverse("api-report-person-history", args=[far.pk])).status_code == 404
    # Hà Nội's official sees none of Đắk Lắk's alerts.
    other = api_as(Role.PROVINCE_OFFICIAL, **scope(world, "other"))
    assert other.get(reverse("api-report-alerts")).json()["rows"] == []


@pytest.mark.parametrize(
    "name, args",
    [
        ("api-report-unit-quotas", ["66001"]),
        ("api-report-mismatches", ["66001"]),
        ("api-report-department", ["66S01"]),
        ("api-report-alerts", []),
    ],
)
def test_table_endpoints_run_a_fixed_number_of_queries(world, name, args):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    with CaptureQueriesContext(connection) as before:
        assert api.get(reverse(name, args=args) + "?as_of=15/10/2025").status_code == 200
    for i in range(5):  # more people, mismatches and movements in the same unit and department
        person = f.staff(world["an"], world["culture"], name=f"Thêm {i}", major_field=world["land"])
        f.movement(person, world["binh"], start=date(2025, 9, 1), end=date(2025, 12, 31))
        f.staff(world["dept"], world["finance"], name=f"Sở {i}")
    with CaptureQueriesContext(connection) as after:
        assert api.get(reverse(name, args=args) + "?as_of=15/10/2025").status_code == 200
    assert len(after.captured_queries) == len(before.captured_queries)


PROBE = tables.Col("probe", "Probe column", tables.INT, width=9)


def probe_cases(world):
    """For each table: who reads it, its page, its API rows and its workbook."""
    person = f.staff(world["an"], world["land"], name="Nguyễn Thị Hạnh", placed_from=date(2020, 3, 1))
    own = {"prov": world["province"]}
    day = "?as_of=15/10/2025"
    dashboard = reverse("reports:province", args=["66"]) + day
    national = reverse("reports:national") + day
    department = reverse("reports:department", args=["66S01"]) + day
    table_export = "reports:export-table"
    return {
        "communes": (
            tables.COMMUNES, Role.PROVINCE_OFFICIAL, own, dashboard,
            (reverse("api-report-province-communes", args=["66"]) + day, "communes"), dashboard + "&format=xlsx",
        ),
        "national": (
            tables.NATIONAL, Role.NATIONAL_VIEWER, {}, national,
            (reverse("api-report-national") + day, "rows"), national + "&format=xlsx",
        ),
        "department": (
            tables.DEPARTMENT_FIELDS, Role.PROVINCE_OFFICIAL, own, department,
            (reverse("api-report-department", args=["66S01"]) + day, "by_field"), department + "&format=xlsx",
        ),
        "unit-quotas": (
            tables.UNIT_QUOTAS, Role.PROVINCE_OFFICIAL, own, reverse("unit-detail", args=["66001"]),
            (reverse("api-report-unit-quotas", args=["66001"]), "rows"),
            reverse(table_export, args=["unit-quotas"]) + "?code=66001",
        ),
        "alerts": (
            tables.ALERTS, Role.PROVINCE_OFFICIAL, own, reverse("secondments:movement-alerts"),
            (reverse("api-report-alerts"), "rows"), reverse(table_export, args=["alerts"]),
        ),
        "person-history": (
            tables.PERSON_HISTORY, Role.PROVINCE_OFFICIAL, own, reverse("staff-detail", args=[person.pk]),
            (reverse("api-report-person-history", args=[person.pk]), "rows"),
            reverse(table_export, args=["person-history"]) + f"?pk={person.pk}",
        ),
    }  # fmt: skip


@pytest.mark.parametrize("name", ["communes", "national", "department", "unit-quotas", "alerts", "person-history"])
def test_a_column_added_to_a_declaration_shows_on_the_page_in_the_api_and_in_the_workbook(
    client, login_as, world, monkeypatch, name
):
    table, role, scope_, page_url, (api_url, key), xlsx_url = probe_cases(world)[name]
    login_as(role, **scope_)
    api = api_as(role, **scope_)
    before_header = header_row(book(client.get(xlsx_url, **EN)))
    assert "Probe column" not in client.get(page_url, **EN).content.decode()
    assert "probe" not in api.get(api_url).json()[key][0]

    monkeypatch.setitem(table.__dict__, "columns", (*table.columns, PROBE))
    html = client.get(page_url, **EN).content.decode()
    heads = re.findall(r"<thead>.*?</thead>", html, re.S)
    assert [h.count("Probe column") for h in heads if "Probe column" in h] == [1] * html.count("Probe column")
    assert html.count("Probe column") >= 1  # once per table: the alerts page shows one per group
    assert 'data-col="probe"' in html  # every row has the new cell
    assert api.get(api_url).json()[key][0]["probe"] is None
    assert header_row(book(client.get(xlsx_url, **EN))) == [*before_header, "Probe column"]


def header_row(wb):
    ws = wb.worksheets[0]
    for row in ws.iter_rows():
        if row[0].value == "STT":
            return [c.value for c in row]
    raise AssertionError("no header row")


def test_commune_table_page_columns_are_the_sort_keys_and_the_workbook_keeps_its_own_layout(client, login_as, world):
    from reports.selectors import COMMUNE_SORTS

    assert tuple(c.key for c in tables.COMMUNES.page_columns()) == COMMUNE_SORTS
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&view=establishment"
    html = client.get(url, **EN).content.decode()
    # The row header: the commune's page and its badges; the totals row spans name and code.
    name = '<th scope="row" data-col="name"><a href="/units/66001/">Xã An</a> <span class="badge text-bg-warning"'
    assert f'<tr data-unit="66001">{name}' in html
    total = '<th scope="row" colspan="2">Total</th><td class="num" data-total="quota">16</td>'
    assert f'<tr class="fw-semibold">{total}' in html
    sort = '<a href="?as_of=15%2F10%2F2025&amp;view=establishment&amp;sort=-on_roll"'
    assert f'<th scope="col" class="num" aria-sort="none">{sort}' in html
    ws = book(client.get(url + "&format=xlsx", **EN))["Tong hop"]
    assert header_row(ws.parent) == [
        "STT", "Commune", "Code", "Quota", "On roll", "Headcount against quota", "Short (sum of fields)",
        "Surplus (sum of fields)", "Fields most short",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "table, table_id, api_name, key, count",
    [
        (tables.FIELDS, "table-fields", "api-report-province-fields", "by_field", 3),  # land, finance, culture
        (tables.TOP_SHORTAGE, "table-top-communes", "api-report-province-top", "top_shortage", 2),  # An, Bình
    ],
)
def test_a_column_added_to_a_dashboard_chart_table_shows_on_the_page_and_in_the_api(
    client, login_as, world, monkeypatch, table, table_id, api_name, key, count
):
    """The chart tables have no sheet of their own: the province workbook is left as it was."""
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    page_url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025"
    api_url = reverse(api_name, args=["66"]) + "?as_of=2025-10-15"
    before_book = [header_row(book(client.get(page_url + "&format=xlsx", **EN)))]
    rows_before = api.get(api_url).json()[key]
    assert len(rows_before) == count
    assert "probe" not in rows_before[0]

    monkeypatch.setitem(table.__dict__, "columns", (*table.columns, PROBE))
    html = table_html(client.get(page_url, **EN).content.decode(), table_id)
    assert html.count('<th scope="col" class="num">Probe column</th>') == 1
    assert html.count('data-col="probe"') == count  # one cell a row
    rows = api.get(api_url).json()[key]
    assert [r.pop("probe") for r in rows] == [None] * count and rows == rows_before
    assert [header_row(book(client.get(page_url + "&format=xlsx", **EN)))] == before_book


def test_chart_tables_show_the_declared_labels_and_values(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    html = client.get(reverse("reports:province", args=["66"]) + "?as_of=15/10/2025", **EN).content.decode()
    fields = table_html(html, "table-fields")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', fields)
    assert heads == ["Field", "Quota", "Headcount", "Shortage", "Surplus", "Net"]
    # Finance in coverage: quota 5, headcount 5, short 1 in Bình, over 1 in Cư (builders.py).
    assert (
        '<th scope="row" data-col="name">Finance</th><td class="num" data-col="quota">5</td>'
        '<td class="num" data-col="headcount">5</td><td class="num gap-neg" data-col="shortage">1</td>'
        '<td class="num gap-pos" data-col="surplus">1</td><td class="num" data-col="net">0</td>'
    ) in fields
    top = table_html(html, "table-top-communes")
    assert re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', top) == ["Commune", "Shortage"]
    assert "<a " not in top and "badge" not in top  # the commune table's links and badges stay there
    # The API's top communes keep the commune table's row and schema.
    api = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    row = api.get(reverse("api-report-province-top", args=["66"]) + "?as_of=2025-10-15").json()["top_shortage"][0]
    assert set(row) == {tables.json_key(c.key) for c in tables.COMMUNES.api_columns()}
    assert (row["name"], row["shortage"], row["quota"]) == ("Xã An", 2, 7)  # land 5 + culture 2
    assert tables.TOP_SHORTAGE.serializer() is tables.COMMUNES.serializer()


def test_a_field_detail_column_added_to_the_declaration_shows_on_every_appendix_field(
    client, login_as, world, monkeypatch
):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025&format=xlsx"
    monkeypatch.setattr(tables, "FIELD_FIGURES", (*tables.FIELD_FIGURES, PROBE))
    detail = book(client.get(url, **EN))["Phu luc 1"]
    # Groups of four under each field's name; the commune's own columns unchanged.
    assert [c.value for c in detail[5]] == ["STT", "Commune", None] + [
        name for name in ("Land", "Finance", "Culture") for name in (name, None, None, None)
    ]
    assert [c.value for c in detail[6]] == [None, "Commune", "Code"] + ["Quota", "Effective", "Gap", "Probe column"] * 3
    assert {"B5:C5", "D5:G5", "H5:K5", "L5:O5"} <= {str(r) for r in detail.merged_cells.ranges}
    assert [c.value for c in detail[7]][:8] == [1, "Xã An", "66001", 5, 3, -2, None, 0]

    monkeypatch.setitem(tables.FIELD_DETAIL.__dict__, "columns", (*tables.FIELD_DETAIL.columns, PROBE))
    detail = book(client.get(url, **EN))["Phu luc 1"]
    assert [c.value for c in detail[5]][:5] == ["STT", "Commune", None, None, "Land"]
    assert [c.value for c in detail[6]][:5] == [None, "Commune", "Code", "Probe column", "Quota"]


def plan_world():
    from secondments.models import Status
    from tests.secondments import builders as sb

    w = sb.World()
    w.plan.priority_communes.add(w.commune)
    # Into Hòa Phú (quota 2 in finance): approved, so 1 short today; into Ea Tu: no quota, not short.
    f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan, end=date(2026, 12, 31))
    f.movement(w.people[1], w.other_commune, status=Status.PROPOSED, plan=w.plan, end=date(2026, 12, 31))
    return w


def test_plan_communes_page_api_and_workbook_read_one_declaration(client, login_as):
    w = plan_world()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    html = table_html(client.get(reverse("plan-detail", args=[w.plan.pk]), **EN).content.decode(), "plan-communes")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert heads == ["Commune", "Field", "Shortage today", "Requested", "Proposed", "Received", "Active"]
    # The priority commune first, with its badge; the shortage marked only where there is one.
    assert (
        '<tr><td data-col="unit_name">Xã Hòa Phú <span class="badge text-bg-warning">priority</span></td>'
        '<td data-col="field_name">Finance</td><td class="num gap-neg" data-col="shortage">1</td>'
    ) in html
    assert '<tr><td data-col="unit_name">Xã Ea Tu</td><td data-col="field_name">Finance</td>' in html
    assert '<td class="num" data-col="shortage">0</td>' in html
    api = api_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    rows = api.get(reverse("api-plan-progress", args=[w.plan.pk])).json()["communes"]
    got = [(r["unit_name"], r["field"], r["is_priority"], r["shortage"], r["proposed"], r["received"]) for r in rows]
    assert got == [
        ("Xã Hòa Phú", "finance", True, 1, 0, 1),
        ("Xã Ea Tu", "finance", False, 0, 1, 0),
    ]
    assert list(rows[0]) == [
        "unit", "unit_code", "unit_name", "field", "is_priority", "shortage", "requested", "proposed", "received",
        "active",
    ]  # fmt: skip
    ws = book(client.get(reverse("plan-export", args=[w.plan.pk]) + "?part=communes", **EN)).active
    assert header_row(ws.parent) == [
        "STT", "Commune", "Field", "Priority", "Shortage", "Requested", "Proposed", "Received", "Active",
    ]  # fmt: skip
    r = find_row(ws, "Xã Hòa Phú")
    assert row_values(ws, r) == [1, "Xã Hòa Phú", "Finance", "Yes", 1, 0, 0, 1, 0]
    assert row_values(ws, r + 1) == [2, "Xã Ea Tu", "Finance", None, 0, 0, 1, 0, 0]
    assert row_values(ws, r + 2) == [None, "Total", None, None, 1, 0, 1, 1, 0]


def test_a_column_added_to_the_plan_communes_shows_on_the_page_in_the_api_and_in_the_workbook(
    client, login_as, monkeypatch
):
    w = plan_world()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    api = api_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    page_url = reverse("plan-detail", args=[w.plan.pk])
    api_url = reverse("api-plan-progress", args=[w.plan.pk])
    xlsx_url = reverse("plan-export", args=[w.plan.pk]) + "?part=communes"
    before_header = header_row(book(client.get(xlsx_url, **EN)))
    monkeypatch.setitem(tables.PLAN_COMMUNES.__dict__, "columns", (*tables.PLAN_COMMUNES.columns, PROBE))
    html = table_html(client.get(page_url, **EN).content.decode(), "plan-communes")
    assert html.count('<th scope="col" class="num">Probe column</th>') == 1 and html.count('data-col="probe"') == 2
    assert [r["probe"] for r in api.get(api_url).json()["communes"]] == [None, None]
    assert header_row(book(client.get(xlsx_url, **EN))) == [*before_header, "Probe column"]


def test_plan_sending_units_page_api_and_workbook_read_one_declaration(client, login_as):
    from tests.secondments import builders as sb

    w = plan_world()
    f.staff_many(w.dept, w.finance, 137)  # 140 active staff with the 3 of the world
    quota = sb.percent_quota(w.plan, w.dept, 5, 7)  # 5% × 140 = 7, 7% × 140 = 9.8 → 10
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    page = client.get(reverse("plan-detail", args=[w.plan.pk]), **EN).content.decode()
    html = table_html(page, "plan-departments")
    heads = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html)
    assert heads == [
        "Sending unit", "Rule", "Active staff", "Required (min–max)", "Proposed", "Approved", "Active", "Completed",
        '<span class="visually-hidden">Actions</span>',
    ]  # fmt: skip
    edit = reverse("secondments:quota-update", args=[w.plan.pk, quota.pk])
    assert (
        f'<tr data-unit="{w.dept.code}"><td data-col="unit_name">Sở Tài chính</td><td data-col="rule">5–7%</td>'
        '<td class="num" data-col="active_staff">140</td><td class="num" data-col="required">7–10</td>'
        '<td class="num" data-col="proposed">1</td><td class="num" data-col="approved">1</td>'
        f'<td class="num" data-col="active">0</td><td class="num" data-col="completed">0</td>'
        f'<td class="no-print" data-col="actions"><a href="{edit}">Edit</a> · '
    ) in html
    api = api_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    row = api.get(reverse("api-plan-progress", args=[w.plan.pk])).json()["departments"][0]
    assert row == {
        "unit": w.dept.pk, "unit_code": w.dept.code, "unit_name": "Sở Tài chính", "active_staff": 140,
        "rule": "5–7%", "required_min": 7, "required_max": 10, "draft": 0, "proposed": 1, "approved": 1,
        "active": 0, "completed": 0, "sent": 1,
    }  # fmt: skip
    ws = book(client.get(reverse("plan-export", args=[w.plan.pk]), **EN)).active
    # The printed form keeps its own order: active staff before the rule, the range in two columns.
    assert header_row(ws.parent) == [
        "STT", "Sending unit", "Active staff", "Rule", "Required (min)", "Required (max)", "Proposed", "Approved",
        "Active", "Completed", "Sent",
    ]  # fmt: skip
    r = find_row(ws, "Sở Tài chính")
    assert row_values(ws, r) == [1, "Sở Tài chính", 140, "5–7%", 7, 10, 1, 1, 0, 0, 1]


def test_a_column_added_to_the_plan_sending_units_shows_on_the_page_in_the_api_and_in_the_workbook(
    client, login_as, monkeypatch
):
    w = plan_world()
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)  # reads the plan, does not manage it: no actions column
    api = api_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    xlsx_url = reverse("plan-export", args=[w.plan.pk])
    before_header = header_row(book(client.get(xlsx_url, **EN)))
    monkeypatch.setitem(tables.PLAN_DEPARTMENTS.__dict__, "columns", (*tables.PLAN_DEPARTMENTS.columns, PROBE))
    html = table_html(client.get(reverse("plan-detail", args=[w.plan.pk]), **EN).content.decode(), "plan-departments")
    assert "Actions" not in html
    assert html.count('<th scope="col" class="num">Probe column</th>') == 1 and html.count('data-col="probe"') == 1
    departments = api.get(reverse("api-plan-progress", args=[w.plan.pk])).json()["departments"]
    assert [r["probe"] for r in departments] == [None]
    assert header_row(book(client.get(xlsx_url, **EN))) == [*before_header, "Probe column"]


def test_schema_documents_the_plan_progress_rows_by_their_declarations():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/plans/{id}/progress/"]["get"]
    ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    components = schema["components"]["schemas"]
    props = components[ref]["properties"]
    assert set(props) == {"plan", "as_of", "rounding_rule", "departments", "communes", "totals"}
    rows = {name: components[props[name]["items"]["$ref"].rsplit("/", 1)[-1]] for name in ("departments", "communes")}
    assert set(rows["departments"]["properties"]) == {
        "unit", "unit_code", "unit_name", "rule", "active_staff", "required_min", "required_max", "draft",
        "proposed", "approved", "active", "completed", "sent",
    }  # fmt: skip
    assert rows["departments"]["properties"]["required_min"]["nullable"] is True  # no sending quota: null
    assert set(rows["communes"]["required"]) == set(rows["communes"]["properties"]) == {
        "unit", "unit_code", "unit_name", "field", "is_priority", "shortage", "requested", "proposed", "received",
        "active",
    }  # fmt: skip


def test_plan_totals_page_and_api_read_one_declaration(client, login_as, monkeypatch):
    w = plan_world()
    w.plan.target_secondment = 10
    w.plan.save()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    page_url = reverse("plan-detail", args=[w.plan.pk])
    html = table_html(client.get(page_url, **EN).content.decode(), "plan-totals")
    # One approved and one proposed secondment against a target of 10: 1 sent, 10%; no other targets.
    assert (
        '<tr data-kind="secondment"><th scope="row" data-col="label">Secondment</th>'
        '<td class="num" data-col="target">10</td><td class="num" data-col="proposed">1</td>'
        '<td class="num" data-col="sent">1</td><td class="num" data-col="percent">10</td></tr>'
    ) in html
    assert '<td class="num" data-col="target">–</td>' in html  # a kind without a target
    assert (
        '<tfoot><tr><th scope="row">Total</th><td class="num" data-total="target">10</td>'
        '<td class="num" data-total="proposed">1</td><td class="num" data-total="sent">1</td><td></td></tr></tfoot>'
    ) in html
    api = api_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    api_url = reverse("api-plan-progress", args=[w.plan.pk])
    totals = api.get(api_url).json()["totals"]
    assert totals[0] == {"kind": "secondment", "target": 10, "proposed": 1, "sent": 1}
    assert all(t["target"] is None for t in totals[1:])

    monkeypatch.setitem(tables.PLAN_TOTALS.__dict__, "columns", (*tables.PLAN_TOTALS.columns, PROBE))
    html = table_html(client.get(page_url, **EN).content.decode(), "plan-totals")
    assert html.count('<th scope="col" class="num">Probe column</th>') == 1
    assert html.count('data-col="probe"') == len(totals)
    assert [t["probe"] for t in api.get(api_url).json()["totals"]] == [None] * len(totals)


def movement_world():
    from secondments.models import Status
    from tests.secondments import builders as sb

    w = sb.World()
    decided = f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan, end=date(2026, 12, 31))
    decided.decision_number, decided.decision_date = "12/QĐ-UBND", date(2025, 7, 1)
    decided.save()
    proposed = f.movement(w.people[1], w.other_commune, status=Status.PROPOSED, end=date(2026, 12, 31))
    return w, decided, proposed


def test_movement_list_page_and_workbook_read_one_declaration(client, login_as):
    w, decided, proposed = movement_world()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    html = table_html(client.get(reverse("secondments:movement-list"), **EN).content.decode(), "movements")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert heads == ["#", "Person", "Kind", "From unit", "To unit", "Field", "Start", "End", "Status", "Decision"]
    link = reverse("secondments:movement-detail", args=[decided.pk])
    assert (
        f'<tr data-movement="{decided.pk}"><td data-col="pk"><a href="{link}">{decided.pk}</a></td>'
        f'<td data-col="full_name"><a href="{link}">{decided.person.full_name}</a></td>'
        '<td data-col="kind_label">Secondment</td><td data-col="name">Sở Tài chính</td>'
        '<td data-col="name">Xã Hòa Phú</td><td data-col="field">Finance</td>'
        '<td data-col="start_date">01/08/2025</td><td data-col="end_date">31/12/2026</td>'
        '<td data-col="status_label"><span class="badge text-bg-primary" data-status="approved">Approved</span></td>'
        '<td data-col="decision_number">12/QĐ-UBND</td></tr>'
    ) in html
    ws = book(client.get(reverse("movement-export"), **EN)).active
    assert header_row(ws.parent) == [
        "STT", "Full name", "Staff code", "Kind", "From unit", "To unit", "Field", "Start date", "Planned end date",
        "Actual end date", "Status", "Decision number", "Decision date", "Plan",
    ]  # fmt: skip
    r = find_row(ws, decided.person.full_name)
    assert row_values(ws, r)[1:] == [
        decided.person.full_name, decided.person.staff_code, "Secondment", "Sở Tài chính", "Xã Hòa Phú", "Finance",
        datetime(2025, 8, 1), datetime(2026, 12, 31), None, "Approved", "12/QĐ-UBND", datetime(2025, 7, 1),
        w.plan.name,
    ]  # fmt: skip
    r = find_row(ws, proposed.person.full_name)
    assert row_values(ws, r)[10:] == ["Proposed", None, None, None]  # no decision, no plan


def test_a_column_added_to_the_movement_list_shows_on_the_page_and_in_the_workbook(client, login_as, monkeypatch):
    w, _decided, _proposed = movement_world()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    before_header = header_row(book(client.get(reverse("movement-export"), **EN)))
    probe = tables.Col("to_unit.code", "Probe column", width=9)  # the receiving unit's code, not shown before
    monkeypatch.setitem(
        secondments_tables.MOVEMENTS.__dict__, "columns", (*secondments_tables.MOVEMENTS.columns, probe)
    )
    html = table_html(client.get(reverse("secondments:movement-list"), **EN).content.decode(), "movements")
    assert html.count('<th scope="col">Probe column</th>') == 1
    assert html.count('<td data-col="code">') == 2  # one cell a movement
    assert header_row(book(client.get(reverse("movement-export"), **EN))) == [*before_header, "Probe column"]
