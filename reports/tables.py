"""The reports' tables, each declared once (``core.tables``): read by the page, the report API
(rows and OpenAPI schema) and the Excel export. The movement alerts and a person's history belong
to the apps that show them (``secondments.tables``, ``staffing.tables``) and are named here too.
"""

import html
from dataclasses import replace

from django.urls import reverse
from django.utils.formats import date_format, localize
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.tables import (  # noqa: F401  (the exporter and helpers, for the reports' modules)
    BOOL,
    DAY,
    FORMATS,
    ID,
    INT,
    SIGNED,
    TEXT,
    Badge,
    ByView,
    Col,
    Link,
    Table,
    TableExporter,
    appendix,
    json_key,
)
from secondments.tables import ALERTS  # noqa: F401
from staffing.tables import PERSON_HISTORY, QUOTA_POOL, STAFF_LIST  # noqa: F401

ROSTER_BY_FIELD = Link("unit-roster", args=("ctx.unit.code",), query=(("field", "field_id"),))
STAFF = Link("staff-detail", args=("person_id",))
HEADCOUNT = ByView(_("On roll"), _("Effective"))
HEADCOUNT_HELP = "on_roll in the establishment view, effective in coverage"

# The province dashboard's commune table (also its "top 15" in the API) and the province summary
# workbook's first sheet. Its page columns are the sort keys of ``reports.selectors.COMMUNE_SORTS``.
COMMUNE_ROSTER = Link("unit-roster", args=("code",), extra="roster_query")
COMMUNE_QUOTAS = Link("unit-detail", args=("code",), anchor="quotas")


def _movements(direction):
    """The movements into or out of the commune on the report's day (the page's filters)."""
    return Link("secondments:movement-list", query=((direction, "code"),), extra="movement_query")


def _count(key, label, link):
    """A number the page shows and links to the people behind it; the workbook's summary leaves it out."""
    return Col(key, label, INT, link=link, total=True, excel=False)


def _gross(key, label, excel_label, sign, colour):
    """The commune's shortage or surplus, field by field, linked to its quota table."""
    link = Link("unit-detail", args=("code",), anchor="quotas", css=f"link-{colour}")
    return Col(key, label, INT, css=f"gap-{sign}", link=link, total=True, width=10, excel_label=excel_label)


COMMUNES = Table(
    "commune",
    (
        Col("unit_id", "id", INT, page=False, excel=False),
        Col(
            "name",
            _("Commune"),
            link=Link("unit-detail", args=("code",)),
            header=True,
            width=30,
            badges=(
                Badge("is_disadvantaged", "ĐBKK", _("Especially disadvantaged"), "text-bg-warning"),
                Badge("is_border", "BG", _("Border"), "text-bg-info"),
            ),
        ),
        Col("code", _("Code"), width=9),
        Col("kind", _("Kind"), page=False, excel=False),
        Col("is_disadvantaged", _("Especially disadvantaged"), BOOL, page=False, excel=False),
        Col("is_border", _("Border"), BOOL, page=False, excel=False),
        Col("quota", _("Quota"), INT, link=COMMUNE_QUOTAS, total=True, width=10),
        _count("on_roll", _("On roll"), COMMUNE_ROSTER),
        _count("seconded_in", _("Seconded in"), _movements("to_code")),
        _count("seconded_out", _("Seconded out"), _movements("from_code")),
        _count("absent", _("Absent"), Link("unit-roster", args=("code",), fixed=(("mode", "absent"),))),
        _count("effective", _("Effective"), COMMUNE_ROSTER),
        Col("headcount", HEADCOUNT, INT, total=True, page=False, width=10, help=HEADCOUNT_HELP),
        Col("net", _("Net"), SIGNED, total=True, width=10, excel_label=_("Headcount against quota")),
        _gross("shortage", _("Shortage"), _("Short (sum of fields)"), "neg", "danger"),
        _gross("surplus", _("Surplus"), _("Surplus (sum of fields)"), "pos", "success"),
        _count("mismatches", _("Mismatches"), Link("unit-detail", args=("code",), anchor="unit-mismatches")),
        Col("most_short", _("Fields most short"), width=44, page=False, api=False),
    ),
    empty=_("No commune matches these filters."),
    sortable=True,
    row_attrs=lambda r: {"data-unit": r.code},
)


