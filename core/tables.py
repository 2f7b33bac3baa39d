"""Tables declared once: each column's key, label, format, link and whether it is totalled.

A ``Table`` is read by the page (``table_tags.table_head`` / ``table_body`` / ``table_foot``), by
the API (``Table.json_rows`` and ``Table.serializer`` for the OpenAPI schema) and by the Excel
export (``TableExporter``), so a column is named, formatted and linked in one place. Links
are URL names reversed by Django, never written-out paths. A column may be left out of one of the
three (``page``, ``api``, ``excel``) and may carry the printed form's own label (``excel_label``); a
table may keep the printed form's column order (``excel_order``).

A column may hold a person's personal data (``personal``): the page, the API and the workbook
leave it out for a reader not granted it (``personal=False`` to the ``*_columns``, ``json_rows``
and ``excel_row`` methods; ``{"personal": False}`` in a page's context). A column of codes
(``choices``) shows their labels on the page and in the workbook, while the API serves the codes.
Where one of the three reads the value under another name than the column's key (a list whose
queries each read what they need), ``page_key``, ``excel_key`` and ``api_key`` say which.
"""

import html
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from types import SimpleNamespace
from urllib.parse import quote, quote_plus, urlencode

from django.urls import get_script_prefix, get_urlconf, reverse
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
    title: str  # a tooltip, or ""
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
    css_if_value: bool = False  # ``css`` only on cells whose value is set and not 0
    badges: tuple = ()
    help: str = ""  # the API schema's description, where the label is not enough
    when: Callable | None = None  # ctx -> bool: the page shows the column only then
    text: str = ""  # the page cell's fixed text (e.g. an action's link), instead of the value
    hidden_label: bool = False  # the header is read by screen readers only
    head_css: str = ""  # the page header's own class (e.g. no-print)
    head_link: Link | None = None  # the page header's link, by ``ctx.<name>`` values (e.g. a run's page)
    total_name: str = ""  # the totals cell's data-total, where it differs from the column's
    render: Callable | None = None  # (row, ctx) -> escaped HTML: a page cell richer than value and link
    reads: tuple = ()  # further values of the page's row that ``render`` reads
    personal: bool = False  # a person's personal data: shown only to readers granted it
    choices: object = None  # the codes' TextChoices: the page and the workbook show the labels
    null: bool = False  # the value may be missing (a ``required`` table's schema says so)
    blank: str = ""  # the page cell's text when there is no value
    page_key: str = ""  # what the page's row holds the value under, where not ``key``
    excel_key: str = ""  # what the workbook's query reads, where not ``key``
    api_key: str = ""  # what the API's query reads, where not ``key``

    def value(self, row):
        return lookup(row, self.key)

    def labels(self):
        """The labels of the column's codes, in the active language ({} without ``choices``)."""
        return {k: str(v) for k, v in self.choices.choices} if self.choices is not None else {}

    @property
    def name(self):
        """The page cell's ``data-col``: the key's last part."""
        return self.key.rsplit(".", 1)[-1]


