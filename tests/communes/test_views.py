"""Unit list, unit page and roster page: scoped, searchable without accents, quota table and roster."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from headcount import summary
from secondments.models import Status
from staffing.models import Position, PositionGroup
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


def test_unit_list_is_scoped_and_searchable_without_accents(client, world):
    client.force_login(officer(world, "province_official"))
    response = client.get(reverse("unit-list"))
    assert [u.code for u in response.context["object_list"]] == ["24001", "S66-TC", "24002"]
    assert [u.name for u in client.get(reverse("unit-list"), {"q": "dak"}).context["object_list"]] == ["Xã Đắk Mil"]
    assert [u.name for u in client.get(reverse("unit-list"), {"q": "BUON ma"}).context["object_list"]] == [
        "Phường Buôn Ma Thuột"
    ]
    assert [u.code for u in client.get(reverse("unit-list"), {"q": "24002"}).context["object_list"]] == ["24002"]
    assert [u.code for u in client.get(reverse("unit-list"), {"kind": "department"}).context["object_list"]] == [
        "S66-TC"
    ]
    assert "Xã Đắk Mil" in client.get(reverse("unit-list")).content.decode()


def test_unit_list_for_a_commune_officer_is_their_commune(client, world):
    client.force_login(officer(world))
    assert [u.code for u in client.get(reverse("unit-list")).context["object_list"]] == ["24001"]


def test_units_api_search(client, world):
    client.force_login(officer(world, "national_viewer"))
    body = client.get("/api/v1/units/", {"q": "dak mil"}).json()
    assert [u["code"] for u in body["results"]] == ["24001"]
    assert client.get("/api/v1/units/", {"province_code": "64"}).json()["results"][0]["name"] == "Xã Ia Grai"


@pytest.fixture
def staffed(world):
    """Xã Đắk Mil: quotas land 5 + 1 cadre, finance 2; 3 land staff on roll (+1 retired); one finance
    civil servant seconded out to the ward; one department civil servant seconded in (finance)."""
    today = timezone.localdate()
    c = world.commune
    f.quota(c, world.land, 5)
    f.quota(c, world.land, 1, category="cadre")
    f.quota(c, world.finance, 2)
    f.staff(c, world.land, name="Nguyễn Văn A", staff_code="NV01")
    f.staff(c, world.land, name="Trần Thị Bình", staff_code="NV02", qualification="master")
    f.staff(c, world.land, name="Lê Văn Cường", staff_code="NV03", position=world.cadastral)
    f.staff(c, world.land, name="Phạm Văn Dũng", staff_code="NV04", status="retired", end_date=date(2025, 1, 31))
    away = f.staff(c, world.finance, name="Đỗ Thị Đào", staff_code="NV05")
    helper = f.staff(world.department, world.finance, name="Hoàng Văn Em", staff_code="SD01")
    window = {"start": today - timedelta(days=30), "end": today + timedelta(days=60), "status": Status.APPROVED}
    f.movement(away, world.neighbour, **window)
    f.movement(helper, c, **window)
    return world


def test_unit_page_quota_table(client, staffed):
    client.force_login(officer(staffed))
    response = client.get(reverse("unit-detail", args=["24001"]))
    assert response.status_code == 200
    table = [
        (
            i["field"].code,
            i["row"].category,
            i["row"].quota,
            i["row"].on_roll,
            i["row"].seconded_out,
            i["row"].seconded_in,
            i["row"].effective,
            i["row"].gap,
        )
        for i in response.context["quota_table"]["rows"]
    ]
    assert table == [
        ("land", "cadre", 1, 0, 0, 0, 0, -1),
        ("land", "civil_servant", 5, 3, 0, 0, 3, -2),
        ("finance", "civil_servant", 2, 1, 1, 1, 1, -1),
    ]
    totals = response.context["quota_table"]["totals"]
    assert (totals.quota, totals.on_roll, totals.effective, totals.net) == (8, 4, 4, -4)
    html = response.content.decode()
    assert 'data-total="net">-4<' in html
    assert "Download Excel template" in html and "Add a staff member" in html


def test_unit_page_roster_defaults_to_active_and_filters(client, staffed):
    client.force_login(officer(staffed))
    url = reverse("unit-roster", args=["24001"])

    def roster(**params):
        return [s.full_name for s in client.get(url, params).context["staff_list"]]

    # On the roll today: the four placed here (the one who left in January 2025 is not), whoever
    # is away; working here: without the one seconded out, with the one seconded in; nobody absent.
    # Sorted as Vietnamese staff lists are: by given name (A, Bình, Cường, Đào, Em).
    assert roster() == ["Nguyễn Văn A", "Trần Thị Bình", "Lê Văn Cường", "Đỗ Thị Đào"]
    assert roster(mode="working") == ["Nguyễn Văn A", "Trần Thị Bình", "Lê Văn Cường", "Hoàng Văn Em"]
    assert roster(mode="absent") == []
    assert roster(q="nguyen van a") == ["Nguyễn Văn A"]
    assert roster(q="DAO") == ["Đỗ Thị Đào"]
    assert roster(field=staffed.finance.pk) == ["Đỗ Thị Đào"]
    assert roster(position=staffed.cadastral.pk) == ["Lê Văn Cường"]
    assert roster(qualification="master") == ["Trần Thị Bình"]
    assert roster(category="cadre") == []
    assert roster(ordering="-staff_code") == ["Đỗ Thị Đào", "Lê Văn Cường", "Trần Thị Bình", "Nguyễn Văn A"]
    html = client.get(url, {"ordering": "staff_code"}).content.decode()
    assert 'aria-sort="ascending"' in html and "?ordering=-staff_code#roster" in html


def test_roster_rows_show_each_column_escaped_and_linked(client, staffed):
    odd = f.staff(
        staffed.commune, staffed.land, name="<b>Lò Thị Ớt</b>", staff_code="NV09", start_date=date(2024, 3, 1)
    )
    client.force_login(officer(staffed))
    html = client.get(reverse("unit-roster", args=["24001"]), {"q": "lo thi"}).content.decode()
    row = html[html.index("<tbody>") : html.index("</tbody>")]
    assert row.count("<tr>") == 1
    assert (
        f'<tr><td>NV09</td><td><a href="/staff/{odd.pk}/">&lt;b&gt;Lò Thị Ớt&lt;/b&gt;</a></td><td>20/05/1985</td>'
        "<td>Civil servant</td><td>—</td><td>Land</td><td>Bachelor</td>"
        '<td><span class="badge text-bg-success">Active</span></td><td>01/03/2024</td></tr>'
    ) in row
    empty = client.get(reverse("unit-roster", args=["24001"]), {"q": "nobody"}).content.decode()
    assert "Nobody matches these filters." in empty


def test_position_filter_offers_the_posts_held_in_the_unit(client, staffed):
    client.force_login(officer(staffed))
    url = reverse("unit-roster", args=["24001"])

    def options(**params):
        return [label for _value, label in client.get(url, params).context["filter_options"]["position"]]

    # Only Lê Văn Cường holds a post in Xã Đắk Mil; a post chosen by URL stays on offer (and finds nobody).
    other = Position.objects.create(
        code="CT-01", name="Chủ tịch UBND xã", group=PositionGroup.LEADERSHIP, field=staffed.land
    )
    assert options() == ["All", "Chuyên viên địa chính"]
    chosen = client.get(url, {"position": other.pk})
    assert chosen.context["staff_list"] == []
    assert [label for _v, label in chosen.context["filter_options"]["position"]] == [
        "All",
        "Chủ tịch UBND xã",
        "Chuyên viên địa chính",
    ]
    assert "selected>Chủ tịch UBND xã</option>" in chosen.content.decode()


def test_field_filter_offers_the_fields_people_work_in_and_counts_the_matches(client, staffed):
    client.force_login(officer(staffed))
    url = reverse("unit-roster", args=["24001"])

    def page(**params):
        response = client.get(url, params)
        choices = response.context["filter_options"]["field"]
        return [label for _value, label in choices], response.context["page_obj"].paginator.count

    # Xã Đắk Mil: four people on the roll (three in land, one in finance, seconded out).
    assert page() == (["All", "Land", "Finance"], 4)
    assert page(field=staffed.finance.pk) == (["All", "Land", "Finance"], 1)
    # Working here: three in land and the department's finance officer seconded in.
    assert page(mode="working") == (["All", "Land", "Finance"], 4)
    assert page(mode="working", field=staffed.finance.pk) == (["All", "Land", "Finance"], 1)
    assert page(q="nobody") == (["All", "Land", "Finance"], 0)
    # A field nobody here works in, chosen by a dashboard link, stays on offer and finds nobody.
    health = f.field("health", "Y tế", "Health", sort_order=15)
    assert page(field=health.pk) == (["All", "Land", "Finance", "Health"], 0)


def test_roster_ignores_bad_filter_values_and_keeps_the_count_in_step(client, staffed):
    client.force_login(officer(staffed))
    url = reverse("unit-roster", args=["24001"])
    for params in ({"field": "abc"}, {"field": "999999"}, {"position": "-1"}, {"page": "zz"}, {"category": "<x>"}):
        response = client.get(url, params)
        assert response.status_code == 200, params
        # An invalid value filters nothing: the four active people, counted as listed.
        assert response.context["page_obj"].paginator.count == len(response.context["staff_list"]) == 4, params


def test_roster_is_paginated(client, world):
    f.staff_many(world.commune, world.land, 51)
    client.force_login(officer(world))
    url = reverse("unit-roster", args=["24001"])
    first = client.get(url)
    assert len(first.context["staff_list"]) == 50
    assert "?page=2" in first.content.decode()
    assert len(client.get(url, {"page": 2}).context["staff_list"]) == 1
    assert len(client.get(url, {"page": "x"}).context["staff_list"]) == 50
    # 51 people: a page past the end, or 0, gives the last page, with the whole count.
    first_codes = [p.staff_code for p in first.context["staff_list"]]
    for asked in (2, 3, 99, 0):
        page = client.get(url, {"page": asked}).context
        assert (page["page_obj"].number, page["page_obj"].paginator.count) == (2, 51), asked
        assert len(page["staff_list"]) == 1 and page["staff_list"][0].staff_code not in first_codes, asked
    nobody = client.get(url, {"q": "nobody", "page": 3}).context
    assert (nobody["page_obj"].number, nobody["page_obj"].paginator.count, nobody["staff_list"]) == (1, 0, [])


def test_read_only_roles_see_no_edit_links(client, staffed):
    client.force_login(officer(staffed, "national_viewer"))
    for name in ("unit-detail", "unit-roster"):
        html = client.get(reverse(name, args=["24001"])).content.decode()
        assert "Download Excel template" in html
        assert "Add a staff member" not in html and "Import from Excel" not in html


def test_unit_page_links_to_its_roster_with_the_number_on_the_roll(client, staffed):
    client.force_login(officer(staffed))
    html = client.get(reverse("unit-detail", args=["24001"])).content.decode()
    # On the roll: the three active land staff and Đỗ Thị Đào (seconded out but still on the roll).
    assert f'href="{reverse("unit-roster", args=["24001"])}">Roster: 4 people on the roll</a>' in html


def test_roster_export_link_carries_the_filters_the_user_sees(client, staffed):
    client.force_login(officer(staffed))
    response = client.get(reverse("unit-roster", args=["24001"]), {"q": "dao", "page": "1"})
    assert response.context["export_query"] == "q=dao&unit_code=24001"
    workbook = client.get(reverse("reports:export-staff") + "?" + response.context["export_query"])
    assert workbook.status_code == 200
    ws = load_workbook(io.BytesIO(b"".join(workbook.streaming_content))).active
    # Columns: STT, staff code, full name…; the only data row follows the header block.
    assert [row[1:3] for row in ws.iter_rows(values_only=True) if row[1] in ("NV01", "NV05")] == [
        ("NV05", "Đỗ Thị Đào")
    ]


@pytest.mark.parametrize("stored", [True, False], ids=["stored placements", "dated assignments"])
def test_roster_page_query_count_is_constant_when_the_roster_grows_tenfold(
    client, world, django_assert_num_queries, stored
):
    f.quota(world.commune, world.land, 5)
    f.staff_many(world.commune, world.land, 4, position=world.cadastral)
    client.force_login(officer(world))
    url = reverse("unit-roster", args=["24001"])
    # Session, user, unit; the filter options with the number of people matching (read through
    # today's stored placements while they hold today, else a second time through the dated
    # assignments); the audit entry; the page.
    expected = 6 if stored else 7
    if stored:
        summary.rebuild(timezone.localdate())
    with django_assert_num_queries(expected):
        client.get(url)
    f.staff_many(world.commune, world.land, 36, position=world.cadastral)
    with django_assert_num_queries(expected):
        assert client.get(url).context["page_obj"].paginator.count == 40


def test_unit_page_query_count_is_constant_when_the_unit_grows_tenfold(client, world, django_assert_num_queries):
    f.quota(world.commune, world.land, 5)
    f.staff_many(world.commune, world.land, 4, position=world.cadastral)
    client.force_login(officer(world))
    url = reverse("unit-detail", args=["24001"])
    # Session, user, unit; quota decisions; headcount (quotas, staff, movements in and out added up
    # by the database), field names; the movements and mismatches sections.
    with django_assert_num_queries(8):
        client.get(url)
    f.staff_many(world.commune, world.land, 36, position=world.cadastral)
    f.quota(world.commune, world.finance, 3)
    with django_assert_num_queries(8):
        assert client.get(url).context["quota_table"]["totals"].on_roll == 40


def test_unit_pages_find_a_unit_only_within_each_readers_scope(client, world):
    # The unit is read by SQL kept per scope: one reader's lookup never opens it to another.
    pages = [reverse(name, args=[code]) for name in ("unit-detail", "unit-roster") for code in ("24001", "23001")]
    client.force_login(officer(world, "national_viewer"))
    assert [client.get(p).status_code for p in pages] == [200, 200, 200, 200]
    client.force_login(officer(world, "province_official"))
    assert [client.get(p).status_code for p in pages] == [200, 404, 200, 404]
    client.force_login(officer(world))
    assert [client.get(p).status_code for p in pages] == [200, 404, 200, 404]
    client.force_login(f.user("commune_officer", unit=world.far_commune))
    assert [client.get(p).status_code for p in pages] == [404, 200, 404, 200]
    assert client.get(reverse("unit-detail", args=["99999"])).status_code == 404
    page = client.get(reverse("unit-detail", args=["23001"]))
    assert page.context["unit"].province.name == world.other_province.name
