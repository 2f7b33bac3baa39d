"""Province dashboard: selector, page, filters, bad input and access, on the hand-computed fixture."""

import pytest
from django.db import connection
from django.urls import reverse

from accounts.models import Role
from headcount.rules import View
from reports.selectors import Filters, province_dashboard
from tests.reports.builders import AS_OF, double, province_fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return province_fixture()


def url(world, **params):
    from urllib.parse import urlencode

    base = reverse("reports:province", args=[world["province"].code])
    return f"{base}?{urlencode(params, doseq=True)}" if params else base


def kpi_tuple(k):
    return (
        k.quota,
        k.on_roll,
        k.seconded_in,
        k.seconded_out,
        k.effective,
        k.gross_shortage,
        k.gross_surplus,
        k.net,
        k.communes,
        k.communes_short_in_a_field,
        k.communes_surplus_in_a_field,
        k.active_movements,
        k.ending_soon,
        k.mismatches,
    )


# quota, on roll, in, out, effective, shortage, surplus, net, communes, short in a field, over in a field,
# active movements, ending within 30 days, mismatches — worked out in builders.py
COVERAGE_KPIS = (16, 16, 2, 1, 17, 3, 4, 1, 3, 2, 3, 2, 1, 1)
# Establishment: An land −2, culture +3; Bình land 0, finance −2; Cư finance +1.
ESTABLISHMENT_KPIS = (16, 16, 2, 1, 17, 4, 4, 0, 3, 2, 2, 2, 1, 1)


def test_dashboard_selector_coverage(world):
    d = province_dashboard(world["province"], as_of=AS_OF, view=View.COVERAGE)
    assert kpi_tuple(d.kpis) == COVERAGE_KPIS
    assert [(r.code, r.quota, r.headcount, r.shortage, r.surplus) for r in d.by_field] == [
        ("land", 9, 8, 2, 1),
        ("finance", 5, 5, 1, 1),
        ("culture", 2, 4, 0, 2),
    ]
    assert [(c.name, c.shortage) for c in d.top_shortage] == [("Xã An", 2), ("Phường Bình", 1)]
    rows = {c.code: c for c in d.communes}
    assert [c.code for c in d.communes] == ["66001", "66002", "66003"]  # default: largest shortage first
    an, binh, cu = rows["66001"], rows["66002"], rows["66003"]
    assert (an.quota, an.on_roll, an.seconded_in, an.seconded_out, an.effective, an.net) == (7, 8, 0, 1, 7, 0)
    assert (an.shortage, an.surplus, an.mismatches) == (2, 2, 1)
    assert (binh.quota, binh.on_roll, binh.seconded_in, binh.effective, binh.shortage, binh.surplus) == (
        7,
        5,
        2,
        7,
        1,
        1,
    )
    assert (cu.quota, cu.effective, cu.net, cu.shortage, cu.surplus) == (2, 3, 1, 0, 1)


def test_dashboard_selector_establishment(world):
    d = province_dashboard(world["province"], as_of=AS_OF, view=View.ESTABLISHMENT)
    assert kpi_tuple(d.kpis) == ESTABLISHMENT_KPIS
    # Equal shortages sort by name: Phường Bình before Xã An.
    assert [(c.code, c.headcount, c.shortage, c.surplus) for c in d.communes] == [
        ("66002", 5, 2, 0),
        ("66001", 8, 2, 3),
        ("66003", 3, 0, 1),
    ]


