"""``{% if user|may:"audit.view" %}``: templates ask the policy, never the role."""

from django import template

from accounts import policy

register = template.Library()


@register.filter
def may(user, action):
    return policy.may(user, action)
