"""``{% if user|may:"audit.view" %}``: templates ask the policy, never the role."""

from django import template
from django.utils.safestring import mark_safe

from accounts import policy
from accounts.menu import menu_html

register = template.Library()


@register.filter
def may(user, action):
    return policy.may(user, action)


@register.simple_tag(takes_context=True)
def main_menu(context):
    """The main menu's entries the signed-in user may open (``accounts.menu.MAIN_MENU``)."""
    return mark_safe(menu_html(context["user"]))  # noqa: S308 — escaped by menu_html
