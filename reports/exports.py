"""Excel exports of the reports, and the plumbing every export shares.

An export is registered under a name with a builder ``(user, params) -> ExportSpec``; the builder
checks access (403 / 404), reads the same parameters as the page and calls the report's selector.
``export_response`` then writes it during the request, or, above ``REPORTS_BACKGROUND_ROWS`` rows,
queues an ``ExportJob`` that a background worker writes to default storage.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from operator import itemgetter

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import Exists, F, Q
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.policy import may
from accounts.scoping import for_user
from audit.services import audit_record
from communes.models import Unit, province_issuer
from config.routers import read_alias
from core.dates import IsoDate
from core.excel import Exporter, Issuer, export_filename, xlsx_response
from core.memo import Kept, bind
from headcount.models import SummaryState
from headcount.selectors import query_key
from headcount.summary import placements_stored
from reports import access, tables
from reports.forms import ProvinceReportForm, ReportForm
from reports.selectors import (
    department_report,
    mismatch_rows,
    national_summary,
    province_dashboard,
    report_fields,
    unit_quota_rows,
)
from secondments.selectors import alert_groups, alert_rows
from staffing.filters import StaffFilterSet
from staffing.history import timeline_rows
from staffing.models import PERSONAL_FIELDS, Staff, placed, placed_path, reads_stored
from staffing.tables import STAFF_LIST

BACKGROUND_ROWS = 50_000

# The columns a staff export reads, in order: the workbook's columns of the staff list (the
# benchmark replays the same query), personal or not (one query for every reader); ``placed``: what
# the placement points at.
STAFF_EXPORT_VALUES = tuple(
    ("placed", key.removeprefix("placed ")) if key.startswith("placed ") else key
    for key in (c.excel_key or c.key for c in STAFF_LIST.printed_columns())
)


def staff_export_values(queryset):
    """STAFF_EXPORT_VALUES as paths of ``queryset`` (a ``staff_list``)."""
    stored = reads_stored(queryset)
    return [placed_path(v[1], stored=stored) if isinstance(v, tuple) else v for v in STAFF_EXPORT_VALUES]


@dataclass
class ExportSpec:
    exporter: Exporter
    issuer: Issuer
    as_of: date | None = None
    rows: int = 0  # expected number of rows: decides between now and a background job
    personal: bool = False  # holds personal records: who exports it is recorded in the audit log


EXPORTS: dict[str, Callable] = {}


def register(name):
    """Register an export builder ``(user, params) -> ExportSpec`` under ``name``."""

    def wrap(builder):
        EXPORTS[name] = builder
        return builder

    return wrap


def build(name, user, params) -> ExportSpec:
    return EXPORTS[name](user, params)


def background_rows():
    return getattr(settings, "REPORTS_BACKGROUND_ROWS", BACKGROUND_ROWS)


def wants_xlsx(request):
    return request.GET.get("format") == "xlsx"


def export_response(request, name, params=None):
    """The xlsx file now, or (for a large export) a queued job and a redirect to its progress page.

    ``params`` defaults to the request's query string. Raises ValidationError on bad parameters.
    """
    from reports.models import ExportJob

    params = request.GET if params is None else params
    spec = build(name, request.user, params)
    if spec.personal:
        audit_record(request, "staff.export", params=params, rows=spec.rows)
    if spec.rows > background_rows():
        job = ExportJob.objects.create(
            owner=request.user,
            name=name,
            params={k: v for k, v in params.lists() if k != "format"},
            total=spec.rows,
            filename=spec.exporter.filename,
        )
        enqueue_export(job)
        return job
    return xlsx_response(spec.exporter, issuer=spec.issuer, as_of=spec.as_of)


def export_or_redirect(request, name, params=None):
    """For pages: the file, or a redirect to the job's progress page."""
    result = export_response(request, name, params)
    if hasattr(result, "get_absolute_url"):
        return redirect(result)
    return result


def enqueue_export(job):
    from reports.tasks import export_job_enqueue

    export_job_enqueue(job)


def form_errors(form):
    return ValidationError([f"{form[name].label or name}: {' '.join(errs)}" for name, errs in form.errors.items()])


def dated(title, day) -> str:
    """A title naming its day: "… — Tỉnh Đắk Lắk, as of 15/10/2025"."""
    return _("%(title)s, as of %(day)s") % {"title": title, "day": day.strftime("%d/%m/%Y")}


