"""The planner's tables are declared once (planner.tables): a run's moves, cells, sending units and
unmet shortage, two runs compared, and the forecast (whose API serves the same columns)."""

import re

import pytest
from django.urls import reverse

from planner import tables
from planner.selectors import month_ends
from planner.services import run_create
from secondments.models import Secondment
from tests.planner.worlds import START, TODAY
from tests.tables import heads, table_html

pytestmark = pytest.mark.django_db


def page_labels(table, **ctx):
    return [str(c.label) for c in table.page_columns(ctx)]


def run(world, **knobs):
    return run_create(
        by=world.official, province=world.province, plan=world.plan, start_date=START, knobs=knobs, inline=True
    )


def test_run_page_tables_show_the_declared_columns_and_rows(client, world):
    client.force_login(world.official)
    r = run(world)
    html = client.get(r.get_absolute_url()).content.decode()

    moves = table_html(html, "run-moves")
    assert heads(moves) == ["Choose", "#", "Person", "From", "To", "Field", "Kind", "Reason", "Movement"]
    assert heads(moves) == page_labels(tables.RUN_MOVES, can_accept=True)
    # Ea Kao (short 2, the priority commune) is served first, by An: trained in land, from the department.
    assert (
        '<tr data-move="0"><td data-col="choose"><input class="form-check-input" type="checkbox" name="moves" '
        'value="0" id="move-0" aria-label="Accept move 1"></td><td data-col="number">1</td>'
        f'<td data-col="person_name">Nguyễn Văn An <span class="text-body-secondary small">{world.a.staff_code}</span>'
        '</td><td data-col="from_name">Sở Nông nghiệp</td><td data-col="to_name">Xã Ea Kao</td>'
        '<td data-col="field_name">Land</td><td data-col="kind_label">Secondment</td>'
    ) in moves

    cells = table_html(html, "run-cells")
    assert heads(cells) == ["Commune", "Field", "Before", "Covered", "of which by expertise", "After", "Weight"]
    assert heads(cells) == page_labels(tables.RUN_CELLS)
    ea_kao = reverse("unit-detail", args=["66001"])
    # Short 2, both covered by people trained in land; weight 1 + 2 (priority) + 1 (especially disadvantaged).
    assert (
        f'<tr><td data-col="unit_name"><a href="{ea_kao}">Xã Ea Kao</a></td><td data-col="field_name">Land</td>'
        '<td class="num gap-neg" data-col="before">2</td><td class="num" data-col="covered">2</td>'
        '<td class="num" data-col="covered_by_major">2</td><td class="num" data-col="after">0</td>'
        '<td class="num" data-col="weight">4.0</td></tr>'
    ) in cells
    assert client.get(ea_kao).status_code == 200

    senders = table_html(html, "run-senders")
    assert heads(senders) == page_labels(tables.RUN_SENDERS)
    # The department must send exactly 2 and sends An and Bình; Cư Êbur has 2 culture staff over and sends 1.
    assert (
        '<tr><td data-col="label">Sở Nông nghiệp</td><td class="num" data-col="range">2</td>'
        '<td class="num" data-col="already">0</td><td class="num" data-col="proposed">2</td>'
        '<td class="num" data-col="total">2</td><td data-col="note"></td></tr>'
    ) in senders
    assert (
        '<tr><td data-col="label">Xã Cư Êbur · Culture</td><td class="num" data-col="range">surplus 2</td>'
        '<td class="num" data-col="already"></td><td class="num" data-col="proposed">1</td>'
        '<td class="num" data-col="total">1</td><td data-col="note">surplus left: 1</td></tr>'
    ) in senders

    unmet = table_html(html, "run-unmet")
    assert heads(unmet) == ["Commune", "Field", "Unmet", "Cause", "People held"]
    assert '<tbody><tr><td colspan="5">Every shortage planned for is covered.</td></tr></tbody>' in unmet

    # Accepting the first move links it to its draft movement.
    client.post(reverse("planner:run-accept", args=[r.pk]), {"moves": ["0"]})
    moves = table_html(client.get(r.get_absolute_url()).content.decode(), "run-moves")
    draft = Secondment.objects.get()
    link = reverse("secondments:movement-detail", args=[draft.pk])
    assert f'<td data-col="movement_label"><a href="{link}">draft #{draft.pk}</a></td></tr>' in moves
    assert 'id="move-0"' not in moves and 'id="move-1"' in moves
    assert client.get(link).status_code == 200


