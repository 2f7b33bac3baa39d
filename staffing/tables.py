"""A person's history (placements, movements, absences), declared once (``core.tables``): the
person's page, the report API and the Excel export read it. Rows: ``staffing.history.timeline_rows``.
Also the quota requests' list and the province's quota pool (its figures and its decisions)."""

import html

from django.urls import reverse
from django.utils.formats import date_format, get_format
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


def _pool_cell(row, ctx):
    """The pool in force, or (none recorded) a dash on the pool's page and words on the dashboard."""
    if row.pool is not None:
        return f"{row.pool:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
    if ctx.get("dash_if_none"):
        return "—"
    return f'<span class="text-body-secondary">{html.escape(gettext("not recorded"))}</span>'


def _unallocated_cell(row, ctx):
    """What is left of the pool; marked when the units hold more than the pool (a dash: no pool)."""
    value = row.unallocated
    if value is None:
        return "—"
    number = f"{value:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
    return f'<span class="gap-neg">{number}</span>' if value < 0 else number


# The province's pool per category against the posts its units hold (``staffing.selectors.PoolRow``):
# the province dashboard's card, the pool's page and the figures of ``/api/v1/province-quotas/``.
QUOTA_POOL = Table(
    "quota_pool",
    (
        Col("category", _("Category code"), page=False),
        Col("label", _("Category"), header=True, width=20),
        Col("pool", _("Pool"), INT, render=_pool_cell, width=10, help="the pool in force, null without one"),
        Col("allocated", _("Allocated"), INT, width=10, help="the posts the units' quotas in force hold"),
        Col(
            "unallocated",
            _("Unallocated"),
            INT,
            render=_unallocated_cell,
            width=10,
            help="the pool less what is allocated, null without a pool",
        ),
    ),
    empty=_("No pool or quota recorded."),
    row_attrs=lambda r: {"data-category": r.category},
)


def _pool_decision_cell(d, ctx):
    return html.escape(f"{d.decision_number} · {_day(d.decision_date)}")


# The province's pool decisions (the pool's page).
POOL_DECISIONS = Table(
    "pool_decisions",
    (
        Col("category_label", _("Category"), width=20),
        Col("count", _("Posts"), INT, width=10),
        Col("decision_number", _("Decision"), width=24, render=_pool_decision_cell),
        Col("effective_from", _("Effective from"), DAY, width=12),
    ),
    empty=_("No pool decision recorded."),
)
