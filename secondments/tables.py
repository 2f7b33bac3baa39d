"""The movement alerts table, declared once (``core.tables``): the alerts page, the report API and
the Excel export read it."""

import html

from django.utils.translation import gettext_lazy as _

from core.tables import DAY, ID, Col, Link, Table
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
