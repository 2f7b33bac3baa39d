"""The page's side of a declared table (core/tables.py): header, rows and totals row."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


@register.simple_tag
def table_head(table, view=None, sort=None, query=None, **ctx):
    """The header row: ``view`` names the headcount, ``sort`` and ``query`` (the page's parameters
    but the sort) make a sortable table's links; ``ctx`` decides the columns shown only sometimes."""
    return mark_safe(table.head_html(view=view, sort=sort, query=query, ctx=ctx))  # noqa: S308 — labels are escaped


@register.simple_tag
def table_body(table, rows, **ctx):
    """The rows; ``ctx`` gives the values their links share (e.g. ``unit``)."""
    return mark_safe(table.body_html(rows, ctx))  # noqa: S308 — values are escaped or numbers


@register.simple_tag
def table_foot(table, rows, label=None, totals=None, **ctx):
    """The totals row: the sums of ``rows``, or the values of ``totals`` when the report gives them."""
    row = table.foot_html(rows, label or gettext("Total"), totals, ctx)
    return mark_safe(row)  # noqa: S308 — numbers and a translated label
