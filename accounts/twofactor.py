"""Second factor (TOTP, django-otp): who needs it, where a web session stands, the setup QR code.

A user who has confirmed an authenticator app always enters its code after the password; roles
listed in ``TWO_FACTOR_REQUIRED_FOR`` ("superuser" for superusers) must set one up before they
can go on. The outcome is kept in the session, so a page costs no extra query once it is known.
"""

import base64
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_KEY = "two_factor"
OK, NEEDS_CODE, NEEDS_SETUP = "ok", "code", "setup"


def is_required(user) -> bool:
    required = settings.TWO_FACTOR_REQUIRED_FOR
    return (user.is_superuser and "superuser" in required) or user.role in required


def confirmed_device(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def session_state(request) -> str:
    """OK, NEEDS_CODE (a device, no code entered yet) or NEEDS_SETUP (required, no device)."""
    user = request.user
    if request.session.get(SESSION_KEY) == user.pk:
        return OK
    if confirmed_device(user) is not None:
        return NEEDS_CODE
    if is_required(user):
        return NEEDS_SETUP
    request.session[SESSION_KEY] = user.pk
    return OK


def mark_verified(request):
    request.session[SESSION_KEY] = request.user.pk


def on_sign_in(request, user):
    """Each sign-in asks for the code again; a user with no device and no duty to have one is
    settled now, so their pages never look for a device."""
    request.session.pop(SESSION_KEY, None)
    if not is_required(user) and confirmed_device(user) is None:
        request.session[SESSION_KEY] = user.pk


def pending_device(user):
    """The unconfirmed device being set up (made on first use, reused until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def secret(device) -> str:
    """The key as authenticator apps ask for it when typed in by hand (base32, in groups of 4)."""
    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(device) -> str:
    """The device's otpauth URL as an SVG QR code in a data: URI, made on the server."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()
