"""The systemd units in deploy/: each ExecStart names a real management command or an installed
program, and each timer starts a unit that exists."""

import configparser
import shlex
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import get_commands

DEPLOY = Path(settings.BASE_DIR) / "deploy"
APP = "/srv/bienche/app"  # where the units expect the checkout


def units(suffix):
    found = sorted(DEPLOY.glob(f"*.{suffix}"))
    assert found, suffix
    return found


def read(path):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path)
    return parser


def local(program):
    """A path under the expected checkout, as a path in this checkout."""
    assert program.startswith(APP + "/"), program
    relative = program.removeprefix(APP + "/")
    if relative.startswith(".venv/bin/"):
        return Path(sys.prefix) / "bin" / relative.removeprefix(".venv/bin/")
    return Path(settings.BASE_DIR) / relative


@pytest.mark.parametrize("path", units("service"), ids=lambda p: p.name)
def test_every_service_starts_something_real(path):
    service = read(path)["Service"]
    argv = shlex.split(service["ExecStart"])
    program = local(argv[0])
    assert program.exists(), program
    if program.name.startswith("python"):
        assert argv[1] == "manage.py"
        assert argv[2] in get_commands(), f"{path.name}: no management command {argv[2]}"
    elif program.name == "gunicorn":
        assert argv[1] == "config.wsgi"
    else:
        assert program.suffix == ".sh" and program.stat().st_mode & 0o111, f"{path.name}: {program} not executable"
    assert service["WorkingDirectory"] == APP
    assert service["EnvironmentFile"] == "/etc/bienche/bienche.env"


@pytest.mark.parametrize("path", units("timer"), ids=lambda p: p.name)
def test_every_timer_starts_a_unit_that_exists(path):
    timer = read(path)["Timer"]
    assert (DEPLOY / timer["Unit"]).exists()
    assert timer["OnCalendar"]


def test_the_scheduled_work_runs_hourly_and_the_worker_restarts():
    assert read(DEPLOY / "bienche-scheduled.timer")["Timer"]["OnCalendar"] == "hourly"
    worker = read(DEPLOY / "bienche-worker.service")["Service"]
    assert shlex.split(worker["ExecStart"])[1:] == ["manage.py", "db_worker"]
    assert worker["Restart"] == "always"