# The dashboard's table under the "largest shortage" chart: the commune and its shortage, unlinked.
# The API serves the same rows as the commune table's (``top_shortage``), under the same schema.
def _top_column(c):
    if c.key in ("name", "shortage"):
        return replace(c, link=None, badges=(), excel=False)
    return replace(c, page=False, excel=False)


TOP_SHORTAGE = Table(
    COMMUNES.name,
    tuple(_top_column(c) for c in COMMUNES.columns),
    empty=_("No commune is short."),
    _serializer=COMMUNES._serializer,
)

# The dashboard's table under the "by field" chart and the API's rows by field (the workbook gives
# the field detail per commune instead: ``FIELD_DETAIL``). Named "field" for the schema's FieldRow.
FIELDS = Table(
    "field",
    (
        Col("field_id", "id", INT, page=False, excel=False),
        Col("code", _("Code"), page=False, excel=False),
        Col("name", _("Field"), header=True, width=28, excel=False),
        Col("quota", _("Quota"), INT, excel=False),
        Col("headcount", _("Headcount"), INT, help=HEADCOUNT_HELP, excel=False),
        Col("shortage", _("Shortage"), INT, css="gap-neg", excel=False),
        Col("surplus", _("Surplus"), INT, css="gap-pos", excel=False),
        Col("net", _("Net"), INT, excel=False),
    ),
    empty=_("No quota or staff recorded."),
    required=True,
)

# The province summary workbook's appendices: per commune, then each field's quota, headcount and
# gap under the field's name (``FIELD_DETAIL.spread(FIELD_FIGURES, fields)``), a few fields a sheet.
FIELD_DETAIL = Table(
    "field_detail",
    (Col("name", _("Commune"), header=True, width=30), Col("code", _("Code"), width=9)),
)
FIELD_FIGURES = (
    Col("quota", _("Quota"), INT, total=True, width=9),
    Col("headcount", HEADCOUNT, INT, total=True, width=9),
    Col("gap", _("Gap"), SIGNED, total=True, width=9),
)


def _kpi(key, label, fmt=INT, **flags):
    """A column of the national table: one of the province's figures (``Kpis``), totalled."""
    return Col(f"kpis.{key}", label, fmt, total=True, width=12, **flags)


# The national page's table, one row per province, and the national summary workbook.
NATIONAL = Table(
    "national",
    (
        Col("name", _("Province"), link=Link("reports:province", args=("code",), extra="query"), header=True, width=28),
        Col("code", _("Code"), page=False, width=8),
        _kpi("quota", _("Quota")),
        _kpi("on_roll", _("On roll"), page=False),
        _kpi("seconded_in", _("Seconded in"), page=False, excel=False),
        _kpi("seconded_out", _("Seconded out"), page=False, excel=False),
        _kpi("absent", _("Absent"), page=False),
        _kpi("effective", _("Effective"), page=False),
        _kpi("headcount", HEADCOUNT, excel=False, help=HEADCOUNT_HELP),
        _kpi("net", _("Against quota"), SIGNED),
        _kpi("communes", _("Communes")),
        _kpi(
            "communes_net_short",
            _("Communes short against quota"),
            css="gap-neg",
            help="the headline: communes whose total headcount is below their total assigned quota",
        ),
        _kpi("net_shortage", _("People short"), css="gap-neg", help="how many people those communes lack in total"),
        _kpi(
            "communes_net_surplus",
            _("Communes over quota"),
            css="gap-pos",
            help="communes whose total headcount is above their total assigned quota",
        ),
        _kpi(
            "net_surplus", _("People over"), css="gap-pos", help="how many people those communes have over their quota"
        ),
        _kpi(
            "communes_short_in_a_field",
            _("Communes short in at least one field"),
            help="communes with at least one field short, whatever their total",
        ),
        _kpi(
            "communes_surplus_in_a_field",
            _("Communes over in at least one field"),
            page=False,
            help="communes with at least one field over its quota, whatever their total",
        ),
        _kpi("gross_shortage", _("Shortage, field by field"), page=False),
        _kpi("gross_surplus", _("Surplus, field by field"), page=False),
        _kpi("active_movements", _("Active movements")),
        _kpi("ending_soon", _("Ending within 30 days"), page=False, help="temporary movements ending within 30 days"),
        _kpi("mismatches", _("Mismatches"), excel_label=_("Expertise mismatches")),
    ),
    nested=True,
    row_attrs=lambda r: {"data-province": r.code},
    no_data=lambda r: not r.kpis.quota and not r.kpis.on_roll and not r.kpis.effective,
)