def headline_text(kpis) -> str:
    """The province's headline as one sentence, then the separate count by field."""
    return _(
        "%(n)s communes short of %(m)s people against their assigned quota; %(k)s communes with %(l)s "
        "people over it (each commune counted by its whole headcount against its whole quota). "
        "Communes short in at least one field: %(f)s."
    ) % {
        "n": kpis.communes_net_short,
        "m": kpis.net_shortage,
        "k": kpis.communes_net_surplus,
        "l": kpis.net_surplus,
        "f": kpis.communes_short_in_a_field,
    }


# --- Province summary: communes, then communes × fields on appendix sheets -----------------------

FIELDS_PER_SHEET = 4  # 3 + 4 × 3 columns: fitted to A4 landscape at about 95%
MOST_SHORT = 3  # fields named in the summary's "fields most short" column


class ProvinceSummaryExporter(tables.TableExporter):
    """One row per commune (``tables.COMMUNES``): quota, headcount, net, gross shortage and surplus,
    and its most short fields.

    The field detail (quota, headcount and gap per field) follows on appendix sheets, a few fields
    per sheet, so that every printed page is legible.
    """

    def __init__(self, dashboard):
        self.d = dashboard
        self.fields = [f for f in dashboard.fields if any(r.field_id == f.pk for r in dashboard.by_field)]
        province = dashboard.province
        super().__init__(
            tables.COMMUNES,
            [{**vars(c), "most_short": self.most_short(c)} for c in dashboard.communes],
            title=dated(
                _("Staff against assigned quota — %(province)s") % {"province": province.name}, dashboard.as_of
            ),
            filename=export_filename("bao cao bien che", province.short_name, day=dashboard.as_of),
            sheet_title="Tong hop",
            view=dashboard.view,
        )
        # The headline, then where the figures come from (a second line of the same cell).
        self.note = f"{headline_text(dashboard.kpis)}\n{dashboard.source.text()}"

    def most_short(self, commune):
        short = [
            (quota - headcount, f.name)
            for f in self.fields
            for quota, headcount in [commune.by_field.get(f.pk, (0, 0))]
            if headcount < quota
        ]
        short.sort(key=lambda item: -item[0])
        return "; ".join(f"{name} ({n})" for n, name in short[:MOST_SHORT])

    def sheets(self):
        chunks = [self.fields[i : i + FIELDS_PER_SHEET] for i in range(0, len(self.fields), FIELDS_PER_SHEET)]
        return [self] + [province_fields_sheet(self, chunk, n) for n, chunk in enumerate(chunks, start=1)]


def province_fields_sheet(summary: ProvinceSummaryExporter, fields, number):
    """An appendix of the province summary: per commune, quota, headcount and gap in a few fields
    (``tables.FIELD_DETAIL``)."""
    table = tables.FIELD_DETAIL.spread(tables.FIELD_FIGURES, [(str(f.pk), f.name) for f in fields])
    rows = []
    for c in summary.d.communes:
        row = {"name": c.name, "code": c.code}
        for f in fields:
            quota, headcount = c.by_field.get(f.pk, (0, 0))
            row[str(f.pk)] = {"quota": quota, "headcount": headcount, "gap": headcount - quota}
        rows.append(row)
    title = _("Appendix %(n)s: staff against assigned quota by field — %(province)s") % {
        "n": number,
        "province": summary.d.province.name,
    }
    sheet = tables.appendix(table, rows, title=title, sheet_title=f"Phu luc {number}")
    sheet.subtitle = _("Fields: %(fields)s") % {"fields": ", ".join(f.name for f in fields)}
    sheet.view = summary.view
    return sheet


@register("province-summary")
def province_summary_export(user, params):
    province = access.province_for(user, params.get("province"))
    fields = report_fields()
    form = ProvinceReportForm(params, fields=fields)
    if not form.is_valid():
        raise form_errors(form)
    d = form.cleaned_data
    dashboard = province_dashboard(province, as_of=d["as_of"], view=d["view"], filters=form.filters(), fields=fields)
    exporter = ProvinceSummaryExporter(dashboard)
    return ExportSpec(exporter, province_issuer(province), dashboard.as_of, len(dashboard.communes))


# --- National summary: one row per province -------------------------------------------------------


