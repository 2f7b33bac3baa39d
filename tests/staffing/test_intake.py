"""Reading rosters in the layouts communes keep: headers, column meanings, people and skipped rows.

Each workbook is written here with openpyxl in a shape found in real commune files, and the
expected reading is worked out by hand beside it.
"""

import io
from datetime import date

import pytest
from openpyxl import Workbook

from staffing.intake import (
    Confidence,
    IntakeRefused,
    Meaning,
    SheetKind,
    SkipReason,
    clean_text,
    match_header,
    parse_date,
    read_rows,
    read_workbook,
)
from tests import factories as f
from tests.staffing import support

english = support.english
world = support.world

EXACT, VARIANT, GUESS, UNKNOWN = Confidence.EXACT, Confidence.VARIANT, Confidence.GUESS, Confidence.UNKNOWN


def workbook(sheets, *, merges=None, hidden=()):
    """An xlsx from ``{sheet name: [row, …]}``; ``merges`` lists ranges per sheet ("C6:D6")."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, ()):
            ws.merge_cells(cells)
        if name in hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def read(sheets, **kwargs):
    options = {k: kwargs.pop(k) for k in ("merges", "hidden") if k in kwargs}
    return read_workbook(workbook(sheets, **options), **kwargs)


def columns(reading):
    return [(c.letter, c.header, str(c.meaning), str(c.confidence)) for c in reading.columns]


def people(reading):
    return [(r.row, {str(k): v for k, v in r.values.items()}) for r in reading.records]


def skipped(reading):
    return [(s.row, str(s.reason)) for s in reading.skipped]


# 1. The commune's summary sheet: title block, merged two-row header, birth dates split by sex,
#    column numbers, sections, totals, a place/date line and the signature block.

COMMUNE_SHEET = [
    ["UBND XÃ EA KAO", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],  # 1
    [None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"],  # 2
    [],  # 3
    ["BIỂU TỔNG HỢP SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC"],  # 4
    ["(Kèm theo Báo cáo số 15/BC-UBND ngày 10/7/2025)"],  # 5
    [
        "STT",
        "Họ và tên",
        "Ngày, tháng, năm sinh",
        None,
        "Chức vụ/chức danh",
        "Lĩnh vực công tác",
        "Trình độ chuyên môn",
        "Chuyên ngành đào tạo",
        "Ngạch",
        "Ghi chú",
    ],  # 6
    [None, None, "Nam", "Nữ"],  # 7
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)"],  # 8
    ["I", "CÁN BỘ"],  # 9
    [1, "Nguyễn Văn An", "12/03/1975", None, "Chủ tịch UBND", "Lãnh đạo chính quyền", "Đại học", "Luật", "", ""],
    [2, "Trần Thị Bình", None, 1980, "Phó Chủ tịch UBND", "", "Thạc sĩ", "Kinh tế", "", ""],  # 11
    ["II", "CÔNG CHỨC"],  # 12
    [3, "Lê Văn Cường", date(1990, 5, 2), None, "Tư pháp - Hộ tịch", "Tư pháp", "Cao đẳng", "Luật", "Chuyên viên"],
    [4, "H' Nơ Niê", None, "07/11/1995", "Tài chính - Kế toán", "Tài chính", "Đại học", "Kế toán", "Chuyên viên"],
    [None, "Tổng cộng", 2, 2],  # 15
    [],  # 16
    [None, None, None, None, "Ea Kao, ngày 10 tháng 7 năm 2025"],  # 17
    [None, "Người lập biểu", None, None, "CHỦ TỊCH"],  # 18
    [None, "(Ký, ghi rõ họ tên)", None, None, "(Ký tên, đóng dấu)"],  # 19
    [],  # 20
    [None, "Phạm Văn Dũng", None, None, "Nguyễn Văn An"],  # 21
]
COMMUNE_MERGES = ["A1:D1", "A4:J4", "A5:J5", "A6:A7", "B6:B7", "C6:D6", "E6:E7", "F6:F7", "G6:G7", "H6:H7", "I6:I7"]
COMMUNE_COLUMNS = [
    ("A", "STT", "ignore", EXACT),
    ("B", "Họ và tên", "full_name", EXACT),
    ("C", "Ngày, tháng, năm sinh / Nam", "birth_date_male", EXACT),
    ("D", "Ngày, tháng, năm sinh / Nữ", "birth_date_female", EXACT),
    ("E", "Chức vụ/chức danh", "post", EXACT),
    ("F", "Lĩnh vực công tác", "field", VARIANT),
    ("G", "Trình độ chuyên môn", "qualification", EXACT),
    ("H", "Chuyên ngành đào tạo", "major_field", EXACT),
    ("I", "Ngạch", "rank", EXACT),
    ("J", "Ghi chú", "note", EXACT),
]
COMMUNE_PEOPLE = [
    (
        10,
        {
            "full_name": "Nguyễn Văn An",
            "birth_date": date(1975, 3, 12),
            "gender": "male",
            "post": "Chủ tịch UBND",
            "field": "Lãnh đạo chính quyền",
            "qualification": "Đại học",
            "major_field": "Luật",
            "category": "CÁN BỘ",
        },
    ),
    (
        11,
        {
            "full_name": "Trần Thị Bình",
            "birth_date": date(1980, 1, 1),
            "gender": "female",
            "post": "Phó Chủ tịch UBND",
            "qualification": "Thạc sĩ",
            "major_field": "Kinh tế",
            "category": "CÁN BỘ",
        },
    ),
    (
        13,
        {
            "full_name": "Lê Văn Cường",
            "birth_date": date(1990, 5, 2),
            "gender": "male",
            "post": "Tư pháp - Hộ tịch",
            "field": "Tư pháp",
            "qualification": "Cao đẳng",
            "major_field": "Luật",
            "rank": "Chuyên viên",
            "category": "CÔNG CHỨC",
        },
    ),
    (
        14,
        {
            "full_name": "H' Nơ Niê",
            "birth_date": date(1995, 11, 7),
            "gender": "female",
            "post": "Tài chính - Kế toán",
            "field": "Tài chính",
            "qualification": "Đại học",
            "major_field": "Kế toán",
            "rank": "Chuyên viên",
            "category": "CÔNG CHỨC",
        },
    ),
]
COMMUNE_SKIPPED = [
    (8, "column_numbers"),
    (9, "section"),
    (12, "section"),
    (15, "total"),
    (16, "blank"),
    (17, "signature"),
    (18, "after_signature"),
    (19, "after_signature"),
    (20, "blank"),
    (21, "after_signature"),
]


def test_commune_summary_sheet_with_merged_two_row_header():
    (reading,) = read({"Biểu 01": COMMUNE_SHEET}, merges={"Biểu 01": COMMUNE_MERGES})
    assert (reading.name, reading.kind, reading.header_rows) == ("Biểu 01", SheetKind.STAFF, (6, 7))
    assert reading.unit_hint == "UBND XÃ EA KAO"
    assert reading.title[:4] == [
        "UBND XÃ EA KAO",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIỂU TỔNG HỢP SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC",
    ]
    assert columns(reading) == COMMUNE_COLUMNS
    assert people(reading) == COMMUNE_PEOPLE
    assert skipped(reading) == COMMUNE_SKIPPED
    assert reading.missing == []
    bình = reading.records[1]
    assert bình.derived == {"birth_date": "birth_date_female", "gender": "birth_date_female", "category": "section"}
    assert bình.approximate == {"birth_date": "year"}
    assert [r.section for r in reading.records] == [("CÁN BỘ",), ("CÁN BỘ",), ("CÔNG CHỨC",), ("CÔNG CHỨC",)]
    assert [(s.row, s.text) for s in reading.skipped if s.reason == SkipReason.TOTAL] == [(15, "Tổng cộng")]


def test_the_same_sheet_without_merged_cells_reads_the_same():
    (reading,) = read({"Sheet1": COMMUNE_SHEET})
    assert reading.header_rows == (6, 7)
    assert columns(reading) == COMMUNE_COLUMNS
    assert people(reading) == COMMUNE_PEOPLE
    assert skipped(reading) == COMMUNE_SKIPPED


def test_post_values_are_returned_as_written_never_cut_at_a_dash():
    (reading,) = read({"Sheet1": COMMUNE_SHEET})
    posts = [r.values["post"] for r in reading.records]
    assert posts == ["Chủ tịch UBND", "Phó Chủ tịch UBND", "Tư pháp - Hộ tịch", "Tài chính - Kế toán"]


# 2. Today's template (staffing/workbook.py), downloaded from a unit page.


@pytest.mark.django_db
def test_the_downloaded_template_is_read_column_for_column(world):
    from staffing.workbook import unit_template

    f.staff(
        world.commune,
        world.land,
        name="Trần Thị B",
        staff_code="NV7",
        gender="female",
        birth_date=date(1988, 2, 29),
        position=world.cadastral,
        major_field=world.finance,
        start_date=date(2015, 9, 1),
    )
    f.quota(world.commune, world.land, 3, decision_number="5/QĐ-UBND", effective_from=date(2025, 7, 1))
    buf = io.BytesIO()
    unit_template(world.commune, buf, as_of=date(2025, 8, 1))
    buf.seek(0)
    roster, quotas, absences = read_workbook(buf)  # the hidden sheet of drop-down lists is not read
    assert (roster.name, roster.kind, roster.header_rows, roster.unit_hint) == ("Roster", "staff", (7,), "XÃ ĐẮK MIL")
    assert columns(roster) == [
        ("A", "STT", "ignore", EXACT),
        ("B", "Mã đơn vị", "unit", EXACT),
        ("C", "Mã cán bộ", "staff_code", EXACT),
        ("D", "Họ và tên", "full_name", EXACT),
        ("E", "Giới tính", "gender", EXACT),
        ("F", "Ngày sinh", "birth_date", EXACT),
        ("G", "Loại cán bộ", "category", EXACT),
        ("H", "Vị trí việc làm", "position", EXACT),
        ("I", "Lĩnh vực", "field", EXACT),
        ("J", "Chuyên ngành đào tạo", "major_field", EXACT),
        ("K", "Trình độ", "qualification", EXACT),
        ("L", "Trạng thái", "status", EXACT),
        ("M", "Ngày vào", "start_date", EXACT),
        ("N", "Ngày nghỉ", "end_date", EXACT),
    ]
    assert people(roster) == [
        (
            8,
            {
                "unit": "24001",
                "staff_code": "NV7",
                "full_name": "Trần Thị B",
                "gender": "Female",
                "birth_date": date(1988, 2, 29),
                "category": "Civil servant",
                "position": "Chuyên viên địa chính",  # names: the codes stay on the hidden sheet
                "field": "Đất đai",
                "major_field": "Tài chính",
                "qualification": "Bachelor",
                "status": "Active",
                "start_date": date(2015, 9, 1),
            },
        )
    ]
    assert roster.skipped == []
    assert (quotas.name, quotas.kind, quotas.header_rows) == ("Quotas", "quota", (7,))
    assert [c[2] for c in columns(quotas)] == [
        "ignore",
        "unit",
        "field",
        "category",
        "count",
        "decision_number",
        "decision_date",
        "effective_from",
    ]
    assert people(quotas) == [
        (
            8,
            {
                "unit": "24001",
                "field": "Đất đai",
                "category": "Civil servant",
                "count": "3",
                "decision_number": "5/QĐ-UBND",
                "decision_date": date(2025, 7, 1),
                "effective_from": date(2025, 7, 1),
            },
        )
    ]


# 3. English headers, extra columns, a renamed sheet.


def test_english_headers_and_extra_columns():
    rows = [
        ["Staff list 2025"],
        [],
        [
            "No.",
            "Full name",
            "Sex",
            "Date of birth",
            "Job title",
            "Field of work",
            "Education level",
            "Rank",
            "Phone",
            "Hobby",
        ],
        [
            1,
            "Nguyen Van A",
            "Male",
            "1990-01-15",
            "Accountant",
            "Finance",
            "Bachelor",
            "Specialist",
            "0905 123 456",
            "Chess",
        ],
        [2, "Tran Thi B", "Female", date(1992, 6, 30), "", "", "Master", "", "", ""],
    ]
    (reading,) = read({"Staff 2025": rows})
    assert reading.header_rows == (3,)
    assert columns(reading) == [
        ("A", "No.", "ignore", EXACT),
        ("B", "Full name", "full_name", EXACT),
        ("C", "Sex", "gender", VARIANT),
        ("D", "Date of birth", "birth_date", EXACT),
        ("E", "Job title", "post", VARIANT),
        ("F", "Field of work", "field", VARIANT),
        ("G", "Education level", "qualification", VARIANT),
        ("H", "Rank", "rank", VARIANT),
        ("I", "Phone", "ignore", VARIANT),
        ("J", "Hobby", "", UNKNOWN),
    ]
    assert people(reading) == [
        (
            4,
            {
                "full_name": "Nguyen Van A",
                "gender": "Male",
                "birth_date": date(1990, 1, 15),
                "post": "Accountant",
                "field": "Finance",
                "qualification": "Bachelor",
                "rank": "Specialist",
            },
        ),
        (
            5,
            {"full_name": "Tran Thi B", "gender": "Female", "birth_date": date(1992, 6, 30), "qualification": "Master"},
        ),
    ]


def test_headers_without_diacritics_in_capitals():
    rows = [
        [
            "STT",
            "MA CAN BO",
            "HO VA TEN",
            "NGAY SINH",
            "GIOI TINH",
            "CHUC VU",
            "TRINH DO CHUYEN MON",
            "NGACH",
            "GHI CHU",
        ],
        [1, 1234.0, "Nguyễn  Văn\u00a0An ", "15/01/1990", "Nam", "Văn phòng - Thống kê", "Đại học", "Chuyên viên", ""],
    ]
    (reading,) = read({"DS": rows})
    assert [(c[2], c[3]) for c in columns(reading)] == [
        ("ignore", EXACT),
        ("staff_code", EXACT),
        ("full_name", EXACT),
        ("birth_date", EXACT),
        ("gender", EXACT),
        ("post", EXACT),
        ("qualification", EXACT),
        ("rank", EXACT),
        ("note", EXACT),
    ]
    assert people(reading) == [
        (
            2,
            {
                "staff_code": "1234",
                "full_name": "Nguyễn Văn An",
                "birth_date": date(1990, 1, 15),
                "gender": "Nam",
                "post": "Văn phòng - Thống kê",
                "qualification": "Đại học",
                "rank": "Chuyên viên",
            },
        )
    ]


# 4. Headers in groups: qualification split by kind, names in two columns, sex marked with "x".


def test_grouped_headers_split_names_and_marked_sex():
    rows = [
        ["DANH SÁCH CÔNG CHỨC"],
        ["TT", "Họ và tên đệm", "Tên", "Năm sinh", "Giới tính", None, "Trình độ", None, None, "Quê quán"],
        [None, None, None, None, "Nam", "Nữ", "Chuyên môn", "Lý luận chính trị", "Ngoại ngữ"],
        [1, "Nguyễn Thị", "Hoa", 1987, None, "x", "Đại học", "Trung cấp", "B1", "Đắk Lắk"],
        [2, "Y Moan", "Niê", "1979", "x", None, "Thạc sĩ", "Cao cấp", "", ""],
    ]
    (reading,) = read({"CC": rows})
    assert reading.header_rows == (2, 3)
    assert columns(reading) == [
        ("A", "TT", "ignore", EXACT),
        ("B", "Họ và tên đệm", "surname", EXACT),
        ("C", "Tên", "given_name", EXACT),
        ("D", "Năm sinh", "birth_date", VARIANT),
        ("E", "Giới tính / Nam", "gender_male", EXACT),
        ("F", "Giới tính / Nữ", "gender_female", EXACT),
        ("G", "Trình độ / Chuyên môn", "qualification", EXACT),
        ("H", "Trình độ / Lý luận chính trị", "ignore", VARIANT),
        ("I", "Trình độ / Ngoại ngữ", "ignore", VARIANT),
        ("J", "Quê quán", "ignore", VARIANT),
    ]
    assert people(reading) == [
        (
            4,
            {
                "full_name": "Nguyễn Thị Hoa",
                "birth_date": date(1987, 1, 1),
                "gender": "female",
                "qualification": "Đại học",
            },
        ),
        (5, {"full_name": "Y Moan Niê", "birth_date": date(1979, 1, 1), "gender": "male", "qualification": "Thạc sĩ"}),
    ]
    assert reading.records[0].derived == {"gender": "gender_female", "full_name": "name_parts"}
    assert reading.records[1].approximate == {"birth_date": "year"}


def test_a_lone_given_name_column_holds_the_full_name():
    rows = [["STT", "Tên", "Ngày sinh"], [1, "Lê Thị Mai", "02/09/1991"]]
    (reading,) = read({"S": rows})
    assert columns(reading)[1] == ("B", "Tên", "full_name", EXACT)
    assert people(reading) == [(2, {"full_name": "Lê Thị Mai", "birth_date": date(1991, 9, 2)})]


# 5. A province-level workbook: a unit column, or one sheet per unit.


def test_unit_column_gives_the_unit_of_each_row():
    rows = [
        ["STT", "Đơn vị", "Họ và tên", "Ngày sinh", "Chức vụ"],
        [1, "Xã Ea Kao", "Nguyễn Văn A", "01/01/1980", "Chủ tịch UBND"],
        [2, "Phường Tân Lập", "Lê Thị B", "02/02/1985", "Công chức Tư pháp - Hộ tịch"],
    ]
    (reading,) = read({"Toàn tỉnh": rows})
    assert [(r.row, r.values["unit"]) for r in reading.records] == [(2, "Xã Ea Kao"), (3, "Phường Tân Lập")]
    assert columns(reading)[1] == ("B", "Đơn vị", "unit", VARIANT)


def test_one_sheet_per_unit_each_with_its_title():
    def sheet(commune, name):
        return [
            [f"UBND {commune.upper()}"],
            ["DANH SÁCH CÁN BỘ, CÔNG CHỨC"],
            [],
            ["STT", "Họ và tên", "Ngày sinh"],
            [1, name, "01/01/1980"],
        ]

    readings = read(
        {"Ea Kao": sheet("Xã Ea Kao", "Nguyễn Văn A"), "Tân Lập": sheet("Phường Tân Lập", "Lê Thị B")},
        hidden=(),
    )
    assert [(r.name, r.unit_hint, people(r)) for r in readings] == [
        ("Ea Kao", "UBND XÃ EA KAO", [(5, {"full_name": "Nguyễn Văn A", "birth_date": date(1980, 1, 1)})]),
        ("Tân Lập", "UBND PHƯỜNG TÂN LẬP", [(5, {"full_name": "Lê Thị B", "birth_date": date(1980, 1, 1)})]),
    ]


def test_hidden_sheets_are_not_read():
    rows = [["Họ và tên", "Ngày sinh"], ["A", "01/01/1980"]]
    readings = read({"Visible": rows, "Hidden": rows}, hidden=("Hidden",))
    assert [r.name for r in readings] == ["Visible"]


# 6. Rows that are not people.


def test_nested_sections_repeated_headers_vacancies_and_lookalike_names():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Chức vụ"],  # 1
        [None, "A. KHỐI CHÍNH QUYỀN"],  # 2
        [None, "1. Văn phòng HĐND - UBND"],  # 3
        [1, "NGUYỄN VĂN AN", None, "Chánh Văn phòng"],  # 4: capitals, no birth date, but a numbered person
        [2, "Tống Văn Tài", None, None],  # 5: "Tống" is a family name, not "Tổng"
        [3, None, None, "Văn phòng - Thống kê"],  # 6: a post with nobody in it
        [None, "2. Phòng Kinh tế"],  # 7
        ["STT", "Họ và tên", "Ngày sinh", "Chức vụ"],  # 8: headers again (a second printed page)
        [4, "Y Bhim Niê", "03/04/1982", "Trưởng phòng"],  # 9
        [None, "B. KHỐI ĐẢNG, ĐOÀN THỂ"],  # 10
        [5, "Lê Thị Hà", "04/05/1986", "Chủ tịch Hội Phụ nữ"],  # 11
        [None, "Cộng: 5 người"],  # 12
    ]
    (reading,) = read({"S": rows})
    assert people(reading) == [
        (4, {"full_name": "NGUYỄN VĂN AN", "post": "Chánh Văn phòng"}),
        (5, {"full_name": "Tống Văn Tài"}),
        (9, {"full_name": "Y Bhim Niê", "birth_date": date(1982, 4, 3), "post": "Trưởng phòng"}),
        (11, {"full_name": "Lê Thị Hà", "birth_date": date(1986, 5, 4), "post": "Chủ tịch Hội Phụ nữ"}),
    ]
    assert skipped(reading) == [
        (2, "section"),
        (3, "section"),
        (6, "no_name"),
        (7, "section"),
        (8, "repeated_header"),
        (10, "section"),
        (12, "total"),
    ]
    assert [r.section for r in reading.records] == [
        ("A. KHỐI CHÍNH QUYỀN", "1. Văn phòng HĐND - UBND"),
        ("A. KHỐI CHÍNH QUYỀN", "1. Văn phòng HĐND - UBND"),
        ("A. KHỐI CHÍNH QUYỀN", "2. Phòng Kinh tế"),
        ("B. KHỐI ĐẢNG, ĐOÀN THỂ",),
    ]
    # Sections that name no category leave the category to the columns (there is none here).
    assert all("category" not in r.values for r in reading.records)


def test_plain_number_row_and_leftover_sub_header_row():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Trình độ"],  # 1
        [None, None, None, "Nam/Nữ", None],  # 2: a note under one header, read as part of the headers
        [1, 2, 3, 4, 5],  # 3
        [1, "Phan Văn Khải", "1970", "Nam", "Đại học"],  # 4
    ]
    (reading,) = read({"S": rows})
    assert reading.header_rows == (1,)
    assert skipped(reading) == [(2, "sub_header"), (3, "column_numbers")]
    assert people(reading) == [
        (4, {"full_name": "Phan Văn Khải", "birth_date": date(1970, 1, 1), "gender": "Nam", "qualification": "Đại học"})
    ]


def test_both_sex_columns_filled_is_flagged_not_guessed():
    rows = [["Họ và tên", "Năm sinh Nam", "Năm sinh Nữ"], ["Đỗ Minh", 1980, 1981]]
    (reading,) = read({"S": rows})
    assert [c[2] for c in columns(reading)] == ["full_name", "birth_date_male", "birth_date_female"]
    (person,) = reading.records
    assert person.values == {"full_name": "Đỗ Minh"}
    assert person.issues == [("birth_date", "male_and_female")]


def test_category_sections_fill_the_category_only_when_there_is_no_category_column():
    rows = [
        ["STT", "Họ và tên", "Ngày sinh", "Loại"],
        ["I", "Cán bộ"],
        [1, "A", "01/01/1980", "Cán bộ chuyên trách"],
        ["II", "Người lao động hợp đồng"],
        [2, "B", "01/01/1981", ""],
    ]
    (reading,) = read({"S": rows})
    assert [r.values.get("category") for r in reading.records] == ["Cán bộ chuyên trách", None]
    without = [row[:3] for row in rows]
    (reading,) = read({"S": without})
    assert [r.values.get("category") for r in reading.records] == ["Cán bộ", "Người lao động hợp đồng"]


# 7. Values.


@pytest.mark.parametrize(
    "value, expected",
    [
        (date(1990, 1, 15), (date(1990, 1, 15), "")),
        (32888, (date(1990, 1, 15), "")),
        (32888.0, (date(1990, 1, 15), "")),
        ("15.01.1990", (date(1990, 1, 15), "")),
        ("15/01/1990.", (date(1990, 1, 15), "")),
        ("15.01.1990", (date(1990, 1, 15), "")),
        ("15/01/1990.", (date(1990, 1, 15), "")),
        ("15.01.1990", (date(1990, 1, 15), "")),
        ("15/01/1990.", (date(1990, 1, 15), "")),
        (" 5/1/1990 ", (date(1990, 1, 5), "")),
        ("1990-01-15", (date(1990, 1, 15), "")),
        ("1990-01-15 00:00:00", (date(1990, 1, 15), "")),
        ("15/01/90", (date(1990, 1, 15), "")),
        ("05/1985", (date(1985, 5, 1), "month")),
        ("1985", (date(1985, 1, 1), "year")),
        (1985, (date(1985, 1, 1), "year")),
        ("31/02/1990", ("31/02/1990", None)),
        ("không rõ", ("không rõ", None)),
        (12, ("12", None)),
    ],
)
def test_dates(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("  Nguyễn   Văn\u00a0An\n", "Nguyễn Văn An"),
        (1234.0, "1234"),
        (12.5, "12.5"),
        (905123456, "905123456"),
        (date(2025, 7, 1), "01/07/2025"),
        (None, ""),
        ("=1+1", "=1+1"),
    ],
)
def test_text_values(value, expected):
    assert clean_text(value) == expected


def test_dates_in_every_form_in_one_sheet():
    rows = [
        ["Họ và tên", "Ngày sinh", "Ngày tuyển dụng"],
        ["A", date(1990, 1, 15), "01/09/2015"],
        ["B", 32888, 42248],
        ["C", "1985", "09/2015"],
        ["D", "31/02/1990", "chưa rõ"],
    ]
    (reading,) = read({"S": rows})
    assert [(r.values.get("birth_date"), r.values.get("start_date")) for r in reading.records] == [
        (date(1990, 1, 15), date(2015, 9, 1)),
        (date(1990, 1, 15), date(2015, 9, 1)),
        (date(1985, 1, 1), date(2015, 9, 1)),
        ("31/02/1990", "chưa rõ"),
    ]
    assert [r.approximate for r in reading.records] == [
        None,
        None,
        {"birth_date": "year", "start_date": "month"},
        None,
    ]


# 8. The user's mapping.

UNUSUAL = [
    ["Số", "Người", "Sinh", "Bộ phận", "Việc đang làm", "Họ tên người ký"],
    [1, "Nguyễn Văn A", "01/01/1980", "Xã Ea Kao", "Địa chính", "x"],
]


def test_unrecognised_headers_give_no_header_but_the_first_rows():
    (reading,) = read({"S": UNUSUAL})
    assert (reading.kind, reading.header_rows, reading.columns, reading.records) == (None, (), [], [])
    assert reading.sample == [
        (1, ["Số", "Người", "Sinh", "Bộ phận", "Việc đang làm", "Họ tên người ký"]),
        (2, ["1", "Nguyễn Văn A", "01/01/1980", "Xã Ea Kao", "Địa chính", "x"]),
    ]
    assert reading.missing == []


def test_a_mapping_by_index_and_by_header_text_reads_the_sheet():
    mapping = {1: "full_name", 2: "birth_date", "Bộ phận": "unit", "VIEC DANG LAM": "field", 5: ""}
    (reading,) = read({"S": UNUSUAL}, mappings={"S": mapping}, header_rows={"S": (1,)})
    assert reading.kind == SheetKind.STAFF
    assert [(c.letter, str(c.meaning), str(c.confidence), c.source) for c in reading.columns] == [
        ("A", "", UNKNOWN, "guess"),
        ("B", "full_name", EXACT, "user"),
        ("C", "birth_date", EXACT, "user"),
        ("D", "unit", EXACT, "user"),
        ("E", "field", EXACT, "user"),
        ("F", "", UNKNOWN, "user"),  # guessed a full name ("họ tên"); the user said no
    ]
    assert people(reading) == [
        (2, {"full_name": "Nguyễn Văn A", "birth_date": date(1980, 1, 1), "unit": "Xã Ea Kao", "field": "Địa chính"})
    ]


def test_a_mapping_overrides_a_guess_and_the_guess_gives_way():
    rows = [["Họ và tên", "Ngày sinh", "Chức vụ", "Công việc"], ["A", "01/01/1980", "Trưởng phòng", "Kế toán"]]
    (reading,) = read({"S": rows}, mappings={"S": {3: "post", 2: "ignore"}})
    assert [(str(c.meaning), c.source) for c in reading.columns] == [
        ("full_name", "guess"),
        ("birth_date", "guess"),
        ("ignore", "user"),
        ("post", "user"),
    ]
    assert reading.records[0].values == {"full_name": "A", "birth_date": date(1980, 1, 1), "post": "Kế toán"}


def test_an_unknown_meaning_in_a_mapping_is_a_programming_error():
    with pytest.raises(ValueError):
        read({"S": [["Họ và tên", "Ngày sinh"]]}, mappings={"S": {0: "shoe_size"}})


def test_two_columns_with_one_meaning_keep_the_surer_one():
    rows = [["Đơn vị", "Mã đơn vị", "Họ và tên", "Ngày sinh"], ["Xã Ea Kao", "24001", "A", "01/01/1980"]]
    (reading,) = read({"S": rows})
    assert [(c.letter, str(c.meaning), str(c.confidence)) for c in reading.columns] == [
        ("A", "", UNKNOWN),  # "Đơn vị" is a variant of the unit; the exact "Mã đơn vị" keeps it
        ("B", "unit", EXACT),
        ("C", "full_name", EXACT),
        ("D", "birth_date", EXACT),
    ]


# 9. Where the sheet starts, what the file is.


def test_a_table_starting_at_b3_keeps_excel_row_and_column_numbers():
    wb = Workbook()
    ws = wb.active
    ws.title = "Lệch"
    for col, value in enumerate(["STT", "Họ và tên", "Ngày sinh"], start=2):
        ws.cell(row=3, column=col, value=value)
    for col, value in enumerate([1, "Nguyễn Văn A", "01/01/1980"], start=2):
        ws.cell(row=4, column=col, value=value)
    buf = io.BytesIO()
    wb.save(buf)
    buf.seek(0)
    (reading,) = read_workbook(buf)
    assert reading.header_rows == (3,)
    assert [(c.letter, str(c.meaning)) for c in reading.columns] == [
        ("A", ""),
        ("B", "ignore"),
        ("C", "full_name"),
        ("D", "birth_date"),
    ]
    assert people(reading) == [(4, {"full_name": "Nguyễn Văn A", "birth_date": date(1980, 1, 1)})]


def test_a_sheet_over_the_row_limit_is_refused():
    rows = [["Họ và tên", "Ngày sinh"], *[[f"Người {n}", "01/01/1980"] for n in range(4)]]
    with pytest.raises(IntakeRefused) as exc:
        read({"Danh sách": rows}, max_rows=3)
    assert exc.value.message == ("The sheet «Danh sách» has more than 3 rows; at most 3 rows can be imported at once.")


def test_a_damaged_workbook_is_refused():
    with pytest.raises(IntakeRefused) as exc:
        read_workbook(io.BytesIO(b"PK\x03\x04 not really a zip"))
    assert exc.value.message == "The workbook is damaged and cannot be read."


def test_rows_in_memory_are_read_the_same_way():
    reading = read_rows(
        [["Họ và tên", "Ngày, tháng, năm sinh", None], [None, "Nam", "Nữ"], ["A", "1/2/1980", None]],
        name="mem",
        merged=[((0, 1), (0, 2)), ((0, 0), (1, 0))],
    )
    assert reading.header_rows == (1, 2)
    assert people(reading) == [(3, {"full_name": "A", "birth_date": date(1980, 2, 1), "gender": "male"})]


# 10. One header at a time.


@pytest.mark.parametrize(
    "header, parent, expected",
    [
        ("Họ và tên", None, ("full_name", EXACT)),
        ("HỌ TÊN", None, ("full_name", VARIANT)),
        ("Họ và tên cán bộ, công chức", None, ("full_name", VARIANT)),
        ("Họ và tên người được cử", None, ("full_name", GUESS)),
        ("Ngày, tháng, năm sinh", None, ("birth_date", EXACT)),
        ("Ngay thang nam sinh", None, ("birth_date", EXACT)),  # punctuation does not count
        ("Ngày sinh (dd/mm/yyyy)", None, ("birth_date", VARIANT)),
        ("Năm sinh Nam", None, ("birth_date_male", VARIANT)),
        ("Ngày sinh (Nữ)", None, ("birth_date_female", EXACT)),
        ("Nam", "Ngày, tháng, năm sinh", ("birth_date_male", EXACT)),
        ("Nữ", "Năm sinh", ("birth_date_female", VARIANT)),
        ("Nữ", "Ngày tháng năm sinh của cán bộ", ("birth_date_female", GUESS)),
        ("Chức vụ/chức danh", None, ("post", EXACT)),
        ("Chức vụ, chức danh hiện nay", None, ("post", VARIANT)),
        ("Chức vụ Đảng", None, ("ignore", VARIANT)),
        ("Chức danh nghề nghiệp", None, ("rank", VARIANT)),
        ("Lĩnh vực công tác", None, ("field", VARIANT)),
        ("Lĩnh vực phụ trách chính", None, ("field", GUESS)),
        ("Trình độ chuyên môn", None, ("qualification", EXACT)),
        ("Trình độ lý luận chính trị", None, ("ignore", VARIANT)),
        ("Chuyên ngành đào tạo", None, ("major_field", EXACT)),
        ("Chuyên môn", "Trình độ", ("qualification", EXACT)),
        ("Ngạch", None, ("rank", EXACT)),
        ("Ngạch công chức hiện giữ", None, ("rank", GUESS)),
        ("Mã cán bộ", None, ("staff_code", EXACT)),
        ("Mã CBCCVC", None, ("staff_code", VARIANT)),
        ("Ghi chú", None, ("note", EXACT)),
        ("STT", None, ("ignore", EXACT)),
        ("#", None, ("ignore", EXACT)),
        ("Vị trí việc làm", None, ("position", EXACT)),
        ("Ngày vào Đảng", None, ("ignore", VARIANT)),
        ("Nơi sinh", None, ("ignore", VARIANT)),
        ("Date of birth", None, ("birth_date", EXACT)),
        ("Full name", None, ("full_name", EXACT)),
        ("Số biên chế được giao", None, ("count", EXACT)),
        ("Sở thích", None, ("", UNKNOWN)),
        ("", None, ("", UNKNOWN)),
    ],
)
def test_headers(header, parent, expected):
    meaning, confidence = match_header(header, parent=parent)
    assert (str(meaning), str(confidence)) == expected


def test_meanings_have_labels_for_the_mapping_step():
    assert Meaning("post").label == "Post or title held"
    assert SkipReason("column_numbers").label == "Column numbers"


# 11. Quotas in an office's own layout.


def test_quota_sheet_with_title_block_and_totals():
    rows = [
        ["UBND TỈNH ĐẮK LẮK", None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["SỞ NỘI VỤ", None, "Độc lập - Tự do - Hạnh phúc"],
        ["Số: 12/BC-SNV"],
        ["BIÊN CHẾ ĐƯỢC GIAO NĂM 2025"],
        ["STT", "Xã, phường", "Lĩnh vực", "Biên chế được giao", "Số quyết định", "Ngày quyết định"],
        [1, "Xã Ea Kao", "Đất đai", 4, "12/QĐ-UBND", "01/07/2025"],
        [2, "Xã Ea Kao", "Tài chính - Kế toán", 2.0, "12/QĐ-UBND", date(2025, 7, 1)],
        [None, "Tổng cộng", None, 6],
    ]
    (reading,) = read({"Biên chế": rows})
    assert (reading.kind, reading.header_rows, reading.unit_hint) == (SheetKind.QUOTA, (5,), "SỞ NỘI VỤ")
    assert [c[2] for c in columns(reading)] == ["ignore", "unit", "field", "count", "decision_number", "decision_date"]
    assert people(reading) == [
        (
            6,
            {
                "unit": "Xã Ea Kao",
                "field": "Đất đai",
                "count": "4",
                "decision_number": "12/QĐ-UBND",
                "decision_date": date(2025, 7, 1),
            },
        ),
        (
            7,
            {
                "unit": "Xã Ea Kao",
                "field": "Tài chính - Kế toán",
                "count": "2",
                "decision_number": "12/QĐ-UBND",
                "decision_date": date(2025, 7, 1),
            },
        ),
    ]
    assert skipped(reading) == [(8, "total")]


def test_labels_read_in_vietnamese():
    from django.utils import translation

    with translation.override("vi"):
        assert str(SkipReason.COLUMN_NUMBERS.label) == "Dòng đánh số cột"
        assert str(Meaning.BIRTH_DATE_FEMALE.label) == "Ngày sinh (nữ)"


def test_a_reading_pickles_and_reports_progress():
    import pickle

    rows = [["Họ và tên", "Ngày sinh"], *[[f"Người {n}", "01/01/1980"] for n in range(10_001)]]
    seen = []
    (reading,) = read({"S": rows}, progress=lambda sheet, n: seen.append((sheet, n)))
    assert seen == [("S", 5000), ("S", 10000)]
    again = pickle.loads(pickle.dumps(reading))
    assert (len(again.records), again.records[-1].row, again.records[-1].values) == (
        10_001,
        10_002,
        {"full_name": "Người 10000", "birth_date": date(1980, 1, 1)},
    )
    assert [str(c.meaning) for c in again.columns] == ["full_name", "birth_date"]