DEPARTMENT_FIELDS = Table(
    "department_fields",
    (
        Col("field_id", "id", INT, page=False, excel=False),
        Col("code", _("Code"), page=False, excel=False),
        Col("name", _("Field"), link=ROSTER_BY_FIELD, width=28, header=True),
        Col("quota", _("Quota"), INT, total=True, width=10),
        Col("on_roll", _("On roll"), INT, total=True, width=10),
        Col(
            "seconded_out",
            _("Seconded out"),
            INT,
            total=True,
            width=11,
            link=Link("secondments:movement-list", query=(("from_code", "ctx.unit.code"), ("field", "field_id"))),
        ),
        Col("seconded_in", _("Seconded in"), INT, total=True, width=11),
        Col("absent", _("Absent"), INT, total=True, width=10),
        Col("effective", _("Effective"), INT, total=True, width=10),
        Col("headcount", HEADCOUNT, INT, page=False, excel=False, help=HEADCOUNT_HELP),
        Col("gap", _("Against quota"), SIGNED, total=True, width=12),
        Col("mismatches", _("Mismatches"), INT, total=True, width=11),
    ),
    empty=_("No quota or staff recorded."),
)

DEPARTMENT_PLANS = Table(
    "department_plans",
    (
        Col("plan_id", "id", INT, page=False, excel=False),
        Col("plan", _("Plan"), page=False, excel=False),
        Col("required_min", _("Required"), INT, page=False, excel=False, help="from the plan's sending quota"),
        Col("required_max", _("Required"), INT, page=False, excel=False),
        Col(
            "plan_label",
            _("Plan"),
            width=36,
            header=True,
            link=Link("secondments:movement-list", query=(("from_code", "ctx.unit.code"), ("plan", "plan_id"))),
            help="the plan's name, or “outside any plan”",
        ),
        Col("required", _("Required"), width=11, help="the required range as text (—, 3, 3–5)"),
        Col("proposed", _("Proposed"), INT, total=True, width=10),
        Col("approved", _("Approved"), INT, total=True, width=10),
        Col("in_effect", _("In effect"), INT, total=True, width=10),
        Col("completed", _("Completed"), INT, total=True, width=10),
        Col("total", _("Total"), INT, total=True, width=10),
    ),
    empty=_("No staff sent yet."),
)


def _may_decide_quota(ctx):
    return bool(ctx.get("can_decide_quota"))


def _may_only_request_quota(ctx):
    return not ctx.get("can_decide_quota") and bool(ctx.get("can_request_quota"))


def _quota_action(key, text, url_name, when):
    """The quota table's last column: set the row's quota, or ask for posts (page only)."""
    link = Link(url_name, args=("ctx.unit.code",), query=(("field", "field_id"), ("category", "category")), css="small")
    return Col(key, _("Actions"), text=text, link=link, when=when, hidden_label=True, api=False, excel=False)


