"""End to end in headless Chromium: run the planner on a plan, accept three moves, see them as
drafts, approve them, and the province dashboard's coverage shortage falls from 3 to 0."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from secondments.models import Secondment, Status
from tests.planner.worlds import World


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-US"}


def sign_in(browser, live_server, username, path="/"):
    page = browser.new_context(locale="en-US").new_page()
    page.goto(f"{live_server.url}/login/?next={path}")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill("pw-Test-12345")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}{path}")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_run_accept_three_moves_approve_and_coverage_changes(browser, live_server):
    today = timezone.localdate()
    w = World()
    w.official.username = "sonoivu"
    w.official.save()
    dashboard = f"/reports/provinces/{w.province.code}/"

    page = sign_in(browser, live_server, "sonoivu", dashboard)
    expect(page.locator('[data-kpi="gross_shortage"]')).to_have_text("3")

    page.goto(f"{live_server.url}{w.plan.get_absolute_url()}")
    page.locator("#open-planner").click()
    expect(page.get_by_label("Start date")).to_have_value(today.strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Run the planner").click()
    expect(page.locator("#run-stats [data-shortage]")).to_have_text("3 → 0")
    rows = page.locator("#run-moves tbody tr")
    expect(rows).to_have_count(3)
    expect(page.locator("#run-moves")).to_contain_text("Xã Ea Kao short 2, priority, especially disadvantaged")
    for i in range(3):
        page.locator(f"#move-{i}").check()
    page.locator("#accept-selected").click()
    expect(page.get_by_role("alert")).to_contain_text("3 draft movements were added to the plan")
    expect(page.locator("#run-moves")).to_contain_text("draft #")
    drafts = list(Secondment.objects.filter(plan=w.plan, status=Status.DRAFT))
    assert len(drafts) == 3

    # The drafts are in the plan's movement list.
    page.goto(f"{live_server.url}/movements/?plan={w.plan.pk}&status=draft")
    for m in drafts:
        expect(page.locator("body")).to_contain_text(m.person.full_name)

    for n, m in enumerate(drafts):
        page.goto(f"{live_server.url}{m.get_absolute_url()}")
        page.locator('form[data-action="propose"]').get_by_role("button", name="Propose").click()
        expect(page.locator('[data-status="proposed"]')).to_be_visible()
        form = page.locator('form[data-action="approve"]')
        form.get_by_label("Decision number").fill(f"{n + 1}/QĐ-UBND")
        form.get_by_label("Decision date").fill(today.strftime("%d/%m/%Y"))
        form.get_by_role("button", name="Approve").click()
        expect(page.locator('[data-status="approved"], [data-status="completed"]')).to_be_visible()

    page.goto(f"{live_server.url}{dashboard}")
    expect(page.locator('[data-kpi="gross_shortage"]')).to_have_text("0")
