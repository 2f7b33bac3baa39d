"""The roster's rows, written in Python: a page of 50 people is the heaviest part of the page."""

import html

from django import template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from core.text import short_date_formatter
from staffing.models import AbsenceKind, Category, Qualification, StaffStatus

register = template.Library()


@register.simple_tag
def roster_rows(staff_list):
    """One <tr> per person: code, name (linked to the record), birth date, category, position,
    field, qualification, status and start date, as ``communes/includes/unit_roster.html`` heads them.

    ``staff_list`` holds the named rows of ``reports.unit_pages.ROSTER_VALUES``; the status cell also
    says who is seconded in or out and who is absent that day.
    """
    esc = html.escape
    date = short_date_formatter()
    categories = {k: esc(str(v)) for k, v in Category.choices}
    qualifications = {k: esc(str(v)) for k, v in Qualification.choices}
    statuses = {k: esc(str(v)) for k, v in StaffStatus.choices}
    absences = {k: esc(str(v)) for k, v in AbsenceKind.choices}
    came, went, away = esc(_("Seconded in from %s")), esc(_("Seconded to %s")), esc(_("Absent: %s"))
    # One reversal for the page; every record's URL differs only by its id.
    detail = reverse("staff-detail", args=[0]).removesuffix("0/")
    out = []
    for s in staff_list:
        badge = "text-bg-success" if s.status == StaffStatus.ACTIVE else "text-bg-secondary"
        notes = [f'<span class="badge {badge}">{statuses.get(s.status, esc(s.status))}</span>']
        if s.seconded_from:
            notes.append(f'<span class="badge text-bg-info roster-in">{came % esc(s.seconded_from)}</span>')
        if s.seconded_to:
            notes.append(f'<span class="badge text-bg-light border roster-out">{went % esc(s.seconded_to)}</span>')
        if s.absence_kind:
            kind = absences.get(s.absence_kind, esc(s.absence_kind))
            notes.append(f'<span class="badge text-bg-warning roster-absent">{away % kind}</span>')
        out.append(
            f"<tr><td>{esc(s.staff_code)}</td>"
            f'<td><a href="{detail}{s.pk}/">{esc(s.full_name)}</a></td>'
            f"<td>{date(s.birth_date)}</td>"
            f"<td>{categories.get(s.placed_category, esc(s.placed_category or ''))}</td>"
            f"<td>{esc(s.position_name) if s.position_name else '—'}</td>"
            f"<td>{esc(s.work_field_name or '')}</td>"
            f"<td>{qualifications.get(s.qualification, esc(s.qualification))}</td>"
            f"<td>{' '.join(notes)}</td>"
            f"<td>{date(s.start_date)}</td></tr>"
        )
    return mark_safe("\n".join(out))  # noqa: S308 — every value above is escaped