def test_filters_narrow_every_block(world):
    # Land only: An −2, Bình +1 (coverage); the land movement to Bình is the one ending soon.
    d = province_dashboard(world["province"], as_of=AS_OF, filters=Filters(field_id=world["land"].pk))
    assert (d.kpis.quota, d.kpis.effective, d.kpis.gross_shortage, d.kpis.gross_surplus) == (9, 8, 2, 1)
    assert (d.kpis.active_movements, d.kpis.ending_soon, d.kpis.mismatches) == (1, 1, 0)
    assert [r.code for r in d.by_field] == ["land"]
    # Kind and flags restrict the communes themselves.
    assert [
        c.code for c in province_dashboard(world["province"], as_of=AS_OF, filters=Filters(kind="ward")).communes
    ] == ["66002"]
    d = province_dashboard(world["province"], as_of=AS_OF, filters=Filters(disadvantaged=True))
    assert [c.code for c in d.communes] == ["66001"]
    assert (d.kpis.quota, d.kpis.gross_shortage, d.kpis.gross_surplus) == (7, 2, 2)
    d = province_dashboard(world["province"], as_of=AS_OF, filters=Filters(border=True))
    assert [c.code for c in d.communes] == ["66002"]
    # "only" narrows the table, not the KPIs: by field, every commune has a field over quota…
    d = province_dashboard(world["province"], as_of=AS_OF, filters=Filters(only="surplus_in_a_field", sort="name"))
    assert [c.name for c in d.communes] == ["Phường Bình", "Xã An", "Xã Cư"]
    d = province_dashboard(world["province"], as_of=AS_OF, filters=Filters(only="short_in_a_field", sort="-effective"))
    assert [c.code for c in d.communes] == ["66002", "66001"]  # effective 7 and 7: ties sort by name
    assert d.kpis.communes == 3
    # … but by their totals (coverage) An 7/7 and Bình 7/7 are even, only Cư (3/2) is over.
    d = province_dashboard(world["province"], as_of=AS_OF, filters=Filters(only="surplus"))
    assert [c.code for c in d.communes] == ["66003"]
    assert province_dashboard(world["province"], as_of=AS_OF, filters=Filters(only="short")).communes == []


