"""The roster's rows, written in Python: a page of 50 people is the heaviest part of the page."""

import html

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe

from communes.text import short_date_formatter
from staffing.models import Category, Qualification, StaffStatus

register = template.Library()


@register.simple_tag
def roster_rows(staff_list):
    """One <tr> per person: code, name (linked to the record), birth date, category, position,
    field, qualification, status and start date, as ``communes/includes/unit_roster.html`` heads them.

    ``staff_list`` holds the named rows of ``communes.views.ROSTER_VALUES``.
    """
    esc = html.escape
    date = short_date_formatter()
    categories = {k: esc(str(v)) for k, v in Category.choices}
    qualifications = {k: esc(str(v)) for k, v in Qualification.choices}
    statuses = {k: esc(str(v)) for k, v in StaffStatus.choices}
    # One reversal for the page; every record's URL differs only by its id.
    detail = reverse("staff-detail", args=[0]).removesuffix("0/")
    out = []
    for s in staff_list:
        badge = "text-bg-success" if s.status == StaffStatus.ACTIVE else "text-bg-secondary"
        out.append(
            f"<tr><td>{esc(s.staff_code)}</td>"
            f'<td><a href="{detail}{s.pk}/">{esc(s.full_name)}</a></td>'
            f"<td>{date(s.birth_date)}</td>"
            f"<td>{categories.get(s.category, esc(s.category))}</td>"
            f"<td>{esc(s.position_name) if s.position_name else '—'}</td>"
            f"<td>{esc(s.field_name)}</td>"
            f"<td>{qualifications.get(s.qualification, esc(s.qualification))}</td>"
            f'<td><span class="badge {badge}">{statuses.get(s.status, esc(s.status))}</span></td>'
            f"<td>{date(s.start_date)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped
