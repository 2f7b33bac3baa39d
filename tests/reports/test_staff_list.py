"""The staff list is declared once (``staffing.tables.STAFF_LIST``): a unit's roster page, the staff
API (rows and OpenAPI schema) and the staff export take their columns, labels, order, choice labels
and personal hiding from it, while each keeps its own tuned query."""

import io
from dataclasses import replace
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Role
from core.excel import DATE
from reports import api, exports, unit_pages
from reports.templatetags import roster_tags
from staffing.models import PERSONAL_FIELDS, Qualification
from staffing.tables import STAFF_LIST
from tests import factories as f
from tests.staffing import support

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

PAGE_LABELS = [
    "Staff code",
    "Full name",
    "Date of birth",
    "Category",
    "Position",
    "Field",
    "Qualification",
    "Status",
    "Joined on",
]
WORKBOOK_LABELS = [
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
API_KEYS = [
    "id",
    "staff_code",
    "full_name",
    "gender",
    "birth_date",
    "qualification",
    "status",
    "start_date",
    "category",
    "is_leader",
    "unit_id",
    "unit_code",
    "field_code",
    "major_field_code",
    "position_code",
]


@pytest.fixture
def person(world):
    return f.staff(
        world.commune,
        world.land,
        name="Nguyễn Văn Riêng",
        staff_code="NV-R1",
        birth_date=date(1984, 3, 7),
        start_date=date(2010, 9, 1),
        major_field=world.finance,
        position=world.cadastral,
        qualification=Qualification.MASTER,
    )


@pytest.fixture
def redeclare():
    """``redeclare(key, **changes)`` changes a column of the one declaration, for the test only."""
    kept = STAFF_LIST.columns

    def change(key, **changes):
        columns = tuple(replace(c, **changes) if c.key == key else c for c in STAFF_LIST.columns)
        object.__setattr__(STAFF_LIST, "columns", columns)
        forget_written_html()

    yield change
    object.__setattr__(STAFF_LIST, "columns", kept)
    forget_written_html()


def forget_written_html():
    """Headers and rows kept per process were written from the code's declaration."""
    unit_pages._FILTER_BARS.clear()
    roster_tags._ROWS.clear()


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(user)}")
    return client


def roster(client):
    """The roster page's header labels and its rows' cells (as HTML)."""
    response = client.get(reverse("unit-roster", args=["24001"]))
    assert response.status_code == 200
    html = response.content.decode()
    body = html[html.index("<tbody>") + 7 : html.index("</tbody>")]
    rows = [row.split("</tr>")[0] for row in body.split("<tr>")[1:]]
    labels = [str(c["label"]) for c in response.context["sort_columns"]]
    return labels, [row.removesuffix("</td>").removeprefix("<td>").split("</td><td>") for row in rows], html


