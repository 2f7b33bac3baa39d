"""The list of units a user may see; the unit page (quota and headcount by field and category,
movements, mismatches); and the unit's roster: who is on its roll, who works there and who is
absent, on a day."""

from collections import namedtuple
from datetime import date

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Window
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from accounts.policy import may
from accounts.scoping import can_write, scope_q
from accounts.views import ScopedMixin
from audit.services import audit_record
from communes.filters import UnitFilterSet
from communes.models import Unit
from config.routers import read_connection
from core.forms import bootstrap
from core.memo import Kept, kept_instance, run
from core.tables import DAY
from core.text import normalize_search
from headcount.selectors import Roster, query_key, roster_people
from headcount.summary import read_stored_or_live
from reports.selectors import unit_quota_rows, unit_sections
from staffing.filters import RosterFilterSet
from staffing.models import PERSONAL_FIELDS, Field, Position, Quota
from staffing.tables import STAFF_LIST

ROSTER_PAGE_SIZE = 50


def page_values(table):
    """What a page of ``table`` reads of a row: the keys its links take, each page column's value
    (personal or not: one query for every reader), then what the columns' ``render`` reads."""
    columns = table.page_columns()
    values = [key for c in columns if c.link for key in c.link.args]
    values += [c.page_key or c.key for c in columns]
    values += [key for c in columns for key in c.reads]
    return tuple(dict.fromkeys(values))


# What a roster row reads: plain values (a page of model instances with their position and field
# cost more than the rest of the page).
ROSTER_VALUES = page_values(STAFF_LIST)
RosterRow = namedtuple("RosterRow", ROSTER_VALUES)
# Where the dates are in a row (SQLite gives them as text).
_ROSTER_DATES = tuple(
    i
    for i, value in enumerate(ROSTER_VALUES)
    if value in {c.page_key or c.key for c in STAFF_LIST.page_columns() if c.format == DAY}
)
QUOTA_DECISION_FIELDS = (
    "category",
    "count",
    "decision_number",
    "decision_date",
    "effective_from",
    "field",
    "field__name_vi",
    "field__name_en",
)


def sort_columns(params, personal=True):
    """The roster's column headers (``staffing.tables.STAFF_LIST``'s page columns, without the
    personal ones unless ``personal``): label, current direction and the link that sorts by it."""
    current = params.get("ordering", "")
    query = params.copy()
    query.pop("page", None)
    columns = []
    for c in STAFF_LIST.page_columns(personal=personal):
        key, label = c.key, c.label
        direction = "asc" if current == key else "desc" if current == f"-{key}" else None
        query["ordering"] = f"-{key}" if current == key else key
        columns.append({"key": key, "label": label, "direction": direction, "href": f"?{query.urlencode()}"})
    return columns


def _chosen(params, key, known):
    """The id chosen for ``key`` in the URL when no option offers it yet, else None."""
    value = params.get(key)
    return int(value) if value and str(value).isdigit() and int(value) not in known else None


def roster_choices_sql(people, name_column):
    """``(sql, params)`` of what the roster's people work in and hold: rows of (field id, name,
    sort order, code, position id, name).

    The people are grouped by ids first and the names joined to the groups: naming each person
    before grouping cost more than the grouping. How many match the filters comes with the page's
    rows (``roster_page_rows``)."""
    sql, params = query_key(people.order_by().values_list("work_field", "placed_position").distinct())
    qn = connection.ops.quote_name
    field, position = qn(Field._meta.db_table), qn(Position._meta.db_table)
    return (
        f"SELECT g.work_field, f.{qn(name_column)}, f.sort_order, f.code, g.placed_position, p.name "
        f"FROM ({sql}) g LEFT JOIN {field} f ON f.id = g.work_field LEFT JOIN {position} p ON p.id = g.placed_position",
        params,
    )


def roster_choices(params, held):
    """Options of the roster's field and position filters, from the rows of
    ``roster_choices_sql``.

    The options are what the roster's people work in and hold, not the whole catalogues; a value
    chosen in the URL that nobody here has stays selectable (and finds nobody).
    """
    fields, positions = {}, {}
    for field_id, field_name, sort_order, code, position_id, position_name in held:
        fields[field_id] = (sort_order, code, field_name)
        if position_id is not None:
            positions[position_id] = position_name
    if chosen := _chosen(params, "field", fields):
        name = Field.name_column()
        for pk, field_name, sort_order, code in Field.objects.filter(pk=chosen).values_list(
            "pk", name, "sort_order", "code"
        ):
            fields[pk] = (sort_order, code, field_name)
    if chosen := _chosen(params, "position", positions):
        positions.update(Position.objects.filter(pk=chosen).values_list("pk", "name"))
    field_choices = [(pk, label) for pk, (*_order, label) in sorted(fields.items(), key=lambda item: item[1])]
    position_choices = sorted(positions.items(), key=lambda p: (normalize_search(p[1]), p[1]))
    return field_choices, position_choices


def _offers_chosen(params, held):
    """Whether every field and position chosen in the URL is among ``held``'s (no catalogue read)."""
    fields = {row[0] for row in held}
    positions = {row[4] for row in held}
    return not (_chosen(params, "field", fields) or _chosen(params, "position", positions))


