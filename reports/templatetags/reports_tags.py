"""The dashboard's commune table body, built in Python.

A province has up to ~170 communes and each row carries a dozen linked numbers: rendered node by
node by the template engine this table cost more than all the report's queries together.
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
def commune_rows(communes, roster_query, movement_query):
    sep = get_format("THOUSAND_SEPARATOR")
    esc = html.escape
    disadvantaged = (
        f' <span class="badge text-bg-warning" title="{esc(gettext("Especially disadvantaged"))}">ĐBKK</span>'
    )
    border = f' <span class="badge text-bg-info" title="{esc(gettext("Border"))}">BG</span>'
    roster_q, movement_q = esc(roster_query), esc(movement_query)
    out = []
    for c in communes:
        code = esc(c.code)
        unit = f"/units/{code}/"
        roster = f"{unit}staff/?{roster_q}"
        quotas = f"{unit}#quotas"
        badges = (disadvantaged if c.is_disadvantaged else "") + (border if c.is_border else "")
        out.append(
            f'<tr data-unit="{code}"><th scope="row"><a href="{unit}">{esc(c.name)}</a>{badges}</th><td>{code}</td>'
            f'<td class="num"><a href="{quotas}">{_int(c.quota, sep)}</a></td>'
            f'<td class="num"><a href="{roster}">{_int(c.on_roll, sep)}</a></td>'
            f'<td class="num"><a href="/movements/?to_code={code}&amp;{movement_q}">{_int(c.seconded_in, sep)}</a></td>'
            f'<td class="num"><a href="/movements/?from_code={code}&amp;{movement_q}">'
            f"{_int(c.seconded_out, sep)}</a></td>"
            f'<td class="num"><a href="{roster}">{_int(c.effective, sep)}</a></td>'
            f'<td class="num {_gap_class(c.net)}">{_int(c.net, sep)}</td>'
            f'<td class="num gap-neg"><a href="{quotas}" class="link-danger">{_int(c.shortage, sep)}</a></td>'
            f'<td class="num gap-pos"><a href="{quotas}" class="link-success">{_int(c.surplus, sep)}</a></td>'
            f'<td class="num"><a href="{unit}#unit-mismatches">{_int(c.mismatches, sep)}</a></td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped or a number
