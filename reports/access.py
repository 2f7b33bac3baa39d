"""Who may open which report: the role decides 403, the scope decides 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role
from accounts.scoping import for_user
from communes.models import PROVINCIAL_KINDS, Province, Unit

PROVINCE_REPORT_ROLES = (Role.PROVINCE_OFFICIAL, Role.NATIONAL_VIEWER, Role.API_CLIENT)
NATIONAL_REPORT_ROLES = (Role.NATIONAL_VIEWER, Role.API_CLIENT)
DEPARTMENT_REPORT_ROLES = (Role.PROVINCE_OFFICIAL, Role.NATIONAL_VIEWER, Role.API_CLIENT, Role.DEPARTMENT_OFFICER)


def _require_role(user, roles):
    if not user.is_authenticated:
        raise PermissionDenied
    if not (user.is_superuser or user.role in roles):
        raise PermissionDenied


def can_see_province_reports(user):
    return user.is_authenticated and (user.is_superuser or user.role in PROVINCE_REPORT_ROLES)


def can_see_national_report(user):
    return user.is_authenticated and (user.is_superuser or user.role in NATIONAL_REPORT_ROLES)


def province_for(user, code) -> Province:
    """The province ``code`` if the user may read its reports (403 by role, 404 out of scope)."""
    _require_role(user, PROVINCE_REPORT_ROLES)
    province = for_user(Province.objects.filter(code=code), user).first()
    if province is None:
        raise Http404
    return province


def require_national(user):
    _require_role(user, NATIONAL_REPORT_ROLES)


def department_for(user, code) -> Unit:
    """The department or public service unit ``code`` within the user's scope."""
    _require_role(user, DEPARTMENT_REPORT_ROLES)
    unit = for_user(Unit.objects.filter(code=code, kind__in=PROVINCIAL_KINDS), user).select_related("province").first()
    if unit is None:
        raise Http404
    return unit
