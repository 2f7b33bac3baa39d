"""National page, department page, commune sections and the staff list API."""

from datetime import date

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from accounts.models import Role
from headcount import summary
from reports.selectors import unit_sections
from secondments.models import Kind, SendingQuota, Status
from tests import factories as f
from tests.reports.builders import AS_OF, double, province_fixture
from tests.reports.test_report_api import api_as, scope

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return province_fixture()


# --- National page -------------------------------------------------------------------------------


def test_national_page_renders_one_row_per_province(client, login_as, world):
    login_as(Role.NATIONAL_VIEWER)
    response = client.get(reverse("reports:national") + "?as_of=15/10/2025")
    assert response.status_code == 200
    report = response.context["report"]
    assert [(r.code, r.kpis.quota, r.kpis.effective, r.kpis.gross_shortage) for r in report["rows"]] == [
        ("01", 7, 2, 5),
        ("66", 16, 17, 3),
    ]
    assert (report["total"].quota, report["total"].effective, report["total"].net) == (23, 19, -4)
    html = response.content.decode()
    assert 'data-province="66"' in html and reverse("reports:province", args=["66"]) in html


@pytest.mark.parametrize(
    "role, where, expected",
    [
        (Role.NATIONAL_VIEWER, None, 200),
        (Role.API_CLIENT, None, 403),  # API clients read the API only
        (Role.PROVINCE_OFFICIAL, "own", 403),
        (Role.COMMUNE_OFFICER, "an", 403),
        (Role.DEPARTMENT_OFFICER, "dept", 403),
    ],
)
def test_national_page_permission_matrix(client, world, role, where, expected):
    client.force_login(f.user(role, **scope(world, where)))
    assert client.get(reverse("reports:national")).status_code == expected
    assert client.get(reverse("reports:national") + "?format=xlsx").status_code == expected


@pytest.mark.parametrize(
    "params, message",
    [({"as_of": "2025-13-01"}, "Enter the date"), ({"view": "both"}, "The view must be"), ({"only": "x"}, "only")],
)
def test_national_page_bad_input(client, login_as, world, params, message):
    login_as(Role.NATIONAL_VIEWER)
    response = client.get(reverse("reports:national"), params)
    assert response.status_code == 400 and message in response.content.decode()


def test_national_page_query_count_is_constant(client, login_as, world, django_assert_num_queries):
    login_as(Role.NATIONAL_VIEWER)
    past = reverse("reports:national") + "?as_of=15/10/2025"
    # A past date: session 1, user 1, fields 1, provinces 1, communes per province 1, headcount
    # totals with mismatches 1, movements 1.
    with django_assert_num_queries(7):
        assert client.get(past).status_code == 200
    # Today with the day's summary: totals and mismatches come from it in one query.
    summary.rebuild()
    with django_assert_num_queries(7):
        assert client.get(reverse("reports:national")).status_code == 200
    double(world)
    f.unit("Xã Hà Nội Hai", code="01002", prov=world["other"])
    with django_assert_num_queries(7):
        assert client.get(past).status_code == 200
    with django_assert_num_queries(7):
        assert client.get(reverse("reports:national")).status_code == 200
    # Today before the day's summary is built: the summary query finds it stale, then live.
    summary.rebuild(AS_OF)
    with django_assert_num_queries(8):
        assert client.get(reverse("reports:national")).status_code == 200


# --- Department page -----------------------------------------------------------------------------


def test_department_page(client, login_as, world):
    plan = f.plan(world["province"], name="Kế hoạch 15")
    SendingQuota.objects.create(plan=plan, unit=world["dept"], rule="percent", min_percent=10, max_percent=20)
    sender = f.staff(world["dept"], world["finance"])
    f.movement(sender, world["cu"], plan=plan, status=Status.PROPOSED)
    f.plan(world["province"], name="Kế hoạch 16").sending_quotas.create(unit=world["dept"], rule="fixed", count=3)
    login_as(Role.DEPARTMENT_OFFICER, unit=world["dept"])
    response = client.get(reverse("reports:department", args=["66S01"]) + "?as_of=15/10/2025")
    assert response.status_code == 200
    report = response.context["report"]
    # Finance: quota 10, 11 on roll, 1 seconded out → effective 10, gap 0.
    assert [(r["code"], r["quota"], r["on_roll"], r["effective"], r["gap"]) for r in report["by_field"]] == [
        ("finance", 10, 11, 10, 0)
    ]
    # 11 active staff: 10–20 % is 1–2 people (rounded as the plan rules say); plan 16 asks for 3.
    assert [
        (p["plan"], p["required_min"], p["required_max"], p["proposed"], p["approved"], p["in_effect"])
        for p in report["plans"]
    ] == [
        ("Kế hoạch 15", 1, 2, 1, 0, 0),
        ("Kế hoạch 16", 3, 3, 0, 0, 0),
        (None, None, None, 0, 1, 1),
    ]
    html = response.content.decode()
    assert "Kế hoạch 15" in html and 'id="department-plans"' in html


