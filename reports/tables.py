"""Report tables declared once: each column's key, label, format, link and whether it is totalled.

A ``Table`` is read by the page (``reports_tags.table_head`` / ``table_body`` / ``table_foot``), by
the report API (``Table.json_rows`` and ``Table.serializer`` for the OpenAPI schema) and by the
Excel export (``TableExporter``), so a column is named, formatted and linked in one place. Links
are URL names reversed by Django, never written-out paths.
"""

import html
from dataclasses import dataclass, field
from datetime import date

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.excel import DATE, INTEGER, Column, Exporter
from core.text import short_date_formatter

TEXT, INT, SIGNED, DAY = "text", "int", "signed", "date"


@dataclass(frozen=True)
class Link:
    """A link by URL name: ``args`` and ``query`` values are row keys (or ``ctx.<name>`` for a value
    the whole table shares, e.g. the unit's code)."""

    url_name: str
    args: tuple = ()
    query: tuple = ()  # (parameter, key) pairs
    anchor: str = ""


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    format: str = TEXT
    link: Link | None = None
    total: bool = False
    width: float = 14
    header: bool = False  # the row's header cell (<th scope="row">)
    api: bool = True  # served by the API (False: a page-only helper column)

    def value(self, row):
        return lookup(row, self.key)


def lookup(row, key):
    for part in key.split("."):
        if row is None:
            return None
        row = row.get(part) if isinstance(row, dict) else getattr(row, part, None)
    return row


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple
    empty: str = _("None.")
    _serializer: dict = field(default_factory=dict, compare=False, repr=False)

    # --- API -------------------------------------------------------------------------------------

    def json_rows(self, rows):
        cols = [c for c in self.columns if c.api]
        return [{json_key(c.key): c.value(r) for c in cols} for r in rows]

    def serializer(self):
        """A Serializer class documenting a row, for drf-spectacular (built once per table)."""
        if "cls" not in self._serializer:
            kinds = {INT: serializers.IntegerField, SIGNED: serializers.IntegerField, DAY: serializers.DateField}
            attrs = {
                json_key(c.key): kinds.get(c.format, serializers.CharField)(
                    help_text=str(c.label), allow_null=True, required=False
                )
                for c in self.columns
                if c.api
            }
            name = "".join(part.title() for part in self.name.replace("-", "_").split("_")) + "RowSerializer"
            self._serializer["cls"] = type(name, (serializers.Serializer,), attrs)
        return self._serializer["cls"]

    # --- Excel ------------------------------------------------------------------------------------

    def excel_columns(self):
        formats = {INT: INTEGER, SIGNED: INTEGER, DAY: DATE}
        return [Column(str(c.label), c.width, formats.get(c.format), total=c.total) for c in self.columns]

    def excel_row(self, row):
        out = []
        for c in self.columns:
            v = c.value(row)
            if c.format == TEXT:
                v = "" if v is None else str(v)
            out.append(v)
        return out

    def totals(self, rows):
        return {c.key: sum(c.value(r) or 0 for r in rows) for c in self.columns if c.total}

    # --- page -------------------------------------------------------------------------------------

    def head_html(self):
        cells = []
        for c in self.columns:
            css = ' class="num"' if c.format in (INT, SIGNED) else ""
            cells.append(f'<th scope="col"{css}>{html.escape(str(c.label))}</th>')
        return "<tr>" + "".join(cells) + "</tr>"

    def body_html(self, rows, ctx=None):
        ctx = ctx or {}
        sep = get_format("THOUSAND_SEPARATOR")
        day = short_date_formatter()
        links = {c.key: _LinkMaker(c.link, ctx) for c in self.columns if c.link}
        out = []
        for r in rows:
            cells = []
            for c in self.columns:
                v = c.value(r)
                if c.format in (INT, SIGNED):
                    text = "" if v is None else f"{v:,}".replace(",", sep)
                    gap = " gap-neg" if c.format == SIGNED and v and v < 0 else ""
                    gap = " gap-pos" if c.format == SIGNED and v and v > 0 else gap
                    css = f' class="num{gap}"'
                elif c.format == DAY:
                    text, css = (day(v) if isinstance(v, date) else ""), ""
                else:
                    text, css = html.escape("" if v is None else str(v)), ""
                if c.key in links and v not in (None, ""):
                    href = links[c.key].href(r)
                    if href:
                        text = f'<a href="{html.escape(href)}">{text}</a>'
                tag = "th" if c.header else "td"
                scope = ' scope="row"' if c.header else ""
                cells.append(f'<{tag}{scope}{css} data-col="{c.key}">{text}</{tag}>')
            out.append("<tr>" + "".join(cells) + "</tr>")
        if not out:
            out.append(f'<tr><td colspan="{len(self.columns)}">{html.escape(str(self.empty))}</td></tr>')
        return "\n".join(out)

    def foot_html(self, rows, label):
        if not any(c.total for c in self.columns) or not rows:
            return ""
        sep = get_format("THOUSAND_SEPARATOR")
        totals = self.totals(rows)
        cells = []
        for i, c in enumerate(self.columns):
            if i == 0:
                cells.append(f'<th scope="row">{html.escape(str(label))}</th>')
            elif c.total:
                cells.append(f'<td class="num" data-total="{c.key}">{totals[c.key]:,}</td>'.replace(",", sep))
            else:
                cells.append("<td></td>")
        return '<tr class="fw-semibold">' + "".join(cells) + "</tr>"


def json_key(key):
    return key.replace(".", "_")


class _LinkMaker:
    """Reverses a URL name once per table: every row's link differs only by its arguments."""

    MARK = 987654320

    def __init__(self, link: Link, ctx):
        self.link, self.ctx = link, ctx
        marks = [self.MARK + i for i in range(len(link.args))]
        self.pattern = reverse(link.url_name, args=marks)
        self.marks = [str(m) for m in marks]

    def value(self, row, key):
        if key.startswith("ctx."):
            return lookup(self.ctx, key[4:])
        return lookup(row, key)

    def href(self, row):
        url = self.pattern
        for mark, key in zip(self.marks, self.link.args, strict=True):
            v = self.value(row, key)
            if v in (None, ""):
                return ""
            url = url.replace(mark, str(v), 1)
        query = [(p, self.value(row, k)) for p, k in self.link.query]
        query = [(p, v) for p, v in query if v not in (None, "")]
        if query:
            from urllib.parse import urlencode

            url += "?" + urlencode(query)
        if self.link.anchor:
            url += "#" + self.link.anchor
        return url


class TableExporter(Exporter):
    """One declared table as a sheet in the official layout."""

    def __init__(self, table: Table, rows, *, title, filename, sheet_title, subtitle="", signed=True):
        self.table, self.data = table, list(rows)
        self.title, self.filename, self.sheet_title, self.subtitle = title, filename, sheet_title, subtitle
        self.signed = signed
        self.with_totals = any(c.total for c in table.columns)
        self.more = []

    def columns(self):
        return self.table.excel_columns()

    def rows(self):
        for r in self.data:
            yield self.table.excel_row(r)

    def sheets(self):
        return [self, *self.more]


def appendix(table: Table, rows, *, title, sheet_title):
    """A further sheet of the same workbook (no letterhead, no signature)."""
    sheet = TableExporter(table, rows, title=title, filename="", sheet_title=sheet_title, signed=False)
    sheet.appendix = True
    return sheet


# --- The declarations ----------------------------------------------------------------------------

ROSTER_BY_FIELD = Link("unit-roster", args=("ctx.unit.code",), query=(("field", "field_id"),))
STAFF = Link("staff-detail", args=("person_id",))
MOVEMENT = Link("secondments:movement-detail", args=("pk",))

DEPARTMENT_FIELDS = Table(
    "department_fields",
    (
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
        Col("gap", _("Against quota"), SIGNED, total=True, width=12),
        Col("mismatches", _("Mismatches"), INT, total=True, width=11),
    ),
    empty=_("No quota or staff recorded."),
)

DEPARTMENT_PLANS = Table(
    "department_plans",
    (
        Col(
            "plan_label",
            _("Plan"),
            width=36,
            header=True,
            link=Link("secondments:movement-list", query=(("from_code", "ctx.unit.code"), ("plan", "plan_id"))),
        ),
        Col("required", _("Required"), width=11),
        Col("proposed", _("Proposed"), INT, total=True, width=10),
        Col("approved", _("Approved"), INT, total=True, width=10),
        Col("in_effect", _("In effect"), INT, total=True, width=10),
        Col("completed", _("Completed"), INT, total=True, width=10),
        Col("total", _("Total"), INT, total=True, width=10),
    ),
    empty=_("No staff sent yet."),
)

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
        Col("gap", _("Gap"), SIGNED, total=True, width=10),
    ),
    empty=_("No quota or staff recorded yet."),
)

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

ALERTS = Table(
    "alerts",
    (
        Col("pk", "#", INT, link=MOVEMENT, width=7),
        Col("group", _("Alert"), width=26),
        Col("full_name", _("Person"), width=26),
        Col("kind", _("Kind"), width=14),
        Col("from_unit", _("From unit"), width=26),
        Col("to_unit", _("To unit"), width=26),
        Col("start_date", _("Start"), DAY, width=12),
        Col("end_date", _("End"), DAY, width=12),
        Col("status", _("Status"), width=12),
        Col("problem", _("Problem"), width=30),
    ),
)

PERSON_HISTORY = Table(
    "person_history",
    (
        Col("start", _("From"), DAY, width=12),
        Col("end", _("To"), DAY, width=12),
        Col("what", _("Record"), width=18),
        Col("unit", _("Unit"), width=28),
        Col("field", _("Field"), width=20),
        Col("detail", _("Details"), width=36),
        Col("decision", _("Decision"), width=20),
    ),
)