class NationalSummaryExporter(tables.TableExporter):
    def __init__(self, summary):
        super().__init__(
            tables.NATIONAL,
            summary["rows"],
            title=dated(_("Staff against assigned quota by province, nationwide"), summary["as_of"]),
            filename=export_filename("bao cao bien che", "toan quoc", day=summary["as_of"]),
            sheet_title="Toan quoc",
            view=summary["view"],
        )
        self.summary = summary
        self.note = f"{headline_text(summary['total'])}\n{summary['source'].text()}"


@register("national-summary")
def national_summary_export(user, params):
    access.require_national(user)
    fields = report_fields()
    form = ProvinceReportForm(params, fields=fields)
    if not form.is_valid():
        raise form_errors(form)
    d = form.cleaned_data
    summary = national_summary(user, as_of=d["as_of"], view=d["view"], filters=form.filters(), fields=fields)
    return ExportSpec(NationalSummaryExporter(summary), province_issuer(None), d["as_of"], len(summary["rows"]))


# --- Staff list: the filtered roster --------------------------------------------------------------


_PLACED = {}
GUARDED = object()  # staff_list(stored=GUARDED)


def placed_people(day, *, stored=False):
    """People placed on ``day``, with that placement (``stored``: today's, as stored beside each
    person): built once per day, then cloned (building the annotations costs more than the clone)."""
    people = _PLACED.get((day, stored))
    if people is None:
        # Filters go through the annotations (``placed_unit``…): each filter() through ``placed__``
        # would join the assignments again.
        if day not in {d for d, _s in _PLACED}:
            _PLACED.clear()
        people = Staff.objects.with_placement(day, stored=stored).filter(placed_unit__isnull=False)
        _PLACED[(day, stored)] = people
    return people.all()


def staff_list(user, params, day=None, *, stored=None):
    """People on the roll on ``day`` (today) of the units the user sees, with that placement,
    filtered by StaffFilterSet (403 never: out of scope rows vanish).

    Today's placement is read from the people's stored columns while today's summary holds
    (``stored`` None: one query to know it), else from the dated assignments; reach what it
    points at through ``staffing.models.placed`` with ``reads_stored(queryset)``. With
    ``stored=GUARDED`` the stored columns are read on the condition, in the same query, that the
    summary holds today: no row at all then means "ask again with ``stored=False``" when
    ``placements_stored(day)`` is false."""
    return staff_filtered(user, params, day, stored=stored)[0]


def staff_filtered(user, params, day=None, *, stored=None, unit_ids=None):
    """``(queryset, filterset)``: ``staff_list`` and the StaffFilterSet that gave it (its units;
    ``unit_ids``: their ids, already read)."""
    day = day or timezone.localdate()
    guarded = stored is GUARDED
    if guarded:
        stored = day == timezone.localdate()
    elif stored is None:
        stored = placements_stored(day)
    people = placed_people(day, stored=stored)
    if guarded and stored:
        people = people.filter(Exists(SummaryState.objects.filter(day=day)))
    units = for_user(Unit.objects.all(), user)
    # The filterset reads the units in scope with those its filters name, in one query, and
    # filters by them as constants.
    scope = units if units.query.where else None
    if not may(user, "staff.view_personal"):
        # Neither filter nor sort by personal fields the user may not see.
        params = params.copy()
        params.pop("qualification", None)
        if params.get("ordering", "").lstrip("-") in PERSONAL_FIELDS:
            params.pop("ordering")
    filterset = StaffFilterSet(params, queryset=people, units=scope, unit_ids=unit_ids)
    if not filterset.is_valid():
        raise ValidationError([f"{k}: {' '.join(v)}" for k, v in filterset.errors.items()])
    qs = filterset.qs
    if not qs.query.order_by:
        qs = qs.order_by("sort_key", "staff_code")  # as Vietnamese staff lists are
    return qs, filterset


def staff_page_query(queryset, after, limit):
    """At most ``limit`` rows of ``queryset`` (a ``staff_list``) in (placed unit, id) order, after
    the row ``after``: its (placed unit id, id), or None for the first page."""
    if after is not None:
        unit_id, pk = after
        queryset = queryset.filter(placed_unit__gte=unit_id).filter(Q(placed_unit__gt=unit_id) | Q(id__gt=pk))
    return queryset.order_by("placed_unit", "id")[:limit]


