"""Checks on every signed-in web request: idle timeout, second factor, forced password change."""

import time
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import policy, twofactor

LAST_SEEN_KEY = "last_seen"
# The session is written at most this often just to move the idle clock (seconds).
LAST_SEEN_GRANULARITY = 60


def now():
    """Seconds since the epoch; tests replace it to move the clock."""
    return time.time()


def _is_api(request):
    return request.path.startswith("/api/")


def _signed_in(request):
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated


class IdleTimeoutMiddleware:
    """Sign a web session out after ``SESSION_IDLE_TIMEOUT`` seconds without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _signed_in(request):
            t = now()
            last = request.session.get(LAST_SEEN_KEY)
            if last is not None and t - last > settings.SESSION_IDLE_TIMEOUT:
                logout(request)
                minutes = settings.SESSION_IDLE_TIMEOUT // 60
                messages.info(
                    request,
                    _("You were signed out after %(minutes)s minutes without activity. Please sign in again.")
                    % {"minutes": minutes},
                )
            elif last is None or t - last >= LAST_SEEN_GRANULARITY:
                request.session[LAST_SEEN_KEY] = t
        return self.get_response(request)


@lru_cache(maxsize=32)
def _paths(names, urlconf, prefix, static_url):
    return tuple(reverse(name, urlconf=urlconf) for name in names) + ("/" + static_url.lstrip("/"),)


def _reversed(*names):
    """The paths of the URL ``names`` and of the static files, worked out once per URL
    configuration and script prefix (every signed-in request checks them)."""
    return _paths(names, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), settings.STATIC_URL)


# Pages a signed-in person may open before finishing the second factor or the password change.
def _exempt_paths():
    return _reversed("logout", "two-factor-verify", "two-factor-setup", "set_language", "javascript-catalog")


def _block(request, url, api_message):
    if _is_api(request):
        return JsonResponse({"detail": str(api_message)}, status=403)
    return redirect(f"{url}?{urlencode({'next': request.get_full_path()})}")


class TwoFactorMiddleware:
    """A web session whose user has a TOTP device, or must have one, passes the code first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _signed_in(request) and not request.path.startswith(_exempt_paths()):
            state = twofactor.session_state(request)
            if state == twofactor.NEEDS_CODE:
                return _block(request, reverse("two-factor-verify"), _("Enter the code from your authenticator app."))
            if state == twofactor.NEEDS_SETUP:
                return _block(
                    request, reverse("two-factor-setup"), _("Set up two-factor authentication before going on.")
                )
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """After someone else reset the password, the user picks a new one before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            _signed_in(request)
            and request.user.must_change_password
            and not request.path.startswith((*_reversed("password-change"), *_exempt_paths()))
        ):
            return _block(request, reverse("password-change"), _("Choose a new password before going on."))
        return self.get_response(request)


class ApiClientWebMiddleware:
    """API client accounts read the API only: every web page answers 403 for them (a session
    made some other way included); signing out stays open."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _signed_in(request) and not _is_api(request) and not request.path.startswith(_reversed("logout")):
            policy.require(request.user, "web.use")
        return self.get_response(request)