def workbook(client):
    response = client.get(reverse("reports:export-staff"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[0] == "STT")
    return ws, at + 1, rows[at], rows[at + 1]


def test_the_declaration_lists_each_paths_columns_and_the_personal_ones():
    assert [str(c.label) for c in STAFF_LIST.page_columns()] == PAGE_LABELS
    assert [str(c.label) for c in STAFF_LIST.printed_columns()] == WORKBOOK_LABELS
    assert [c.key for c in STAFF_LIST.api_columns()] == [
        "id", "staff_code", "full_name", "gender", "birth_date", "category", "qualification", "status",
        "start_date", "is_leader", "unit_id", "unit_code", "field_code", "major_field_code", "position_code",
    ]  # fmt: skip
    assert {c.key for c in STAFF_LIST.columns if c.personal} == set(PERSONAL_FIELDS)
    # What each path's query reads, derived from the declaration, is what the tuned queries read.
    assert unit_pages.ROSTER_VALUES == (
        "pk", "staff_code", "full_name", "birth_date", "placed_category", "position_name", "work_field_name",
        "qualification", "status", "start_date", "seconded_to", "seconded_from", "absence_kind",
    )  # fmt: skip
    assert exports.STAFF_EXPORT_VALUES == (
        "staff_code", "full_name", "gender", "birth_date", "placed_category", ("placed", "unit__name"),
        ("placed", "position__name"), ("placed", "field__name_vi"), "major_field__name_vi", "qualification",
        "status", "start_date",
    )  # fmt: skip
    assert api.STAFF_COLUMNS == (
        "id", "staff_code", "full_name", "gender", "birth_date", "qualification", "status", "start_date",
    )  # fmt: skip
    assert api.STAFF_DATES == ("birth_date", "start_date")
    assert api.STAFF_RELATED == {
        "category": "placed category",
        "is_leader": "placed is_leader",
        "unit_id": "placed unit_id",
        "unit_code": "placed unit__code",
        "field_code": "placed field__code",
        "major_field_code": "major_field__code",
        "position_code": "placed position__code",
    }
    assert api.STAFF_PUBLIC_API[0] == ("id", "staff_code", "full_name", "status", "start_date")


def test_the_three_show_the_same_person_with_choice_labels_and_codes(client, world, person):
    user = support.officer(world)
    client.force_login(user)
    labels, rows, _html = roster(client)
    assert labels == PAGE_LABELS
    assert rows == [
        [
            "NV-R1",
            f'<a href="/staff/{person.pk}/">Nguyễn Văn Riêng</a>',
            "07/03/1984",
            "Civil servant",
            "Chuyên viên địa chính",
            "Land",
            "Master",
            '<span class="badge text-bg-success">Active</span>',
            "01/09/2010",
        ]
    ]
    ws, at, header, row = workbook(client)
    assert header == ["STT", *WORKBOOK_LABELS]
    assert row[:3] == [1, "NV-R1", "Nguyễn Văn Riêng"] and row[4].date() == date(1984, 3, 7)
    assert row[3] == "Male" and row[5:11] == [
        "Civil servant", "Xã Đắk Mil", "Chuyên viên địa chính", "Đất đai", "Tài chính", "Master",
    ]  # fmt: skip
    assert row[11] == "Active" and row[12].date() == date(2010, 9, 1)
    assert ws.cell(at + 1, 5).number_format == ws.cell(at + 1, 13).number_format == DATE
    # The widths declared: 12 for the staff code, 28 for the name.
    assert ws.column_dimensions["B"].width == pytest.approx(12, abs=1)
    assert ws.column_dimensions["C"].width == pytest.approx(28, abs=1)
    reader = f.user(Role.API_CLIENT, prov=world.province, personal_data_access=True)
    rows = api_client(reader).get(reverse("api-report-staff")).json()["results"]
    assert list(rows[0]) == API_KEYS  # the order the query gives, as before
    assert {k: rows[0][k] for k in ("gender", "category", "qualification", "status", "position_code")} == {
        "gender": "male",
        "category": "civil_servant",
        "qualification": "master",
        "status": "active",
        "position_code": "DC-01",
    }


def test_a_label_changed_in_the_declaration_heads_the_page_and_the_workbook(client, world, person, redeclare):
    redeclare("staff_code", label="Code on file")
    redeclare("full_name", excel_label="Surname and given name")
    client.force_login(support.officer(world))
    labels, _rows, html = roster(client)
    assert labels == ["Code on file", *PAGE_LABELS[1:]] and ">Code on file</a>" in html
    _ws, _at, header, _row = workbook(client)
    assert header == ["STT", "Code on file", "Surname and given name", *WORKBOOK_LABELS[2:]]


def test_a_column_taken_off_the_page_leaves_its_header_and_its_cells(client, world, person, redeclare):
    redeclare("position", page=False)
    client.force_login(support.officer(world))
    labels, rows, _html = roster(client)
    assert labels == [x for x in PAGE_LABELS if x != "Position"]
    assert rows[0][3:5] == ["Civil servant", "Land"]
    assert len(rows[0]) == 8 and "Chuyên viên địa chính" not in "".join(rows[0])


@pytest.mark.parametrize("granted", [False, True])
def test_readers_without_personal_data_miss_exactly_the_declared_personal_columns(client, world, person, granted):
    personal = {str(c.label) for c in STAFF_LIST.columns if c.personal}
    assert personal == {"Gender", "Date of birth", "Qualification"}
    viewer = f.user(Role.NATIONAL_VIEWER, personal_data_access=granted)
    client.force_login(viewer)
    labels, rows, _html = roster(client)
    shown = PAGE_LABELS if granted else [x for x in PAGE_LABELS if x not in personal]
    assert labels == shown and len(rows[0]) == len(shown) == (9 if granted else 7)
    assert ("07/03/1984" in rows[0]) is granted and ("Master" in rows[0]) is granted
    _ws, _at, header, row = workbook(client)
    shown = WORKBOOK_LABELS if granted else [x for x in WORKBOOK_LABELS if x not in personal]
    assert header == ["STT", *shown] and len(row) == (13 if granted else 10)
    assert ("Male" in row) is granted and ("Master" in row) is granted
    client_user = f.user(Role.API_CLIENT, prov=world.province, personal_data_access=granted)
    rows = api_client(client_user).get(reverse("api-report-staff")).json()["results"]
    shown = API_KEYS if granted else [k for k in API_KEYS if k not in PERSONAL_FIELDS]
    assert list(rows[0]) == shown and len(shown) == (15 if granted else 12)


def test_the_schemas_row_fields_are_the_declarations_api_columns():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/reports/staff/"]["get"]
    components = schema["components"]["schemas"]

    def resolve(ref):
        return components[ref["$ref"].rsplit("/", 1)[-1]]

    page = resolve(op["responses"]["200"]["content"]["application/json"]["schema"])
    row = resolve(page["properties"]["results"]["items"])
    declared = STAFF_LIST.api_columns()
    assert list(row["properties"]) == [c.key for c in declared]
    assert sorted(row["properties"]) == sorted(API_KEYS)
    # Every row has every column but the personal ones; a few may be null.
    assert sorted(row["required"]) == sorted(c.key for c in declared if not c.personal)
    assert set(API_KEYS) - set(row["required"]) == set(PERSONAL_FIELDS)
    nullable = {k for k, p in row["properties"].items() if p.get("nullable")}
    assert nullable == {"start_date", "major_field_code", "position_code"}
    types = {k: (p["type"], p.get("format")) for k, p in row["properties"].items()}
    assert types["id"] == types["unit_id"] == ("integer", None)
    assert types["birth_date"] == types["start_date"] == ("string", "date")
    assert types["is_leader"] == ("boolean", None)
    assert types["gender"] == types["category"] == types["position_code"] == ("string", None)


def test_any_declared_table_hides_personal_columns_and_labels_codes():
    from types import SimpleNamespace

    from core.tables import Col, Table
    from staffing.models import Gender

    table = Table(
        "people_test",
        (
            Col("name", "Name"),
            Col("gender", "Gender", personal=True, choices=Gender),
            Col("post", "Post", blank="—", null=True, page_key="post_name"),
        ),
        required=True,
    )
    assert [c.key for c in table.page_columns(personal=False)] == ["name", "post"]
    assert [c.key for c in table.api_columns(personal=False)] == ["name", "post"]
    assert [c.header for c in table.excel_columns(personal=False)] == ["Name", "Post"]
    row = SimpleNamespace(name="<An>", gender="female", post=None, post_name=None)
    assert table.body_html([row]) == (
        '<tr><td data-col="name">&lt;An&gt;</td><td data-col="gender">Female</td><td data-col="post">—</td></tr>'
    )
    assert table.body_html([row], {"personal": False}) == (
        '<tr><td data-col="name">&lt;An&gt;</td><td data-col="post">—</td></tr>'
    )
    assert ">Gender<" not in table.head_html(ctx={"personal": False}) and ">Gender<" in table.head_html()
    assert table.excel_row(row) == ["<An>", "Female", ""] and table.excel_row(row, personal=False) == ["<An>", ""]
    assert table.json_rows([row]) == [{"name": "<An>", "gender": "female", "post": None}]
    assert table.json_rows([row], personal=False) == [{"name": "<An>", "post": None}]
    fields = table.serializer()().fields
    assert [(k, v.required, v.allow_null) for k, v in fields.items()] == [
        ("name", True, False),
        ("gender", False, False),
        ("post", True, True),
    ]