@pytest.mark.parametrize(
    "role, where, code, expected",
    [
        (Role.DEPARTMENT_OFFICER, "dept", "66S01", 200),
        (Role.PROVINCE_OFFICIAL, "own", "66S01", 200),
        (Role.PROVINCE_OFFICIAL, "other", "66S01", 404),
        (Role.NATIONAL_VIEWER, None, "66S01", 200),
        (Role.NATIONAL_VIEWER, None, "66001", 404),  # a commune is not a department
        (Role.NATIONAL_VIEWER, None, "nope", 404),
        (Role.COMMUNE_OFFICER, "an", "66S01", 403),
    ],
)
def test_department_page_permission_matrix(client, world, role, where, code, expected):
    client.force_login(f.user(role, **scope(world, where)))
    assert client.get(reverse("reports:department", args=[code])).status_code == expected


def test_department_page_bad_date(client, login_as, world):
    login_as(Role.NATIONAL_VIEWER)
    response = client.get(reverse("reports:department", args=["66S01"]) + "?as_of=15.10.2025")
    assert response.status_code == 400 and "Enter the date" in response.content.decode()


def test_department_page_query_count_is_constant(client, login_as, world, django_assert_num_queries):
    login_as(Role.NATIONAL_VIEWER)
    url = reverse("reports:department", args=["66S01"])
    f.plan(world["province"], name="P1").sending_quotas.create(unit=world["dept"], rule="fixed", count=2)
    # session 1, user 1, department 1, fields 1, headcount 1, mismatches 1, movements by plan 1,
    # sending quotas 1, active staff 1
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200
    f.staff_many(world["dept"], world["land"], 5)
    p2 = f.plan(world["province"], name="P2")
    p2.sending_quotas.create(unit=world["dept"], rule="fixed", count=1)
    f.movement(f.staff(world["dept"], world["land"]), world["an"], plan=p2)
    with django_assert_num_queries(9):
        assert client.get(url).status_code == 200


# --- Commune sections (included in the unit page) -------------------------------------------------


def test_unit_sections_list_current_and_coming_movements_and_mismatches(world, django_assert_num_queries):
    later = f.staff(world["cu"], world["finance"])
    f.movement(later, world["binh"], start=date(2025, 11, 1), end=date(2026, 1, 31))  # coming
    old = f.staff(world["cu"], world["finance"])
    f.movement(old, world["binh"], start=date(2025, 1, 1), end=date(2025, 3, 31))  # over before 15/10
    f.movement(f.staff(world["an"], world["land"]), world["cu"], kind=Kind.TRANSFER, start=date(2025, 9, 1))
    # movements 1, mismatched staff 1
    with django_assert_num_queries(2):
        ctx = unit_sections(world["cu"], as_of=AS_OF)
    assert [m.to_unit.name for m in ctx["movements_out"]] == ["Phường Bình"]
    assert [(m.kind, m.from_unit.name) for m in ctx["movements_in"]] == [("transfer", "Xã An")]
    ctx = unit_sections(world["an"], as_of=AS_OF)
    assert [a.person.full_name for a in ctx["mismatched_staff"]] == ["Trần Thị Lệch"]
    assert [(fld.code, n) for fld, n in ctx["mismatches_by_field"]] == [("culture", 1)]
    # The secondment to Bình and the transfer to Cư; the cancelled movement is not listed.
    assert [m.to_unit.name for m in ctx["movements_out"]] == ["Phường Bình", "Xã Cư"]


def test_unit_section_templates_render(world):
    ctx = unit_sections(world["an"], as_of=AS_OF)
    html = render_to_string("reports/_unit_movements.html", ctx) + render_to_string(
        "reports/_unit_mismatches.html", ctx
    )
    assert 'id="unit-movements-out"' in html and "Phường Bình" in html
    assert 'id="unit-mismatches-table"' in html and "Trần Thị Lệch" in html
    assert "01/09/2025" in html and "01/11/2025" in html


