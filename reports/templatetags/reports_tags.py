"""The dashboard's chart tables, built in Python (the declared tables: core/templatetags/table_tags.py).

A province has up to ~170 communes and each row carries a dozen linked numbers: rendered node by
node by the template engine this table cost more than all the report's queries together. The two
chart tables follow the same way.
"""

import html

from django import template
from django.utils.formats import get_format
from django.utils.safestring import mark_safe

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
