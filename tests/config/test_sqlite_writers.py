"""The demo runs on SQLite: two processes writing at once wait for each other instead of failing
with "database is locked" (immediate transactions and a busy timeout, config/settings/base.py)."""

import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite demo's settings"),
    pytest.mark.django_db,
]


def wrapper(path):
    return DatabaseWrapper({**settings.DATABASES["default"], "NAME": str(path), "TEST": {}}, alias="writer")


def test_the_second_writer_waits_for_the_first(tmp_path):
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 5
    path = tmp_path / "demo.sqlite3"
    first = wrapper(path)
    with first.cursor() as c:
        c.execute("CREATE TABLE t (n INTEGER)")
    done = []

    def write_later():
        second = wrapper(path)  # a connection belongs to its thread, as a second process's would
        second.set_autocommit(False)  # BEGIN IMMEDIATE: waits while the first holds the lock
        with second.cursor() as c:
            c.execute("INSERT INTO t VALUES (2)")
        second.commit()
        done.append(time.monotonic())
        second.close()

    first.set_autocommit(False)
    with first.cursor() as c:
        c.execute("INSERT INTO t VALUES (1)")
    other = threading.Thread(target=write_later)
    other.start()
    time.sleep(0.5)  # the second writer is now waiting for the lock
    released = time.monotonic()
    first.commit()
    other.join(10)
    assert done and done[0] >= released  # it waited, then wrote
    with first.cursor() as c:
        c.execute("SELECT n FROM t ORDER BY n")
        assert [r[0] for r in c.fetchall()] == [1, 2]
    first.close()
