from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from secondments.services import advance_movements


class Command(BaseCommand):
    help = (
        "Start approved movements on their start date (applying transfers, or flagging those that cannot be "
        "applied) and complete temporary ones the day after their last day. Safe to run every hour: a second "
        "run changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as of this day (YYYY-MM-DD); defaults to today.")

    def handle(self, *args, today=None, **options):
        try:
            day = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--today must be YYYY-MM-DD, not {today!r}") from exc
        result = advance_movements(today=day)
        self.stdout.write(
            f"{day.isoformat()}: {result['started']} started, {result['completed']} completed, "
            f"{result['flagged']} transfers that cannot be applied"
        )
