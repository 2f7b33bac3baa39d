"""API tokens: created with a name and an expiry, stored as a SHA-256 digest, revocable.

A client sends ``Authorization: Token <key>``. The key is shown once, when it is made; a lost
key is revoked and replaced, never recovered.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header

from accounts import signals
from accounts.models import ApiToken

KEYWORD = "Token"
# last_used_at is written at most this often per token (not on every request).
LAST_USED_GRANULARITY = timedelta(minutes=1)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name, days=None, by=None):
    """Make a token for ``user``; return ``(token, key)`` — the key is not stored and shown once."""
    days = settings.API_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValueError(f"days must be between 1 and {settings.API_TOKEN_MAX_DAYS}")
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=key[:8],
        digest=digest(key),
        created_by=by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, key


def sends_token(request, auth=None) -> bool:
    """Whether ``request`` authenticates by ``Authorization: Token …`` (``auth``: the header's
    words, when already split)."""
    auth = get_authorization_header(request).split() if auth is None else auth
    return bool(auth) and auth[0].lower() == KEYWORD.lower().encode()


def api_token_revoke(*, token):
    """Stop ``token`` working from now on (idempotent)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


class ApiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token <key>`` against the stored digests; each use is audited.

    DRF's header format (and so its OpenAPI description), with our hashed, expiring tokens.
    """

    keyword = KEYWORD

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not sends_token(request, auth):
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            key = auth[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        return self.authenticate_credentials(request, key)

    def authenticate_credentials(self, request, key):
        token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        now = timezone.now()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This token has been revoked."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("This token has expired."))
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_GRANULARITY:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        signals.token_used.send(sender=ApiToken, request=request, token=token)
        return token.user, token
