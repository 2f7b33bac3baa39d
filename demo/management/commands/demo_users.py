from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.builder import DemoError, resolve_provinces
from demo.users import DemoUsersError, demo_users_create


class Command(BaseCommand):
    help = "Create or reset one demo user per role for a province (plus the “admin” superuser) and print them."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="GSO province code, e.g. 66.")

    def handle(self, *args, province, **options):
        if settings.ENVIRONMENT == "production":
            raise CommandError(
                _("demo_users makes accounts with published passwords: it does not run under production settings.")
            )
        try:
            provinces = resolve_provinces(province)
            if len(provinces) != 1:
                raise DemoError(_("Choose one province for the demo users."))
            users = demo_users_create(province=provinces[0])
        except (DemoError, DemoUsersError) as exc:
            raise CommandError(str(exc)) from exc
        header = (_("User name"), _("Role"), _("Unit"), _("Password"))
        rows = [(u.user.username, u.role_label, u.where, u.password) for u in users]
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(4)]
        for row in [header, *rows]:
            self.stdout.write("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
        for u in users:
            if u.token:
                self.stdout.write(_("API token of %(user)s: %(token)s") % {"user": u.user.username, "token": u.token})
