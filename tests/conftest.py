import os

import pytest

from accounts.models import Role
from tests import factories

# Playwright's sync API runs an event loop in the test thread; Django's database calls from the
# live-server tests are safe here because each test owns its data.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def login_as(client):
    """``login_as(role, unit=None, prov=None)`` signs a fresh user in on the test client."""

    def _login(role, unit=None, prov=None):
        if role == Role.PROVINCE_OFFICIAL and prov is None and unit is not None:
            prov = unit.province
        u = factories.user(role, unit=unit, prov=prov)
        client.force_login(u)
        return u

    return _login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
