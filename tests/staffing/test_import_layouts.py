"""Importing workbooks in the layouts offices really keep, with every result worked out by hand."""

import io
from datetime import date

import pytest

from staffing.importer import ImportRefused, validate_workbook
from staffing.models import Assignment, Staff, ValueAlias
from staffing.services import import_apply
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import layouts, support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


@pytest.fixture
def commune_fields(world):
    """The fields a commune list names, and the aliases that say what its own wordings mean."""
    government = f.field("government", "Lãnh đạo chính quyền", "Local government leadership")
    justice = f.field("justice", "Tư pháp, hộ tịch", "Justice and civil status")
    ValueAlias.objects.create(kind="field", value="Tư pháp - Hộ tịch", target="justice")
    ValueAlias.objects.create(kind="qualification", value="Cao đẳng", target="vocational")
    # The province's own: a trained major written as commune lists write it.
    ValueAlias.objects.create(province=world.province, kind="field", value="Luật", target="justice")
    return government, justice


def run(world, content, user=None, **kwargs):
    kwargs.setdefault("default_unit", world.commune)
    return validate_workbook(io.BytesIO(content), user=user or officer(world), **kwargs)


def errors(result):
    return [message for _sheet, message in result.errors]


def test_commune_roster_in_its_own_layout_is_read_and_applied(world, commune_fields):
    government, justice = commune_fields
    user = officer(world)
    result = run(world, layouts.commune_roster(), user)
    assert result.ok, result.errors
    # Extra columns are named; STT and Ghi chú are expected and not.
    assert result.warnings == [
        "Sheet «DS CBCC xa»: the column «Dân tộc» is not part of the template and was ignored.",
        "Sheet «DS CBCC xa»: the column «Đảng viên» is not part of the template and was ignored.",
    ]
    reading = result.sheets[0].reading
    assert reading.header_rows == (5, 6)
    assert [(s.row, str(s.reason)) for s in reading.skipped] == [
        (7, "column_numbers"),
        (8, "section"),
        (11, "section"),
        (14, "total"),
        (15, "blank"),
        (16, "signature"),
        (17, "after_signature"),
        (18, "after_signature"),
    ]
    new = [
        (p.staff_code, p.full_name, p.gender, p.birth_date, p.qualification, p.major_field)
        for p, _a in result.plan.staff_new
    ]
    assert new == [
        ("24001-0001", "Nguyễn Văn An", "male", date(1975, 1, 15), "bachelor", justice),
        ("24001-0002", "Trần Thị Bình", "female", date(1985, 5, 20), "master", justice),
        ("24001-0003", "Lê Văn Cường", "male", date(1990, 3, 2), "vocational", justice),
        ("24001-0004", "Phạm Thị Dung", "female", date(1992, 11, 12), "bachelor", justice),
    ]
    placed = [(a.unit, a.category, a.field, a.is_leader) for _p, a in result.plan.staff_new]
    assert placed == [
        (world.commune, "cadre", government, True),
        (world.commune, "cadre", government, True),
        (world.commune, "civil_servant", justice, False),
        (world.commune, "civil_servant", world.finance, False),
    ]
    before = counts()
    import_apply(plan=result.plan, by=user)
    assert counts()["staff"] == before["staff"] + 4
    chair = Staff.objects.get(full_name="Nguyễn Văn An")
    hire = Assignment.objects.get(person=chair)
    assert (hire.is_leader, hire.valid_from, hire.change) == (True, chair.start_date, "hire")

    # The same list again, still without staff codes: everyone is found by name and date of birth.
    again = run(world, layouts.commune_roster(), user)
    assert again.ok, again.errors
    assert (again.plan.is_empty, again.matched, again.counts()["unchanged"]) == (True, 4, 4)


def test_a_value_is_never_guessed_by_cutting_it(world, commune_fields):
    people = [("Võ Văn Em", "M", date(1988, 8, 8), "Công chức", "Tài chính - Kế toán", "Đại học", "II")]
    before = counts()
    result = run(world, layouts.commune_roster(people))
    assert errors(result) == ["Row 10, column «Lĩnh vực công tác»: Unknown field «Tài chính - Kế toán»."]
    assert result.plan.is_empty and counts() == before
    # Offered for mapping, with the values it may be mapped to.
    (unknown,) = result.unknown
    assert (unknown["kind"], unknown["value"]) == ("field", "Tài chính - Kế toán")
    assert [code for code, _label in unknown["choices"]] == ["government", "justice", "land", "finance"]
    # Mapped by the province: now it reads as finance, and only the whole value matches.
    ValueAlias.objects.create(province=world.province, kind="field", value="Tài chính - Kế toán", target="finance")
    result = run(world, layouts.commune_roster(people))
    assert result.ok, result.errors
    assert result.plan.staff_new[0][1].field == world.finance
    other = [("Võ Văn Em", "M", date(1988, 8, 8), "Công chức", "Tài chính - Kế toán - Ngân sách", "Đại học", "II")]
    assert errors(run(world, layouts.commune_roster(other))) == [
        "Row 10, column «Lĩnh vực công tác»: Unknown field «Tài chính - Kế toán - Ngân sách»."
    ]


