"""Workbooks in the layouts commune and province offices keep, written with openpyxl for the tests."""

import io
from datetime import date

from openpyxl import Workbook

TITLE = [
    ["ỦY BAN NHÂN DÂN XÃ ĐẮK MIL", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
    [None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],
    ["BIỂU TỔNG HỢP SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC"],
    ["(Kèm theo Báo cáo số 15/BC-UBND ngày 10/7/2025)"],
]
HEADER_TOP = [
    "STT",
    "Họ và tên",
    "Ngày, tháng, năm sinh",
    None,
    "Chức vụ/chức danh",
    "Lĩnh vực công tác",
    "Trình độ chuyên môn",
    "Chuyên ngành đào tạo",
    "Dân tộc",
    "Đảng viên",
    "Ghi chú",
]
HEADER_SUB = [None, None, "Nam", "Nữ", None, None, None, None, None, None, None]
NUMBERS = [f"({n})" for n in range(1, 12)]
# Merged: A5:A6, B5:B6, C5:D5 (the date of birth over Nam | Nữ), E5:E6 … K5:K6.
MERGES = ["A5:A6", "B5:B6", "C5:D5", *[f"{c}5:{c}6" for c in "EFGHIJK"]]


def commune_roster(people=None, *, sheet="DS CBCC xa", extra_tail=True, name_header="Họ và tên"):
    """The commune's own list: title block, two header rows merged, the (1)…(11) row, sections
    "I. CÁN BỘ" and "II. CÔNG CHỨC", a totals row and the signature block.

    Each person: (name, "M"/"F", birth date, post, field, qualification, section "I"/"II").
    """
    people = people if people is not None else PEOPLE
    rows = [*TITLE, [name_header if h == "Họ và tên" else h for h in HEADER_TOP], HEADER_SUB, NUMBERS]
    for section, heading in (("I", "I. CÁN BỘ"), ("II", "II. CÔNG CHỨC")):
        rows.append([None, heading])
        n = 0
        for name, sex, born, post, field, qualification, in_section in people:
            if in_section != section:
                continue
            n += 1
            rows.append(
                [
                    n,
                    name,
                    born if sex == "M" else None,
                    born if sex == "F" else None,
                    post,
                    field,
                    qualification,
                    "Luật",
                    "Kinh",
                    "x",
                    None,
                ]
            )
    if extra_tail:
        rows.append([None, f"Tổng cộng: {len(people)} người"])
        rows.append([])
        rows.append([None, "NGƯỜI LẬP BIỂU", None, None, None, None, "TM. ỦY BAN NHÂN DÂN"])
        rows.append([None, None, None, None, None, None, "CHỦ TỊCH"])
        rows.append([None, "Lê Thị Hoa", None, None, None, None, "Nguyễn Văn An"])
    return workbook({sheet: rows}, merges={sheet: MERGES})


PEOPLE = [
    ("Nguyễn Văn An", "M", date(1975, 1, 15), "Chủ tịch UBND xã", "Lãnh đạo chính quyền", "Đại học", "I"),
    ("Trần Thị Bình", "F", date(1985, 5, 20), "Phó Chủ tịch UBND xã", "Lãnh đạo chính quyền", "Thạc sĩ", "I"),
    ("Lê Văn Cường", "M", date(1990, 3, 2), "Công chức", "Tư pháp - Hộ tịch", "Cao đẳng", "II"),
    ("Phạm Thị Dung", "F", "12/11/1992", "Công chức", "Tài chính", "Đại học", "II"),
]


def workbook(sheets, *, merges=None):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
        for cells in (merges or {}).get(name, ()):
            ws.merge_cells(cells)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