def lookup(row, key):
    if type(row) is dict and key in row:  # a flat row: its dotted keys as they are (e.g. an export's)
        return row[key]
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
    required: bool = False  # the API serves every column on every row, never null (the schema says so)
    foot_css: str = "fw-semibold"  # the totals row's class on the page
    excel_order: tuple = ()  # the printed form's column order (keys), where it differs from the page's
    groups: tuple = ()  # the workbook's labels above the headers: (label, columns spanned) pairs
    _serializer: dict = field(default_factory=dict, compare=False, repr=False)

    def spread(self, group, parts):
        """This table followed by ``group``'s columns once per part, under the part's label:
        ``parts`` are (key, label) pairs and a row holds each part's values under its key
        (``{key: {column key: value}}``)."""
        columns = list(self.columns)
        groups = [(label_text(self.columns[0].label), len(columns))]
        for key, label in parts:
            columns += [replace(c, key=f"{key}.{c.key}") for c in group]
            groups.append((label, len(group)))
        return replace(self, columns=tuple(columns), groups=tuple(groups), _serializer={})

    def page_columns(self, ctx=None, personal=None):
        """The page's columns: without the personal ones when ``personal`` (else the context's
        ``personal``) is false."""
        ctx = ctx or {}
        if personal is None:
            personal = ctx.get("personal", True)
        return [c for c in self.columns if c.page and (personal or not c.personal) and (c.when is None or c.when(ctx))]

    def api_columns(self, personal=True):
        return [c for c in self.columns if c.api and (personal or not c.personal)]

    def printed_columns(self, personal=True):
        printed = [c for c in self.columns if c.excel and (personal or not c.personal)]
        if self.excel_order:
            order = {key: i for i, key in enumerate(self.excel_order)}
            printed.sort(key=lambda c: order.get(c.key, len(order)))
        return printed

    # --- API -------------------------------------------------------------------------------------

    def json_rows(self, rows, personal=True):
        columns = self.api_columns(personal)
        cols = [(c, c.key.split(".") if self.nested else None, json_key(c.key)) for c in columns]
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
                    groups.setdefault(path[0], {})[path[1]] = _field(c, self.required)
                else:
                    attrs[path[0]] = _field(c, self.required)
            for group, fields in groups.items():
                cls = type(f"{base}{group.title()}Serializer", (serializers.Serializer,), fields)
                attrs[group] = cls()
            self._serializer["cls"] = type(f"{base}RowSerializer", (serializers.Serializer,), attrs)
        return self._serializer["cls"]

    # --- Excel ------------------------------------------------------------------------------------

    def excel_columns(self, view=None, personal=True):
        formats = {INT: INTEGER, SIGNED: INTEGER, ID: INTEGER, DAY: DATE}
        return [
            Column(label_text(c.excel_label or c.label, view), c.width, formats.get(c.format), total=c.total)
            for c in self.printed_columns(personal)
        ]

    def excel_row(self, row, personal=True):
        out = []
        for c in self.printed_columns(personal):
            v = c.value(row)
            if c.choices is not None:
                v = c.labels().get(v, v)
            if c.format == TEXT:
                v = "" if v is None else str(v)
            out.append(v)
        return out

    def totals(self, rows):
        rows = rows if isinstance(rows, list) else list(rows)
        dict_rows = (type(rows[0]) is dict) if rows else None
        sums = {}
        for c in self.columns:
            if c.total:
                get = _getter(c.key, dict_rows)
                sums[c.key] = sum(v for r in rows if (v := get(r)))
        return sums

    # --- page -------------------------------------------------------------------------------------

    def head_html(self, view=None, sort=None, query=None, ctx=None):
        """The header row; a sortable table's headers link to ``?<query>&sort=…``: numbers sort
        descending first and texts ascending, the next click flips."""
        cells = []
        for c in self.page_columns(ctx):
            css = " ".join(x for x in ("num" if c.format in NUMBERS else "", c.head_css) if x)
            label = html.escape(label_text(c.label, view))
            if c.hidden_label:
                label = f'<span class="visually-hidden">{label}</span>'
            if c.head_link is not None and (href := _head_href(c.head_link, ctx)):
                label = f'<a href="{href}">{label}</a>'
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
        columns = self.page_columns(ctx)
        rows = list(rows)
        env = {"sep": get_format("THOUSAND_SEPARATOR"), "day": short_date_formatter(), "ctx": ctx, "links": {}}
        env["dict_rows"] = (type(rows[0]) is dict) if rows else None
        cells = [_cell_renderer(c, env) for c in columns]
        heads = [cell for c, cell in zip(columns, cells, strict=True) if c.header]
        no_data = ""
        if self.no_data:
            no_data = (
                f'<td colspan="{len(columns) - len(heads)}" class="text-body-secondary" data-no-data>'
                f"{html.escape(str(self.no_data_text))}</td>"
            )
        escape, row_attrs = html.escape, self.row_attrs
        out = []
        for r in rows:
            attrs = "".join(f' {k}="{escape(str(v))}"' for k, v in row_attrs(r).items()) if row_attrs else ""
            if no_data and self.no_data(r):
                out.append(f"<tr{attrs}>" + "".join([cell(r) for cell in heads]) + no_data + "</tr>")
            else:
                out.append(f"<tr{attrs}>" + "".join([cell(r) for cell in cells]) + "</tr>")
        if not out:
            out.append(f'<tr><td colspan="{len(columns)}">{html.escape(str(self.empty))}</td></tr>')
        return "\n".join(out)

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
            if c.total:  # None: a total the report cannot give (e.g. no targets set)
                number = "–" if sums[c.key] is None else f"{sums[c.key]:,}".replace(",", sep)
                cells.append(f'<td class="num" data-total="{c.total_name or c.name}">{number}</td>')
            else:
                cells.append("<td></td>")
        return f"<tr{f' class="{self.foot_css}"' if self.foot_css else ''}>" + "".join(cells) + "</tr>"