def test_page_renders_kpis_charts_and_table(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(url(world, as_of="15/10/2025"))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["report"].as_of == AS_OF
    for kpi, value in [("quota", 16), ("effective", 17), ("gross_shortage", 3), ("gross_surplus", 4), ("net", 1)]:
        assert f'data-kpi="{kpi}">{value}<' in html
    assert 'id="chart-fields"' in html and 'id="chart-communes"' in html
    assert 'id="field-chart-data"' in html and 'id="table-fields"' in html and 'id="table-top-communes"' in html
    assert "vendor/chartjs/chart.umd.min.js" in html and "js/reports.js" in html
    assert "<script>" not in html  # nothing inline: json_script blocks only
    # Each number links to the commune's roster, its quota table or its movement list.
    assert 'href="/units/66001/staff/?"' in html and 'href="/units/66001/#quotas"' in html
    assert 'href="/units/66001/#unit-mismatches"' in html
    assert 'href="/movements/?from_code=66001&amp;in_effect=2025-10-15"' in html
    assert 'value="15/10/2025"' in html
    # The chart tables carry the same numbers as the charts (worked out in builders.py).
    assert (
        '<tr><th scope="row" data-col="name">Land</th><td class="num" data-col="quota">9</td>'
        '<td class="num" data-col="headcount">8</td><td class="num gap-neg" data-col="shortage">2</td>'
        '<td class="num gap-pos" data-col="surplus">1</td><td class="num" data-col="net">-1</td></tr>'
    ) in html
    top = '<tr><th scope="row" data-col="name">Xã An</th><td class="num gap-neg" data-col="shortage">2</td></tr>'
    assert top in html


def test_page_in_establishment_view_and_iso_date(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(url(world, as_of="2025-10-15", view="establishment", field=world["land"].pk))
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.view, report.as_of, report.kpis.gross_shortage) == ("establishment", AS_OF, 2)
    html = response.content.decode()
    assert f'href="/units/66001/staff/?field={world["land"].pk}"' in html
    # The filters keep what was chosen.
    assert f'<option value="{world["land"].pk}" selected>Land</option>' in html
    assert '<option value="" selected>All kinds</option>' in html


def test_sort_links_flip_direction(client, login_as, world):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(url(world, as_of="15/10/2025", sort="name"))
    html = response.content.decode()
    assert [c.name for c in response.context["report"].communes] == ["Phường Bình", "Xã An", "Xã Cư"]
    assert 'aria-sort="ascending"' in html
    assert "sort=-name" in html


@pytest.mark.parametrize(
    "params, message",
    [
        ({"as_of": "31/02/2025"}, "Enter the date as dd/mm/yyyy"),
        ({"as_of": "yesterday"}, "Enter the date as dd/mm/yyyy"),
        ({"view": "payroll"}, "The view must be"),
        ({"field": "999999"}, "Unknown field."),
        ({"field": "land"}, "Unknown field."),
        ({"kind": "department"}, "Unknown kind of commune."),
        ({"only": "both"}, "“only” must be"),
        ({"sort": "salary"}, "Unknown sort column."),
    ],
)
def test_bad_parameters_answer_400_with_the_reason(client, login_as, world, params, message):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    response = client.get(url(world, **params))
    assert response.status_code == 400
    assert message in response.content.decode()
    # The same parameters asked as an Excel file are refused the same way.
    assert client.get(url(world, format="xlsx", **params)).status_code == 400


def test_unknown_province_is_404(client, login_as, world):
    login_as(Role.NATIONAL_VIEWER)
    assert client.get(reverse("reports:province", args=["99"])).status_code == 404


@pytest.mark.parametrize(
    "role, where, expected",
    [
        (Role.PROVINCE_OFFICIAL, "own", 200),
        (Role.PROVINCE_OFFICIAL, "other", 404),
        (Role.NATIONAL_VIEWER, None, 200),
        (Role.API_CLIENT, None, 403),  # API clients read the API only
        (Role.API_CLIENT, "other", 403),
        (Role.COMMUNE_OFFICER, "an", 403),
        (Role.DEPARTMENT_OFFICER, "dept", 403),
    ],
)
def test_permission_matrix(client, login_as, world, role, where, expected):
    if where in ("an", "dept"):
        login_as(role, unit=world[where])
    elif where == "own":
        login_as(role, prov=world["province"])
    elif where == "other":
        login_as(role, prov=world["other"])
    else:
        login_as(role)
    assert client.get(url(world)).status_code == expected
    assert client.get(url(world, format="xlsx")).status_code == expected


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(url(world))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_query_count_is_constant_when_communes_and_staff_double(client, login_as, world, django_assert_num_queries):
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    # session 1, user 1, province 1, fields 1, communes 1, headcount 1 (quota, staff, in and out
    # added up by the database), mismatches 1, movements 1, quota pool 1; on PostgreSQL the
    # province and the fields share one round trip, and so do the movements and the pool.
    n = 7 if connection.vendor == "postgresql" else 9
    with django_assert_num_queries(n):
        assert client.get(url(world, as_of="15/10/2025")).status_code == 200
    double(world)
    with django_assert_num_queries(n):
        response = client.get(url(world, as_of="15/10/2025", field=world["land"].pk, only="short"))
        assert response.status_code == 200
    assert response.context["report"].kpis.communes == 6


def test_movement_links_list_the_movements_counted(client, login_as, world):
    # On 15/10/2025 two people are seconded into the province's communes and one out of them
    # (builders.py); each number's link lists exactly its movements, on that day.
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    report = client.get(url(world, as_of="15/10/2025")).context["report"]
    totals = {"seconded_in": 0, "seconded_out": 0}
    for c in report.communes:
        for key, param in (("seconded_in", "to_code"), ("seconded_out", "from_code")):
            listed = client.get(reverse("secondments:movement-list"), {param: c.code, "in_effect": "2025-10-15"})
            assert listed.status_code == 200
            assert listed.context["paginator"].count == getattr(c, key), (c.code, key)
            totals[key] += listed.context["paginator"].count
    assert totals == {"seconded_in": 2, "seconded_out": 1}
    # The day after the land secondment from Xã An ended (1 November), it is no longer listed.
    later = client.get(reverse("secondments:movement-list"), {"in_effect": "2025-11-02"}).context["paginator"].count
    assert later == 1
    bad = client.get(reverse("secondments:movement-list"), {"in_effect": "31/02/2025"})
    assert bad.context["filterset"].errors["in_effect"] == ["Enter a valid date."]
