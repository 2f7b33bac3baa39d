"""API rate limits: anonymous callers by address, signed-in users by account, tokens by token.

Rates come from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]`` when a request is made (DRF's
classes read them once at import); a rate of None switches that limit off. A client over its
rate gets 429 with a Retry-After header.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from accounts.models import ApiToken


class LiveRateMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(LiveRateMixin, AnonRateThrottle):
    scope = "anon"


class UserThrottle(LiveRateMixin, SimpleRateThrottle):
    """Signed-in users on the web session (token clients are limited per token)."""

    scope = "user"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated or isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class TokenThrottle(LiveRateMixin, SimpleRateThrottle):
    """Other systems, per API token: usually a tighter rate than a person's."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