def _head_href(link, ctx):
    """A header's link: its values are the table's (``ctx.<name>``), not a row's."""
    return _LinkMaker(link, {"ctx": ctx or {}, "dict_rows": True}).href({})


def _getter(key, dict_rows=None):
    """A function reading ``key`` from a row: a dict or an object (either, when ``dict_rows`` is None)."""
    if "." in key:
        return lambda row: lookup(row, key)
    if dict_rows is True:
        return lambda row: row.get(key)
    if dict_rows is False:
        return lambda row: getattr(row, key, None)
    return lambda row: row.get(key) if type(row) is dict else getattr(row, key, None)


def _shower(c, env):
    """A function writing a cell's value as escaped text."""
    sep, day, ctx, render = env["sep"], env["day"], env["ctx"], c.render
    if render is not None:
        return lambda row, v: render(row, ctx)
    if c.format in NUMBERS:
        return lambda row, v: "" if v is None else f"{v:,}".replace(",", sep)
    if c.format == DAY:
        return lambda row, v: day(v) if isinstance(v, date) else ""
    if c.choices is not None:
        labels = {k: html.escape(v) for k, v in c.labels().items()}
        return lambda row, v: labels.get(v) or html.escape("" if v is None else str(v))
    return lambda row, v: html.escape("" if v is None else str(v))


def _title(text):
    return f' title="{html.escape(str(text))}"' if text else ""


def _cell_renderer(c, env):
    """A function writing column ``c``'s cell of a row: everything that is the same on every row
    (tag, classes, the link's reversed URL) is worked out once per table."""
    get, show, text, escape = _getter(c.page_key or c.key, env["dict_rows"]), _shower(c, env), c.text, html.escape
    blank = html.escape(c.blank)
    sep = env["sep"]
    tag, end = ('<th scope="row"', "</th>") if c.header else ("<td", "</td>")
    classes = " ".join(x for x in ("num" if c.format in NUMBERS else "", c.css) if x)
    start = f'{tag}{f' class="{classes}"' if classes else ""} data-col="{c.name}">'
    marked = start
    if c.css_if_value:  # the column's own class on the cells with a value other than 0 only
        plain = "num" if c.format in NUMBERS else ""
        start, marked = f'{tag}{f' class="{plain}"' if plain else ""} data-col="{c.name}">', start
    gaps = {
        -1: f'{tag} class="{classes} gap-neg" data-col="{c.name}">',
        1: f'{tag} class="{classes} gap-pos" data-col="{c.name}">',
    }
    signed = c.format == SIGNED
    link = None
    if c.link and c.render is None:
        where = replace(c.link, css="")  # columns linking to one place share the row's href
        link = env["links"].get(where) or env["links"].setdefault(where, _LinkMaker(where, env))
    link_open = f'<a href="{{}}"{f' class="{c.link.css}"' if c.link and c.link.css else ""}>'
    badges = [(_getter(b.key), f' <span class="badge {b.css}"{_title(b.title)}>{escape(str(b.text))}</span>')
              for b in c.badges]  # fmt: skip

    if c.format == INT and not (text or badges or c.render):
        # The most common cell, a count (linked or not), written without the general steps.
        if_value, href_of = c.css_if_value, link.href if link is not None else None
        link_class = f' class="{c.link.css}"' if c.link and c.link.css else ""

        def count(row):
            v = get(row)
            if v is None:
                return start + end
            out = f"{v:,}".replace(",", sep) if v >= 1000 or v <= -1000 else str(v)
            begin = marked if if_value and v else start
            if href_of is not None and (href := href_of(row)):
                return f'{begin}<a href="{href}"{link_class}>{out}</a>{end}'
            return begin + out + end

        return count

    def cell(row):
        v = text or get(row)
        out = show(row, v) or blank
        if link is not None and v not in (None, ""):
            href = link.href(row)
            if href:
                out = link_open.format(href) + out + "</a>"
        for has, badge in badges:
            if has(row):
                out += badge
        if signed and v:
            return gaps[-1 if v < 0 else 1] + out + end
        if c.css_if_value and v:
            return marked + out + end
        return start + out + end

    return cell


