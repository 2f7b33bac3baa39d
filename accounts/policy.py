"""Who may decide what: every role decision in one place.

``may(user, action, obj)`` answers whether ``user`` may take ``action`` on ``obj`` (a unit, a
person, a movement …); ``refusal(user, action, obj)`` gives the message shown when they may not.
Scope (which rows a user sees at all) is ``accounts.scoping.for_user``; this module decides what a
role may do with a row it sees.
"""

from django.utils.translation import gettext_lazy as _

from accounts.models import Role


def is_province_official(user, province_id=None) -> bool:
    """A superuser, or a province official (of ``province_id`` when given)."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.role == Role.PROVINCE_OFFICIAL and (province_id is None or user.province_id == province_id)


# action -> (test(user, obj), refusal message)
RULES = {
    "placement.correct": (
        lambda user, unit: is_province_official(user, unit.province_id if unit is not None else None),
        _("Only a province official can record a back-dated correction."),
    ),
    # The planner: a province official of the province runs it and accepts its moves; anyone who
    # reads the province's plans reads its runs (scope decides which).
    "planner.run": (
        lambda user, province: is_province_official(user, province.pk if province is not None else None),
        _("Only a province official can run the planner."),
    ),
    "planner.accept": (
        lambda user, run: is_province_official(user, run.province_id if run is not None else None),
        _("Only a province official can accept the planner's moves."),
    ),
    "planner.view": (
        lambda user, province: (
            bool(user and user.is_authenticated)
            and (
                user.is_superuser
                or user.role in (Role.NATIONAL_VIEWER, Role.API_CLIENT)
                or is_province_official(user, province.pk if province is not None else None)
            )
        ),
        _("Only province officials and national viewers see the planner."),
    ),
}


def may(user, action, obj=None) -> bool:
    test, _message = RULES[action]
    return bool(test(user, obj))


def refusal(user, action, obj=None):
    """The message refusing ``action`` to ``user`` on ``obj``; None if they may."""
    test, message = RULES[action]
    return None if test(user, obj) else message