# The staff API's queries, kept per everything their SQL depends on: built and compiled through
# the ORM they took longer than the database takes to run them, and the same lists are asked for
# all day. The units in scope and in the filters are read on every request and are part of the key
# (a unit added or moved is listed at once); rows are never kept.
_STAFF_KEPT = Kept(256)
_STAFF_PAGES_SIZE = 16  # page queries per kept list: a walk's cursors are each asked for once
# Filters whose validation or SQL reads other rows than the units (a field or position id must
# exist, a code is read as ids): with any of them the queries are built afresh.
STAFF_UNKEPT_FILTERS = frozenset({"field", "field_code", "position", "position_code"})


def staff_list_key(user, params, day, stored):
    """What ``staff_list(user, params, day, stored=stored)`` compiles to, but for the units it reads;
    None when a filter reads other rows (``STAFF_UNKEPT_FILTERS``) or ``stored`` is None (the
    summary's state then decides)."""
    if stored is None:
        return None
    filters = []
    for name, values in sorted(params.lists()):
        if name not in StaffFilterSet.base_filters:
            continue  # ignored by the filterset
        if name in STAFF_UNKEPT_FILTERS and any(values):
            return None
        filters.append((name, tuple(values)))
    # The scope: what accounts.scoping.scope_q reads of the user.
    scope = tuple(getattr(user, a, None) for a in ("is_active", "is_superuser", "role", "province_id", "unit_id"))
    stored = "guarded" if stored is GUARDED else stored
    return (read_alias(), scope, may(user, "staff.view_personal"), day, stored, get_language(), tuple(filters))


def staff_values(queryset, columns):
    """``(rows, lookups)``: ``queryset`` (a ``staff_list``) as a ``values_list`` of ``columns`` (own,
    dates, {name: path}: ``reports.api.staff_api_columns``) followed by its order (placed unit, id),
    and {index: (model, column)}: the columns that hold a key whose row's ``column`` is listed.

    Own columns are read as they are, dates as ISO text; a path ``placed …`` through the placement
    (``staffing.models.placed``), another through the person. A code is read by key in the page's
    outer query (``staff_page_sql``)."""
    own, dates, related = columns
    stored = reads_stored(queryset)
    selected, lookups = [IsoDate(c) if c in dates else c for c in own], {}
    for path in related.values():
        through_placement = path.startswith("placed ")
        path = path.removeprefix("placed ")
        relation, _, column = path.partition("__")
        if not column or (through_placement and not stored):
            selected.append(placed(path, stored=stored) if through_placement else F(path))
            continue
        key = placed_path(relation, stored=True) if through_placement else relation
        lookups[len(selected)] = (Staff._meta.get_field(key).related_model, column)
        selected.append(F(key))
    return queryset.values_list(*selected, F("placed_unit"), F("id")), lookups


def staff_page_sql(sql, width, lookups, connection):
    """The page query ``sql`` (``staff_values``: ``width`` columns, then its order's two) with each
    column of ``lookups`` read by its key after the page's LIMIT.

    Read by a subquery per row, each code cost a plan's run per row (1,000 rows: 4,000 runs);
    joined beside the page's filters, the unit table was walked from its start to the page's first
    unit."""
    qn = connection.ops.quote_name
    names = ", ".join(f"c{i}" for i in range(width + 2))
    select, joins = [], []
    for i in range(width):
        if i not in lookups:
            select.append(f"p.c{i}")
            continue
        model, column = lookups[i]
        select.append(f"t{i}.{qn(model._meta.get_field(column).column)}")
        joins.append(f" LEFT JOIN {qn(model._meta.db_table)} t{i} ON t{i}.{qn(model._meta.pk.column)} = p.c{i}")
    return (
        f"WITH p ({names}) AS ({sql}) SELECT {', '.join(select)} FROM p{''.join(joins)}"
        f" ORDER BY p.c{width}, p.c{width + 1}"
    )


