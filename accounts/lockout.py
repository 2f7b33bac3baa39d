"""Sign-in lockout (django-axes): which address a request comes from, and the page a locked-out
person sees."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import gettext as _


def client_ip(request):
    """The client's address: the connection's, or the one the trusted proxies put in X-Forwarded-For."""
    meta = request.META
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = [a.strip() for a in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return meta.get("REMOTE_ADDR") or None


def lockout_minutes():
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def locked_out(request, response=None, credentials=None):
    """The sign-in page again, saying the account is locked and for how long (429)."""
    message = _(
        "Too many failed sign-ins for this account from your address. Sign-in is locked for "
        "%(minutes)s minutes; try again later or ask your administrator."
    ) % {"minutes": lockout_minutes()}
    form = AuthenticationForm(request, initial={"username": (credentials or {}).get("username", "")})
    ctx = {"form": form, "locked_message": message, "next": request.POST.get("next", "")}
    return render(request, "registration/login.html", ctx, status=429)
