"""The hourly scheduled work, in one place (a systemd timer runs it: deploy/bienche-scheduled.timer).

1. Movements: start the approved ones whose day has come, complete the ended ones
   (``advance_movements``).
2. Export jobs, background imports and planner runs: mark failed the ones whose worker died or
   that overran their time limit.
3. Retention: delete old export files, abandoned uploads and audit entries past their periods.
4. Summary: on a new day, rebuild today's headcount summary (``refresh_summary --if-stale``);
   until then the national page and the dashboards compute today's figures live.

A step that fails is reported and the others still run; the command then exits with an error.
"""

import logging

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from maintenance.retention import retention_run
from planner.services import planner_runs_recover
from reports.tasks import export_jobs_recover
from staffing.imports import import_jobs_recover

logger = logging.getLogger(__name__)

STEPS = ("movements", "summary", "jobs", "retention")


class Command(BaseCommand):
    help = "Run the scheduled work: movement transitions, stale export and import jobs, retention."

    def add_arguments(self, parser):
        parser.add_argument("--only", choices=STEPS, action="append", help="Run only this step (repeatable).")

    def handle(self, *args, only=None, **options):
        failed = []
        for step in only or STEPS:
            try:
                getattr(self, f"step_{step}")()
            except Exception:
                logger.exception("Scheduled step %s failed", step)
                failed.append(step)
        if failed:
            raise CommandError(f"Scheduled steps failed: {', '.join(failed)}")

    def step_movements(self):
        call_command("advance_movements", stdout=self.stdout, stderr=self.stderr)

    def step_summary(self):
        call_command("refresh_summary", "--if-stale", stdout=self.stdout, stderr=self.stderr)

    def step_jobs(self):
        self.stdout.write(f"export jobs marked failed: {export_jobs_recover()}")
        self.stdout.write(f"import jobs marked failed: {import_jobs_recover()}")
        self.stdout.write(f"planner runs marked failed: {planner_runs_recover()}")

    def step_retention(self):
        for kind, n in retention_run(timezone.now()).items():
            self.stdout.write(f"{kind} deleted: {n}")
