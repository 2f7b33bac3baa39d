"""What each user may see and do.

Every queryset shown to a user goes through ``for_user``; every write checks ``can_edit``.
Models declare how they reach a province and a unit in ``scope_paths``:
``{"province": "unit__province", "unit": ["unit"]}`` — the unit paths are OR-ed, so a
movement is visible to both its sending and its receiving unit; ``"self"`` is the unit itself;
``None`` means unit officers see the rows of their whole province (plans, the province).
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from accounts.models import Role


def _unit_q(paths, unit_id):
    q = Q()
    for path in paths:
        prefix = "" if path == "self" else f"{path}__"
        # A department officer also sees the public service units under the department.
        q |= Q(**{f"{prefix}pk": unit_id}) | Q(**{f"{prefix}parent": unit_id})
    return q


def scope_q(model, user):
    """A Q object selecting the rows of ``model`` that ``user`` may see (None: all rows)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_superuser or user.role == Role.NATIONAL_VIEWER:
        return None
    paths = model.scope_paths
    if user.role in (Role.PROVINCE_OFFICIAL, Role.API_CLIENT):
        if user.province_id is None:
            return None if user.role == Role.API_CLIENT else Q(pk__in=[])
        return Q(**{paths["province"]: user.province_id})
    if user.unit_id is None:
        return Q(pk__in=[])
    if paths["unit"] is None:
        return Q(**{paths["province"]: user.province_id})
    return _unit_q(paths["unit"], user.unit_id)


def for_user(queryset, user) -> QuerySet:
    """Restrict ``queryset`` to the rows ``user`` may see.

    A model reached through a one-to-many relation (``scope_through_many``: a person through their
    assignments) is restricted by a semi-join, so a row matching twice is listed once.
    """
    model = queryset.model
    q = scope_q(model, user)
    if q is None:
        return queryset
    if getattr(model, "scope_through_many", False):
        return queryset.filter(pk__in=model._base_manager.filter(q).values("pk"))
    return queryset.filter(q)


def can_see(user, obj) -> bool:
    return for_user(type(obj)._default_manager.filter(pk=obj.pk), user).exists()


def can_write(user) -> bool:
    """Whether the user's role may change data at all (viewers and API readers may not)."""
    from accounts.policy import may

    return may(user, "data.write")


def can_edit(user, obj) -> bool:
    """Whether ``user`` may change ``obj``: a writing role and the object in scope."""
    from accounts.policy import may

    return may(user, "staff.edit", obj)


def require_edit(user, obj):
    if not can_edit(user, obj):
        raise PermissionDenied