# The filter bar's and the header row's HTML, kept per everything they show: the unit's options as
# read, the filters, the language and whether personal data shows. Building the form and writing
# its widgets cost more than the rest of the page's Python.
_FILTER_BARS = Kept(512)


def filter_bar(filters, params, held, *, mode, personal, valid):
    """``(html, options, head, columns)``: the form of the RosterFilterSet that ``filters()`` gives,
    written out, and the field and position options it offers (each list beginning with the empty
    choice); the table's header row written out, and its columns (``sort_columns``). ``valid``:
    whether the filters were valid (a form with errors is written afresh)."""

    def build():
        form = filters().form
        if not personal:
            del form.fields["qualification"]
        bootstrap(form)
        options = {}
        for key, choices in zip(("field", "position"), roster_choices(params, held), strict=True):
            form_field = form.fields[key]
            options[key] = form_field.widget.choices = [("", form_field.empty_label), *choices]
        html = render_to_string(
            "communes/includes/roster_filters.html",
            {
                "f": form,
                "modes": [(value, label, value == mode) for value, label in Roster.CHOICES],
                "ordering": params.get("ordering"),
            },
        )
        columns = sort_columns(params, personal)
        head = render_to_string("communes/includes/roster_head.html", {"sort_columns": columns})
        return html, options, head, columns

    if not valid or not _offers_chosen(params, held):
        return build()
    key = (mode, personal, get_language(), params_key(params), tuple(held))
    return _FILTER_BARS.get_or_build(key, build)


def params_key(params):
    """The filters of a query string as a key (the page number left out)."""
    return tuple(sorted((k, tuple(v)) for k, v in params.lists() if k != "page"))


# The roster's querysets, kept per everything their SQL depends on (unit, day, who is listed, the
# language of the field names, the filters): built through the ORM they cost about as much as the
# database takes to run them, and the same few lists are asked for all day. Never evaluated here.
_ROSTER_QUERIES = Kept(256)


def roster_queries(unit, day, mode, params):
    """``(filters, kept, choices)``: a function giving the roster's RosterFilterSet (filters
    validated; only the filter form needs it once the querysets are kept); ``kept``,
    for the placement read from the dated assignments (False) and the one of today stored beside
    each person (True), the base queryset, the page rows as a named ``values_list`` queryset and
    the filtered queryset; ``choices``: the kept ``(sql, params)`` of the filter options
    (``roster_choices_sql``) read through the stored placement and through the assignments
    (None when the filters are invalid)."""
    name_column = Field.name_column()
    key = (unit.pk, day, mode, name_column, params_key(params))
    hit = _ROSTER_QUERIES.get(key)
    if hit is not None:
        kept, choices = hit
        # Only the form may be needed: the filters gave these querysets when they were kept.
        return (lambda: RosterFilterSet(params, queryset=kept[False][0])), kept, choices
    kept = {}
    for stored in (True, False):
        people = roster_people(unit, day, mode, name_column=name_column, stored=stored)
        people = people.order_by("sort_key", "staff_code")
        filterset = RosterFilterSet(params, queryset=people)
        matching = filterset.qs
        # A page's rows say how many people match (a window over the filtered list); the last item
        # keeps the page queries' SQL, compiled once per page.
        rows = matching.annotate(listed=Window(Count("pk"))).values_list(*ROSTER_VALUES, "listed")
        kept[stored] = (people, rows, matching, {})
    if not filterset.is_valid():
        return (lambda: filterset), kept, None
    choices = tuple(roster_choices_sql(kept[s][0], name_column) for s in (True, False))
    _ROSTER_QUERIES.put(key, (kept, choices))
    return (lambda: filterset), kept, choices


def roster_page_rows(entry, bottom):
    """``(rows, count)``: the ``RosterRow``s of the roster page starting at row ``bottom`` of a
    kept queryset, and how many people the list holds (0 when the page is empty). Its SQL is
    compiled once per kept queryset and page (compiling took longer than running it)."""
    _people, rows, _matching, pages = entry
    sql = pages.get(bottom)
    if sql is None:
        sql = pages[bottom] = query_key(rows[bottom : bottom + ROSTER_PAGE_SIZE])
    with read_connection().cursor() as cursor:
        run(cursor, *sql)
        fetched = cursor.fetchall()
    if fetched and _ROSTER_DATES and connection.vendor == "sqlite":
        fetched = [list(r) for r in fetched]
        for r in fetched:
            for i in _ROSTER_DATES:
                r[i] = date.fromisoformat(r[i]) if isinstance(r[i], str) else r[i]
    return [RosterRow._make(r[:-1]) for r in fetched], fetched[0][-1] if fetched else 0


