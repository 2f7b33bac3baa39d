from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.tokens import api_token_create


class Command(BaseCommand):
    help = "Make a named API token for a user and print its key (shown once; only a hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What the token is for, e.g. the system using it.")
        parser.add_argument("--days", type=int, default=None, help="Days until it expires (default: the setting).")

    def handle(self, *args, username, name, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(_("No active user named %(username)s.") % {"username": username})
        days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
        if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
            raise CommandError(_("A token is valid for at most %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS})
        _token, key = api_token_create(user=user, name=name[:100], days=days)
        self.stdout.write(key)
