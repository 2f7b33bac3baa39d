"""Excel workbooks in the layout officials hand upward (Decree 30/2020/NĐ-CP on document formats).

An export is a small class that says its title, its columns and yields its rows; ``render``
writes any of them the same way: the issuing body and unit top left with a short rule under them,
the national motto top right with its rule, the number line ("Số: …/BC-SNV") and the place and
date line, the title, the "as of" line, grouped header rows, an STT column, a totals row that is
the sum of the rows, and the signature block (the preparer; the head of the department with his
or her name). An export may hold several sheets (``Exporter.sheets``): the province summary puts
its field detail on appendix sheets a few fields wide, so that each printed page stays legible.

Printing: landscape, A4 or A3 by the table's width, fitted to the page width, the header rows
repeated on every page, page numbers in the footer. Header rows are as tall as their wrapped labels;
text cells wrap, so no text runs past its column or the table.

The workbook is written with xlsxwriter in constant-memory mode: each row goes to disk as soon as
the next one starts, so memory stays flat however long the list is. Every text cell is written as
a string (never a formula, even when it starts with = + - @), numbers with number formats, dates
as dates (dd/mm/yyyy). openpyxl reads and checks the workbooks in the tests; its style objects
below serve the unit template (``staffing/workbook.py``), which is edited cell by cell.
"""

import math
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from core.text import normalize_search

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
INTEGER = "#,##0"
DATE = "dd/mm/yyyy"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "Times New Roman"
HEADER_COLOUR = "#DDEBF7"
BORDER_COLOUR = "#808080"

# openpyxl styles of the same look, for workbooks edited cell by cell (the unit template).
_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BOLD = Font(name=FONT_NAME, bold=True, size=12)
NORMAL = Font(name=FONT_NAME, size=12)
ITALIC = Font(name=FONT_NAME, italic=True, size=12)
TITLE_FONT = Font(name=FONT_NAME, bold=True, size=14)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

# Paper: fitted to the page width, a table up to A4_MAX_WIDTH characters wide prints on A4
# landscape at 90% or more; a wider one goes on A3 landscape.
PAPER_A4, PAPER_A3 = 9, 8
A4_MAX_WIDTH = 165
POINTS_PER_LINE = 15.75  # a 12-point Times New Roman line


@dataclass
class Column:
    header: str
    width: float = 14
    number_format: str | None = None
    total: bool = False  # the totals row adds this column up


@dataclass
class Issuer:
    """Who issues and signs a document: the letterhead of a province's Home Affairs department.

    ``lines`` is the issuing body top left (the governing body, then the unit in bold), e.g.
    ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "SỞ NỘI VỤ"); ``symbol`` the unit's part of the document
    symbol ("SNV" → "Số: …/BC-SNV"); ``place`` the place on the date line. A province's comes
    from its letterhead (``communes.models.province_issuer``).
    """

    lines: Sequence[str]
    symbol: str = ""
    place: str = ""
    preparer_title: str = ""
    preparer_name: str = ""
    signer_title: str = ""
    signer_name: str = ""

    @classmethod
    def national(cls):
        """The heading of figures for the whole country."""
        return cls(["BỘ NỘI VỤ"], symbol="BNV", place="Hà Nội", preparer_title="NGƯỜI LẬP BIỂU")

    @classmethod
    def for_unit(cls, unit):
        """A commune's or department's own heading, for lists a unit officer exports."""
        province = unit.province
        if unit.is_commune_level:
            lines = ["ỦY BAN NHÂN DÂN", unit.name.upper()]
        else:
            lines = [f"ỦY BAN NHÂN DÂN {province.name.upper()}", unit.name.upper()]
        return cls(lines, place=province.short_name, preparer_title="NGƯỜI LẬP BIỂU", signer_title="THỦ TRƯỞNG ĐƠN VỊ")

    def number_line(self, kind="BC"):
        """The number line with the number left blank for the clerk: "Số: …/BC-SNV"."""
        symbol = f"{kind}-{self.symbol}" if self.symbol else kind
        return gettext("No.: %(number)s/%(symbol)s") % {"number": "     ", "symbol": symbol}

    def date_line(self, day: date):
        return place_date_line(self.place, day)

    @property
    def has_signature(self):
        return bool(self.preparer_title or self.preparer_name or self.signer_title or self.signer_name)


