"""The province's headline: communes counted by their whole headcount against their whole quota.

A province worked out by hand, as of 15/10/2025:

| commune   | field    | quota | on roll | coverage (after one secondment) |
|-----------|----------|-------|---------|---------------------------------|
| Xã Ba     | land     | 4     | 1       | 2 (one person seconded in)      |
| Xã Ba     | culture  | 1     | 3       | 3                               |
| Xã Bốn    | land     | 2     | 1       | 1                               |
| Xã Bốn    | finance  | 2     | 4       | 3 (one person seconded out)     |
| Xã Năm    | finance  | 3     | 1       | 1                               |
| Xã Sáu    | culture  | 2     | 2       | 2                               |

Establishment (on roll): Ba 4 / 5, net short 1 though culture is 2 over; Bốn 5 / 4, net over 1
though land is 1 short; Năm 1 / 3, short 2; Sáu even. Headline: 2 communes short of 3 people,
1 commune with 1 person over; 3 communes short in at least one field, 2 over in at least one.

Coverage: Ba 5 / 5 and Bốn 4 / 4 are even by their totals (each still has a short and an over
field), Năm short 2, Sáu even. Headline: 1 commune short of 2, none over; by field 3 and 2 as before.
"""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import Role
from headcount.rules import View
from reports.selectors import Filters, national_summary, province_dashboard
from tests import factories as f
from tests.reports.test_report_api import api_as

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 10, 15)
HEADLINE_KEYS = (
    "communes_net_short",
    "net_shortage",
    "communes_net_surplus",
    "net_surplus",
    "communes_short_in_a_field",
    "communes_surplus_in_a_field",
)
EXPECTED = {View.ESTABLISHMENT: (2, 3, 1, 1, 3, 2), View.COVERAGE: (1, 2, 0, 0, 3, 2)}


@pytest.fixture
def world():
    prov = f.province("68", "Tỉnh Lâm Đồng")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    culture = f.field("culture", "Văn hóa", "Culture", sort_order=3)
    ba = f.unit("Xã Ba", code="68001", prov=prov)
    bon = f.unit("Xã Bốn", code="68002", prov=prov)
    nam = f.unit("Xã Năm", code="68003", prov=prov)
    sau = f.unit("Xã Sáu", code="68004", prov=prov)
    people = {}
    for unit, fld, quota, staff in [
        (ba, land, 4, 1),
        (ba, culture, 1, 3),
        (bon, land, 2, 1),
        (bon, finance, 2, 4),
        (nam, finance, 3, 1),
        (sau, culture, 2, 2),
    ]:
        f.quota(unit, fld, quota)
        people[(unit.code, fld.code)] = f.staff_many(unit, fld, staff)
    f.movement(people[("68002", "finance")][0], ba, field=land, start=date(2025, 9, 1), end=date(2025, 12, 31))
    return {"province": prov, "ba": ba, "bon": bon, "nam": nam, "sau": sau}


def headline(kpis):
    return tuple(getattr(kpis, k) for k in HEADLINE_KEYS)


@pytest.mark.parametrize("view", [View.ESTABLISHMENT, View.COVERAGE])
def test_dashboard_and_national_headline_by_hand(world, view):
    d = province_dashboard(world["province"], as_of=AS_OF, view=view)
    assert headline(d.kpis) == EXPECTED[view]
    rows = {c.name: (c.quota, c.headcount, c.net, c.shortage, c.surplus) for c in d.communes}
    if view == View.ESTABLISHMENT:
        assert rows == {
            "Xã Ba": (5, 4, -1, 3, 2),
            "Xã Bốn": (4, 5, 1, 1, 2),
            "Xã Năm": (3, 1, -2, 2, 0),
            "Xã Sáu": (2, 2, 0, 0, 0),
        }
    else:
        assert rows == {
            "Xã Ba": (5, 5, 0, 2, 2),
            "Xã Bốn": (4, 4, 0, 1, 1),
            "Xã Năm": (3, 1, -2, 2, 0),
            "Xã Sáu": (2, 2, 0, 0, 0),
        }
    national = national_summary(f.user(Role.NATIONAL_VIEWER), as_of=AS_OF, view=view)
    [row] = [r for r in national["rows"] if r.code == "68"]
    assert headline(row.kpis) == EXPECTED[view] == headline(national["total"])


