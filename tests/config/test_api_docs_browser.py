"""Swagger UI and Redoc in a real browser under the strict CSP: the operations are shown, no CSP
violation and no script error."""

import pytest

from accounts.models import Role
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def open_signed_in(page, live_server, path):
    user = f.user(Role.NATIONAL_VIEWER)
    problems = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.add_init_script(WATCH_CSP)
    external = []
    page.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(live_server.url) or route.request.url.startswith(("data:", "blob:"))
            else (external.append(route.request.url), route.abort())
        ),
    )
    page.goto(f"{live_server.url}/login/?next={path}")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", "pw-Test-12345")
    page.click("button[type=submit]")
    page.wait_for_url(f"**{path}")
    return problems, external


def test_swagger_ui_renders_under_the_csp(page, live_server):
    problems, external = open_signed_in(page, live_server, "/api/v1/docs/")
    page.wait_for_selector(".opblock", timeout=20_000)
    summaries = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/staff/{id}/" in summaries and "/api/v1/reports/national/" in summaries
    assert page.evaluate("window.__csp") == []
    assert problems == [] and external == []


def test_redoc_renders_under_the_csp(page, live_server):
    problems, external = open_signed_in(page, live_server, "/api/v1/redoc/")
    page.wait_for_selector("[data-section-id^='operation/']", state="attached", timeout=30_000)
    assert page.locator("[data-section-id='operation/staff_retrieve']").count() == 1
    assert page.get_by_text("Biên chế API").first.is_visible()
    assert page.evaluate("window.__csp") == []
    assert problems == [] and external == []