def place_date_line(place, day: date) -> str:
    """ "Đắk Lắk, ngày 05 tháng 11 năm 2025": Decree 30 writes days below 10 and the months 1 and 2
    with a leading 0 (ngày 05 tháng 02, but tháng 3 … tháng 9 without)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return gettext("%(place)s, %(day)s/%(month)s/%(year)s") % {
        "place": place,
        "day": f"{day.day:02d}",
        "month": month,
        "year": day.year,
    }


def ascii_slug(text: str) -> str:
    """Vietnamese text folded to ASCII for a file name: "Tỉnh Đắk Lắk" → "tinh-dak-lak"."""
    return re.sub(r"[^a-z0-9]+", "-", normalize_search(text)).strip("-")


def export_filename(*words, day: date | None = None, ext="xlsx") -> str:
    """ "bao-cao-bien-che-dak-lak-2025-11-26.xlsx" from ("bao cao bien che", "Đắk Lắk") and the day."""
    parts = [ascii_slug(str(w)) for w in words if w]
    if day is not None:
        parts.append(day.isoformat())
    return "-".join(p for p in parts if p) + f".{ext}"


class Exporter:
    """Base class of an export: override ``columns`` and ``rows``; optionally ``header_groups``.

    A workbook of several sheets overrides ``sheets`` to return one exporter per sheet; the first
    carries the letterhead and the signature, the others are appendices (``appendix = True``).
    """

    title = ""
    subtitle = ""  # a line under the title (e.g. which report an appendix belongs to)
    sheet_title = "Sheet1"
    filename = "export.xlsx"
    with_totals = False
    totals_label = _("Total")
    appendix = False
    signed = True  # a report handed upward ends with the signature block; a data listing does not

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def header_groups(self) -> list[tuple[str, int]] | None:
        """Labels spanning several columns above the column headers (STT not included)."""
        return None

    def rows(self) -> Iterable[Sequence]:
        raise NotImplementedError

    def sheets(self) -> list["Exporter"]:
        return [self]


def _lines(text, width) -> int:
    """Lines a wrapped text takes in a cell ``width`` characters wide (Times New Roman 12)."""
    usable = max(1.0, width - 1.5)
    return sum(max(1, math.ceil(len(part) / usable)) for part in str(text).split("\n"))


@dataclass
class _Formats:
    wb: xlsxwriter.Workbook
    cache: dict = field(default_factory=dict)

    def get(self, *bases, **props):
        """One format per distinct set of properties: ``bases`` (dicts) merged, then ``props``."""
        merged = {}
        for base in bases:
            merged.update(base)
        props = {**merged, **props}
        key = tuple(sorted(props.items()))
        fmt = self.cache.get(key)
        if fmt is None:
            fmt = self.cache[key] = self.wb.add_format({"font_name": FONT_NAME, "font_size": 12, **props})
        return fmt


CELL = {"border": 1, "border_color": BORDER_COLOUR, "valign": "vcenter"}
HEAD = {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True}


class _SheetWriter:
    def __init__(self, wb, formats, exporter, issuer, as_of, today):
        self.wb, self.f, self.x = wb, formats, exporter
        self.issuer, self.as_of, self.today = issuer, as_of, today
        self.columns = [Column("STT", 6)] + list(exporter.columns())
        self.widths = [c.width for c in self.columns]
        self.ncols = len(self.columns)
        self.ws = wb.add_worksheet(_sheet_name(exporter.sheet_title, wb))
        self.row = 0
        self.split = _split(self.widths)

    # --- blocks ---------------------------------------------------------------------------------

    def span(self, first, last, text, fmt, row=None):
        row = self.row if row is None else row
        if last > first:
            self.ws.merge_range(row, first, row, last, str(text), fmt)
        else:
            self.ws.write_string(row, first, str(text), fmt)

    def width(self, first, last):
        return sum(self.widths[first : last + 1])

    def two_blocks(self, left, right, left_fmt, right_fmt):
        """One row of the letterhead: left block and right block, as tall as the longer text."""
        last_left, n = self.split - 1, self.ncols
        lines = max(_lines(left or "", self.width(0, last_left)), _lines(right or "", self.width(self.split, n - 1)))
        self.ws.set_row(self.row, POINTS_PER_LINE * lines + 2)
        self.span(0, last_left, left or "", left_fmt)
        if right is not None:
            self.span(self.split, n - 1, right, right_fmt)
        self.row += 1

    def rule_row(self):
        """The short rules under the unit's name and under the motto (a top border, a third wide)."""
        self.ws.set_row(self.row, 6)
        rule = self.f.get(top=1)
        for first, last in ((0, self.split - 1), (self.split, self.ncols - 1)):
            for col in _middle_columns(self.widths, first, last):
                self.ws.write_blank(self.row, col, None, rule)
        self.row += 1

    def letterhead(self):
        issuer = self.issuer
        lines = list(issuer.lines) + [""] * max(0, 2 - len(issuer.lines))
        self.two_blocks(
            lines[0].upper(), MOTTO[0], self.f.get(align="center", valign="vcenter", text_wrap=True), self.f.get(HEAD)
        )
        self.two_blocks(lines[1].upper(), MOTTO[1], self.f.get(HEAD), self.f.get(HEAD))
        for extra in lines[2:]:
            self.two_blocks(extra.upper(), "", self.f.get(HEAD), self.f.get(HEAD))
        self.rule_row()
        self.two_blocks(
            issuer.number_line(),
            issuer.date_line(self.today) if issuer.place else None,
            self.f.get(align="center", valign="vcenter", text_wrap=True),
            self.f.get(italic=True, align="center", valign="vcenter", text_wrap=True),
        )
        self.row += 1

    def full_line(self, text, fmt, size=12):
        lines = _lines(text, self.width(0, self.ncols - 1) * 12 / size)
        self.ws.set_row(self.row, POINTS_PER_LINE * size / 12 * lines + 2)
        self.span(0, self.ncols - 1, text, fmt)
        self.row += 1

    def title_block(self):
        title = str(self.x.title)
        self.full_line(title.upper(), self.f.get(HEAD, font_size=14), size=14)
        if self.x.subtitle:
            self.full_line(
                str(self.x.subtitle), self.f.get(italic=True, align="center", valign="vcenter", text_wrap=True)
            )
        if self.as_of is not None:
            as_of = gettext("As of %(day)s") % {"day": self.as_of.strftime("%d/%m/%Y")}
            self.full_line(as_of, self.f.get(italic=True, align="center", valign="vcenter", text_wrap=True))
        self.row += 1

    def header(self):
        head = self.f.get(HEAD, CELL, bg_color=HEADER_COLOUR)
        groups = self.x.header_groups()
        self.header_start = self.row
        if groups:
            tallest = max(
                _lines(label, sum(self.widths[1 + sum(s for _l, s in groups[:i]) :][:span]))
                for i, (label, span) in enumerate(groups)
            )
            self.ws.set_row(self.row, POINTS_PER_LINE * tallest + 4)
            col = 1
            for label, span in groups:
                self.span(col, col + span - 1, str(label), head)
                col += span
            self.row += 1
        tallest = max(_lines(c.header, c.width) for c in self.columns)
        self.ws.set_row(self.row, POINTS_PER_LINE * tallest + 4)
        for col, c in enumerate(self.columns):
            if col == 0 and groups:
                self.ws.merge_range(self.header_start, 0, self.row, 0, "STT", head)
                continue
            self.ws.write_string(self.row, col, str(c.header), head)
        self.header_end = self.row
        self.row += 1

    def table(self, progress=None):
        ws, f, columns = self.ws, self.f, self.columns
        stt = f.get(CELL, align="center")
        text = [f.get(CELL, text_wrap=True) for _c in columns]
        number = [f.get(CELL, num_format=c.number_format or "General") for c in columns]
        dated = [f.get(CELL, num_format=c.number_format or DATE, align="center") for c in columns]
        blank = f.get(CELL)
        # A text longer than its column wraps; the row is made tall enough for it (a spreadsheet
        # does not grow a row that was written without a height when it opens the file).
        fits = [max(1, int(c.width - 1.5)) for c in columns]
        set_row, row_info, row_sizes = ws.set_row, ws.row_info, ws.row_sizes
        tall = None  # the last row given a height: forgotten once written out (constant memory)
        totalled = [i for i, c in enumerate(columns) if c.total]
        totals = dict.fromkeys(totalled, 0)
        # xlsxwriter's undecorated writers: the public ones first check for "A1" notation, a
        # cost paid on every cell (about 5% of a long list); row and column are numbers here.
        write_string, write_number, write_datetime, write_blank = (
            ws._write_string,
            ws._write_number,
            ws._write_datetime,
            ws._write_blank,
        )
        ncols, r, n = self.ncols, self.row, 0
        for values in self.x.rows():
            if len(values) != ncols - 1:
                raise ValueError(f"row {n + 1} has {len(values)} values for {ncols - 1} columns")
            n += 1
            write_number(r, 0, n, stt)  # writes the previous row out
            if tall is not None:
                del row_info[tall], row_sizes[tall]
                tall = None
            col, lines = 0, 1
            for value in values:
                col += 1
                kind = value.__class__
                if kind is str:
                    if value:
                        write_string(r, col, value, text[col])
                        if len(value) > fits[col] or "\n" in value:
                            lines = max(lines, _lines(value, columns[col].width))
                    else:
                        write_blank(r, col, None, blank)
                elif value is None:
                    write_blank(r, col, None, blank)
                elif kind is int or kind is float or kind is Decimal:
                    write_number(r, col, value, number[col])
                elif kind is date or kind is datetime:
                    write_datetime(r, col, value, dated[col])
                elif kind is bool:
                    write_string(r, col, gettext("Yes") if value else "", text[col])
                else:
                    write_string(r, col, str(value), text[col])
            if lines > 1:
                set_row(r, POINTS_PER_LINE * lines + 2)
                tall = r
            for idx in totalled:
                value = values[idx - 1]
                if value.__class__ in (int, float, Decimal):
                    totals[idx] += value
            r += 1
            if progress is not None and n % 5000 == 0:
                progress(n)
        self.row = r
        if self.x.with_totals:
            bold = f.get(CELL, bold=True)
            write_blank(r, 0, None, bold)
            write_string(r, 1, str(self.x.totals_label), bold)
            for col in range(2, ncols):
                if col in totals:
                    fmt = f.get(CELL, bold=True, num_format=columns[col].number_format or "General")
                    write_number(r, col, totals[col], fmt)
                else:
                    write_blank(r, col, None, bold)
            self.row += 1
        self.data_rows = n
        return n

    def signature(self):
        issuer = self.issuer
        if not issuer.has_signature:
            return
        self.row += 1
        bold, italic = self.f.get(HEAD), self.f.get(italic=True, align="center", valign="top", text_wrap=True)
        self.two_blocks(issuer.preparer_title, issuer.signer_title, bold, bold)
        caption = gettext("(Signature and full name)")
        self.two_blocks(
            caption if issuer.preparer_title else "", gettext("(Signature, full name and seal)"), italic, italic
        )
        self.row += 3  # room to sign
        self.two_blocks(issuer.preparer_name, issuer.signer_name, bold, bold)

    def page_setup(self):
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(PAPER_A4 if sum(self.widths) <= A4_MAX_WIDTH else PAPER_A3)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.4, top=0.6, bottom=0.6)
        ws.center_horizontally()
        ws.set_footer("&C&10&P/&N")
        for col, w in enumerate(self.widths):
            ws.set_column(col, col, w)

    def write(self, progress=None):
        self.page_setup()  # sheet settings first: rows stream out as they are written
        if not self.x.appendix:
            self.letterhead()
        self.title_block()
        self.header()
        self.ws.repeat_rows(self.header_start, self.header_end)
        self.ws.freeze_panes(self.header_end + 1, 1)
        n = self.table(progress)
        if not self.x.appendix and self.x.signed:
            self.signature()
        return n


