"""Tables declared once: each column's key, label, format, link and whether it is totalled.

A ``Table`` is read by the page (``table_tags.table_head`` / ``table_body`` / ``table_foot``), by
the API (``Table.json_rows`` and ``Table.serializer`` for the OpenAPI schema) and by the Excel
export (``TableExporter``), so a column is named, formatted and linked in one place. Links
are URL names reversed by Django, never written-out paths. A column may be left out of one of the
three (``page``, ``api``, ``excel``) and may carry the printed form's own label (``excel_label``).
"""

import html
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.excel import DATE, INTEGER, Column, Exporter
from core.text import short_date_formatter

# ID: a whole number shown without grouping (a record's number).
TEXT, INT, SIGNED, DAY, BOOL, ID = "text", "int", "signed", "date", "bool", "id"
FORMATS = (TEXT, INT, SIGNED, DAY, BOOL, ID)
NUMBERS = (INT, SIGNED)


@dataclass(frozen=True)
class ByView:
    """A label that names the headcount as the report's view counts it."""

    establishment: str
    coverage: str

    def for_view(self, view):
        return self.establishment if view == "establishment" else self.coverage

    def __str__(self):
        return f"{self.establishment} / {self.coverage}"


def label_text(label, view=None):
    return str(label.for_view(view) if isinstance(label, ByView) else label)


@dataclass(frozen=True)
class Link:
    """A link by URL name: ``args`` and ``query`` values are row keys (or ``ctx.<name>`` for a value
    the whole table shares, e.g. the unit's code); ``fixed`` are constant (parameter, value) pairs;
    ``extra`` names a context value holding a ready query string (the page's filters), after which
    the link always carries its "?"."""

    url_name: str
    args: tuple = ()
    query: tuple = ()  # (parameter, key) pairs
    anchor: str = ""
    fixed: tuple = ()
    extra: str = ""
    css: str = ""  # the link's own class (e.g. link-danger)


@dataclass(frozen=True)
class Badge:
    """A small label after a row header's text when the row's ``key`` is true."""

    key: str
    text: str
    title: str
    css: str


