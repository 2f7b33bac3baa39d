"""The planner's pages: render, run, accept, compare, forecast; bad input; query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from planner.models import PlannerRun
from planner.selectors import month_ends
from planner.services import run_create
from secondments.models import Secondment, Status
from tests import factories as f
from tests.planner.test_forecast import retiring_in
from tests.planner.worlds import START, TODAY

pytestmark = pytest.mark.django_db


def _knobs(**extra):
    data = {
        "start_date": START.strftime("%d/%m/%Y"),
        "priority_weight": "2",
        "disadvantaged_weight": "1",
        "border_weight": "0.5",
        "priority_field_weight": "0.5",
        "include_communes": "on",
        "allow_leaders": "on",
        "department_kind": "secondment",
        "commune_kind": "transfer",
        "duration_days": "180",
    }
    data.update(extra)
    return data


def test_planner_page_renders_the_knobs(client, world):
    client.force_login(world.official)
    r = client.get(reverse("planner:plan-planner", args=[world.plan.pk]))
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="run-form"' in html
    assert "Run the planner" in html


def test_running_from_the_page_shows_the_proposal_with_reasons(client, world):
    client.force_login(world.official)
    r = client.post(reverse("planner:plan-planner", args=[world.plan.pk]), _knobs())
    run = PlannerRun.objects.get()
    assert r.status_code == 302 and r["Location"] == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "3 → 0" in page  # shortage before → after
    assert "Land: Xã Ea Kao short 2, priority, especially disadvantaged; Nguyễn Văn An, trained in Land, " in page
    assert "from Sở Nông nghiệp, which sends 2 of 2" in page
    assert "from Xã Cư Êbur, surplus of 2 in Culture" in page


def test_vietnamese_reason(client, world, settings):
    client.force_login(world.official)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"
    run = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Đất đai: Xã Ea Kao thiếu 2, ưu tiên, ĐBKK; Nguyễn Văn An, được đào tạo ngành Đất đai" in page
    assert "từ Sở Nông nghiệp, cử 2 trong 2" in page


@pytest.mark.parametrize(
    "bad, message",
    [
        ({"start_date": "31/02/2026"}, "Enter a valid date."),
        ({"start_date": (TODAY + timedelta(days=3000)).strftime("%d/%m/%Y")}, "within the plan&#x27;s period"),
        ({"duration_days": "0"}, "greater than or equal to 1"),
        ({"duration_days": "5000"}, "must be between"),
        ({"priority_weight": "-1"}, "greater than or equal to 0"),
        ({"priority_weight": "abc"}, "Enter a number."),
        ({"sending_percent": "150"}, "less than or equal to 100"),
        ({"department_kind": "transfer"}, "Select a valid choice"),
        ({"fields": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_settings_are_refused_and_nothing_runs(client, world, bad, message):
    client.force_login(world.official)
    r = client.post(reverse("planner:plan-planner", args=[world.plan.pk]), _knobs(**bad))
    assert r.status_code == 400
    assert message in r.content.decode()
    assert PlannerRun.objects.count() == 0


def test_accept_selected_then_all_then_again(client, world):
    client.force_login(world.official)
    run = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    url = reverse("planner:run-accept", args=[run.pk])
    r = client.post(url, {"moves": ["0"]})
    assert r.status_code == 302
    assert Secondment.objects.filter(status=Status.DRAFT, plan=world.plan).count() == 1
    client.post(url, {"all": "1"})
    assert Secondment.objects.count() == 3
    r = client.post(url, {"all": "1"}, follow=True)
    assert "nothing new was created" in r.content.decode()
    assert Secondment.objects.count() == 3
    page = client.get(run.get_absolute_url()).content.decode()
    assert page.count("draft #") == 3


@pytest.mark.parametrize("data", [{}, {"moves": ["42"]}, {"moves": ["x"]}])
def test_bad_accept_posts_are_refused(client, world, data):
    client.force_login(world.official)
    run = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    r = client.post(reverse("planner:run-accept", args=[run.pk]), data)
    assert r.status_code == 400
    assert Secondment.objects.count() == 0


def test_compare_two_runs_side_by_side(client, world):
    client.force_login(world.official)
    a = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    b = run_create(
        by=world.official,
        province=world.province,
        plan=world.plan,
        start_date=START,
        knobs={"include_communes": False},
        inline=True,
    )
    r = client.get(reverse("planner:compare"), {"a": a.pk, "b": b.pk})
    assert r.status_code == 200
    html = r.content.decode()
    assert "3 → 0" in html and "3 → 1" in html
    assert client.get(reverse("planner:compare"), {"a": "x"}).status_code == 400
    assert client.get(reverse("planner:compare"), {"a": a.pk, "b": 999999}).status_code == 404


def test_forecast_page_shows_retirements_and_movements_ending(client, world):
    client.force_login(world.official)
    # Hòa Xuân: one land officer retiring in three months (born so the age is reached then).
    officer = f.staff(
        world.y, world.land, name="Bùi Văn Hưu", birth_date=retiring_in(month_ends(TODAY, 12), (3, 4, 2))[1]
    )
    r = client.get(reverse("planner:forecast"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Bùi Văn Hưu" in html
    assert officer.full_name in html
    assert client.get(reverse("planner:forecast"), {"start": "99/99/2026"}).status_code == 400
    assert client.get(reverse("planner:forecast"), {"province": "zz"}).status_code == 400


def test_query_counts_do_not_grow_with_data(client, world):
    client.force_login(world.official)
    urls = lambda run: [  # noqa: E731
        reverse("planner:plan-planner", args=[world.plan.pk]),
        run.get_absolute_url(),
        reverse("planner:forecast"),
    ]
    run = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    before = []
    for url in urls(run):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        before.append(len(ctx))
    # More communes short, more people, more runs.
    for i in range(5):
        c = f.unit(f"Xã Mới {i}")
        f.quota(c, world.land, 3)
        f.staff(world.dept, world.land, major_field=world.land)
    run = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    after = []
    for url in urls(run):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        after.append(len(ctx))
    assert after == before
    assert max(after) <= 30


def test_other_roles_do_not_see_the_planner(client, world):
    client.force_login(f.user(Role.DEPARTMENT_OFFICER, unit=world.dept))
    assert client.get(reverse("planner:plan-planner", args=[world.plan.pk])).status_code == 403
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, prov=f.province("48", "Thành phố Đà Nẵng")))
    assert client.get(reverse("planner:plan-planner", args=[world.plan.pk])).status_code == 404
