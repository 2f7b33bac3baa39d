"""Errors under /api/ answer JSON; junk in a URL answers 404 (or 400), never 500; the schema declares
every operation's error statuses and bodies."""

import pytest
from django.db import connection
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, prov=f.province()))
    return client


def json_error(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_unknown_api_urls_and_malformed_ids_answer_json_404(api):
    assert json_error(api.get("/api/v1/nothing-here/"), 404) == {"detail": "Not found."}
    assert json_error(api.get("/api/v1/staff/abc/"), 404) == {"detail": "Not found."}
    assert json_error(api.get("/api/v1/plans/abc/progress/"), 404) == {"detail": "Not found."}
    assert json_error(api.get("/api/v1/reports/exports/abc/"), 404) == {"detail": "Not found."}
    assert json_error(api.get("/api/v1/staff/99999999999999999999/"), 404)["detail"]


@pytest.mark.parametrize("path", ["/units/%00/", "/units/%00/staff/", "/units/a%01b/", "/staff/%00/"])
def test_control_characters_in_page_urls_answer_404(api, path):
    response = api.get(path)
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/api/v1/units/%00/", "/api/v1/reports/provinces/%00/", "/api/v1/staff/1%0A/"])
def test_control_characters_in_api_urls_answer_json_404(api, path):
    assert json_error(api.get(path), 404) == {"detail": "Not found."}


def test_nul_in_a_query_parameter_is_a_bad_request(api):
    body = json_error(api.get("/api/v1/staff/", {"q": "a\x00b"}), 400)
    assert body == {"detail": "The request holds a character that is not allowed (NUL)."}
    page = api.get("/units/", {"q": "\x00"})
    assert page.status_code == 400
    assert page.content.decode() == "The request holds a character that is not allowed (NUL)."


def test_server_errors_under_the_api_answer_json(settings):
    settings.ROOT_URLCONF = "tests.config.urls_failing"
    client = Client(raise_request_exception=False)
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    assert json_error(client.get("/api/v1/boom/"), 500) == {"detail": "Server error."}
    page = client.get("/boom/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_a_django_validation_error_in_an_api_view_is_a_400(settings):
    settings.ROOT_URLCONF = "tests.config.urls_failing"
    client = Client()
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    assert json_error(client.get("/api/v1/rule/"), 400) == {"non_field_errors": ["A rule says no."]}


def test_unauthenticated_api_calls_answer_json_401(client):
    body = json_error(client.get("/api/v1/staff/"), 401)
    assert body == {"detail": "Authentication credentials were not provided."}


def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def test_every_operation_declares_its_errors_with_json_bodies():
    result = schema()
    components = result["components"]["schemas"]
    assert components["Error"]["required"] == ["detail"]
    assert components["ValidationError"]["additionalProperties"] == {}
    operations = [
        (path, method, op)
        for path, item in result["paths"].items()
        for method, op in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(operations) > 40
    for path, method, op in operations:
        responses = op["responses"]
        for status in ("401", "403", "404", "406", "429"):
            assert status in responses, (path, method, status)
        for status, response in responses.items():
            if status.startswith("4") and status != "414":
                assert list(response["content"]) == ["application/json"], (path, method, status)
        assert responses["429"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
        has_query = any(p["in"] == "query" for p in op.get("parameters", []))
        # 414 comes from the HTTP server in front of Django, in its own format.
        assert ("414" in responses) == has_query and "content" not in responses.get("414", {})
        if has_query or "requestBody" in op:
            assert responses["400"]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/ValidationError"
            }, (path, method)
        if "requestBody" in op:
            assert "415" in responses, (path, method)


def test_views_keep_their_own_statuses():
    paths = schema()["paths"]
    patch = paths["/api/v1/staff/{id}/"]["patch"]["responses"]
    assert {"409", "412", "428"} <= set(patch)
    assert patch["412"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    # A workbook endpoint's errors are JSON only.
    national = paths["/api/v1/reports/national/"]["get"]["responses"]
    assert set(national["200"]["content"]) == {
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert set(national["403"]["content"]) == {"application/json"}


def test_a_number_too_large_for_the_database_is_a_bad_request(api):
    response = api.get("/api/v1/units/", {"parent": "1e40"})
    if connection.vendor == "sqlite":  # SQLite cannot hold the integer: refused
        assert json_error(response, 400) == {"detail": ["A number in the request is too large."]}
    else:  # PostgreSQL compares it as a number: no unit has that parent
        assert response.status_code == 200 and response.json()["count"] == 0
