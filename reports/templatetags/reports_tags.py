"""The report tables, built in Python from their declarations (reports/tables.py).

A province has up to ~170 communes and each row carries a dozen linked numbers: rendered node by
node by the template engine this table cost more than all the report's queries together. The two
chart tables follow the same way.
"""

import html

from django import template
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _int(n, sep):
    return f"{n:,}".replace(",", sep)


def _gap_class(n):
    return "gap-neg" if n < 0 else "gap-pos" if n > 0 else ""


@register.simple_tag
def field_rows(by_field):
    """The "by field" chart's data table: field, quota, headcount, shortage, surplus, net."""
    sep = get_format("THOUSAND_SEPARATOR")
    return mark_safe(  # noqa: S308 — the name is escaped, the rest are numbers
        "\n".join(
            f'<tr><th scope="row">{html.escape(r.name)}</th><td class="num">{_int(r.quota, sep)}</td>'
            f'<td class="num">{_int(r.headcount, sep)}</td><td class="num gap-neg">{_int(r.shortage, sep)}</td>'
            f'<td class="num gap-pos">{_int(r.surplus, sep)}</td><td class="num">{_int(r.net, sep)}</td></tr>'
            for r in by_field
        )
    )


@register.simple_tag
def shortage_rows(communes):
    """The "largest shortage" chart's data table: commune and shortage."""
    sep = get_format("THOUSAND_SEPARATOR")
    return mark_safe(  # noqa: S308 — the name is escaped, the shortage is a number
        "\n".join(
            f'<tr><th scope="row">{html.escape(c.name)}</th><td class="num gap-neg">{_int(c.shortage, sep)}</td></tr>'
            for c in communes
        )
    )


@register.simple_tag
def table_head(table, view=None, sort=None, query=None):
    """The header row of a table declared in reports/tables.py: ``view`` names the headcount,
    ``sort`` and ``query`` (the page's parameters but the sort) make a sortable table's links."""
    return mark_safe(table.head_html(view=view, sort=sort, query=query))  # noqa: S308 — labels are escaped


@register.simple_tag
def table_body(table, rows, **ctx):
    """The rows of a declared table; ``ctx`` gives the values its links share (e.g. ``unit``)."""
    return mark_safe(table.body_html(rows, ctx))  # noqa: S308 — values are escaped or numbers


@register.simple_tag
def table_foot(table, rows, label=None, totals=None):
    """The totals row: the sums of ``rows``, or the values of ``totals`` when the report gives them."""
    html_ = table.foot_html(rows, label or gettext("Total"), totals)
    return mark_safe(html_)  # noqa: S308 — numbers and a translated label