def staff_page(user, params, day, *, stored, columns, after, limit):
    """The rows of ``staff_list(user, params, day, stored=stored)`` (``staff_values`` of ``columns``)
    from ``staff_page_query(…, after, limit)``, as tuples. Raises ValidationError on bad filters.

    The SQL is kept (``staff_list_key`` with the units' ids read now and the columns): a kept list
    costs one query of units and the page's query."""
    key = staff_list_key(user, params, day, stored)
    connection, ids = connections[read_alias()], None
    if key is not None:
        own, dates, related = columns
        key = (*key, own, dates, tuple(related.items()))
        units = _STAFF_KEPT.get(key)
        if units is not None:
            sql, units_params = units
            if sql is not None:
                with connection.cursor() as cursor:
                    cursor.execute(sql, units_params)
                    ids = tuple(pk for (pk,) in cursor.fetchall())
            entry = _STAFF_KEPT.get((key, ids))
            if entry is not None:
                return _staff_page_rows(entry, after, limit)
    # Units that differ from the kept ones are not read a second time.
    queryset, filterset = staff_filtered(user, params, day, stored=stored, unit_ids=ids)
    entry = (*staff_values(queryset, columns), Kept(_STAFF_PAGES_SIZE))
    if key is not None:
        units = filterset.units
        try:
            units = (None, None) if units is None else query_key(units.values_list("pk", flat=True))
        except EmptyResultSet:  # no unit can match (an empty scope, a unit id of 1.5): not kept
            pass
        else:
            _STAFF_KEPT.put(key, bind(connection, *units) if units[0] else units)
            _STAFF_KEPT.put((key, filterset.unit_ids), entry)
    return _staff_page_rows(entry, after, limit)


