"""End to end in headless Chromium: nominate, approve with a decision, confirm arrival, and the
receiving commune's coverage on its landing page goes up by one."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from secondments.models import Secondment, Status
from tests import factories as f


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
def test_nominate_approve_confirm_and_coverage_changes(browser, live_server):
    today = timezone.localdate()
    province = f.province()
    finance = f.field("finance", "Tài chính", "Finance")
    dept = f.department("Sở Tài chính")
    commune = f.unit("Xã Hòa Phú")
    f.quota(commune, finance, 2, effective_from=today - timedelta(days=400))
    f.staff(commune, finance, name="Đinh Văn Xã")
    person = f.staff(dept, finance, name="Nguyễn Văn An")
    plan = f.plan(province, period_start=today - timedelta(days=30), period_end=today + timedelta(days=365))
    f.user("department_officer", unit=dept, username="sotaichinh")
    f.user("province_official", prov=province, username="sonoivu")
    f.user("commune_officer", unit=commune, username="hoaphu")

    commune_page = sign_in(browser, live_server, "hoaphu")
    expect(commune_page.locator('[data-kpi="effective"]')).to_have_text("1")

    # The department officer nominates its own staff member.
    page = sign_in(browser, live_server, "sotaichinh", "/movements/new/")
    # The person picker: typed without accents, the results come as you type.
    with page.expect_response(lambda r: "/movements/people/" in r.url):
        page.get_by_placeholder("Search by name or staff code").fill("nguyen van an")
    expect(page.locator("#id_person-results .person-option")).to_have_count(1)
    page.locator(f"#person-{person.pk}").check()
    page.get_by_label("Kind").select_option("secondment")
    page.get_by_label("To unit").select_option(str(commune.pk))
    page.get_by_label("Field of the work").select_option(str(finance.pk))
    page.get_by_label("Plan", exact=True).select_option(str(plan.pk))
    page.get_by_label("Start date").fill(today.strftime("%d/%m/%Y"))
    page.get_by_label("Planned end date").fill((today + timedelta(days=89)).strftime("%d/%m/%Y"))
    page.get_by_role("button", name="Propose").click()
    expect(page.locator('[data-status="proposed"]')).to_be_visible()
    m = Secondment.objects.get()
    assert (m.person, m.from_unit, m.status) == (person, dept, Status.PROPOSED)

    # The province official approves with the decision.
    page = sign_in(browser, live_server, "sonoivu", m.get_absolute_url())
    form = page.locator('form[data-action="approve"]')
    form.get_by_label("Decision number").fill("128/QĐ-UBND")
    form.get_by_label("Decision date").fill(today.strftime("%d/%m/%Y"))
    form.get_by_role("button", name="Approve").click()
    expect(page.locator('[data-status="approved"]')).to_be_visible()
    expect(page.locator('[data-field="decision"]')).to_contain_text("128/QĐ-UBND")

    # The receiving commune's officer confirms arrival (the date defaults to today).
    commune_page.goto(f"{live_server.url}{m.get_absolute_url()}")
    commune_page.locator('form[data-action="confirm_arrival"]').get_by_role("button", name="Confirm arrival").click()
    expect(commune_page.locator('[data-status="active"]')).to_be_visible()
    expect(commune_page.locator('[data-field="arrival_date"]')).to_have_text(today.strftime("%d/%m/%Y"))

    commune_page.goto(f"{live_server.url}/")
    expect(commune_page.locator('[data-kpi="effective"]')).to_have_text("2")
    m.refresh_from_db()
    assert (m.status, m.decision_number, m.arrival_date) == (Status.ACTIVE, "128/QĐ-UBND", today)