@pytest.mark.parametrize(
    ("view", "only", "expected"),
    [
        (View.ESTABLISHMENT, "short", ["Xã Ba", "Xã Năm"]),
        (View.ESTABLISHMENT, "surplus", ["Xã Bốn"]),
        (View.ESTABLISHMENT, "short_in_a_field", ["Xã Ba", "Xã Bốn", "Xã Năm"]),
        (View.ESTABLISHMENT, "surplus_in_a_field", ["Xã Ba", "Xã Bốn"]),
        (View.COVERAGE, "short", ["Xã Năm"]),
        (View.COVERAGE, "surplus", []),
        (View.COVERAGE, "short_in_a_field", ["Xã Ba", "Xã Bốn", "Xã Năm"]),
        (View.COVERAGE, "surplus_in_a_field", ["Xã Ba", "Xã Bốn"]),
    ],
)
def test_only_filter_uses_the_count_it_names(world, view, only, expected):
    d = province_dashboard(world["province"], as_of=AS_OF, view=view, filters=Filters(only=only, sort="name"))
    assert [c.name for c in d.communes] == expected
    if only in ("short", "surplus"):  # the filter returns as many communes as the headline counts
        assert len(d.communes) == {"short": d.kpis.communes_net_short, "surplus": d.kpis.communes_net_surplus}[only]


def test_page_api_and_export_show_the_same_headline(client, login_as, world, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    login_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    base = reverse("reports:province", args=["68"])
    html = client.get(base + "?as_of=15/10/2025&view=establishment").content.decode()
    assert "2 xã thiếu 3 người so với biên chế được giao; 1 xã thừa 1 người." in html
    assert 'data-kpi="communes_short_in_a_field">3<' in html
    assert "ròng" not in html.lower()

    api = api_as(Role.API_CLIENT, prov=world["province"])
    data = api.get(reverse("api-report-province-kpis", args=["68"]) + "?as_of=2025-10-15").json()
    assert tuple(data["kpis"][k] for k in HEADLINE_KEYS) == EXPECTED[View.COVERAGE]

    response = client.get(base + "?as_of=15/10/2025&format=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Tong hop"]
    assert ws["A8"].value.startswith("1 xã thiếu 2 người so với biên chế được giao; 0 xã thừa 0 người")
    headline, source = ws["A8"].value.split("\n")
    assert headline.endswith("Số xã thiếu ở ít nhất một lĩnh vực: 3.")
    assert source.startswith("Số liệu ngày ")

    login_as(Role.NATIONAL_VIEWER)
    html = client.get(reverse("reports:national") + "?as_of=15/10/2025").content.decode()
    row = html[html.index('data-province="68"') :]
    row = row[: row.index("</tr>")]
    assert '<td class="num gap-neg" data-col="communes_net_short">1</td>' in row
    assert '<td class="num gap-neg" data-col="net_shortage">2</td>' in row
    assert '<td class="num" data-col="communes_short_in_a_field">3</td>' in row


def test_dashboard_and_alerts_page_count_the_same_movements_ending_soon(client, login_as, settings):
    from datetime import timedelta

    from django.utils import timezone

    from reports.selectors import province_dashboard as dashboard
    from secondments.selectors import movement_alerts
    from tests.reports.builders import province_fixture

    w = province_fixture()
    today = timezone.localdate()
    dept = list(w["dept"].assignments.select_related("person")[:4])
    # Running and ending in 10 days: counted by both. Starting in 5 days and ending in 20: not yet in
    # effect, counted by neither. Running but ending in 40 days: neither.
    f.movement(dept[1].person, w["an"], start=today - timedelta(days=10), end=today + timedelta(days=10))
    f.movement(dept[2].person, w["cu"], start=today + timedelta(days=5), end=today + timedelta(days=20))
    f.movement(dept[3].person, w["cu"], start=today - timedelta(days=3), end=today + timedelta(days=40))
    official = login_as(Role.PROVINCE_OFFICIAL, prov=w["province"])
    d = dashboard(w["province"], as_of=today)
    alerts = movement_alerts(user=official, as_of=today)
    assert d.kpis.ending_soon == alerts.ending_soon.count() == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    html = client.get(reverse("secondments:movement-alerts")).content.decode()
    section = html[html.index('id="alert-ending_soon"') :]
    assert section[section.index("data-count>") + len("data-count>") :].startswith("1<")
    page = client.get(reverse("reports:province", args=["66"])).content.decode()
    assert 'data-kpi="ending_soon">1<' in page