@dataclass(frozen=True)
class Col:
    key: str
    label: object  # a text, or ByView
    format: str = TEXT
    link: Link | None = None
    total: bool = False
    width: float = 14
    header: bool = False  # the row's header cell (<th scope="row">)
    api: bool = True  # served by the API
    page: bool = True  # shown on the page
    excel: bool = True  # written to the workbook
    excel_label: object = None  # the printed form's label, where it differs from the page's
    css: str = ""  # the page cell's own class (e.g. gap-neg)
    badges: tuple = ()
    help: str = ""  # the API schema's description, where the label is not enough
    when: Callable | None = None  # ctx -> bool: the page shows the column only then
    text: str = ""  # the page cell's fixed text (e.g. an action's link), instead of the value
    hidden_label: bool = False  # the header is read by screen readers only
    total_name: str = ""  # the totals cell's data-total, where it differs from the column's
    render: Callable | None = None  # (row, ctx) -> escaped HTML: a page cell richer than value and link

    def value(self, row):
        return lookup(row, self.key)

    @property
    def name(self):
        """The page cell's ``data-col``: the key's last part."""
        return self.key.rsplit(".", 1)[-1]


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
    sortable: bool = False  # page headers link to the page sorted by their column
    nested: bool = False  # JSON rows nest dotted keys ("kpis.quota" → {"kpis": {"quota": …}})
    row_attrs: Callable | None = None  # row -> {attribute: value} of the page's <tr>
    no_data: Callable | None = None  # row -> True: the page shows "no data" after the row header
    no_data_text: str = _("No data")
    _serializer: dict = field(default_factory=dict, compare=False, repr=False)

    def page_columns(self, ctx=None):
        ctx = ctx or {}
        return [c for c in self.columns if c.page and (c.when is None or c.when(ctx))]

    def api_columns(self):
        return [c for c in self.columns if c.api]

    def printed_columns(self):
        return [c for c in self.columns if c.excel]

    # --- API -------------------------------------------------------------------------------------

    def json_rows(self, rows):
        cols = [(c, c.key.split(".") if self.nested else None, json_key(c.key)) for c in self.api_columns()]
        out = []
        for r in rows:
            item = {}
            for c, path, key in cols:
                if path and len(path) > 1:
                    target = item
                    for part in path[:-1]:
                        target = target.setdefault(part, {})
                    target[path[-1]] = c.value(r)
                else:
                    item[key] = c.value(r)
            out.append(item)
        return out

    def serializer(self):
        """A Serializer class documenting a row, for drf-spectacular (built once per table)."""
        if "cls" not in self._serializer:
            base = "".join(part.title() for part in self.name.replace("-", "_").split("_"))
            groups, attrs = {}, {}
            for c in self.api_columns():
                path = c.key.split(".") if self.nested else [json_key(c.key)]
                if len(path) > 1:
                    groups.setdefault(path[0], {})[path[1]] = _field(c)
                else:
                    attrs[path[0]] = _field(c)
            for group, fields in groups.items():
                cls = type(f"{base}{group.title()}Serializer", (serializers.Serializer,), fields)
                attrs[group] = cls()
            self._serializer["cls"] = type(f"{base}RowSerializer", (serializers.Serializer,), attrs)
        return self._serializer["cls"]

    # --- Excel ------------------------------------------------------------------------------------

    def excel_columns(self, view=None):
        formats = {INT: INTEGER, SIGNED: INTEGER, ID: INTEGER, DAY: DATE}
        return [
            Column(label_text(c.excel_label or c.label, view), c.width, formats.get(c.format), total=c.total)
            for c in self.printed_columns()
        ]

    def excel_row(self, row):
        out = []
        for c in self.printed_columns():
            v = c.value(row)
            if c.format == TEXT:
                v = "" if v is None else str(v)
            out.append(v)
        return out

    def totals(self, rows):
        return {c.key: sum(c.value(r) or 0 for r in rows) for c in self.columns if c.total}

    # --- page -------------------------------------------------------------------------------------

    def head_html(self, view=None, sort=None, query=None, ctx=None):
        """The header row; a sortable table's headers link to ``?<query>&sort=…``: numbers sort
        descending first and texts ascending, the next click flips."""
        cells = []
        for c in self.page_columns(ctx):
            css = "num" if c.format in NUMBERS else ""
            label = html.escape(label_text(c.label, view))
            if c.hidden_label:
                label = f'<span class="visually-hidden">{label}</span>'
            if not self.sortable:
                cells.append(f'<th scope="col"{f' class="{css}"' if css else ""}>{label}</th>')
                continue
            if sort == f"-{c.key}":
                state, next_sort, arrow = "descending", c.key, " ▼"
            elif sort == c.key:
                state, next_sort, arrow = "ascending", f"-{c.key}", " ▲"
            else:
                state, next_sort, arrow = "none", c.key if c.format == TEXT else f"-{c.key}", ""
            q = query.copy() if query is not None else None
            if q is None:
                href = f"?sort={next_sort}"
            else:
                q["sort"] = next_sort
                href = f"?{q.urlencode()}"
            cells.append(
                f'<th scope="col" class="{css}" aria-sort="{state}"><a href="{html.escape(href)}" '
                f'class="link-dark text-decoration-none" data-sort="{c.key}">{label}{arrow}</a></th>'
            )
        return "<tr>" + "".join(cells) + "</tr>"

    def body_html(self, rows, ctx=None):
        ctx = ctx or {}
        sep = get_format("THOUSAND_SEPARATOR")
        day = short_date_formatter()
        columns = self.page_columns(ctx)
        links = {c.key: _LinkMaker(c.link, ctx) for c in columns if c.link}
        heads = [c for c in columns if c.header]
        out = []
        for r in rows:
            attrs = ""
            if self.row_attrs:
                attrs = "".join(f' {k}="{html.escape(str(v))}"' for k, v in self.row_attrs(r).items())
            if self.no_data and self.no_data(r):
                cells = [self._cell(c, r, links, sep, day, ctx) for c in heads]
                cells.append(
                    f'<td colspan="{len(columns) - len(heads)}" class="text-body-secondary" data-no-data>'
                    f"{html.escape(str(self.no_data_text))}</td>"
                )
            else:
                cells = [self._cell(c, r, links, sep, day, ctx) for c in columns]
            out.append(f"<tr{attrs}>" + "".join(cells) + "</tr>")
        if not out:
            out.append(f'<tr><td colspan="{len(columns)}">{html.escape(str(self.empty))}</td></tr>')
        return "\n".join(out)

    @staticmethod
    def _cell(c, r, links, sep, day, ctx):
        v = c.text or c.value(r)
        css = [c.css] if c.css else []
        if c.render:
            text = c.render(r, ctx)
        elif c.format in NUMBERS:
            text = "" if v is None else f"{v:,}".replace(",", sep)
            css.insert(0, "num")
            if c.format == SIGNED and v:
                css.append("gap-neg" if v < 0 else "gap-pos")
        elif c.format == DAY:
            text = day(v) if isinstance(v, date) else ""
        else:
            text = html.escape("" if v is None else str(v))
        if c.render is None and c.key in links and v not in (None, ""):
            href = links[c.key].href(r)
            if href:
                link_css = f' class="{c.link.css}"' if c.link.css else ""
                text = f'<a href="{html.escape(href)}"{link_css}>{text}</a>'
        for b in c.badges:
            if lookup(r, b.key):
                text += f' <span class="badge {b.css}" title="{html.escape(str(b.title))}">{html.escape(b.text)}</span>'
        tag = "th" if c.header else "td"
        scope = ' scope="row"' if c.header else ""
        cls = f' class="{" ".join(css)}"' if css else ""
        return f'<{tag}{scope}{cls} data-col="{c.name}">{text}</{tag}>'

    def foot_html(self, rows, label, totals=None, ctx=None):
        """The totals row: ``label`` over the columns before the first total, then the sums of
        ``rows`` (or the values of ``totals``, an object or dict read by the columns' keys)."""
        columns = self.page_columns(ctx)
        if not any(c.total for c in columns) or not rows:
            return ""
        sep = get_format("THOUSAND_SEPARATOR")
        sums = self.totals(rows) if totals is None else {c.key: lookup(totals, c.key) for c in columns if c.total}
        span = next(i for i, c in enumerate(columns) if c.total) or 1
        colspan = f' colspan="{span}"' if span > 1 else ""
        cells = [f'<th scope="row"{colspan}>{html.escape(str(label))}</th>']
        for c in columns[span:]:
            if c.total:
                number = f"{sums[c.key]:,}".replace(",", sep)
                cells.append(f'<td class="num" data-total="{c.total_name or c.name}">{number}</td>')
            else:
                cells.append("<td></td>")
        return '<tr class="fw-semibold">' + "".join(cells) + "</tr>"


