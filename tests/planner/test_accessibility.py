"""axe-core on the planner's pages and the person picker, in Vietnamese: no violations."""

import pytest

from planner.services import run_create
from tests.planner.worlds import START, World
from tests.reports.test_accessibility import sign_in, violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_planner_pages_have_no_axe_violations(browser, live_server):
    w = World()
    a = run_create(by=w.official, province=w.province, plan=w.plan, start_date=START, inline=True)
    b = run_create(
        by=w.official,
        province=w.province,
        plan=w.plan,
        start_date=START,
        knobs={"include_communes": False},
        inline=True,
    )
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    sign_in(context, live_server, w.official)
    page = context.new_page()
    pages = {
        "planner": f"/plans/{w.plan.pk}/planner/",
        "run": f"/planner/runs/{b.pk}/",
        "compare": f"/planner/compare/?a={a.pk}&b={b.pk}",
        "forecast": "/planner/forecast/",
        "nomination": "/movements/new/",
    }
    found = {name: violations(page, live_server.url + url) for name, url in pages.items()}
    assert {k: v for k, v in found.items() if v} == {}
