"""The movement alerts table, declared once (``core.tables``): the alerts page, the report API and
the Excel export read it; the movement list, read by its page and its export; and the staff
requests' list."""

import html

from django.utils.translation import gettext_lazy as _

from core.tables import DAY, ID, INT, Col, Link, Table
from secondments.models import status_badge_css


def _status_cell(row, ctx):
    """The status badge, and under it what is wrong with the movement."""
    out = (
        f'<span class="badge text-bg-{status_badge_css(row["status_code"])}" data-status="{row["status_code"]}">'
        f"{html.escape(row['status'])}</span>"
    )
    if row["problem"]:
        out += f'<div class="small text-danger" data-problem>{html.escape(row["problem"])}</div>'
    return out


ALERTS = Table(
    "alerts",
    (
        Col("pk", "#", ID, link=Link("secondments:movement-detail", args=("pk",)), width=7),
        Col("group", _("Alert"), width=26, page=False),
        Col("full_name", _("Person"), width=26),
        Col("kind", _("Kind"), width=14),
        Col("from_unit", _("From unit"), width=26),
        Col("to_unit", _("To unit"), width=26),
        Col("start_date", _("Start"), DAY, width=12),
        Col("end_date", _("End"), DAY, width=12),
        Col("status", _("Status"), width=12, render=_status_cell),
        Col("problem", _("Problem"), width=30, page=False),
    ),
    row_attrs=lambda r: {"data-movement": r["pk"]},
)


def _movement_status(m, ctx):
    return f'<span class="badge text-bg-{m.status_css}" data-status="{m.status}">{html.escape(m.status_label)}</span>'


MOVEMENT = Link("secondments:movement-detail", args=("pk",))

# The movement list (its page reads the movements, its export the same columns as flat rows: see
# reports.movement_exports); the API serves movements as resources instead.
MOVEMENTS = Table(
    "movements",
    (
        Col("pk", "#", ID, link=MOVEMENT, excel=False),
        Col("person.full_name", _("Person"), link=MOVEMENT, width=26, excel_label=_("Full name")),
        Col("person.staff_code", _("Staff code"), width=12, page=False),
        Col("kind_label", _("Kind"), width=14),
        Col("from_unit.name", _("From unit"), width=28),
        Col("to_unit.name", _("To unit"), width=28),
        Col("field", _("Field"), width=20),
        Col("start_date", _("Start"), DAY, width=12, excel_label=_("Start date")),
        Col("end_date", _("End"), DAY, excel=False),
        Col("planned_end_date", _("Planned end date"), DAY, width=12, page=False),
        Col("actual_end_date", _("Actual end date"), DAY, width=12, page=False),
        Col("status_label", _("Status"), width=12, render=_movement_status),
        Col("decision_number", _("Decision"), width=16, excel_label=_("Decision number")),
        Col("decision_date", _("Decision date"), DAY, width=12, page=False),
        Col("plan.name", _("Plan"), width=30, page=False),
    ),
    empty=_("No movements match."),
    row_attrs=lambda m: {"data-movement": m.pk},
)


def _plan_or_dash(r, ctx):
    return html.escape(r.plan.name) if r.plan_id else "–"


# The communes' staff requests (its page; the API serves requests as resources instead).
STAFF_REQUESTS = Table(
    "staff_requests",
    (
        Col("commune.name", _("Commune"), link=Link("secondments:request-detail", args=("pk",)), width=28),
        Col("field", _("Field"), width=20),
        Col("count", _("People needed"), INT, width=10),
        Col("plan.name", _("Plan"), width=30, render=_plan_or_dash),
        Col("requested_on", _("Requested at"), DAY, width=12),
        Col("status_label", _("Status"), width=12),
        Col("n_movements", _("Movements"), INT, width=10),
    ),
    empty=_("No requests."),
    row_attrs=lambda r: {"data-request": r.pk},
)
