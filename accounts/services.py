"""Account work one person does for another: who may reset whose password, and the reset."""

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from accounts.policy import may, require


def managed_users(actor):
    """The users whose password ``actor`` may reset: everyone else for a superuser; the other
    users of their province, superusers excepted, for a province official; nobody otherwise."""
    if not actor.is_authenticated or not actor.is_active:
        return User.objects.none()
    if not may(actor, "user.manage"):
        return User.objects.none()
    if actor.is_superuser:
        return User.objects.exclude(pk=actor.pk)
    # The query form of policy rule "user.reset_password".
    return User.objects.filter(province_id=actor.province_id, is_superuser=False).exclude(pk=actor.pk)


def can_manage_users(actor) -> bool:
    return may(actor, "user.manage")


def temporary_password(user) -> str:
    while True:
        password = "Bc-" + secrets.token_urlsafe(12)
        try:
            validate_password(password, user)
        except ValidationError:  # a rare unlucky draw: draw again
            continue
        return password


@transaction.atomic
def user_password_reset(*, user, by) -> str:
    """Give ``user`` a temporary password (returned once, never stored in clear) that must be
    changed at the next sign-in; their open sessions end with the old password."""
    require(by, "user.reset_password", user)
    password = temporary_password(user)
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    return password
