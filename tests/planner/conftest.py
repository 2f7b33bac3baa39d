import pytest
from django.utils import translation

from tests.planner.worlds import World


@pytest.fixture(autouse=True)
def english(client):
    """Messages are asserted by their English text."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return World()
