from django.contrib.auth.signals import user_logged_in
from django.dispatch import Signal, receiver

from accounts import middleware, twofactor

# Sent for the read audit, which listens (accounts does not know who records what).
token_used = Signal()  # request, token
password_reset = Signal()  # request, user (the account whose password was reset)


@receiver(user_logged_in)
def on_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    request.session[middleware.LAST_SEEN_KEY] = middleware.now()
    twofactor.on_sign_in(request, user)
