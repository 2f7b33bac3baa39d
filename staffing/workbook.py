"""The per-unit Excel template: the current roster and quotas, ready to fill offline and upload.

Official look (issuing body and national motto from ``core.excel``), a title, an STT column,
Vietnamese column headers the importer recognises, drop-down lists fed from a hidden sheet of
codes, a frozen header and sensible widths. A unit's workbook is small, so openpyxl's normal mode
is used (data validations need it).
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.excel import BOLD, BORDER, CENTER, DATE, HEADER_FILL, INTEGER, ITALIC, MOTTO, NORMAL, TITLE_FONT, Issuer
from staffing.forms import CHOICE_TABLES
from staffing.importer import ABSENCE_COLUMNS, QUOTA_COLUMNS, STAFF_COLUMNS
from staffing.models import Absence, Assignment, Field, Position, Quota

CODES_SHEET = "DanhMuc"
DATE_COLUMNS = ("birth_date", "start_date", "end_date", "decision_date", "effective_from")
SPARE_ROWS = 500
LIST_COLUMNS = {  # column key -> list on the codes sheet
    "gender": "gender",
    "category": "category",
    "qualification": "qualification",
    "status": "status",
    "field": "field",
    "major_field": "field",
    "position": "position",
    "kind": "absence_kind",
}


def unit_issuer(unit) -> Issuer:
    return Issuer([f"ỦY BAN NHÂN DÂN {unit.province.name.upper()}", unit.name.upper()])


def field_label(f):
    return f"{f.code} - {f.name_vi}"


def position_label(p):
    return f"{p.code} - {p.name}"


def _write(ws, row, col, value, *, font=NORMAL, border=BORDER, number_format=None, alignment=None):
    cell = ws.cell(row=row, column=col)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # text starting with = + - @ stays text
    cell.font = font
    if border is not None:
        cell.border = border
    if number_format:
        cell.number_format = number_format
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _header_block(ws, *, issuer, title, subtitle, ncols):
    half = max(2, ncols // 2)
    lines = list(issuer.lines) + [""] * max(0, 2 - len(issuer.lines))
    for r, (left, right) in enumerate(zip(lines[:2], MOTTO, strict=True), start=1):
        _write(ws, r, 1, left, font=BOLD if r == 2 else NORMAL, border=None, alignment=CENTER)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=half)
        _write(ws, r, half + 1, right, font=BOLD, border=None, alignment=CENTER)
        ws.merge_cells(start_row=r, start_column=half + 1, end_row=r, end_column=ncols)
    _write(ws, 4, 1, title.upper(), font=TITLE_FONT, border=None, alignment=CENTER)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=ncols)
    _write(ws, 5, 1, subtitle, font=ITALIC, border=None, alignment=CENTER)
    ws.merge_cells(start_row=5, start_column=1, end_row=5, end_column=ncols)
    return 7  # header row


def _table(ws, *, columns, rows, header_row, lists):
    ncols = len(columns) + 1
    _write(ws, header_row, 1, "STT", font=BOLD, alignment=CENTER).fill = HEADER_FILL
    ws.column_dimensions["A"].width = 6
    for idx, col in enumerate(columns, start=2):
        _write(ws, header_row, idx, col.vi, font=BOLD, alignment=CENTER).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(idx)].width = col.width
    ws.row_dimensions[header_row].height = 32
    n = 0
    for n, values in enumerate(rows, start=1):
        r = header_row + n
        _write(ws, r, 1, n, alignment=CENTER)
        for idx, (col, value) in enumerate(zip(columns, values, strict=True), start=2):
            fmt = DATE if col.key in DATE_COLUMNS else None
            if col.key == "count":
                fmt = INTEGER
            _write(ws, r, idx, value, number_format=fmt)
    last = header_row + n + SPARE_ROWS
    for idx, col in enumerate(columns, start=2):
        source = lists.get(LIST_COLUMNS.get(col.key))
        if source is None:
            continue
        letter = get_column_letter(idx)
        dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True)
        dv.error = _("Choose a value from the list.")
        dv.add(f"{letter}{header_row + 1}:{letter}{last}")
        ws.add_data_validation(dv)
    for idx, col in enumerate(columns, start=2):
        if col.key in DATE_COLUMNS:
            letter = get_column_letter(idx)
            for r in range(header_row + n + 1, last + 1):
                ws[f"{letter}{r}"].number_format = DATE
    ws.freeze_panes = f"B{header_row + 1}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.auto_filter.ref = f"A{header_row}:{get_column_letter(ncols)}{header_row + max(n, 1)}"


def _codes_sheet(wb):
    """Hidden sheet of the values the drop-downs offer; returns list name -> range formula."""
    ws = wb.create_sheet(CODES_SHEET)
    labels = {name: [str(label) for _value, label in choices.choices] for name, choices in CHOICE_TABLES.items()}
    lists = {name: values for name, values in labels.items() if name != "absence_kind"}
    lists["field"] = [field_label(f) for f in Field.objects.all()]
    lists["position"] = [position_label(p) for p in Position.objects.all()]
    lists["absence_kind"] = labels["absence_kind"]
    formulas = {}
    for idx, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(idx)
        ws.cell(row=1, column=idx, value=name)
        for r, value in enumerate(values, start=2):
            cell = ws.cell(row=r, column=idx, value=value)
            cell.data_type = "s"
        formulas[name] = f"{CODES_SHEET}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    ws.sheet_state = "hidden"
    return formulas


def staff_row(a):
    """A roster row from a placement in force: the person and where they are placed."""
    s = a.person
    return [
        a.unit.code,
        s.staff_code,
        s.full_name,
        s.get_gender_display(),
        s.birth_date,
        a.get_category_display(),
        position_label(a.position) if a.position_id else None,
        field_label(a.field),
        field_label(s.major_field) if s.major_field_id else None,
        s.get_qualification_display(),
        s.get_status_display(),
        s.start_date,
        s.end_date,
    ]


def absence_row(ab):
    return [
        ab.person.staff_code,
        ab.person.full_name,
        ab.get_kind_display(),
        ab.start_date,
        ab.end_date,
        ab.decision_number,
        ab.decision_date,
        ab.note,
    ]


def quota_row(q):
    return [
        q.unit.code,
        field_label(q.field),
        q.get_category_display(),
        q.count,
        q.decision_number,
        q.decision_date,
        q.effective_from,
    ]


def unit_template(unit, fileobj, *, as_of=None):
    """Write the template of ``unit`` (its staff and the quotas in force) to ``fileobj``."""
    as_of = as_of or timezone.localdate()
    issuer = unit_issuer(unit)
    subtitle = _("Unit: %(name)s (code %(code)s) · as of %(day)s") % {
        "name": unit.name,
        "code": unit.code,
        "day": as_of.strftime("%d/%m/%Y"),
    }
    wb = Workbook()
    roster = wb.active
    roster.title = str(_("Roster"))[:31]
    quotas = wb.create_sheet(str(_("Quotas"))[:31])
    absences = wb.create_sheet(str(_("Absences"))[:31])
    lists = _codes_sheet(wb)

    staff = (
        Assignment.objects.in_force_on(as_of)
        .filter(unit=unit)
        .select_related("unit", "person__major_field", "position", "field")
        .order_by("person__full_name", "person__staff_code")
    )
    header_row = _header_block(
        roster, issuer=issuer, title=_("Staff roster"), subtitle=subtitle, ncols=len(STAFF_COLUMNS) + 1
    )
    _table(roster, columns=STAFF_COLUMNS, rows=(staff_row(s) for s in staff), header_row=header_row, lists=lists)

    current = (
        Quota.objects.in_force_on(as_of)
        .filter(unit=unit)
        .select_related("unit", "field")
        .order_by("field__sort_order", "field__code", "category")
    )
    header_row = _header_block(
        quotas, issuer=issuer, title=_("Assigned quotas"), subtitle=subtitle, ncols=len(QUOTA_COLUMNS) + 1
    )
    _table(quotas, columns=QUOTA_COLUMNS, rows=(quota_row(q) for q in current), header_row=header_row, lists=lists)

    # Absences of the people on the roll that have not ended by then (and ones to come).
    people = Assignment.objects.in_force_on(as_of).filter(unit=unit).values("person_id")
    listed = (
        Absence.objects.filter(person_id__in=people)
        .overlapping(as_of, None)
        .select_related("person")
        .order_by("person__full_name", "start_date")
    )
    header_row = _header_block(
        absences, issuer=issuer, title=_("Absences"), subtitle=subtitle, ncols=len(ABSENCE_COLUMNS) + 1
    )
    _table(absences, columns=ABSENCE_COLUMNS, rows=(absence_row(a) for a in listed), header_row=header_row, lists=lists)
    wb.save(fileobj)