def test_an_alias_of_another_province_or_unit_does_not_apply(world, commune_fields):
    ValueAlias.objects.create(province=world.other_province, kind="field", value="Kinh tế", target="finance")
    ValueAlias.objects.create(unit=world.neighbour, kind="field", value="Kinh tế", target="land")
    people = [("Võ Văn Em", "M", date(1988, 8, 8), "Công chức", "Kinh tế", "Đại học", "II")]
    assert errors(run(world, layouts.commune_roster(people))) == [
        "Row 10, column «Lĩnh vực công tác»: Unknown field «Kinh tế»."
    ]
    ValueAlias.objects.create(unit=world.commune, kind="field", value="Kinh tế", target="land")
    assert run(world, layouts.commune_roster(people)).plan.staff_new[0][1].field == world.land


def test_two_people_alike_are_asked_about_not_guessed(world, commune_fields):
    government, _justice = commune_fields
    born = date(1975, 1, 15)
    a = f.staff(world.commune, government, name="Nguyễn Văn An", staff_code="NV1", birth_date=born)
    b = f.staff(world.commune, government, name="Nguyễn Văn An", staff_code="NV2", birth_date=born)
    people = [layouts.PEOPLE[0]]
    before = counts()
    result = run(world, layouts.commune_roster(people))
    assert errors(result) == [
        "Row 9, column «Họ và tên»: 2 people named Nguyễn Văn An and born on 15/01/1975 are on the roll of "
        "Xã Đắk Mil (staff codes NV1, NV2): write the staff code in the file to say which one."
    ]
    assert counts() == before
    # One of them gone from the unit: the other is the one meant.
    b.assignments.update(unit=world.neighbour)
    result = run(world, layouts.commune_roster(people))
    assert result.ok, result.errors
    assert result.matched == 1 and not result.plan.staff_new
    assert [p.pk for p, _values in result.plan.placements] == [a.pk]  # the chair's leader flag is set


def test_two_rows_alike_without_codes_are_asked_about(world, commune_fields):
    people = [layouts.PEOPLE[2], layouts.PEOPLE[2]]
    result = run(world, layouts.commune_roster(people))
    assert errors(result) == [
        "Row 11, column «Họ và tên»: The same name and date of birth as row 10, without a staff code: write the "
        "staff codes to say whether they are one person or two."
    ]


def test_generated_codes_continue_after_the_units_last(world, commune_fields):
    government, _justice = commune_fields
    f.staff(world.commune, government, name="Người Cũ", staff_code="24001-0007")
    result = run(world, layouts.commune_roster([layouts.PEOPLE[3]]))
    assert [p.staff_code for p, _a in result.plan.staff_new] == ["24001-0008"]


def test_user_mapping_overrides_the_guess(world, commune_fields):
    # "Ghi chú" holds the staff code in this office's list: the user says so.
    content = layouts.commune_roster([layouts.PEOPLE[3]])
    result = run(world, content, mappings={"DS CBCC xa": {"Ghi chú": "staff_code", "Đảng viên": ""}})
    assert result.ok, result.errors
    assert [p.staff_code for p, _a in result.plan.staff_new] == ["24001-0001"]  # the cell is blank


def test_province_workbook_with_one_sheet_per_unit(world, commune_fields):
    user = officer(world, "province_official")
    headers = ["STT", "Họ tên", "Ngày sinh", "Giới tính", "Loại", "Lĩnh vực", "Trình độ"]
    sheets = {
        "Xã Đắk Mil": [headers, [1, "Hồ Văn Một", date(1980, 1, 1), "Nam", "Công chức", "Đất đai", "Đại học"]],
        "24002": [
            ["UBND PHƯỜNG BUÔN MA THUỘT"],
            headers,
            [1, "Hồ Văn Hai", date(1981, 2, 2), "Nam", "Công chức", "Tài chính", "Đại học"],
            [2, "Hồ Thị Ba", date(1982, 3, 3), "Nữ", "Cán bộ", "Tài chính", "Đại học"],
        ],
    }
    result = validate_workbook(io.BytesIO(layouts.workbook(sheets)), user=user)
    assert result.ok, result.errors
    assert [(p.staff_code, a.unit.code, a.field.code) for p, a in result.plan.staff_new] == [
        ("24001-0001", "24001", "land"),
        ("24002-0001", "24002", "finance"),
        ("24002-0002", "24002", "finance"),
    ]
    import_apply(plan=result.plan, by=user)
    assert Staff.objects.count() == 3


