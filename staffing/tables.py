"""Tables of people and quotas, each declared once (``core.tables``): a person's history
(placements, movements, absences; rows: ``staffing.history.timeline_rows``), read by the person's
page, the report API and the Excel export; the staff list (``STAFF_LIST``), read by a unit's roster
page, the staff API and the staff export; the quota requests' list and the province's quota pool
(its figures and its decisions)."""

import html

from django.urls import reverse
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.tables import BOOL, DAY, ID, INT, TEXT, Col, Link, Table
from staffing.models import AbsenceKind, Category, Gender, Qualification, StaffStatus


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


# --- The staff list ---------------------------------------------------------------------------------
#
# One declaration for the three lists of people: a unit's roster page (``reports.unit_pages``, its
# rows written by ``reports.templatetags.roster_tags``), the staff API (``reports.api.StaffListAPI``)
# and the staff export (``reports.exports.StaffListExporter``). Each reads its own tuned query, so a
# column says what each reads where it is not its key: the roster's named rows
# (``reports.unit_pages.ROSTER_VALUES``: ``page_key``), the export's ``values_list`` (``excel_key``;
# "placed …" through today's placement) and the API's (``api_key``; "placed …" likewise, a code of
# a related row read by its key). A page column's key is also the roster's ``ordering`` value. The
# API serves codes; the page and the workbook the codes' labels. Personal columns are left out, by
# all three, for a reader not granted personal data (``staff.view_personal``).


def _status_texts():
    esc = html.escape
    return {
        "status": {k: esc(str(v)) for k, v in StaffStatus.choices},
        "absence": {k: esc(str(v)) for k, v in AbsenceKind.choices},
        "came": esc(gettext("Seconded in from %s")),
        "went": esc(gettext("Seconded to %s")),
        "away": esc(gettext("Absent: %s")),
    }


def _status_cell(row, ctx):
    """The status, and who is seconded in or out and who is absent that day, as badges. The
    labels are translated once per page (kept in ``ctx``)."""
    texts = ctx.get("staff_status_texts") or ctx.setdefault("staff_status_texts", _status_texts())
    esc = html.escape
    badge = "text-bg-success" if row.status == StaffStatus.ACTIVE else "text-bg-secondary"
    out = f'<span class="badge {badge}">{texts["status"].get(row.status) or esc(row.status)}</span>'
    if row.seconded_from:
        out += f' <span class="badge text-bg-info roster-in">{texts["came"] % esc(row.seconded_from)}</span>'
    if row.seconded_to:
        out += f' <span class="badge text-bg-light border roster-out">{texts["went"] % esc(row.seconded_to)}</span>'
    if row.absence_kind:
        kind = texts["absence"].get(row.absence_kind) or esc(row.absence_kind)
        out += f' <span class="badge text-bg-warning roster-absent">{texts["away"] % kind}</span>'
    return out


STAFF_RECORD = Link("staff-detail", args=("pk",))


def _code(key, fmt, path, about, null=False):
    """A column the API alone serves: a code or key read through ``path``."""
    return Col(key, key, fmt, page=False, excel=False, api_key=path, help=about, null=null)


STAFF_LIST = Table(
    "staff",
    (
        Col("id", "id", ID, page=False, excel=False, help="the person's record (/api/v1/staff/{id}/)"),
        Col("staff_code", _("Staff code"), width=12),
        Col("full_name", _("Full name"), link=STAFF_RECORD, width=28),
        Col("gender", _("Gender"), page=False, personal=True, choices=Gender, width=8),
        Col("birth_date", _("Date of birth"), DAY, personal=True, width=12),
        Col(
            "category",
            _("Category"),
            choices=Category,
            page_key="placed_category",
            excel_key="placed_category",
            api_key="placed category",
            width=14,
        ),
        Col("unit", _("Unit"), page=False, api=False, excel_key="placed unit__name", width=28),
        Col(
            "position",
            _("Position"),
            api=False,
            null=True,
            blank="—",
            page_key="position_name",
            excel_key="placed position__name",
            width=28,
        ),
        Col("field", _("Field"), api=False, page_key="work_field_name", excel_key="placed field__name_vi", width=20),
        Col(
            "major_field",
            _("Trained field"),
            page=False,
            api=False,
            null=True,
            excel_key="major_field__name_vi",
            width=20,
        ),
        Col("qualification", _("Qualification"), personal=True, choices=Qualification, width=14),
        Col(
            "status",
            _("Status"),
            choices=StaffStatus,
            render=_status_cell,
            reads=("seconded_to", "seconded_from", "absence_kind"),
            width=10,
        ),
        Col("start_date", _("Joined on"), DAY, null=True, width=12),
        # The API's codes and keys, read through today's placement or the person.
        _code("is_leader", BOOL, "placed is_leader", "holds a leading post in the unit"),
        _code("unit_id", INT, "placed unit_id", "the unit the person is placed in today"),
        _code("unit_code", TEXT, "placed unit__code", "the code of that unit"),
        _code("field_code", TEXT, "placed field__code", "the field of the post held today"),
        _code("major_field_code", TEXT, "major_field__code", "the field the person was trained in", null=True),
        _code("position_code", TEXT, "placed position__code", "the post held, in the position catalogue", null=True),
    ),
    empty=_("Nobody matches these filters."),
    sortable=True,
    required=True,
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
