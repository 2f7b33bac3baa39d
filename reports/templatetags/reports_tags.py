"""The dashboard's table bodies, built in Python.

A province has up to ~170 communes and each row carries a dozen linked numbers: rendered node by
node by the template engine this table cost more than all the report's queries together. The two
chart tables follow the same way.
"""

import html

from django import template
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

register = template.Library()


def _int(n, sep):
    return f"{n:,}".replace(",", sep)


def _gap_class(n):
    return "gap-neg" if n < 0 else "gap-pos" if n > 0 else ""


@register.simple_tag
def commune_rows(communes, roster_query, movement_query):
    sep = get_format("THOUSAND_SEPARATOR")
    esc = html.escape
    disadvantaged = (
        f' <span class="badge text-bg-warning" title="{esc(gettext("Especially disadvantaged"))}">ĐBKK</span>'
    )
    border = f' <span class="badge text-bg-info" title="{esc(gettext("Border"))}">BG</span>'
    roster_q, movement_q = esc(roster_query), esc(movement_query)
    # Links by URL name, reversed once: every row's differs only by the commune's code.
    mark = "987654321"
    unit_url = reverse("unit-detail", args=[mark])
    roster_url = reverse("unit-roster", args=[mark])
    movements = reverse("secondments:movement-list")
    out = []
    for c in communes:
        code = esc(c.code)
        unit = unit_url.replace(mark, code)
        staff = roster_url.replace(mark, code)
        roster = f"{staff}?{roster_q}"
        quotas = f"{unit}#quotas"
        badges = (disadvantaged if c.is_disadvantaged else "") + (border if c.is_border else "")
        out.append(
            f'<tr data-unit="{code}"><th scope="row"><a href="{unit}">{esc(c.name)}</a>{badges}</th><td>{code}</td>'
            f'<td class="num"><a href="{quotas}">{_int(c.quota, sep)}</a></td>'
            f'<td class="num"><a href="{roster}">{_int(c.on_roll, sep)}</a></td>'
            f'<td class="num"><a href="{movements}?to_code={code}&amp;{movement_q}">{_int(c.seconded_in, sep)}</a></td>'
            f'<td class="num"><a href="{movements}?from_code={code}&amp;{movement_q}">'
            f"{_int(c.seconded_out, sep)}</a></td>"
            f'<td class="num"><a href="{staff}?mode=absent">{_int(c.absent, sep)}</a></td>'
            f'<td class="num"><a href="{roster}">{_int(c.effective, sep)}</a></td>'
            f'<td class="num {_gap_class(c.net)}">{_int(c.net, sep)}</td>'
            f'<td class="num gap-neg"><a href="{quotas}" class="link-danger">{_int(c.shortage, sep)}</a></td>'
            f'<td class="num gap-pos"><a href="{quotas}" class="link-success">{_int(c.surplus, sep)}</a></td>'
            f'<td class="num"><a href="{unit}#unit-mismatches">{_int(c.mismatches, sep)}</a></td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped or a number


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
def table_head(table):
    """The header row of a table declared in reports/tables.py."""
    return mark_safe(table.head_html())  # noqa: S308 — labels are escaped


@register.simple_tag
def table_body(table, rows, **ctx):
    """The rows of a declared table; ``ctx`` gives the values its links share (e.g. ``unit``)."""
    return mark_safe(table.body_html(rows, ctx))  # noqa: S308 — values are escaped or numbers


@register.simple_tag
def table_foot(table, rows):
    return mark_safe(table.foot_html(rows, gettext("Total")))  # noqa: S308 — numbers and a translated label