def _field(c):
    kinds = {INT: serializers.IntegerField, SIGNED: serializers.IntegerField, ID: serializers.IntegerField}
    kinds |= {DAY: serializers.DateField, BOOL: serializers.BooleanField}
    return kinds.get(c.format, serializers.CharField)(
        help_text=str(c.help or label_text(c.excel_label or c.label)), allow_null=True, required=False
    )


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
        self.tail = [urlencode(link.fixed)] if link.fixed else []
        if link.extra:
            self.tail.append(str(lookup(ctx, link.extra) or ""))

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
        parts = [urlencode([(p, v) for p, v in query if v not in (None, "")])] + self.tail
        parts = [p for p in parts if p]
        if parts or self.link.extra:
            url += "?" + "&".join(parts)
        if self.link.anchor:
            url += "#" + self.link.anchor
        return url


class TableExporter(Exporter):
    """One declared table as a sheet in the official layout."""

    def __init__(self, table: Table, rows, *, title, filename, sheet_title, subtitle="", signed=True, view=None):
        self.table, self.data = table, list(rows)
        self.title, self.filename, self.sheet_title, self.subtitle = title, filename, sheet_title, subtitle
        self.signed, self.view = signed, view
        self.with_totals = any(c.total for c in table.printed_columns())
        self.more = []

    def columns(self):
        return self.table.excel_columns(self.view)

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