# The unit page's quota table (communes/includes/unit_quotas.html) and its workbook.
UNIT_QUOTAS = Table(
    "unit_quotas",
    (
        Col("field_name", _("Field"), width=28, header=True),
        Col("category_label", _("Category"), width=16),
        Col("quota", _("Quota"), INT, total=True, width=10),
        Col("on_roll", _("On roll"), INT, total=True, width=10),
        Col("seconded_out", _("Seconded out"), INT, total=True, width=11),
        Col("seconded_in", _("Seconded in"), INT, total=True, width=11),
        Col("absent", _("Absent"), INT, total=True, width=10),
        Col("effective", _("Effective"), INT, total=True, width=10),
        Col("gap", _("Gap"), SIGNED, total=True, width=10, total_name="net"),
        _quota_action("set_quota", _("Set quota"), "quota-create", _may_decide_quota),
        _quota_action("request_posts", _("Request posts"), "quota-request-create", _may_only_request_quota),
    ),
    empty=_("No quota or staff recorded yet."),
    row_attrs=lambda r: {"data-field": r["field_code"], "data-category": r["category"]},
)


def _day_or_dash(key):
    """A date cell showing "—" where the date is not set (e.g. a movement with no end)."""

    def render(row, ctx):
        value = getattr(row, key)
        return "—" if value is None else html.escape(date_format(value, "SHORT_DATE_FORMAT"))

    return render


def _plan_or_dash(row, ctx):
    return html.escape(row.plan.name) if row.plan_id else "—"


def _unit_movements(name, other_key, other_label):
    """The unit page's movements coming in (from another unit) or going out (to another unit), from
    ``reports.selectors.unit_sections``: page only."""
    return Table(
        name,
        (
            Col("person.full_name", _("Person"), header=True, link=Link("secondments:movement-detail", args=("pk",))),
            Col("kind_label", _("Kind")),
            Col(other_key, other_label),
            Col("field", _("Field")),
            Col("start_date", _("From"), DAY),
            Col("end_date", _("To"), DAY, render=_day_or_dash("end_date")),
            Col("status_label", _("Status")),
            Col("plan.name", _("Plan"), render=_plan_or_dash),
        ),
        row_attrs=lambda m: {"data-movement": m.pk},
    )


UNIT_MOVEMENTS_IN = _unit_movements("unit_movements_in", "from_unit.name", _("From unit"))
UNIT_MOVEMENTS_OUT = _unit_movements("unit_movements_out", "to_unit.name", _("To unit"))

MISMATCHES = Table(
    "mismatches",
    (
        Col("full_name", _("Person"), link=STAFF, width=28, header=True),
        Col("staff_code", _("Staff code"), width=12),
        Col("position", _("Position"), width=28),
        Col("field", _("Field of position"), width=22),
        Col("major_field", _("Trained field"), width=22),
    ),
)


def _rule_cell(row, ctx):
    return html.escape(row["rule"] or "–")


def _quota_actions(row, ctx):
    """Edit or delete the unit's sending quota (page only, for those who manage the plan)."""
    if not row["quota_id"]:
        return ""
    args = (ctx["plan"], row["quota_id"])
    edit, delete = reverse("secondments:quota-update", args=args), reverse("secondments:quota-delete", args=args)
    return (
        f'<a href="{edit}">{html.escape(gettext("Edit"))}</a> · <a href="{delete}">{html.escape(gettext("Delete"))}</a>'
    )


def _target_cell(row, ctx):
    return "–" if row.target is None else localize(row.target)


