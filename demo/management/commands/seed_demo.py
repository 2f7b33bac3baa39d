import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.builder import DemoError, demo_seed, parse_seed, resolve_provinces
from headcount import summary


class Command(BaseCommand):
    help = (
        "Build deterministic demo data for a province (departments, quotas, staff with their placement history "
        "and absences, a plan and movements), "
        "or for every province with --province all. Replaces what an earlier run built. Needs load_units first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="GSO province code (e.g. 66, 01 or 1), or “all”.")
        parser.add_argument(
            "--seed", default="1", help="Random seed (0 to 2147483647); the same seed gives the same data."
        )

    def handle(self, *args, province, seed, **options):
        started = time.monotonic()
        try:
            seed = parse_seed(seed)
            provinces = resolve_provinces(province)
        except DemoError as exc:
            raise CommandError(str(exc)) from exc
        stats = demo_seed(provinces=provinces, seed=seed)
        # The builder writes in bulk (no signals): today's headcount summary is rebuilt from it.
        summary.rebuild()
        for s in stats:
            self.stdout.write(
                _(
                    "%(name)s: %(communes)s communes, %(agencies)s departments and public service units, "
                    "%(staff)s staff (%(assignments)s placements, %(absences)s absences), %(quotas)s quotas, "
                    "%(movements)s movements (%(seconds).1f s)."
                )
                % {
                    "name": s.name,
                    "communes": sum(n for k, n in s.units.items() if k not in ("department", "public_service_unit")),
                    "agencies": s.units["department"] + s.units["public_service_unit"],
                    "staff": s.staff,
                    "assignments": s.assignments,
                    "absences": s.absences,
                    "quotas": s.quotas,
                    "movements": s.movements.total(),
                    "seconds": s.seconds,
                }
            )
        if len(stats) > 1:
            self.stdout.write(
                _("Total: %(provinces)s provinces, %(staff)s staff, %(quotas)s quotas, %(movements)s movements.")
                % {
                    "provinces": len(stats),
                    "staff": sum(s.staff for s in stats),
                    "quotas": sum(s.quotas for s in stats),
                    "movements": sum(s.movements.total() for s in stats),
                }
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("Demo data ready (seed %(seed)s) in %(seconds).1f s.")
                % {"seed": seed, "seconds": time.monotonic() - started}
            )
        )
