"""A person's history (placements, movements, absences), declared once (``core.tables``): the
person's page, the report API and the Excel export read it. Rows: ``staffing.history.timeline_rows``.
Also the quota requests' list and the province's quota pool."""

import html

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.tables import DAY, INT, Col, Link, Table


def _day(value):
    return date_format(value, "SHORT_DATE_FORMAT")


def _end_cell(row, ctx):
    return _day(row["end"]) if row["end"] else "…"


def _what_cell(row, ctx):
    item, esc = row["item"], html.escape
    if row["kind"] == "assignment":
        out = esc(item.get_change_display())
        if item.is_correction:
            out += f' <span class="badge text-bg-warning">{esc(gettext("correction"))}</span>'
        return out
    if row["kind"] == "movement":
        return (
            f'<a href="{esc(item.get_absolute_url())}">{esc(item.get_kind_display())}</a> '
            f'<span class="badge text-bg-light border">{esc(item.get_status_display())}</span>'
        )
    return esc(f"{gettext('Absence')}: {item.get_kind_display()}")


def _detail_cell(row, ctx):
    item, esc = row["item"], html.escape
    if row["kind"] == "assignment":
        parts = [item.unit.name, str(item.field)]
        if item.position:
            parts.append(str(item.position))
        parts.append(item.get_category_display())
        if item.is_leader:
            parts.append(gettext("leader"))
        out = esc(" · ".join(parts))
        if item.reason:
            reason = f"{gettext('Reason')}: {item.reason}"
            out += f'<div class="small text-body-secondary">{esc(reason)}</div>'
        return out
    if row["kind"] == "movement":
        return esc(f"{item.from_unit.name} → {item.to_unit.name} · {item.field}")
    out = esc(item.note or "")
    if ctx.get("can_edit"):
        url = reverse("absence-update", args=[item.person_id, item.pk])
        out += f' <a class="small" href="{esc(url)}">{esc(gettext("Edit"))}</a>'
    return out


def _decision_cell(row, ctx):
    item = row["item"]
    out = getattr(item, "decision_number", "") or "—"
    if getattr(item, "decision_date", None):
        out += f" · {_day(item.decision_date)}"
    return html.escape(out)


PERSON_HISTORY = Table(
    "person_history",
    (
        Col("start", _("From"), DAY, width=12),
        Col("end", _("To"), DAY, width=12, render=_end_cell),
        Col("what", _("What"), width=18, excel_label=_("Record"), render=_what_cell),
        Col("unit", _("Unit"), width=28, page=False),
        Col("field", _("Field"), width=20, page=False),
        Col("detail", _("Details"), width=36, render=_detail_cell),
        Col("decision", _("Decision"), width=20, render=_decision_cell),
    ),
    empty=_("Nothing recorded yet."),
    row_attrs=lambda r: {"class": f"timeline-{r['kind']}"},
)


def _request_status(r, ctx):
    return f'<span data-status="{html.escape(r.status)}">{html.escape(r.status_label)}</span>'


# The quota requests the user may see (its page; the API serves requests as resources instead).
QUOTA_REQUESTS = Table(
    "quota_requests",
    (
        Col("unit.name", _("Unit"), link=Link("quota-request-detail", args=("pk",)), width=28),
        Col("field", _("Field"), width=20),
        Col("category_label", _("Category"), width=16),
        Col("count", _("Posts requested"), INT, width=10),
        Col("requested_on", _("Requested at"), DAY, width=12),
        Col("status_label", _("Status"), width=12, render=_request_status),
    ),
    empty=_("No requests."),
    row_attrs=lambda r: {"data-request": r.pk},
)
