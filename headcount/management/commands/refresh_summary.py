from django.core.management.base import BaseCommand

from headcount import summary


class Command(BaseCommand):
    help = "Rebuild today's headcount summary (per unit × field) from the live records."

    def add_arguments(self, parser):
        parser.add_argument("--if-stale", action="store_true", help="Only when the summary holds another day.")

    def handle(self, *args, if_stale=False, **options):
        from django.utils import timezone

        today = timezone.localdate()
        if if_stale and summary.summary_day() == today:
            self.stdout.write(f"summary holds {today:%d/%m/%Y} already")
            return
        rows = summary.rebuild(today)
        self.stdout.write(f"summary rebuilt for {today:%d/%m/%Y}: {rows} rows")