def roster_page(entry, asked, read=True):
    """The ``Page`` of the kept queryset ``entry`` that the page number ``asked`` names, as
    ``Paginator.get_page`` reads it (a page past the end gives the last page). Not ``read``: the
    list is known to be empty."""
    number = int(asked) if asked and str(asked).isdigit() and int(asked) > 0 else 1
    rows, count = roster_page_rows(entry, (number - 1) * ROSTER_PAGE_SIZE) if read else ([], 0)
    if not rows and number > 1:
        count = roster_page_rows(entry, 0)[1]
    paginator = Paginator(entry[1], ROSTER_PAGE_SIZE)
    paginator.count = count
    page = paginator.get_page(asked)
    if page.number != number:
        rows = roster_page_rows(entry, page.start_index() - 1)[0] if count else []
    page.object_list = rows
    return page


def quota_table(unit, as_of):
    """Quota against headcount per field × category, with field names (two queries)."""
    rows, totals = unit_quota_rows(unit, as_of=as_of)
    return {"rows": rows, "totals": totals}


def unit_page_context(*, unit, user):
    """Everything the unit page shows; other sections add their keys to this dict."""
    as_of = timezone.localdate()
    return {
        "unit": unit,
        "as_of": as_of,
        # The unit was read through for_user: only the role decides.
        "can_edit": can_write(user),
        "can_decide_quota": may(user, "quota.decide", unit),
        "can_request_quota": may(user, "quota.request", unit),
        "quota_table": quota_table(unit, as_of),
        "quota_decisions": Quota.objects.filter(unit=unit)
        .select_related("field")
        .only(*QUOTA_DECISION_FIELDS)
        .order_by("field__sort_order", "field__code", "category", "-effective_from"),
        **unit_sections(unit, as_of=as_of),
    }


def roster_context(*, unit, user, params):
    """One page of a unit's roster on today's date, filtered and sorted by RosterFilterSet.

    ``mode`` chooses who is listed (``headcount.selectors.Roster``): on the roll (default), working
    here (seconded-in people included, people away or absent left out), or absent.
    """
    today = timezone.localdate()
    personal = may(user, "staff.view_personal")
    if not personal:
        # Neither filter nor sort by what the reader may not see.
        params = params.copy()
        params.pop("qualification", None)
        if params.get("ordering", "").lstrip("-") in PERSONAL_FIELDS:
            params.pop("ordering")
    mode = Roster.clean(params.get("mode"))
    filters, kept, choices_sql = roster_queries(unit, today, mode, params)
    stored = False
    with read_connection().cursor() as cursor:
        if choices_sql is None:
            cursor.execute(*roster_choices_sql(kept[False][0], Field.name_column()))
            held = cursor.fetchall()
        else:
            # The options tell whether today's stored placements hold: the rows are read the same way.
            held, stored = read_stored_or_live(cursor, *choices_sql, today)
    filters_html, filter_options, head_html, columns = filter_bar(
        filters, params, held, mode=mode, personal=personal, valid=choices_sql is not None
    )
    # Nobody on the list at all (no options): no page of rows to read.
    page = roster_page(kept[stored], params.get("page") if held else None, read=bool(held))
    export = params.copy()
    export.pop("page", None)
    export.pop("mode", None)
    export["unit_code"] = unit.code
    return {
        "unit": unit,
        "as_of": today,
        # The unit was read through for_user: only the role decides.
        "can_edit": can_write(user),
        "export_query": export.urlencode(),
        "filters_html": filters_html,
        "filter_options": filter_options,
        "mode": mode,
        "page_obj": page,
        "staff_list": page.object_list,
        "sort_columns": columns,
        "roster_head": head_html,
        "can_view_personal": personal,
    }


class UnitMixin(ScopedMixin):
    model = Unit
    slug_field = "code"
    slug_url_kwarg = "code"
    context_object_name = "unit"

    def get_queryset(self):
        return super().get_queryset().select_related("province")

    def get_object(self, queryset=None):
        # Every unit page reads its unit first: by code, within the user's scope, with SQL kept per scope.
        if queryset is not None:
            return super().get_object(queryset)
        user = self.request.user
        unit = kept_instance(
            Unit,
            ("unit by code", type(self), scope_q(Unit, user)),
            lambda code: self.get_queryset().filter(code=code),
            str(self.kwargs[self.slug_url_kwarg]),
            related=("province",),
        )
        if unit is None:
            raise Http404(_("No %(verbose_name)s found matching the query") % {"verbose_name": Unit._meta.verbose_name})
        return unit


class UnitDetailView(UnitMixin, DetailView):
    template_name = "communes/unit_detail.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(unit_page_context(unit=self.object, user=self.request.user))
        return ctx


class UnitRosterView(UnitMixin, DetailView):
    template_name = "communes/unit_roster.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(roster_context(unit=self.object, user=self.request.user, params=self.request.GET))
        rows = ctx["page_obj"].paginator.count
        audit_record(
            self.request, "staff.list", params=self.request.GET, rows=rows, province_id=self.object.province_id
        )
        return ctx


class UnitListView(ScopedMixin, ListView):
    model = Unit
    template_name = "communes/unit_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = super().get_queryset().select_related("province")
        self.filterset = UnitFilterSet(self.request.GET or None, queryset=qs)
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs):
        bootstrap(self.filterset.form)
        return super().get_context_data(filterset=self.filterset, **kwargs)
