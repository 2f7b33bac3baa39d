from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from staffing.catalogue import REFERENCE_DIR, ReferenceError, reference_load


class Command(BaseCommand):
    help = (
        "Load the national professional fields and the default job position catalogue from the versioned "
        "files in staffing/reference/. Adds new codes and updates changed ones; running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory", default=str(REFERENCE_DIR), help="Folder holding fields.csv and positions.csv."
        )
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Also delete fields and positions that are not in the files, unless a record uses them.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Show what would change and change nothing.")

    def handle(self, *args, directory, prune, dry_run, **options):
        try:
            result = reference_load(directory=Path(directory), prune=prune, dry_run=dry_run)
        except ReferenceError as exc:
            raise CommandError("\n".join(str(m) for m in exc.messages)) from exc
        c = result.counts
        self.stdout.write(
            _(
                "Fields (version %(version)s): %(rows)s in the file, %(added)s added, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "version": result.versions["fields"] or "?",
                "rows": c["fields_rows"],
                "added": c["fields_added"],
                "updated": c["fields_updated"],
                "unchanged": c["fields_unchanged"],
            }
        )
        self.stdout.write(
            _(
                "Positions (version %(version)s): %(rows)s in the file, %(added)s added, %(updated)s updated, "
                "%(unchanged)s unchanged."
            )
            % {
                "version": result.versions["positions"] or "?",
                "rows": c["positions_rows"],
                "added": c["positions_added"],
                "updated": c["positions_updated"],
                "unchanged": c["positions_unchanged"],
            }
        )
        if result.aliases.get("rows"):
            self.stdout.write(
                _("Value aliases: %(rows)s in the file, %(added)s added, %(updated)s updated, %(unchanged)s unchanged.")
                % result.aliases
            )
        texts = {
            "fields": (
                _("Fields removed (no longer in the files): %(codes)s."),
                _("Fields kept, not in the files but in use: %(codes)s."),
                _("Fields kept, not in the files (--prune removes those not in use): %(codes)s."),
            ),
            "positions": (
                _("Positions removed (no longer in the files): %(codes)s."),
                _("Positions kept, not in the files but in use: %(codes)s."),
                _("Positions kept, not in the files (--prune removes those not in use): %(codes)s."),
            ),
        }
        for key, (removed, in_use, kept) in texts.items():
            if result.removed.get(key):
                self.stdout.write(removed % {"codes": ", ".join(result.removed[key])})
            if result.kept.get(key):
                self.stdout.write((in_use if prune else kept) % {"codes": ", ".join(result.kept[key])})
        if dry_run:
            self.stdout.write(self.style.WARNING(_("Dry run: nothing was saved.")))
        elif result.changed:
            self.stdout.write(self.style.SUCCESS(_("Reference data loaded.")))
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Nothing changed: the database already matches the reference files."))
            )
