"""Demo accounts: one user per role for a demo province, with known passwords and an API token."""

from dataclasses import dataclass

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Role, User
from accounts.tokens import api_token_create, api_token_revoke
from communes.models import Unit, UnitKind
from headcount.rules import View, summarize_by
from headcount.selectors import headcount_rows

DEMO_PASSWORD = "BienChe.Demo.2025"
DEMO_TOKEN_NAME = "Demo"
ADMIN_PASSWORD = "BienChe.Admin.2025"


class DemoUsersError(Exception):
    """The province is unknown or has no demo data to attach unit officers to."""


@dataclass
class DemoUser:
    user: User
    password: str
    token: str = ""

    @property
    def role_label(self):
        return _("Superuser") if self.user.is_superuser else self.user.get_role_display()

    @property
    def where(self):
        return str(self.user.unit or self.user.province or _("whole country"))


def commune_with_largest_shortage(province, as_of=None):
    """The commune of ``province`` with the largest gross shortage today (lowest code on a tie)."""
    communes = Unit.objects.filter(province=province).communes()
    rows = headcount_rows(units=communes, as_of=as_of or timezone.localdate(), view=View.COVERAGE)
    totals = summarize_by(rows, lambda r: r.unit_id)
    short = {unit_id: t.gross_shortage for unit_id, t in totals.items() if t.gross_shortage > 0}
    if not short:
        return None
    return min(communes.filter(pk__in=short), key=lambda u: (-short[u.pk], u.code))


def _department(province):
    units = Unit.objects.filter(province=province, kind=UnitKind.DEPARTMENT).order_by("code")
    return units.filter(code=f"{province.code}.SNV").first() or units.first()


def _reset(username, password, *, role, province=None, unit=None, first_name="", last_name="", superuser=False):
    user = User.objects.filter(username=username).first() or User(username=username)
    user.role, user.province, user.unit = role, province, unit
    user.first_name, user.last_name = first_name, last_name
    user.is_active, user.is_staff, user.is_superuser = True, superuser, superuser
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return DemoUser(user, password)


@transaction.atomic
def demo_users_create(*, province) -> list:
    """Create or reset the demo users of ``province`` and the "admin" superuser; return them.

    Running it again resets the same users (passwords, roles, units) and replaces the API
    client's demo token (only a hash is stored, so the key is shown when it is made).
    """
    department = _department(province)
    commune = commune_with_largest_shortage(province)
    if department is None or commune is None:
        raise DemoUsersError(
            _("%(province)s has no demo data yet: run “python manage.py seed_demo --province %(code)s” first.")
            % {"province": province.name, "code": province.code}
        )
    code = province.code
    users = [
        _reset("admin", ADMIN_PASSWORD, role=Role.NATIONAL_VIEWER, superuser=True, last_name="Quản trị"),
        _reset("demo_national", DEMO_PASSWORD, role=Role.NATIONAL_VIEWER, first_name="Hà", last_name="Nguyễn Thu"),
        _reset(
            f"demo_province_{code}",
            DEMO_PASSWORD,
            role=Role.PROVINCE_OFFICIAL,
            province=province,
            first_name="Minh",
            last_name="Trần Văn",
        ),
        _reset(
            f"demo_department_{code}",
            DEMO_PASSWORD,
            role=Role.DEPARTMENT_OFFICER,
            province=province,
            unit=department,
            first_name="Hương",
            last_name="Lê Thị",
        ),
        _reset(
            f"demo_commune_{code}",
            DEMO_PASSWORD,
            role=Role.COMMUNE_OFFICER,
            province=province,
            unit=commune,
            first_name="Bhin",
            last_name="Y",
        ),
        _reset(f"demo_api_{code}", DEMO_PASSWORD, role=Role.API_CLIENT, province=province, last_name="API"),
    ]
    api = users[-1]
    for old in ApiToken.objects.filter(user=api.user, name=DEMO_TOKEN_NAME, revoked_at__isnull=True):
        api_token_revoke(token=old)
    api.token = api_token_create(user=api.user, name=DEMO_TOKEN_NAME)[1]
    return users
