"""Report API: same numbers as the page and the export, token auth, scope, bad input, query counts."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from core.excel import XLSX_CONTENT_TYPE
from tests import factories as f
from tests.reports.builders import double, province_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return province_fixture()


def api_as(role, **kwargs):
    user = f.user(role, **kwargs)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(user)}")
    return client


def scope(world, where):
    """Keyword arguments of factories.user for a place named in a permission matrix."""
    if where is None:
        return {}
    if where in ("own", "other"):
        return {"prov": world["province" if where == "own" else "other"]}
    return {"unit": world[where]}


def url(name, *args, **params):
    base = reverse(name, args=args)
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


def test_province_endpoints_give_the_hand_computed_numbers(world):
    client = api_as(Role.API_CLIENT, prov=world["province"])
    data = client.get(url("api-report-province", "66", as_of="15/10/2025")).json()
    assert data["as_of"] == "2025-10-15" and data["view"] == "coverage"
    assert data["province"] == {"code": "66", "name": "Tỉnh Đắk Lắk"}
    assert data["kpis"] == {
        "quota": 16,
        "on_roll": 16,
        "seconded_in": 2,
        "seconded_out": 1,
        "absent": 0,
        "effective": 17,
        "headcount": 17,
        "gross_shortage": 3,
        "gross_surplus": 4,
        "net": 1,
        "communes": 3,
        # By total (coverage) An 7/7 and Bình 7/7 are even, Cư 3/2 one over; by field An and Bình
        # each have a field short, all three a field over.
        "communes_net_short": 0,
        "net_shortage": 0,
        "communes_net_surplus": 1,
        "net_surplus": 1,
        "communes_short_in_a_field": 2,
        "communes_surplus_in_a_field": 3,
        "active_movements": 2,
        "ending_soon": 1,
        "mismatches": 1,
    }
    assert [
        (r["code"], r["quota"], r["headcount"], r["shortage"], r["surplus"], r["net"]) for r in data["by_field"]
    ] == [
        ("land", 9, 8, 2, 1, -1),
        ("finance", 5, 5, 1, 1, 0),
        ("culture", 2, 4, 0, 2, 2),
    ]
    assert [(c["name"], c["shortage"]) for c in data["top_shortage"]] == [("Xã An", 2), ("Phường Bình", 1)]
    assert [(c["code"], c["effective"], c["net"], c["shortage"], c["surplus"]) for c in data["communes"]] == [
        ("66001", 7, 0, 2, 2),
        ("66002", 7, 0, 1, 1),
        ("66003", 3, 1, 0, 1),
    ]
    # Each block on its own endpoint, same numbers.
    assert client.get(url("api-report-province-kpis", "66", as_of="2025-10-15")).json()["kpis"] == data["kpis"]
    assert (
        client.get(url("api-report-province-fields", "66", as_of="2025-10-15")).json()["by_field"] == data["by_field"]
    )
    top = client.get(url("api-report-province-top", "66", as_of="2025-10-15")).json()
    assert top["top_shortage"] == data["top_shortage"] and "communes" not in top
    communes = client.get(
        url("api-report-province-communes", "66", as_of="2025-10-15", only="surplus_in_a_field", sort="name")
    )
    assert [c["name"] for c in communes.json()["communes"]] == ["Phường Bình", "Xã An", "Xã Cư"]


def test_establishment_view_and_filters(world):
    client = api_as(Role.NATIONAL_VIEWER)
    data = client.get(url("api-report-province-kpis", "66", as_of="15/10/2025", view="establishment")).json()
    assert (data["kpis"]["headcount"], data["kpis"]["gross_shortage"], data["kpis"]["net"]) == (16, 4, 0)
    land = world["land"].pk
    data = client.get(url("api-report-province-kpis", "66", as_of="15/10/2025", field=land)).json()
    assert (data["kpis"]["quota"], data["kpis"]["gross_shortage"], data["kpis"]["gross_surplus"]) == (9, 2, 1)


@pytest.mark.parametrize(
    "params, key",
    [
        ({"as_of": "32/13/2025"}, "as_of"),
        ({"view": "x"}, "view"),
        ({"field": "abc"}, "field"),
        ({"kind": "department"}, "kind"),
        ({"only": "x"}, "only"),
        ({"sort": "x"}, "sort"),
    ],
)
def test_bad_parameters_are_400_with_the_field_named(world, params, key):
    client = api_as(Role.NATIONAL_VIEWER)
    response = client.get(url("api-report-province", "66", **params))
    assert response.status_code == 400
    assert key in response.json()
    # Asked as a workbook, the error is still JSON.
    response = client.get(url("api-report-province", "66", format="xlsx", **params))
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")


def test_national_endpoint(world):
    client = api_as(Role.NATIONAL_VIEWER)
    data = client.get(url("api-report-national", as_of="15/10/2025")).json()
    rows = {r["code"]: r["kpis"] for r in data["rows"]}
    assert [r["code"] for r in data["rows"]] == ["01", "66"]
    assert (rows["66"]["quota"], rows["66"]["effective"], rows["66"]["gross_shortage"]) == (16, 17, 3)
    # Hà Nội: land quota 7, 2 staff.
    assert (rows["01"]["quota"], rows["01"]["effective"], rows["01"]["gross_shortage"], rows["01"]["net"]) == (
        7,
        2,
        5,
        -5,
    )
    assert data["total"]["quota"] == 23 and data["total"]["gross_shortage"] == 8


def test_department_endpoint(world):
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    data = client.get(url("api-report-department", "66S01", as_of="15/10/2025")).json()
    # Finance quota 10, on roll 10, one seconded out: effective 9, gap −1.
    assert [
        (r["code"], r["quota"], r["on_roll"], r["seconded_out"], r["effective"], r["gap"]) for r in data["by_field"]
    ] == [("finance", 10, 10, 1, 9, -1)]
    assert data["plans"] == [
        {
            "plan_id": None,
            "plan": None,
            "required_min": None,
            "required_max": None,
            "proposed": 0,
            "approved": 1,
            "in_effect": 1,
            "completed": 0,
            "total": 1,
            "plan_label": "Outside any plan",
            "required": "—",
        }
    ]


@pytest.mark.parametrize(
    "role, where, expected",
    [
        (Role.API_CLIENT, "own", 200),
        (Role.API_CLIENT, "other", 404),
        (Role.API_CLIENT, None, 200),
        (Role.PROVINCE_OFFICIAL, "own", 200),
        (Role.PROVINCE_OFFICIAL, "other", 404),
        (Role.NATIONAL_VIEWER, None, 200),
        (Role.COMMUNE_OFFICER, "an", 403),
        (Role.DEPARTMENT_OFFICER, "dept", 403),
    ],
)
def test_province_api_permission_matrix(world, role, where, expected):
    client = api_as(role, **scope(world, where))
    for name in (
        "api-report-province",
        "api-report-province-kpis",
        "api-report-province-fields",
        "api-report-province-top",
        "api-report-province-communes",
    ):
        assert client.get(url(name, "66")).status_code == expected, name


@pytest.mark.parametrize(
    "role, where, expected",
    [
        (Role.NATIONAL_VIEWER, None, 200),
        (Role.API_CLIENT, None, 200),
        (Role.PROVINCE_OFFICIAL, "own", 403),
        (Role.COMMUNE_OFFICER, "an", 403),
        (Role.DEPARTMENT_OFFICER, "dept", 403),
    ],
)
def test_national_api_permission_matrix(world, role, where, expected):
    assert api_as(role, **scope(world, where)).get(url("api-report-national")).status_code == expected


@pytest.mark.parametrize(
    "role, where, expected",
    [
        (Role.DEPARTMENT_OFFICER, "dept", 200),
        (Role.PROVINCE_OFFICIAL, "own", 200),
        (Role.PROVINCE_OFFICIAL, "other", 404),
        (Role.NATIONAL_VIEWER, None, 200),
        (Role.COMMUNE_OFFICER, "an", 403),
    ],
)
def test_department_api_permission_matrix(world, role, where, expected):
    assert api_as(role, **scope(world, where)).get(url("api-report-department", "66S01")).status_code == expected


def test_department_api_unknown_or_commune_code_is_404(world):
    client = api_as(Role.NATIONAL_VIEWER)
    assert client.get(url("api-report-department", "nope")).status_code == 404
    assert client.get(url("api-report-department", "66001")).status_code == 404


def test_unknown_province_is_404_and_anonymous_is_refused(world):
    assert api_as(Role.NATIONAL_VIEWER).get(url("api-report-province", "99")).status_code == 404
    assert APIClient().get(url("api-report-province", "66")).status_code == 401


def test_xlsx_by_format_and_by_accept_header(world):
    client = api_as(Role.API_CLIENT, prov=world["province"])
    response = client.get(url("api-report-province", "66", as_of="15/10/2025", format="xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    assert b"".join(response.streaming_content)[:2] == b"PK"
    response = client.get(url("api-report-national"), HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    # The department report's workbook: its fields, then its plans on a second sheet.
    response = client.get(url("api-report-department", "66S01", format="xlsx", as_of="15/10/2025"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    assert 'filename="bao-cao-don-vi-so-tai-chinh-2025-10-15.xlsx"' in response["Content-Disposition"]


def test_openapi_schema_documents_the_report_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    op = schema["paths"]["/api/v1/reports/provinces/{code}/"]["get"]
    assert {"200", "400", "403", "404"} <= set(op["responses"])
    assert XLSX_CONTENT_TYPE in op["responses"]["200"]["content"]
    staff = schema["paths"]["/api/v1/reports/staff/"]["get"]
    assert "cursor" in {p["name"] for p in staff["parameters"]}


@pytest.mark.parametrize(
    "name, args",
    [
        ("api-report-province", ["66"]),
        ("api-report-province-kpis", ["66"]),
        ("api-report-province-fields", ["66"]),
        ("api-report-province-top", ["66"]),
        ("api-report-province-communes", ["66"]),
        ("api-report-national", []),
    ],
)
def test_query_counts_are_constant_when_data_doubles(world, django_assert_num_queries, name, args):
    client = api_as(Role.NATIONAL_VIEWER)
    # Province blocks: token + user 1, token use audited 1, province 1, fields 1, communes 1,
    # headcount 1, mismatches 1, movements 1. National: token + user 1, token use audited 1, fields 1,
    # provinces 1, communes per province 1, headcount totals with mismatches 1, movements 1.
    expected = 7 if name == "api-report-national" else 8
    with django_assert_num_queries(expected):
        assert client.get(url(name, *args, as_of="15/10/2025")).status_code == 200
    double(world)
    with django_assert_num_queries(expected):
        assert client.get(url(name, *args, as_of="15/10/2025", field=world["land"].pk)).status_code == 200


def test_department_query_count_is_constant(world, django_assert_num_queries):
    client = api_as(Role.NATIONAL_VIEWER)
    f.plan(world["province"], name="P1").sending_quotas.create(unit=world["dept"], rule="fixed", count=2)
    # token + user 1, token use audited 1, department 1, fields 1, headcount 1, mismatches 1,
    # movements by plan 1, sending quotas 1, active staff 1
    with django_assert_num_queries(9):
        assert client.get(url("api-report-department", "66S01")).status_code == 200
    f.staff_many(world["dept"], world["finance"], 10)
    f.movement(f.staff(world["dept"], world["land"]), world["cu"], plan=f.plan(world["province"]))
    with django_assert_num_queries(9):
        assert client.get(url("api-report-department", "66S01")).status_code == 200
