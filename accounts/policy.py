"""Who may decide what: every role decision in one place.

``may(user, action, obj)`` answers whether ``user`` may take ``action`` on ``obj`` (a unit, a
person, a movement …); ``refusal(user, action, obj)`` gives the message shown when they may not;
``require(user, action, obj)`` raises ``PermissionDenied`` with that message.
Scope (which rows a user sees at all) is ``accounts.scoping.for_user``; this module decides what a
role may do with a row it sees. ``RULES`` lists every action with its test and refusal message.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from accounts.models import UNIT_ROLES, Role

READ_ONLY_ROLES = (Role.NATIONAL_VIEWER, Role.API_CLIENT)
# Roles that see personal fields (birth date, gender, qualification) without a grant: they keep
# the rosters. Others (national viewers, API clients) need ``User.personal_data_access``.
PERSONAL_DATA_ROLES = (Role.PROVINCE_OFFICIAL, Role.DEPARTMENT_OFFICER, Role.COMMUNE_OFFICER)
PROVINCE_REPORT_ROLES = (Role.PROVINCE_OFFICIAL, Role.NATIONAL_VIEWER, Role.API_CLIENT)
NATIONAL_REPORT_ROLES = (Role.NATIONAL_VIEWER, Role.API_CLIENT)
DEPARTMENT_REPORT_ROLES = (*PROVINCE_REPORT_ROLES, Role.DEPARTMENT_OFFICER)


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def _superuser(user) -> bool:
    return _active(user) and user.is_superuser


def province_of(obj):
    """The province id ``obj`` belongs to (a province, a unit, or a row reaching one); None if none."""
    if obj is None:
        return None
    from communes.models import Province, Unit

    if isinstance(obj, Province):
        return obj.pk
    if isinstance(obj, Unit):
        return obj.province_id
    for name in ("unit", "from_unit", "commune"):
        unit = getattr(obj, name, None)
        if isinstance(unit, Unit):
            return unit.province_id
    return getattr(obj, "province_id", None)


def is_province_official(user, obj=None) -> bool:
    """A superuser, or a province official (of ``obj``'s province when ``obj`` is given).

    ``obj`` is a province, a unit, a row reaching a unit (quota, movement, request), or a
    province id. This is the one definition of "province official" in the project.
    """
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.role != Role.PROVINCE_OFFICIAL or user.province_id is None:
        return False
    if obj is None:
        return True
    province_id = obj if isinstance(obj, int) else province_of(obj)
    return province_id is not None and user.province_id == province_id


def has_role(user, *roles) -> bool:
    return _active(user) and (user.is_superuser or user.role in roles)


def _unit_officer_of(user, unit, *, roles=UNIT_ROLES) -> bool:
    """A unit officer whose unit is ``unit`` or its parent (a department over its service units)."""
    return _active(user) and user.role in roles and unit is not None and user.unit_id in (unit.pk, unit.parent_id)


def _writes(user, _obj=None) -> bool:
    return _active(user) and (user.is_superuser or user.role not in READ_ONLY_ROLES)


def _edits(user, obj) -> bool:
    from accounts.scoping import can_see

    return _writes(user) and (obj is None or can_see(user, obj))


def _nominates(user, unit) -> bool:
    if unit is None:
        return has_role(user, Role.DEPARTMENT_OFFICER, Role.PROVINCE_OFFICIAL)
    return is_province_official(user, unit) or _unit_officer_of(user, unit, roles=(Role.DEPARTMENT_OFFICER,))


def _requests_staff(user, commune) -> bool:
    if _superuser(user):
        return True
    if not (_active(user) and user.role == Role.COMMUNE_OFFICER and user.unit_id):
        return False
    if commune is None:
        return user.unit.is_commune_level
    return user.unit_id == commune.pk


def _requests_quota(user, unit) -> bool:
    """A unit officer for its own unit (a department officer also for the units under it)."""
    if unit is None:
        return _active(user) and user.role in UNIT_ROLES and user.unit_id is not None
    return _unit_officer_of(user, unit)


def _manages_user(user, target) -> bool:
    if not _active(user):
        return False
    if target is None:
        return is_province_official(user)
    if target.pk == user.pk:
        return False
    if user.is_superuser:
        return True
    return is_province_official(user) and not target.is_superuser and target.province_id == user.province_id


def _personal(user, _obj=None) -> bool:
    return _active(user) and (
        user.is_superuser or user.role in PERSONAL_DATA_ROLES or getattr(user, "personal_data_access", False)
    )


def _movement_province(m):
    """The sending unit: the province and department that decide on a movement."""
    return m.from_unit if m is not None else None


def _decides_movement(user, m) -> bool:
    return is_province_official(user, _movement_province(m))


# action -> (test(user, obj), refusal message)
RULES = {
    # Web pages and data writes in general
    "web.use": (
        lambda user, _o: not _active(user) or user.is_superuser or user.role != Role.API_CLIENT,
        _("This is an API client account: it reads the API with a token and cannot sign in to the web pages."),
    ),
    "data.write": (_writes, _("Your role only reads data.")),
    # The roster
    "staff.edit": (_edits, _("You may not change the roster of this unit.")),
    "staff.view_personal": (_personal, _("Your account is not granted access to personal data.")),
    "placement.correct": (
        lambda user, unit: is_province_official(user, unit),
        _("Only a province official can record a back-dated correction."),
    ),
    "placement.change_unit": (
        lambda user, _o: _writes(user) and not (user.role in UNIT_ROLES and not user.is_superuser),
        _("A unit officer cannot move a person to another unit; use a movement."),
    ),
    "catalogue.import": (
        lambda user, _o: has_role(user, Role.PROVINCE_OFFICIAL),
        _("Only a province official can load the position catalogue."),
    ),
    # Quotas: decided by the province; units request
    "quota.decide": (
        lambda user, obj: is_province_official(user, obj),
        _("Only a province official records quota decisions; a unit submits a quota request."),
    ),
    "quota.request": (
        _requests_quota,
        _("Only the unit's own officer can submit a quota request for it."),
    ),
    "quota_request.decide": (
        lambda user, r: is_province_official(user, r),
        _("Only a province official can accept or reject quota requests."),
    ),
    "quota.pool": (
        lambda user, province: is_province_official(user, province),
        _("Only a province official records the province's allocation from the central level."),
    ),
    # Movements and plans
    "plan.manage": (
        lambda user, obj: is_province_official(user, obj),
        _("Only a province official can create or change plans."),
    ),
    "plan.sending_quota": (
        lambda user, plan: is_province_official(user, plan),
        _("Only a province official can set sending quotas."),
    ),
    "movement.nominate": (
        _nominates,
        _("Only department officers and province officials nominate staff."),
    ),
    "movement.propose": (
        lambda user, m: _nominates(user, _movement_province(m)),
        _("Only the sending unit's department officer or a province official can propose this movement."),
    ),
    "movement.confirm_arrival": (
        lambda user, m: (
            _superuser(user) or (_active(user) and user.role in UNIT_ROLES and user.unit_id == m.to_unit_id)
        ),
        _("Only the receiving unit's officer can confirm arrival."),
    ),
    "movement.approve": (
        _decides_movement,
        _("Only a province official can approve movements."),
    ),
    "movement.extend": (
        _decides_movement,
        _("Only a province official can extend movements."),
    ),
    "movement.end": (
        _decides_movement,
        _("Only a province official can end movements."),
    ),
    "movement.cancel": (
        _decides_movement,
        _("Only a province official can cancel movements."),
    ),
    "staff_request.create": (_requests_staff, _("Only the commune's officer can request staff for it.")),
    "staff_request.fulfil": (
        lambda user, r: is_province_official(user, r),
        _("Only a province official can fulfil staff requests."),
    ),
    # Reports, exports, documents
    "report.province": (
        lambda user, _o: has_role(user, *PROVINCE_REPORT_ROLES),
        _("Your role does not read province reports."),
    ),
    "report.national": (
        lambda user, _o: has_role(user, *NATIONAL_REPORT_ROLES),
        _("Only national viewers read the national report."),
    ),
    "report.department": (
        lambda user, _o: has_role(user, *DEPARTMENT_REPORT_ROLES),
        _("Your role does not read department reports."),
    ),
    "export.download": (
        lambda user, job: _active(user) and job is not None and job.owner_id == user.pk,
        _("Only the person who asked for an export can download it."),
    ),
    "document.manage": (
        lambda user, _o: _active(user) and user.province_id is not None and is_province_official(user),
        _("Only a province official can manage the province's documents."),
    ),
    # Accounts and the audit log
    "audit.view": (
        lambda user, _o: _superuser(user) or (is_province_official(user) and user.province_id is not None),
        _("Only a province official can read the audit log."),
    ),
    "user.manage": (
        lambda user, _o: _superuser(user) or (is_province_official(user) and user.province_id is not None),
        _("Only a province official or an administrator looks after users."),
    ),
    "user.reset_password": (_manages_user, _("You may not reset this user's password.")),
    "token.create_for": (
        lambda user, target: target is not None and target.role == Role.API_CLIENT and _manages_user(user, target),
        _("API tokens are made for API client accounts only."),
    ),
    # The planner: a province official of the province runs it and accepts its moves; anyone who
    # reads the province's plans reads its runs (scope decides which).
    "planner.run": (
        lambda user, province: is_province_official(user, province),
        _("Only a province official can run the planner."),
    ),
    "planner.accept": (
        lambda user, run: is_province_official(user, run),
        _("Only a province official can accept the planner's moves."),
    ),
    "planner.view": (
        lambda user, province: (
            bool(user and user.is_authenticated)
            and (
                user.is_superuser
                or user.role in (Role.NATIONAL_VIEWER, Role.API_CLIENT)
                or is_province_official(user, province)
            )
        ),
        _("Only province officials and national viewers see the planner."),
    ),
    "alias.province": (
        lambda user, province: is_province_official(user, province),
        _("Only a province official can say what a value means for the whole province."),
    ),
}


def may(user, action, obj=None) -> bool:
    test, _message = RULES[action]
    return bool(test(user, obj))


def refusal(user, action, obj=None):
    """The message refusing ``action`` to ``user`` on ``obj``; None if they may."""
    test, message = RULES[action]
    return None if test(user, obj) else message


def require(user, action, obj=None):
    """Raise ``PermissionDenied`` with the refusal message unless ``user`` may take ``action``."""
    message = refusal(user, action, obj)
    if message is not None:
        raise PermissionDenied(message)