def test_run_without_communes_sending_leaves_hoa_xuan_unmet_and_compares_with_the_full_run(client, world):
    client.force_login(world.official)
    a, b = run(world), run(world, include_communes=False)
    unmet = table_html(client.get(b.get_absolute_url()).content.decode(), "run-unmet")
    hoa_xuan = reverse("unit-detail", args=["66002"])
    # Without Cư Êbur's surplus the department's 2 go to Ea Kao (the priority commune): Hòa Xuân lacks 1.
    assert re.search(
        rf'<tr data-cause="[a-z_]+"><td data-col="unit_name"><a href="{hoa_xuan}">Xã Hòa Xuân</a></td>'
        r'<td data-col="field_name">Land</td><td class="num" data-col="unmet">1</td>',
        unmet,
    )

    page = client.get(reverse("planner:compare"), {"a": a.pk, "b": b.pk}).content.decode()
    figures = table_html(page, "compare-figures")
    link_a, link_b = reverse("planner:run-detail", args=[a.pk]), reverse("planner:run-detail", args=[b.pk])
    assert (
        f'<thead><tr><th scope="col">Figure</th><th scope="col"><a href="{link_a}">#{a.pk}</a></th>'
        f'<th scope="col"><a href="{link_b}">#{b.pk}</a></th></tr></thead>'
    ) in figures
    assert client.get(link_b).status_code == 200
    # a: An, Em and Bình cover all 3; b: the department's 2 only. Weighted: a 4·2 + 1 = 9, b 4·2 = 8.
    assert (
        '<tr><th scope="row" data-col="label">Shortage before → after</th>'
        '<td data-col="a">3 → 0</td><td data-col="b">3 → 1</td></tr>'
    ) in figures
    assert (
        '<tr><th scope="row" data-col="label">Weighted shortage covered</th>'
        '<td data-col="a">9.000</td><td data-col="b">8.000</td></tr>'
    ) in figures
    assert (
        '<tr class="table-warning"><th scope="row" data-col="label">Surplus communes send too '
        '<span class="visually-hidden">(differs)</span></th><td data-col="a">True</td><td data-col="b">False</td></tr>'
    ) in figures
    assert figures.count('class="table-warning"') == 1

    html = table_html(page, "compare-cells")
    assert heads(html) == ["Commune", "Field", "Before", f"#{a.pk}", f"#{b.pk}"]
    assert heads(html) == page_labels(tables.compare_cells(a, b))
    assert (
        f'<tr><td data-col="unit_name"><a href="{hoa_xuan}">Xã Hòa Xuân</a></td><td data-col="field_name">Land</td>'
        '<td class="num" data-col="before">1</td><td class="num" data-col="a">0</td>'
        '<td class="num" data-col="b">1</td></tr>'
    ) in html


def test_forecast_page_and_api_read_one_declaration(client, world):
    client.force_login(world.official)
    html = client.get(reverse("planner:forecast")).content.decode()
    ends = month_ends(TODAY, 12)

    months = table_html(html, "forecast-months")
    assert heads(months) == page_labels(tables.FORECAST_MONTHS)
    assert heads(months)[:2] == ["Month end", "Quota"]
    # Quota 2 + 1 (land) + 1 (culture); 3 culture staff; short 2 at Ea Kao and 1 at Hòa Xuân.
    assert (
        f'<tr><td data-col="day">{ends[0]:%d/%m/%Y}</td><td class="num" data-col="quota">4</td>'
        '<td class="num" data-col="establishment">3</td><td class="num" data-col="coverage">3</td>'
        '<td class="num" data-col="establishment_shortage">3</td><td class="num" data-col="coverage_shortage">3</td>'
        '<td class="small" data-col="changes"></td></tr>'
    ) in months

    cells = table_html(html, "forecast-cells")
    assert heads(cells) == ["Commune", "Field", "Quota", "Now", *(f"{d:%m/%Y}" for d in ends)]
    ea_kao = reverse("unit-detail", args=["66001"])
    assert (
        f'<tr><td data-col="unit_name"><a href="{ea_kao}">Xã Ea Kao</a></td><td data-col="field_name">Land</td>'
        '<td class="num" data-col="quota">2</td><td class="num" data-col="now">2</td>'
        + "".join(f'<td class="num gap-neg" data-col="month_{i}">2</td>' for i in range(12))
        + "</tr>"
    ) in cells

    data = client.get(reverse("api-planner-forecast")).json()
    first = data["months"][0]
    assert {k: first[k] for k in [c.key for c in tables.FORECAST_MONTHS.api_columns()]} == {
        "day": ends[0].isoformat(),
        "quota": 4,
        "establishment": 3,
        "coverage": 3,
        "establishment_shortage": 3,
        "coverage_shortage": 3,
    }
    assert data["cells"][0] == {
        "unit": "66001",
        "unit_name": "Xã Ea Kao",
        "field": "land",
        "quota": 2,
        "now": 2,
        "coverage_shortage": [2] * 12,
    }


def test_run_page_writes_numbers_in_the_language_of_the_page(client, world, settings):
    client.force_login(world.official)
    r = run(world)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get(r.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert '<td class="num" data-col="weight">4,0</td>' in table_html(html, "run-cells")
