import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(client):
    """Messages are asserted by their English text, whatever Vietnamese catalogue is compiled."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield
