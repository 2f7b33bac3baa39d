"""Excel workbooks in the layout officials hand upward.

An export is a small class that says its title, its columns and yields its rows; ``render``
writes any of them the same way: issuing body top left, national motto top right, title, "as of"
date, grouped header rows, an STT column, a totals row that is the sum of the rows, frozen panes,
number formats and print setup. The workbook is written in openpyxl's write-only mode, so rows
stream to disk and memory stays flat however long the list is.

Every text cell is written as a string: a name that starts with = + - @ is never a formula.
"""

import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
INTEGER = "#,##0"
DATE = "dd/mm/yyyy"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_thin = Side(style="thin", color="808080")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
BOLD = Font(name="Times New Roman", bold=True, size=12)
NORMAL = Font(name="Times New Roman", size=12)
ITALIC = Font(name="Times New Roman", italic=True, size=12)
TITLE_FONT = Font(name="Times New Roman", bold=True, size=14)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


@dataclass
class Column:
    header: str
    width: float = 14
    number_format: str | None = None
    total: bool = False  # the totals row adds this column up


@dataclass
class Issuer:
    """The issuing body shown top left, e.g. ("ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "SỞ NỘI VỤ")."""

    lines: Sequence[str]

    @classmethod
    def for_province(cls, province):
        if province is None:
            return cls(["BỘ NỘI VỤ"])
        return cls([f"ỦY BAN NHÂN DÂN {province.name.upper()}", "SỞ NỘI VỤ"])


class Exporter:
    """Base class of an export: override ``columns`` and ``rows``; optionally ``header_groups``."""

    title = ""
    sheet_title = "Sheet1"
    filename = "export.xlsx"
    with_totals = False
    totals_label = _("Total")

    def columns(self) -> list[Column]:
        raise NotImplementedError

    def header_groups(self) -> list[tuple[str, int]] | None:
        """Labels spanning several columns above the column headers (STT not included)."""
        return None

    def rows(self) -> Iterable[Sequence]:
        raise NotImplementedError


def _cell(ws, value, *, font=NORMAL, alignment=None, border=None, number_format=None, fill=None):
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the first character
    cell.font = font
    if alignment is not None:
        cell.alignment = alignment
    if border is not None:
        cell.border = border
    if number_format is not None:
        cell.number_format = number_format
    if fill is not None:
        cell.fill = fill
    return cell


def _ready_cells(cells, row_idx):
    for col_idx, cell in enumerate(cells, 1):
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def render(exporter: Exporter, fileobj, *, issuer: Issuer, as_of: date | None = None, progress=None):
    """Write ``exporter`` as an xlsx workbook to ``fileobj``; return the number of data rows.

    ``progress(n)`` is called every 5,000 rows (background exports report it).
    """
    columns = [Column("STT", 6)] + list(exporter.columns())
    ncols = len(columns)
    half = max(2, ncols // 2)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=str(exporter.sheet_title)[:31])
    for idx, col in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = col.width

    issuer_lines = list(issuer.lines) + [""] * max(0, 2 - len(issuer.lines))
    groups = exporter.header_groups()
    # Sheet views are written with the first row in write-only mode: fix the layout up front.
    header_start = len(issuer_lines) + 1 + 1 + (1 if as_of is not None else 0) + 1 + 1
    header_end = header_start + (1 if groups else 0)
    ws.freeze_panes = f"B{header_end + 1}"
    ws.print_title_rows = f"{header_start}:{header_end}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    rows_written = 0

    def merged_row(left, right=None, *, left_font=BOLD, right_font=BOLD):
        nonlocal rows_written
        rows_written += 1
        cells = [_cell(ws, left, font=left_font, alignment=CENTER)] + [None] * (ncols - 1)
        ws.merged_cells.add(f"A{rows_written}:{get_column_letter(half)}{rows_written}")
        if right is not None and ncols > half:
            cells[half] = _cell(ws, right, font=right_font, alignment=CENTER)
            ws.merged_cells.add(f"{get_column_letter(half + 1)}{rows_written}:{get_column_letter(ncols)}{rows_written}")
        ws.append(cells)

    merged_row(issuer_lines[0], MOTTO[0], left_font=NORMAL)
    merged_row(issuer_lines[1], MOTTO[1])
    for extra in issuer_lines[2:]:
        merged_row(extra, "")
    ws.append([])
    rows_written += 1

    def full_row(value, font):
        nonlocal rows_written
        rows_written += 1
        ws.append([_cell(ws, value, font=font, alignment=CENTER)])
        ws.merged_cells.add(f"A{rows_written}:{get_column_letter(ncols)}{rows_written}")

    full_row(str(exporter.title).upper(), TITLE_FONT)
    if as_of is not None:
        full_row(str(_("As of %(day)s")) % {"day": as_of.strftime("%d/%m/%Y")}, ITALIC)
    ws.append([])
    rows_written += 1

    if groups:
        rows_written += 1
        cells = [_cell(ws, "STT", font=BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL)]
        col = 2
        for label, span in groups:
            cells.append(_cell(ws, str(label), font=BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL))
            cells.extend(_cell(ws, None, border=BORDER, fill=HEADER_FILL) for _ in range(span - 1))
            if span > 1:
                ws.merged_cells.add(
                    f"{get_column_letter(col)}{rows_written}:{get_column_letter(col + span - 1)}{rows_written}"
                )
            col += span
        ws.append(cells)
    rows_written += 1
    ws.append([_cell(ws, str(c.header), font=BOLD, alignment=CENTER, border=BORDER, fill=HEADER_FILL) for c in columns])
    if groups:
        # STT spans both header rows.
        ws.merged_cells.add(f"A{header_start}:A{rows_written}")
    assert rows_written == header_end, "header layout drifted from the frozen panes"

    totals = [0] * ncols
    n = 0
    # Style each column once and reuse one cell per column: the write-only sheet writes a row out
    # during append(), and setting fonts and borders cell by cell hashes the style objects each
    # time, which makes long lists several times slower.
    stt_cell = _cell(ws, 0, border=BORDER, alignment=CENTER)
    plain = [_cell(ws, None, border=BORDER, number_format=c.number_format) for c in columns]
    dated = [_cell(ws, None, border=BORDER, number_format=c.number_format or DATE) for c in columns]
    data_columns = list(enumerate(columns[1:], start=1))
    # From here on every appended row is a list of ready cells: skip openpyxl's value-to-cell
    # conversion, which raises and catches an exception for every styled cell (openpyxl 3.1).
    ws._values_to_row = _ready_cells
    for row in exporter.rows():
        n += 1
        stt_cell.value = n
        cells = [stt_cell]
        for (idx, col), value in zip(data_columns, row, strict=True):
            cell = dated[idx] if isinstance(value, (date, datetime)) else plain[idx]
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the first character
            cells.append(cell)
            if col.total and isinstance(value, (int, float)):
                totals[idx] += value
        ws.append(cells)
        if progress is not None and n % 5000 == 0:
            progress(n)
    if exporter.with_totals:
        cells = [_cell(ws, None, border=BORDER), _cell(ws, str(exporter.totals_label), font=BOLD, border=BORDER)]
        for idx, col in enumerate(columns[2:], start=2):
            value = totals[idx] if col.total else None
            cells.append(_cell(ws, value, font=BOLD, border=BORDER, number_format=col.number_format))
        ws.append(cells)
    wb.save(fileobj)
    return n


def xlsx_response(exporter: Exporter, *, issuer: Issuer, as_of: date | None = None) -> FileResponse:
    """Render to a temporary file on disk and stream it back: no workbook held in memory."""
    tmp = tempfile.TemporaryFile()
    render(exporter, tmp, issuer=issuer, as_of=as_of)
    tmp.seek(0)
    return FileResponse(tmp, as_attachment=True, filename=exporter.filename, content_type=XLSX_CONTENT_TYPE)
