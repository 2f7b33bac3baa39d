"""Entries for what other apps announce by signal (apps below audit do not import it)."""

from django.dispatch import receiver

from accounts import signals
from audit.services import audit_record


@receiver(signals.token_used)
def on_token_used(sender, request, token, **kwargs):
    audit_record(request, "token.use", user=token.user, token=token)


@receiver(signals.password_reset)
def on_password_reset(sender, request, user, **kwargs):
    audit_record(request, "password.reset", params={"user": [user.username]})
