"""The province dashboard in a real browser: charts drawn, no console errors or CSP violations."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import Role
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""

DRAWN = """() => window.Chart !== undefined
  && ["chart-fields", "chart-communes"].every(id => Chart.getChart(document.getElementById(id)) !== undefined)"""


def test_province_dashboard_in_a_browser(page, live_server):
    world = province_fixture()
    official = f.user(Role.PROVINCE_OFFICIAL, prov=world["province"])
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.add_init_script(WATCH_CSP)
    # The page shell declares no favicon; the browser's automatic request is not this page's concern.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))

    page.goto(f"{live_server.url}/login/?next=/reports/provinces/66/%3Fas_of%3D15/10/2025")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", "pw-Test-12345")
    page.click("button[type=submit]")
    # The chart script is deferred: wait until both charts exist rather than for their canvases.
    page.wait_for_function(DRAWN)

    assert page.locator('[data-kpi="gross_shortage"]').inner_text() == "3"
    for chart in ("chart-fields", "chart-communes"):
        drawn = page.evaluate(
            "id => { const c = Chart.getChart(document.getElementById(id)); return c ? c.data.labels.length : -1; }",
            chart,
        )
        assert drawn > 0, chart
    assert page.locator("#table-top-communes tbody tr").count() == 2

    # Switch to the establishment view: the radio submits the form.
    with page.expect_navigation():
        page.click("label[for=view-establishment]")
    assert "view=establishment" in page.url
    assert page.locator('[data-kpi="gross_shortage"]').inner_text() == "4"
    page.wait_for_function(DRAWN)

    # Back to coverage, then another date: on 01/09/2025 the Đắk Lắk officer is already at Phường Bình,
    # so is the culture officer of Xã An.
    with page.expect_navigation():
        page.click("label[for=view-coverage]")
    page.fill("#id_as_of", "01/09/2025")
    with page.expect_navigation():
        page.click("#report-apply")
    assert "as_of=01%2F09%2F2025" in page.url
    assert "01/09/2025" in page.locator("#report-subtitle").inner_text()
    assert page.locator("#id_as_of").input_value() == "01/09/2025"

    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename == "bao-cao-bien-che-dak-lak-2025-09-01.xlsx"
    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    assert ws["A1"].value == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    # The headline under the "as of" line, the header on row 10, the three communes, then the
    # totals row and the signature block.
    assert "against their assigned quota" in ws["A8"].value or "so với biên chế được giao" in ws["A8"].value
    assert [ws.cell(r, 1).value for r in range(11, 15)] == [1, 2, 3, None] and ws.cell(14, 2).value

    assert page.evaluate("window.__csp") == []
    assert problems == []
