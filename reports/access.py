"""Who may open which report: the role decides 403, the scope decides 404."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.policy import may
from accounts.scoping import for_user, scope_q
from communes.models import PROVINCIAL_KINDS, Province, Unit
from reports.selectors import with_report_fields


def _require_role(user, action):
    if not may(user, action):
        raise PermissionDenied


def can_see_province_reports(user):
    return may(user, "report.province")


def can_see_national_report(user):
    return may(user, "report.national")


def province_for(user, code) -> Province:
    """The province ``code`` if the user may read its reports (403 by role, 404 out of scope)."""
    _require_role(user, "report.province")
    province = for_user(Province.objects.filter(code=code), user).first()
    if province is None:
        raise Http404
    return province


def province_and_fields(user, code):
    """``province_for`` and the report fields (``report_fields``), in one round trip."""
    _require_role(user, "report.province")
    province, fields = with_report_fields(
        Province,
        ("province by code", scope_q(Province, user)),
        lambda c: for_user(Province.objects.filter(code=c), user),
        str(code),
    )
    if province is None:
        raise Http404
    return province, fields


def require_national(user):
    _require_role(user, "report.national")


def department_for(user, code) -> Unit:
    """The department or public service unit ``code`` within the user's scope."""
    _require_role(user, "report.department")
    unit = for_user(Unit.objects.filter(code=code, kind__in=PROVINCIAL_KINDS), user).select_related("province").first()
    if unit is None:
        raise Http404
    return unit