def _field(c, required=False):
    """A column's schema field: in a ``required`` table, never null unless the column says so, and
    present on every row unless it is personal (left out for readers not granted it)."""
    kinds = {INT: serializers.IntegerField, SIGNED: serializers.IntegerField, ID: serializers.IntegerField}
    kinds |= {DAY: serializers.DateField, BOOL: serializers.BooleanField}
    return kinds.get(c.format, serializers.CharField)(
        help_text=str(c.help or label_text(c.excel_label or c.label)),
        allow_null=not required or c.null,
        required=required and not c.personal,
    )


def json_key(key):
    return key.replace(".", "_")


def _value_getter(key, env):
    """A row's value, or (``ctx.<name>``) one the whole table shares."""
    if key.startswith("ctx."):
        value = lookup(env["ctx"], key[4:])
        return lambda row: value
    return _getter(key, env["dict_rows"])


def _quoted(text, quote_with):
    return text if text.isascii() and text.isalnum() else quote_with(text)


@lru_cache(maxsize=256)
def _reversed(url_name, args, urlconf, prefix):
    """``reverse`` for one URL configuration and prefix: a page's tables reverse the same few."""
    return reverse(url_name, args=args, urlconf=urlconf)


class _LinkMaker:
    """Reverses a URL name once per table: every row's link differs only by its arguments. ``href``
    is ready for an HTML attribute: values are URL-quoted and "&" escaped."""

    MARK = 987654320

    def __init__(self, link: Link, env):
        self.link, ctx = link, env["ctx"]
        marks = [str(self.MARK + i) for i in range(len(link.args))]
        pattern = _reversed(link.url_name, tuple(marks), get_urlconf(), get_script_prefix())
        self.args = []
        for mark, key in zip(marks, link.args, strict=True):
            before, pattern = pattern.split(mark, 1)
            fixed = key.startswith("ctx.")
            getter = None if fixed else _getter(key, env["dict_rows"])
            self.args.append((before, lookup(ctx, key[4:]) if fixed else None, getter))
        self.rest = pattern
        self.query = [(param, _value_getter(key, env)) for param, key in link.query]
        tail = [urlencode(link.fixed)] if link.fixed else []
        if link.extra:
            tail.append(str(lookup(ctx, link.extra) or ""))
        self.tail = [html.escape(t) for t in tail if t]
        self.anchor = f"#{link.anchor}" if link.anchor else ""
        self._row, self._href = None, ""
        # Most links read one value of the row (its code): their href is a template filled by replace.
        keys = {k for k in (*link.args, *(k for _p, k in link.query)) if not k.startswith("ctx.")}
        self.single = None
        if len(keys) == 1 and "." not in (key := keys.pop()):
            sample = {key: self.SLOT} if env["dict_rows"] else SimpleNamespace(**{key: self.SLOT})
            self.template, self.single = self._href_of(sample), _getter(key, env["dict_rows"])

    SLOT = "zzSLOTzz"

    def href(self, row):
        if row is self._row:  # columns of one row with the same link
            return self._href
        value = self.single(row) if self.single is not None else None
        if value is not None and (text := str(value)).isascii() and text.isalnum():
            self._row, self._href = row, self.template.replace(self.SLOT, text)
        else:
            self._row, self._href = row, self._href_of(row)
        return self._href

    def _href_of(self, row):
        parts = []
        for before, fixed, get in self.args:
            v = fixed if get is None else get(row)
            if v in (None, ""):
                return ""
            parts += (before, _quoted(str(v), quote))
        parts.append(self.rest)
        query = [f"{p}={_quoted(str(v), quote_plus)}" for p, get in self.query if (v := get(row)) not in (None, "")]
        query += self.tail
        if query or self.link.extra:
            parts += ("?", "&amp;".join(query))
        parts.append(self.anchor)
        return "".join(parts)


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

    def header_groups(self):
        return list(self.table.groups) or None

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