def test_unit_sections_query_count_is_constant(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        unit_sections(world["binh"], as_of=AS_OF)
    for _ in range(3):
        f.movement(f.staff(world["cu"], world["land"], major_field=world["finance"]), world["binh"])
        f.staff(world["binh"], world["land"], major_field=world["culture"])
    with django_assert_num_queries(2):
        ctx = unit_sections(world["binh"], as_of=AS_OF)
    assert (len(ctx["movements_in"]), len(ctx["mismatched_staff"])) == (5, 3)


# --- Landing page and menu -----------------------------------------------------------------------


def test_home_links_province_officials_to_their_dashboard(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    html = client.get(reverse("home")).content.decode()
    assert reverse("reports:province", args=["66"]) in html
    assert client.get(reverse("reports:my-province")).url == reverse("reports:province", args=["66"])


def test_my_province_redirects_by_role(client, world):
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    assert client.get(reverse("reports:my-province")).url == reverse("reports:national")
    client.force_login(f.user(Role.COMMUNE_OFFICER, unit=world["an"]))
    assert client.get(reverse("reports:my-province")).status_code == 403


# --- Staff list API ------------------------------------------------------------------------------


@pytest.mark.parametrize("summary_holds", [True, False])
def test_staff_api_walks_every_row_once_with_a_cursor(world, django_assert_num_queries, summary_holds):
    if summary_holds:
        summary.rebuild()
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("api-report-staff") + "?page_size=7"
    seen = []
    while url:
        # token + user 1, token use audited 1, the units in scope 1, one page of rows 1, the listing
        # audited 1; without today's summary the page of stored placements comes back empty, then
        # whether the summary holds today 1, the units 1 and the page through the assignments 1
        with django_assert_num_queries(5 if summary_holds else 8):
            data = client.get(url).json()
        seen += [(r["unit_id"], r["id"]) for r in data["results"]]
        url = data["next"]
    # Đắk Lắk only, every row once, in (unit, id) order across 4 pages.
    assert len(seen) == 8 + 5 + 3 + 10 and seen == sorted(set(seen))


def test_staff_api_rows_and_filters(world):
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    data = client.get(reverse("api-report-staff"), {"unit_code": "66001", "q": "tran thi lech"}).json()
    assert len(data["results"]) == 1
    row = data["results"][0]
    assert {k: row[k] for k in ("full_name", "unit_code", "field_code", "major_field_code", "birth_date")} == {
        "full_name": "Trần Thị Lệch",
        "unit_code": "66001",
        "field_code": "culture",
        "major_field_code": "land",
        "birth_date": "1985-05-20",
    }
    assert client.get(reverse("api-report-staff"), {"unit_code": "01001"}).json()["results"] == []  # out of scope


def test_staff_api_row_is_every_column_as_written(world):
    person = f.staff(
        world["cu"],
        world["finance"],
        name="Lê Văn Ngày",
        staff_code="NGAY01",
        birth_date=date(1979, 2, 3),
        start_date=date(2001, 10, 9),
        major_field=world["land"],
        is_leader=True,
    )
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    rows = client.get(reverse("api-report-staff"), {"q": "le van ngay"}).json()["results"]
    assert rows == [
        {
            "id": person.pk,
            "staff_code": "NGAY01",
            "full_name": "Lê Văn Ngày",
            "gender": "male",
            "birth_date": "1979-02-03",
            "qualification": "bachelor",
            "status": "active",
            "start_date": "2001-10-09",
            "category": "civil_servant",
            "is_leader": True,
            "unit_id": world["cu"].pk,
            "unit_code": "66003",
            "field_code": "finance",
            "major_field_code": "land",
            "position_code": None,
        }
    ]
    # Without a joining date, and for a reader without personal data: no personal columns.
    rows = client.get(reverse("api-report-staff"), {"q": "tran thi lech"}).json()["results"]
    assert rows[0]["start_date"] is None and rows[0]["birth_date"] == "1985-05-20"
    rows = api_as(Role.NATIONAL_VIEWER).get(reverse("api-report-staff"), {"q": "le van ngay"}).json()["results"]
    assert set(rows[0]) == {
        "id", "staff_code", "full_name", "status", "start_date", "category", "is_leader", "unit_id", "unit_code",
        "field_code", "major_field_code", "position_code",
    }  # fmt: skip


def test_staff_api_scope_by_role(world):
    assert len(api_as(Role.COMMUNE_OFFICER, unit=world["cu"]).get(reverse("api-report-staff")).json()["results"]) == 3
    assert (
        len(api_as(Role.NATIONAL_VIEWER).get(reverse("api-report-staff"), {"page_size": 100}).json()["results"]) == 28
    )


@pytest.mark.parametrize(
    "params, status",
    [({"field": "abc"}, 400), ({"category": "boss"}, 400), ({"cursor": "garbage"}, 404), ({"cursor": "MTp4"}, 404)],
)
def test_staff_api_bad_input(world, params, status):
    response = api_as(Role.NATIONAL_VIEWER).get(reverse("api-report-staff"), params)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


def test_staff_api_page_size_is_capped_and_forgiving(world):
    client = api_as(Role.NATIONAL_VIEWER)
    assert len(client.get(reverse("api-report-staff"), {"page_size": "x"}).json()["results"]) == 28
    assert len(client.get(reverse("api-report-staff"), {"page_size": "0"}).json()["results"]) == 1


@pytest.mark.parametrize("summary_holds", [True, False])
def test_staff_api_query_count_is_constant(world, django_assert_num_queries, summary_holds):
    if summary_holds:
        summary.rebuild()
    client = api_as(Role.NATIONAL_VIEWER)
    url = reverse("api-report-staff") + f"?field={world['land'].pk}&page_size=5"
    # token + user 1, token use audited 1, field choice 1, rows 1, the listing audited 1; without
    # today's summary: whether it holds 1, field choice 1 and rows through the assignments 1
    n = 5 if summary_holds else 8
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200
    double(world)
    with django_assert_num_queries(n):
        assert client.get(url).status_code == 200