def test_province_workbook_with_a_unit_column(world, commune_fields):
    user = officer(world, "province_official")
    rows = [
        ["STT", "Đơn vị", "Họ tên", "Ngày sinh", "Giới tính", "Loại", "Lĩnh vực", "Trình độ"],
        [1, "Xã Đắk Mil", "Hồ Văn Một", date(1980, 1, 1), "Nam", "Công chức", "Đất đai", "Đại học"],
        [2, "24002", "Hồ Văn Hai", date(1981, 2, 2), "Nam", "Công chức", "Tài chính", "Đại học"],
        [3, "Xã Ia Grai", "Hồ Văn Ba", date(1981, 2, 2), "Nam", "Công chức", "Tài chính", "Đại học"],
    ]
    before = counts()
    result = validate_workbook(io.BytesIO(layouts.workbook({"Toàn tỉnh": rows})), user=user)
    # Another province's commune is not read as one of ours: its name is simply unknown here.
    assert errors(result) == ["Row 4, column «Đơn vị»: Unknown unit code «Xã Ia Grai»."]
    assert counts() == before
    result = validate_workbook(io.BytesIO(layouts.workbook({"Toàn tỉnh": rows[:3]})), user=user)
    assert [(p.full_name, a.unit.code) for p, a in result.plan.staff_new] == [
        ("Hồ Văn Một", "24001"),
        ("Hồ Văn Hai", "24002"),
    ]


# Hostile cells and files: a row error or a refusal with its message, never a crash, nothing written.

BAD_CELLS = {
    "date_typed_as_number": (
        19900115,
        "Row 2, column «Ngày sinh»: «19900115» is a number, not a date: write the date as dd/mm/yyyy.",
    ),
    "serial_past_excel": (
        3e7,
        "Row 2, column «Ngày sinh»: «30000000» is a number, not a date: write the date as dd/mm/yyyy.",
    ),
    "before_1900": ("01/01/1850", "Row 2, column «Ngày sinh»: Dates before 1900 are not accepted."),
    "negative_number": (-5, "Row 2, column «Ngày sinh»: Enter a valid date."),
}


@pytest.mark.parametrize("case", sorted(BAD_CELLS))
def test_bad_birth_date_cells_are_row_errors(world, case):
    value, message = BAD_CELLS[case]
    before = counts()
    result = run(world, hf.roster_workbook([hf.staff_row("", "NV1", "A", birth=value)]))
    assert errors(result) == [message]
    assert result.plan.is_empty and counts() == before


def test_quota_count_has_a_sane_maximum_and_staff_codes_a_format(world):
    result = run(world, hf.quota_workbook([hf.quota_row("", "land", 1_000_000)]))
    assert errors(result) == [
        "Row 2, column «Số biên chế được giao»: A unit's quota in one field is at most 10000 posts."
    ]
    result = run(world, hf.roster_workbook([hf.staff_row("", "NV 1", "A"), hf.staff_row("", "X" * 40, "B")]))
    assert errors(result) == [
        "Row 2, column «Mã cán bộ»: A staff code is 1 to 32 letters, digits or signs, without spaces.",
        "Row 3, column «Mã cán bộ»: A staff code is 1 to 32 letters, digits or signs, without spaces.",
    ]


def test_control_characters_in_a_cell_are_a_row_error(world):
    # Excel writes a control character as "_x000B_" in the file; the reader gives back the character.
    result = run(world, hf.roster_workbook([hf.staff_row("", "NV1", "Nguyễn_x000B_Văn A")]))
    assert errors(result) == [
        "Row 2, column «Họ và tên»: This text holds an invisible control character (often pasted from another "
        "program); remove it and type the text again."
    ]


def _with_part(content, part, data=b"x", content_type=None):
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "[Content_Types].xml" and content_type:
                body = body.replace(b"</Types>", content_type + b"</Types>")
            dst.writestr(info, body)
        dst.writestr(part, data)
    return out.getvalue()


MACROS = (
    "The workbook contains macros. Save it in Excel as «Excel Workbook (*.xlsx)», without macros, and upload again."
)
LINKS = (
    "The workbook links to other files (external links). In Excel use Data → Edit Links → Break Link, save and "
    "upload again."
)


@pytest.mark.parametrize(
    "build, name, message",
    [
        (lambda c: c, "roster.xlsm", MACROS),
        (lambda c: _with_part(c, "xl/vbaProject.bin"), "roster.xlsx", MACROS),
        (
            lambda c: _with_part(
                c,
                "xl/externalLinks/externalLink1.xml",
                content_type=b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
            ),
            "roster.xlsx",
            LINKS,
        ),
    ],
)
def test_macros_and_external_links_are_refused(world, build, name, message):
    content = build(hf.roster_workbook([hf.staff_row("", "NV1", "A")]))
    before = counts()
    with pytest.raises(ImportRefused) as exc:
        validate_workbook(io.BytesIO(content), user=officer(world), default_unit=world.commune, name=name)
    assert str(exc.value.message) == message
    assert counts() == before


def test_a_birth_date_under_both_nam_and_nu_is_a_row_error(world, commune_fields):
    rows = [
        ["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, "Lĩnh vực", "Trình độ", "Loại"],
        [None, None, "Nam", "Nữ", None, None, None],
        [1, "Nguyễn Văn An", date(1975, 1, 15), date(1975, 1, 15), "Đất đai", "Đại học", "Công chức"],
    ]
    content = layouts.workbook({"DS": rows}, merges={"DS": ["C1:D1"]})
    assert errors(run(world, content)) == [
        "Row 3, column «Ngày, tháng, năm sinh / Nam»: A value is written under both Nam and Nữ: keep the one "
        "that is right."
    ]
