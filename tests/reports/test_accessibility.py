"""axe-core on the main pages, in Vietnamese: no violations (WCAG 2.2 A/AA and axe's best practices).

axe-core is vendored from the npm registry under tests/vendor/axe-core (scripts/vendor-static.sh)
and evaluated in the page by Playwright, so the check runs offline and under the pages' CSP.
"""

from datetime import date
from pathlib import Path

import pytest
from django.test import Client

from accounts.models import Role
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js").read_text()

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").slice(0, 200)),
  }));
}"""


def sign_in(context, live_server, user):
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    context.add_cookies([{"name": "django_language", "value": "vi", "url": live_server.url}])


# Interface words that would mean an untranslated text on a Vietnamese page.
ENGLISH = [
    "Select an option",
    "---------",
    "Sign out",
    "Dashboard",
    "Movements",
    "Quota",
    "Page not found",
    "Total",
    "Download Excel",
    "communes short",
    "Against quota",
    "Mismatches",
]


def violations(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate(AXE)
    found = page.evaluate(RUN_AXE)
    text = page.inner_text("body")
    found += [{"id": "english-text", "text": word} for word in ENGLISH if word in text]
    return found


@pytest.fixture
def world():
    w = province_fixture()
    w["plan"] = f.plan(w["province"])
    person = f.staff(w["dept"], w["finance"], name="Đỗ Thị Hạnh")
    f.movement(person, w["cu"], plan=w["plan"], status="proposed", start=date(2025, 11, 1), end=date(2026, 4, 30))
    hcm = f.province("79", "Thành phố Hồ Chí Minh")
    f.unit("Phường Sài Gòn", code="79001", prov=hcm)
    return w


NATIONAL_LAYOUT = """() => {
  const table = document.getElementById("national-table");
  const names = [...table.querySelectorAll("tbody th[scope=row] a, tfoot th[scope=row]")];
  return {
    fits: table.scrollWidth <= table.parentElement.clientWidth,
    wrapped: names.filter(a => a.getClientRects().length > 1).map(a => a.textContent),
    rightEdge: Math.round(table.getBoundingClientRect().right),
    viewport: window.innerWidth,
  };
}"""


def test_main_pages_have_no_axe_violations(browser, live_server, world):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    official = f.user(Role.PROVINCE_OFFICIAL, prov=world["province"], first_name="Lan", last_name="Nguyễn Thị")
    sign_in(context, live_server, official)
    page = context.new_page()
    pages = {
        "home": "/",
        "province dashboard": "/reports/provinces/66/?as_of=15/10/2025",
        "unit": "/units/66001/",
        "roster": "/units/66001/staff/",
        "staff form": "/units/66001/staff/new/",
        "plan": f"/plans/{world['plan'].pk}/",
        "movements": "/movements/",
        "movement alerts": "/movements/alerts/",
        "department report": "/reports/units/66S01/?as_of=15/10/2025",
        "decisions": "/reports/decisions/",
        "decision templates": "/reports/documents/templates/",
        "letterhead": "/reports/documents/letterhead/",
        "generate decision": f"/reports/decisions/new/?plan={world['plan'].pk}",
        "not found": "/no-such-page/",
    }
    found = {name: violations(page, live_server.url + url) for name, url in pages.items()}
    context.close()

    context = browser.new_context(viewport={"width": 1366, "height": 900})
    sign_in(context, live_server, f.user(Role.NATIONAL_VIEWER))
    page = context.new_page()
    found["national"] = violations(page, live_server.url + "/reports/national/?as_of=15/10/2025")
    # At 1366 px every column is visible and each province's name is on one line.
    layout = page.evaluate(NATIONAL_LAYOUT)
    assert page.locator('[data-province="79"] [data-no-data]').inner_text() == "Không có số liệu"
    context.close()
    assert layout["fits"] and layout["wrapped"] == [] and layout["rightEdge"] <= layout["viewport"], layout
    assert {name: v for name, v in found.items() if v} == {}
