"""The planner over the API: run, result, accept, forecast; bad input; the schema documents it."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command

from accounts.models import Role
from planner.models import PlannerRun
from secondments.models import Secondment
from tests import factories as f
from tests.planner.worlds import START, TODAY

pytestmark = pytest.mark.django_db


def post(client, url, data):
    return client.post(url, data=json.dumps(data), content_type="application/json")


def test_run_result_accept_over_the_api(client, world):
    client.force_login(world.official)
    r = post(client, "/api/v1/planner/runs/", {"plan": world.plan.pk, "start_date": START.isoformat()})
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "done"
    moves = body["result"]["moves"]
    assert {m["person"] for m in moves} == {world.a.pk, world.b.pk, world.e.pk}
    assert all(m["reason"] for m in moves)
    assert body["result"]["stats"]["objective"] == 9.0
    run_id = body["id"]
    got = client.get(f"/api/v1/planner/runs/{run_id}/").json()
    assert got["result"]["cells"] == body["result"]["cells"]
    r = post(client, f"/api/v1/planner/runs/{run_id}/accept/", {"moves": [0, 1]})
    assert r.status_code == 200, r.content
    assert len(r.json()["created"]) == 2
    r = post(client, f"/api/v1/planner/runs/{run_id}/accept/", {})
    assert len(r.json()["created"]) == 1
    r = post(client, f"/api/v1/planner/runs/{run_id}/accept/", {})
    assert r.json()["created"] == []
    assert Secondment.objects.count() == 3
    listed = client.get("/api/v1/planner/runs/").json()
    assert [x["id"] for x in listed["results"]] == [run_id]


@pytest.mark.parametrize(
    "data, key",
    [
        ({"start_date": "2026-01-01"}, "plan"),
        ({"plan": "x", "start_date": "2026-01-01"}, "plan"),
        ({"start_date": "01/01/2026"}, "start_date"),
        ({"duration_days": 0}, "duration_days"),
        ({"priority_weight": "abc"}, "priority_weight"),
        ({"department_kind": "transfer"}, "department_kind"),
        ({"fields": [999999]}, "fields"),
        ({"start_date": (TODAY + timedelta(days=4000)).isoformat()}, "start_date"),
    ],
)
def test_bad_run_input_is_a_400_and_nothing_runs(client, world, data, key):
    client.force_login(world.official)
    payload = {"plan": world.plan.pk, "start_date": START.isoformat(), **data}
    if "plan" not in data and key == "plan":
        payload.pop("plan")
    r = post(client, "/api/v1/planner/runs/", payload)
    assert r.status_code == 400, r.content
    assert key in r.json()
    assert PlannerRun.objects.count() == 0


@pytest.mark.parametrize("moves", [[99], ["x"], [], "all"])
def test_bad_accept_input_is_a_400(client, world, moves):
    client.force_login(world.official)
    run = post(client, "/api/v1/planner/runs/", {"plan": world.plan.pk, "start_date": START.isoformat()}).json()
    r = post(client, f"/api/v1/planner/runs/{run['id']}/accept/", {"moves": moves})
    assert r.status_code == 400
    assert Secondment.objects.count() == 0


def test_forecast_api(client, world):
    client.force_login(world.official)
    r = client.get("/api/v1/planner/forecast/")
    assert r.status_code == 200
    body = r.json()
    assert len(body["months"]) == 12
    # Ea Kao short 2 and Hòa Xuân short 1 in land all year; Cư Êbur has a surplus.
    assert body["months"][0]["coverage_shortage"] == 3
    assert {(c["unit"], c["now"]) for c in body["cells"]} == {("66001", 2), ("66002", 1)}
    assert client.get("/api/v1/planner/forecast/", {"start": "2026-99-01"}).status_code == 400
    assert client.get("/api/v1/planner/forecast/", {"province": "zz"}).status_code == 400


def test_other_roles_over_the_api(client, world):
    client.force_login(f.user(Role.DEPARTMENT_OFFICER, unit=world.dept))
    r = post(client, "/api/v1/planner/runs/", {"plan": world.plan.pk, "start_date": START.isoformat()})
    assert r.status_code == 403
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    r = post(client, "/api/v1/planner/runs/", {"plan": world.plan.pk, "start_date": START.isoformat()})
    assert r.status_code == 403
    assert PlannerRun.objects.count() == 0


def test_schema_documents_the_planner(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/planner/runs/", "/api/v1/planner/runs/{id}/accept/", "/api/v1/planner/forecast/"):
        assert path in text
