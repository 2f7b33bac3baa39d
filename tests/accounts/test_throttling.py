"""API throttling: over its rate a client gets 429 with Retry-After; tokens are limited per token,
people on the web session per account, anonymous callers per address."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates(settings):
    def set_rates(**rates):
        settings.REST_FRAMEWORK = {
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None, **rates},
        }
        cache.clear()

    yield set_rates
    cache.clear()


def token_client(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_token_over_its_rate_gets_429_with_retry_after(rates):
    rates(token="3/min")
    user = f.user(Role.API_CLIENT)
    first, second = f.api_key(user, name="BI"), f.api_key(user, name="Portal")
    client = token_client(first)
    assert [client.get("/api/v1/fields/").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get("/api/v1/fields/")
    assert refused.status_code == 429
    assert refused.json()["detail"].startswith("Request was throttled.")
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Each token has its own allowance.
    assert token_client(second).get("/api/v1/fields/").status_code == 200


def test_a_signed_in_user_is_limited_per_account(rates, client):
    rates(user="2/min")
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    assert [client.get("/api/v1/units/").status_code for _ in range(3)] == [200, 200, 429]
    assert int(client.get("/api/v1/units/")["Retry-After"]) > 0
    other = APIClient()
    other.force_login(f.user(Role.NATIONAL_VIEWER))
    assert other.get("/api/v1/units/").status_code == 200


def test_anonymous_callers_are_limited_per_address(rates):
    rates(anon="2/min")
    client = APIClient()
    assert [client.get("/api/v1/docs/").status_code for _ in range(3)] == [200, 200, 429]
    assert APIClient(REMOTE_ADDR="10.9.9.9").get("/api/v1/docs/").status_code == 200


def test_no_rate_means_no_limit(rates):
    rates()
    client = token_client(f.api_key(f.user(Role.API_CLIENT)))
    assert {client.get("/api/v1/fields/").status_code for _ in range(20)} == {200}
