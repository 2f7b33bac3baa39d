"""Test settings: fast hashing, in-memory email, immediate tasks."""

import os

from .base import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# Several suites may run at once against one PostgreSQL server: give each run its own database.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
    if os.environ.get("TEST_REPLICA"):
        # A read replica, as production may have one: it mirrors the test database, so the report
        # pages run through the router (config/routers.py) and tests/config/test_replica.py sees
        # where reads went. CI runs that module with TEST_REPLICA=1.
        DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405

# Lockout and throttling are switched on by the tests that exercise them (the test client's
# login() passes no request, which the lockout backend needs).
AXES_ENABLED = False
REST_FRAMEWORK = {  # noqa: F405
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None, "token": None},
}

# Tests assert the English msgids; tests of the Vietnamese interface switch language explicitly.
LANGUAGE_CODE = "en"
