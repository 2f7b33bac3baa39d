"""``{% if user|may:"audit.view" %}``: templates ask the policy, never the role."""

import html

from django import template
from django.conf import settings
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from accounts import policy
from accounts.menu import menu_html, menu_shown
from core.memo import Kept

register = template.Library()


@register.filter
def may(user, action):
    return policy.may(user, action)


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The main menu's entries the signed-in user may open (``accounts.menu.MAIN_MENU``)."""
    return mark_safe(menu_html(context["user"]))  # noqa: S308 — escaped by menu_html


# The navigation bar written once per everything it shows but the CSRF token and the page's path
# (put in per request): the language, and the signed-in user's name, role and menu. Written by the
# template engine, the bar cost more than a roster page's own rows.
_NAV = Kept(512)
_CSRF, _PATH = "zzCSRFzzTOKENzz", "zzPAGEzzPATHzz"


@register.simple_tag(takes_context=True)
def page_nav(context):
    """The navigation bar's items (``includes/page_nav.html``): the menu, the language form and the
    signed-in user's account link and sign-out form."""
    request, user = context.get("request"), context.get("user")
    if request is None:  # a page written without its request (the server error page)
        return mark_safe(render_to_string("includes/page_nav.html", {"user": user, "next": ""}))  # noqa: S308
    signed_in = user.is_authenticated
    who = (user.pk, user.username, user.first_name, user.last_name, user.role, menu_shown(user)) if signed_in else ()
    key = (get_language(), get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), signed_in, who)
    bar = _NAV.get_or_build(
        key, lambda: render_to_string("includes/page_nav.html", {"user": user, "csrf_token": _CSRF, "next": _PATH})
    )
    bar = bar.replace(_CSRF, html.escape(get_token(request))).replace(_PATH, html.escape(request.get_full_path()))
    return mark_safe(bar)  # noqa: S308 — written escaped by the template engine; the token and path escaped here