def _sheet_name(title, wb):
    name = re.sub(r"[\[\]:*?/\\]", " ", str(title))[:31] or "Sheet"
    taken = {ws.name.lower() for ws in wb.worksheets()}
    base, i = name, 2
    while name.lower() in taken:
        suffix = f" ({i})"
        name, i = base[: 31 - len(suffix)] + suffix, i + 1
    return name


def _split(widths):
    """Where the letterhead's right block starts: the left block takes about 40% of the width."""
    total, acc = sum(widths), 0
    for i, w in enumerate(widths):
        acc += w
        if acc >= total * 0.4:
            return min(max(i + 1, 1), len(widths) - 1) if len(widths) > 1 else 1
    return max(1, len(widths) - 1)


def _middle_columns(widths, first, last):
    """Columns under the middle third of the block ``first..last`` (at least the central one)."""
    start = sum(widths[:first])
    block = sum(widths[first : last + 1])
    lo, hi = start + block / 3, start + 2 * block / 3
    cols, acc = [], start
    for col in range(first, last + 1):
        mid = acc + widths[col] / 2
        if lo <= mid <= hi:
            cols.append(col)
        acc += widths[col]
    if not cols:
        centre, acc = start + block / 2, start
        for col in range(first, last + 1):
            if acc <= centre < acc + widths[col]:
                return [col]
            acc += widths[col]
    return cols


def render(exporter: Exporter, fileobj, *, issuer: Issuer, as_of: date | None = None, progress=None, today=None):
    """Write ``exporter`` as an xlsx workbook to ``fileobj``; return the first sheet's data rows.

    ``progress(n)`` is called every 5,000 rows (background exports report it).
    """
    wb = xlsxwriter.Workbook(
        fileobj,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "in_memory": False,
        },
    )
    formats = _Formats(wb)
    today = today or timezone.localdate()
    counts = []
    for sheet in exporter.sheets():
        writer = _SheetWriter(wb, formats, sheet, issuer, as_of, today)
        counts.append(writer.write(progress if not counts else None))
    wb.close()
    return counts[0]


def xlsx_response(exporter: Exporter, *, issuer: Issuer, as_of: date | None = None) -> FileResponse:
    """Render to a temporary file on disk and stream it back: no workbook held in memory."""
    tmp = tempfile.TemporaryFile()
    render(exporter, tmp, issuer=issuer, as_of=as_of)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=exporter.filename, content_type=XLSX_CONTENT_TYPE)