def _staff_page_rows(entry, after, limit):
    rows, lookups, pages = entry
    connection = connections[rows.db]
    page = pages.get((after, limit))
    if page is None:
        compiler = staff_page_query(rows, after, limit).query.get_compiler(rows.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:  # a filter nothing can match: no query, as the ORM does
            page = (None, (), ())
        else:
            width = compiler.col_count - 2
            converters = compiler.get_converters([s[0] for s in compiler.select[:width]])
            converters = [(pos, c) for pos, c in converters.items() if pos not in lookups]
            page = (*bind(connection, staff_page_sql(sql, width, lookups, connection), params), converters)
        pages.put((after, limit), page)
    sql, params, converters = page
    if sql is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    if converters:  # as Django's compiler applies them (SQLite's booleans)
        fetched = [list(row) for row in fetched]
        for row in fetched:
            for pos, (convs, expression) in converters:
                value = row[pos]
                for converter in convs:
                    value = converter(value, expression, connection)
                row[pos] = value
        fetched = [tuple(row) for row in fetched]
    return fetched


class StaffListExporter(Exporter):
    """The staff list's workbook columns (``staffing.tables.STAFF_LIST``)."""

    sheet_title = "Danh sach"
    personal = True

    def __init__(self, queryset, *, place=None, day=None, personal=True):
        """``place``: the province or unit the list belongs to (None: nationwide); without
        ``personal`` the gender, birth date and qualification columns are left out."""
        self.queryset = queryset
        self.personal = personal
        self.title = dated(
            _("List of cadres, civil servants and public employees — %(place)s") % {"place": place or _("nationwide")},
            day or timezone.localdate(),
        )
        self.filename = export_filename("danh sach can bo", short_name(place), day=day or timezone.localdate())

    def columns(self):
        return STAFF_LIST.excel_columns(personal=self.personal)

    def rows(self):
        """The workbook's rows: the query's values, codes written as their labels, without the
        personal columns unless ``personal`` (a missing text is a blank cell as "" would be)."""
        printed = STAFF_LIST.printed_columns()
        shown = [i for i, c in enumerate(printed) if self.personal or not c.personal]
        labels = [(n, c.labels()) for n, c in enumerate(printed[i] for i in shown) if c.choices is not None]
        pick = itemgetter(*shown) if len(shown) < len(printed) else None
        for s in self.queryset.values_list(*staff_export_values(self.queryset)).iterator(chunk_size=2000):
            row = list(pick(s) if pick else s)
            for n, names in labels:
                v = row[n]
                row[n] = names.get(v, v)
            yield row


@register("staff")
def staff_export(user, params):
    qs = staff_list(user, params)
    return ExportSpec(
        StaffListExporter(qs, place=user_place(user), personal=may(user, "staff.view_personal")),
        user_issuer(user),
        timezone.localdate(),
        qs.count(),
        personal=True,
    )


def user_place(user):
    """The unit or province a user's lists belong to (None: nationwide)."""
    if user.unit_id:
        return user.unit
    return user.province if user.province_id else None


def short_name(place):
    """How a file name calls a unit or province: "dak-lak" for Tỉnh Đắk Lắk, "toan-quoc" for none."""
    if place is None:
        return "toan quoc"
    return getattr(place, "short_name", None) or place.name


def user_issuer(user) -> Issuer:
    """The heading of a list the user exports: the unit's own, or the province's letterhead."""
    if user.unit_id:
        return Issuer.for_unit(user.unit)
    return province_issuer(user.province if user.province_id else None)


def report_form(params):
    form = ReportForm(params)
    if not form.is_valid():
        raise form_errors(form)
    return form.cleaned_data


# --- Tables declared in reports/tables.py: the department report, a unit's quota table and its
# expertise mismatches, the movement alerts and a person's history -----------------------------


def scoped_unit(user, code) -> Unit:
    """The unit ``code`` if the user's scope holds it (404 otherwise)."""
    unit = for_user(Unit.objects.filter(code=code or ""), user).select_related("province").first()
    if unit is None:
        raise Http404
    return unit


def unit_title(label, unit, day):
    return dated(_("%(report)s — %(unit)s") % {"report": label, "unit": unit.name}, day)


@register("department")
def department_export(user, params):
    unit = access.department_for(user, params.get("code"))
    d = report_form(params)
    report = department_report(unit, as_of=d["as_of"], view=d["view"])
    exporter = tables.TableExporter(
        tables.DEPARTMENT_FIELDS,
        report["by_field"],
        title=unit_title(_("Staff by field against assigned quota"), unit, report["as_of"]),
        filename=export_filename("bao cao don vi", unit.name, day=report["as_of"]),
        sheet_title="Theo linh vuc",
    )
    exporter.more = [
        tables.appendix(
            tables.DEPARTMENT_PLANS,
            report["plans"],
            title=unit_title(_("Staff sent, by plan"), unit, report["as_of"]),
            sheet_title="Theo ke hoach",
        )
    ]
    return ExportSpec(exporter, province_issuer(unit.province), report["as_of"], len(report["by_field"]))


@register("unit-quotas")
def unit_quotas_export(user, params):
    unit = scoped_unit(user, params.get("code"))
    d = report_form(params)
    rows, _totals = unit_quota_rows(unit, as_of=d["as_of"], view=d["view"])
    exporter = tables.TableExporter(
        tables.UNIT_QUOTAS,
        rows,
        title=unit_title(_("Quota and headcount by field and category"), unit, d["as_of"]),
        filename=export_filename("bien che theo linh vuc", unit.name, day=d["as_of"]),
        sheet_title="Bien che",
    )
    return ExportSpec(exporter, unit_issuer(unit), d["as_of"], len(rows))


@register("mismatches")
def mismatches_export(user, params):
    unit = scoped_unit(user, params.get("code"))
    d = report_form(params)
    rows = mismatch_rows(unit, as_of=d["as_of"])
    exporter = tables.TableExporter(
        tables.MISMATCHES,
        rows,
        title=unit_title(_("Staff whose trained field differs from their post"), unit, d["as_of"]),
        filename=export_filename("trai chuyen mon", unit.name, day=d["as_of"]),
        sheet_title="Trai chuyen mon",
    )
    return ExportSpec(exporter, unit_issuer(unit), d["as_of"], len(rows), personal=True)


@register("alerts")
def alerts_export(user, params):
    day = timezone.localdate()
    rows = alert_rows(alert_groups(user, as_of=day))
    place = user_place(user)
    exporter = tables.TableExporter(
        tables.ALERTS,
        rows,
        title=_("Movement alerts — %(place)s, as of %(day)s")
        % {"place": place or _("nationwide"), "day": day.strftime("%d/%m/%Y")},
        filename=export_filename("canh bao dieu dong", short_name(place), day=day),
        sheet_title="Canh bao",
        signed=False,
    )
    return ExportSpec(exporter, user_issuer(user), day, len(rows), personal=True)


@register("person-history")
def person_history_export(user, params):
    try:
        person = for_user(Staff.objects.all(), user).distinct().get(pk=int(params.get("pk")))
    except (TypeError, ValueError, Staff.DoesNotExist):
        raise Http404 from None
    day = timezone.localdate()
    rows = timeline_rows(person)
    exporter = tables.TableExporter(
        tables.PERSON_HISTORY,
        rows,
        title=_("Work history of %(name)s (%(code)s), as of %(day)s")
        % {"name": person.full_name, "code": person.staff_code, "day": day.strftime("%d/%m/%Y")},
        filename=export_filename("qua trinh cong tac", person.full_name, day=day),
        sheet_title="Qua trinh",
        signed=False,
    )
    return ExportSpec(exporter, user_issuer(user), day, len(rows), personal=True)


def unit_issuer(unit) -> Issuer:
    """A commune's own heading; a department's reports go out under the province's letterhead."""
    return Issuer.for_unit(unit) if unit.is_commune_level else province_issuer(unit.province)
