"""Who may open or use the planner: every page and endpoint × every role.

Province officials of the province run the planner and accept its moves; national viewers and
API clients read runs and the forecast; department and commune officers see none of it (403).
"""

import json

import pytest
from django.urls import reverse

from accounts.models import Role
from planner.services import run_create
from tests import factories as f
from tests.planner.worlds import START

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "national_viewer", "province_official", "department_officer", "commune_officer", "api_client"]


def _run_post(w, o):
    return {
        "start_date": START.strftime("%d/%m/%Y"),
        "priority_weight": "2",
        "disadvantaged_weight": "1",
        "border_weight": "0",
        "priority_field_weight": "0",
        "department_kind": "secondment",
        "commune_kind": "transfer",
        "duration_days": "90",
    }


CASES = {
    "page planner": (
        "get",
        lambda w, o: reverse("planner:plan-planner", args=[w.plan.pk]),
        None,
        [302, 200, 200, 403, 403, 200],
    ),
    "page planner run (post)": (
        "post",
        lambda w, o: reverse("planner:plan-planner", args=[w.plan.pk]),
        _run_post,
        [302, 403, 302, 403, 403, 403],
    ),
    "page run": (
        "get",
        lambda w, o: reverse("planner:run-detail", args=[o["run"].pk]),
        None,
        [302, 200, 200, 403, 403, 200],
    ),
    "page run status": (
        "get",
        lambda w, o: reverse("planner:run-status", args=[o["run"].pk]),
        None,
        [302, 200, 200, 403, 403, 200],
    ),
    "page run accept (post)": (
        "post",
        lambda w, o: reverse("planner:run-accept", args=[o["run"].pk]),
        lambda w, o: {"all": "1"},
        [302, 403, 302, 403, 403, 403],
    ),
    "page compare": (
        "get",
        lambda w, o: reverse("planner:compare") + f"?a={o['run'].pk}&b={o['run'].pk}",
        None,
        [302, 200, 200, 403, 403, 200],
    ),
    "page forecast": ("get", lambda w, o: reverse("planner:forecast"), None, [302, 200, 200, 403, 403, 200]),
    "api run (post)": (
        "post",
        lambda w, o: "/api/v1/planner/runs/",
        lambda w, o: {"plan": w.plan.pk, "start_date": START.isoformat()},
        [401, 403, 201, 403, 403, 403],
    ),
    "api run": ("get", lambda w, o: f"/api/v1/planner/runs/{o['run'].pk}/", None, [401, 200, 200, 403, 403, 200]),
    "api runs": ("get", lambda w, o: "/api/v1/planner/runs/", None, [401, 200, 200, 403, 403, 200]),
    "api accept (post)": (
        "post",
        lambda w, o: f"/api/v1/planner/runs/{o['run'].pk}/accept/",
        lambda w, o: {"moves": [0]},
        [401, 403, 200, 403, 403, 403],
    ),
    "api forecast": (
        "get",
        lambda w, o: "/api/v1/planner/forecast/?province=66",
        None,
        [401, 200, 200, 403, 403, 200],
    ),
    "api forecast other province": (
        "get",
        lambda w, o: "/api/v1/planner/forecast/?province=48",
        None,
        [401, 200, 400, 400, 400, 400],
    ),
}


def _user(w, role):
    if role == Role.DEPARTMENT_OFFICER:
        return f.user(role, unit=w.dept)
    if role == Role.COMMUNE_OFFICER:
        return f.user(role, unit=w.x)
    if role in (Role.PROVINCE_OFFICIAL, Role.API_CLIENT):
        return f.user(role, prov=w.province)
    return f.user(role)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", list(CASES))
def test_planner_permission_matrix(client, world, case, role):
    f.province("48", "Thành phố Đà Nẵng")
    objects = {
        "run": run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    }
    if role != "anonymous":
        client.force_login(_user(world, role))
    method, url, data, expected = CASES[case]
    target = url(world, objects)
    payload = data(world, objects) if data else None
    if target.startswith("/api/"):
        kwargs = {"content_type": "application/json", "data": json.dumps(payload)} if payload is not None else {}
        response = getattr(client, method)(target, **kwargs)
    else:
        response = getattr(client, method)(target, payload or {})
    assert response.status_code == expected[ROLES.index(role)], getattr(response, "content", b"")[:400]