# A plan's totals by movement kind against its targets (its page and the progress API; the plan's
# workbook holds its two parts only).
PLAN_TOTALS = Table(
    "plan_totals",
    (
        Col(
            "kind",
            _("Kind"),
            page=False,
            excel=False,
            help="the movement kind (secondment, reinforcement, rotation, transfer)",
        ),
        Col("label", _("Kind"), header=True, api=False, excel=False),
        Col(
            "target",
            _("Target"),
            INT,
            total=True,
            render=_target_cell,
            excel=False,
            help="the plan's target, null without one",
        ),
        Col("proposed", _("Proposed"), INT, total=True, excel=False),
        Col("sent", _("Approved or later"), INT, total=True, excel=False, help="approved, active or completed"),
        Col("percent", "%", INT, api=False, excel=False),
    ),
    row_attrs=lambda t: {"data-kind": t.kind},
    foot_css="",
)

ACTIVE = pgettext_lazy("movement status", "Active")

# A plan's sending units (its page, ``GET /api/v1/plans/<id>/progress/`` and its workbook's default
# part), from ``PlanProgress.department_rows``; the workbook keeps the printed form's order.
PLAN_DEPARTMENTS = Table(
    "plan_departments",
    (
        Col("unit", "id", ID, page=False, excel=False),
        Col("unit_code", _("Code"), page=False, excel=False),
        Col("unit_name", _("Sending unit"), width=36),
        Col("rule", _("Rule"), width=12, render=_rule_cell, help="the sending quota's rule, null without one"),
        Col("active_staff", _("Active staff"), INT, total=True, width=11),
        Col("required", _("Required (min–max)"), css="num", head_css="num", api=False, excel=False),
        Col("required_min", _("Required (min)"), INT, total=True, width=11, page=False),
        Col("required_max", _("Required (max)"), INT, total=True, width=11, page=False),
        Col("draft", _("Draft"), INT, page=False, excel=False),
        Col("proposed", _("Proposed"), INT, total=True, width=11),
        Col("approved", _("Approved"), INT, total=True, width=11),
        Col("active", ACTIVE, INT, total=True, width=11),
        Col("completed", _("Completed"), INT, total=True, width=11),
        Col("sent", _("Sent"), INT, total=True, width=11, page=False),
        Col(
            "actions",
            _("Actions"),
            css="no-print",
            head_css="no-print",
            hidden_label=True,
            render=_quota_actions,
            when=lambda ctx: bool(ctx.get("can_manage")),
            api=False,
            excel=False,
        ),
    ),
    empty=_("No sending quotas or nominations yet."),
    row_attrs=lambda r: {"data-unit": r["unit_code"]},
    excel_order=(
        "unit_name",
        "active_staff",
        "rule",
        "required_min",
        "required_max",
        "proposed",
        "approved",
        "active",
        "completed",
        "sent",
    ),  # fmt: skip
)

# A plan's receiving communes (its page, ``GET /api/v1/plans/<id>/progress/`` and the "communes"
# part of its workbook), from ``PlanProgress.commune_rows``.
PLAN_COMMUNES = Table(
    "plan_communes",
    (
        Col("unit", "id", ID, page=False, excel=False),
        Col("unit_code", _("Code"), page=False, excel=False),
        Col(
            "unit_name",
            _("Commune"),
            width=30,
            badges=(Badge("is_priority", _("priority"), "", "text-bg-warning"),),
        ),
        Col("field", _("Field"), page=False, excel=False, help="the field's code"),
        Col("field_name", _("Field"), width=24, api=False),
        Col("is_priority", _("Priority"), BOOL, page=False, excel=False),
        Col("priority", _("Priority"), width=9, page=False, api=False),
        Col(
            "shortage",
            _("Shortage today"),
            INT,
            css="gap-neg",
            css_if_value=True,
            total=True,
            width=11,
            excel_label=_("Shortage"),
        ),
        Col("requested", _("Requested"), INT, total=True, width=11),
        Col("proposed", _("Proposed"), INT, total=True, width=11),
        Col("received", _("Received"), INT, total=True, width=11),
        Col("active", ACTIVE, INT, total=True, width=11),
    ),
    empty=_("No commune has received or requested staff under this plan yet."),
    required=True,
)
