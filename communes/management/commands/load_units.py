from collections import Counter

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from communes.models import COMMUNE_LEVEL_KINDS, Province, Unit, UnitKind
from communes.services import units_load_official


class Command(BaseCommand):
    help = "Load the 34 provinces and 3,321 communes, wards and special zones (July 2025) with their GSO codes."

    def handle(self, *args, **options):
        stats = units_load_official()
        kinds = Counter(Unit.objects.filter(kind__in=COMMUNE_LEVEL_KINDS).values_list("kind", flat=True))
        self.stdout.write(
            _(
                "Provinces: %(provinces)s (created %(pc)s, updated %(pu)s). Commune-level units: %(units)s "
                "(created %(uc)s, updated %(uu)s): %(kinds)s."
            )
            % {
                "provinces": Province.objects.count(),
                "pc": stats["provinces_created"],
                "pu": stats["provinces_updated"],
                "units": sum(kinds.values()),
                "uc": stats["units_created"],
                "uu": stats["units_updated"],
                "kinds": ", ".join(f"{UnitKind(k).label} {n}" for k, n in sorted(kinds.items())),
            }
        )
