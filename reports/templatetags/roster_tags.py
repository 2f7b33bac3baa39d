"""The roster's rows, written in Python: a page of 50 people is the heaviest part of the page."""

import html
from operator import attrgetter

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from core.tables import DAY
from core.text import short_date_formatter
from staffing.tables import STAFF_LIST

register = template.Library()

_MARK = 987654320  # stands for a row's value in a link reversed once per page


def _cell(c, date, ctx):
    """A function writing column ``c``'s <td> of a row: what is the same on every row (labels,
    the link's reversed URL) is worked out once per page."""
    esc = html.escape
    get = attrgetter(c.page_key or c.key)
    if c.render is not None:
        render = c.render
        return lambda s: f"<td>{render(s, ctx)}</td>"
    if c.format == DAY:
        show = lambda s: date(get(s))  # noqa: E731
    elif c.choices is not None:
        labels = {k: esc(v) for k, v in c.labels().items()}
        show = lambda s: labels.get(v := get(s)) or esc(v or "")  # noqa: E731
    elif c.blank:
        blank = esc(c.blank)
        show = lambda s: esc(v) if (v := get(s)) else blank  # noqa: E731
    else:
        show = lambda s: esc(get(s) or "")  # noqa: E731
    if c.link is None:
        return lambda s: f"<td>{show(s)}</td>"
    # One reversal for the page: every row's URL differs only by its key (a record's id).
    (arg,) = c.link.args
    before, after = reverse(c.link.url_name, args=[_MARK]).split(str(_MARK))
    key = attrgetter(arg)
    return lambda s: f'<td><a href="{before}{key(s)}{after}">{show(s)}</a></td>'


@register.simple_tag
def roster_rows(staff_list, personal=True):
    """One <tr> per person, the page columns of ``staffing.tables.STAFF_LIST`` in its order, as
    ``communes/includes/unit_roster.html`` heads them (``reports.unit_pages.sort_columns``).

    ``staff_list`` holds the named rows of ``reports.unit_pages.ROSTER_VALUES``; the status cell also
    says who is seconded in or out and who is absent that day. Without ``personal`` the personal
    columns' cells are left out (their headers too).
    """
    date, ctx = short_date_formatter(), {}
    cells = [_cell(c, date, ctx) for c in STAFF_LIST.page_columns(personal=personal)]
    out = ["<tr>" + "".join([cell(s) for cell in cells]) + "</tr>" for s in staff_list]
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped
