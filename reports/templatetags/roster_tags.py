"""The roster's rows, written in Python: a page of 50 people is the heaviest part of the page."""

import html
from operator import attrgetter

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from core.memo import Kept
from core.tables import DAY
from core.text import short_date_formatter
from staffing.tables import STAFF_LIST

register = template.Library()

_MARK = 987654320  # stands for a row's value in a link reversed once per page


def _cell(c, date, ctx):
    """A function writing column ``c``'s <td> of a row: what is the same on every row (labels,
    the link's reversed URL) is worked out once per page."""
    esc, get = html.escape, attrgetter(c.page_key or c.key)
    if c.render is not None:
        render = c.render
        return lambda s: f"<td>{render(s, ctx)}</td>"
    if c.link is not None:
        # A linked cell shows its text as it is (the name). One reversal for the page: every row's
        # URL differs only by the link's one key (a record's id).
        (arg,) = c.link.args
        before, after = reverse(c.link.url_name, args=[_MARK]).split(str(_MARK))
        key = attrgetter(arg)
        return lambda s: f'<td><a href="{before}{key(s)}{after}">{esc(get(s) or "")}</a></td>'
    start, end = "<td>", "</td>"
    if c.format == DAY:
        return lambda s: f"{start}{date(get(s))}{end}"
    if c.choices is not None:
        labels = {k: esc(v) for k, v in c.labels().items()}

        def labelled(s):
            v = get(s)
            return f"{start}{labels.get(v) or esc(v or '')}{end}"

        return labelled
    if c.blank:
        blank = esc(c.blank)

        def or_blank(s):
            v = get(s)
            return f"{start}{esc(v) if v else blank}{end}"

        return or_blank
    return lambda s: f"{start}{esc(get(s) or '')}{end}"


@register.simple_tag
def roster_rows(staff_list, personal=True):
    """One <tr> per person, the page columns of ``staffing.tables.STAFF_LIST`` in its order, as
    ``communes/includes/unit_roster.html`` heads them (``reports.unit_pages.sort_columns``).

    ``staff_list`` holds the named rows of ``reports.unit_pages.ROSTER_VALUES``; the status cell also
    says who is seconded in or out and who is absent that day. Without ``personal`` the personal
    columns' cells are left out (their headers too). No row: the table's ``empty`` text.
    """
    rows = tuple(staff_list)
    if not all(isinstance(r, tuple) for r in rows):  # only rows that are their values are kept
        return mark_safe(_rows(rows, personal))
    return mark_safe(_ROWS.get_or_build((personal, get_language(), rows), lambda: _rows(rows, personal)))


# The rows' HTML kept per the rows as read (their values), the language and whether personal data
# shows: the same page of a roster is asked again and again until its people change.
_ROWS = Kept(256)


def _rows(staff_list, personal):
    date, ctx = short_date_formatter(), {}  # ctx: what the columns' ``render`` keeps for the page
    cells = [_cell(c, date, ctx) for c in STAFF_LIST.page_columns(personal=personal)]
    out = ["<tr>" + "".join([cell(s) for cell in cells]) + "</tr>" for s in staff_list]
    if not out:
        out.append(f'<tr><td colspan="{len(cells)}">{html.escape(str(STAFF_LIST.empty))}</td></tr>')
    return "\n".join(out)  # every value above is escaped
