"""Excel import: the tolerant cases are read right, the hostile ones refused with nothing written."""

import io
from datetime import date

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from staffing.importer import ImportRefused, validate_workbook
from staffing.models import Quota, Staff, StaffStatus
from staffing.services import import_apply
from staffing.workbook import unit_template
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


def run(world, content, user=None):
    # Quota rows are decided by the province: the tolerant cases run as its official.
    user = user or officer(world, "province_official")
    return validate_workbook(io.BytesIO(content), user=user, default_unit=world.commune)


def errors(result):
    return [message for _sheet, message in result.errors]


# Tolerant cases: how people really fill spreadsheets.


def test_new_staff_and_quota_rows_are_planned_and_applied_with_history(world):
    user = officer(world, "province_official")
    content = hf.xlsx(
        {
            "Danh sách": [hf.STAFF_HEADERS, hf.staff_row("24001", "NV001", "Nguyễn Văn A")],
            "Biên chế": [hf.QUOTA_HEADERS, hf.quota_row("24001", "land", 4)],
        }
    )
    result = run(world, content, user)
    assert result.ok, result.errors
    assert result.counts() == {
        "staff_add": 1,
        "staff_update": 0,
        "staff_deactivate": 0,
        "quota_add": 1,
        "quota_update": 0,
        "absence_add": 0,
        "absence_update": 0,
        "unchanged": 0,
        "rows": 2,
    }
    stats = import_apply(plan=result.plan, by=user)
    assert stats == {
        "staff_created": 1,
        "staff_updated": 0,
        "placements_changed": 0,
        "staff_left": 0,
        "quotas_created": 1,
        "quotas_updated": 0,
        "absences_created": 0,
        "absences_updated": 0,
    }
    person = Staff.objects.get(staff_code="NV001")
    placed = f.placement(person)
    assert (person.full_name, placed.unit, placed.field, person.birth_date) == (
        "Nguyễn Văn A",
        world.commune,
        world.land,
        date(1990, 1, 15),
    )
    # No joining date in the file: on the roll, and placed, from the day of the import.
    assert person.start_date == placed.valid_from == timezone.localdate()
    assert person.search_text == "nguyen van a nv001"
    assert person.history.get().history_user == user
    quota = Quota.objects.get()
    assert (quota.unit, quota.field, quota.count, quota.decision_number) == (world.commune, world.land, 4, "12/QĐ-UBND")
    assert quota.history.get().history_user == user


def test_same_file_twice_changes_nothing(world):
    user = officer(world, "province_official")
    content = hf.xlsx(
        {
            "Danh sách": [hf.STAFF_HEADERS, hf.staff_row("24001", "NV001", "Nguyễn Văn A")],
            "Biên chế": [hf.QUOTA_HEADERS, hf.quota_row("24001", "land", 4)],
        }
    )
    import_apply(plan=run(world, content, user).plan, by=user)
    before = counts()
    again = run(world, content, user)
    assert again.ok and again.plan.is_empty
    assert again.counts()["unchanged"] == 2
    import_apply(plan=again.plan, by=user)
    assert counts() == before


def test_downloaded_template_uploaded_unchanged_changes_nothing(world):
    person = f.staff(world.commune, world.land, name="Trần Thị B", position=world.cadastral, major_field=world.finance)
    f.quota(world.commune, world.land, 3)
    f.quota(world.commune, world.finance, 2, category="cadre")
    buf = io.BytesIO()
    unit_template(world.commune, buf)
    result = run(world, buf.getvalue())
    assert result.ok, result.errors
    assert result.plan.is_empty
    assert result.counts()["unchanged"] == 3
    assert result.warnings == []
    assert Staff.objects.get().version == person.version


def test_header_row_below_title_rows_and_renamed_sheet(world):
    content = hf.roster_workbook(
        [hf.staff_row("", "NV001", "Nguyễn Văn A")],
        sheet="Sheet1",
        title_rows=[["ỦY BAN NHÂN DÂN XÃ ĐẮK MIL"], ["DANH SÁCH CÁN BỘ"], []],
    )
    result = run(world, content)
    assert result.ok, result.errors
    assert [s.staff_code for s, _placed in result.plan.staff_new] == ["NV001"]
    # Blank unit code: the unit whose page the file is uploaded on.
    assert result.plan.staff_new[0][1].unit == world.commune


def test_error_rows_are_numbered_as_excel_shows_them(world):
    content = hf.roster_workbook(
        [hf.staff_row("", "NV001", "Nguyễn Văn A", field="nope")],
        title_rows=[["ỦY BAN NHÂN DÂN"], ["DANH SÁCH"], []],
    )
    assert errors(run(world, content)) == ["Row 5, column «Lĩnh vực»: Unknown field «nope»."]


def test_headers_without_diacritics_in_any_case_and_in_english(world):
    plain = [
        "MA DON VI",
        "ma can bo",
        "Ho Va Ten",
        "gioi tinh",
        "NGAY SINH",
        "loai can bo",
        "vi tri viec lam",
        "linh vuc",
        "chuyen nganh dao tao",
        "trinh do",
        "trang thai",
        "ngay vao",
        "ngay nghi",
    ]
    english_headers = [c.en for c in hf.STAFF_COLUMNS]
    for n, headers in enumerate([plain, english_headers]):
        result = run(world, hf.roster_workbook([hf.staff_row("", f"NV00{n}", "A")], headers=headers))
        assert result.ok, result.errors
        assert result.plan.staff_new[0][0].full_name == "A"


def test_dates_as_excel_dates_text_or_serial_numbers(world):
    rows = [
        hf.staff_row("", "NV1", "A", birth=date(1990, 1, 15)),
        hf.staff_row("", "NV2", "B", birth="15/01/1990"),
        hf.staff_row("", "NV3", "C", birth="1990-01-15"),
        hf.staff_row("", "NV4", "D", birth=32888),  # 15/01/1990 as Excel's day number
    ]
    result = run(world, hf.roster_workbook(rows))
    assert result.ok, result.errors
    assert {s.birth_date for s, _placed in result.plan.staff_new} == {date(1990, 1, 15)}


def test_numbers_stored_as_text_spaces_labels_and_blank_rows(world):
    staff = [
        hf.staff_row(
            "", 1234, "  Nguyễn   Văn C  ", gender=" Male ", category="Civil servant", field=" land - Đất đai "
        ),
        ["", "", "", "", "", "", "", "", "", "", "", "", ""],
        [],
        hf.staff_row("", "NV2", "D", position="DC-01 - Chuyên viên địa chính", field=""),
    ]
    quotas = [hf.quota_row(" 24001 ", "Land", " 12 ")]
    content = hf.xlsx({"A": [hf.STAFF_HEADERS, *staff], "B": [hf.QUOTA_HEADERS, *quotas]})
    result = run(world, content)
    assert result.ok, result.errors
    (first, first_placed), (second, second_placed) = result.plan.staff_new
    assert (first.staff_code, first.full_name, first.gender, first_placed.category, first_placed.field) == (
        "1234",
        "Nguyễn Văn C",  # spaces inside a name are folded
        "male",
        "civil_servant",
        world.land,
    )
    assert (second_placed.position, second_placed.field) == (world.cadastral, world.land)
    assert result.plan.quota_new[0].count == 12
    assert result.rows == 3


def test_extra_columns_are_ignored_with_a_warning(world):
    headers = [*hf.STAFF_HEADERS, "Số điện thoại", "STT"]
    row = [*hf.staff_row("", "NV1", "A"), "0905 123 456", 1]
    result = run(world, hf.roster_workbook([row], headers=headers))
    assert result.ok
    assert result.warnings == [
        "Sheet «Danh sách»: the column «Số điện thoại» is not part of the template and was ignored."
    ]


def test_changed_rows_are_updates_and_leavers_are_deactivations(world):
    user = officer(world, "province_official")
    a = f.staff(world.commune, world.land, name="Nguyễn Văn A", staff_code="NV1")
    b = f.staff(world.commune, world.land, name="Lê Văn B", staff_code="NV2")
    q = f.quota(world.commune, world.land, 3, decision_number="1/QĐ", effective_from=date(2025, 7, 1))
    content = hf.xlsx(
        {
            "Danh sách": [
                hf.STAFF_HEADERS,
                hf.staff_row("24001", "NV1", "Nguyễn Văn An", birth=a.birth_date),
                hf.staff_row("24001", "NV2", "Lê Văn B", birth=b.birth_date, status="retired", end="30/06/2026"),
            ],
            "Biên chế": [hf.QUOTA_HEADERS, hf.quota_row("24001", "land", 5, number="1/QĐ")],
        }
    )
    result = run(world, content, user)
    assert result.ok, result.errors
    assert [(s.staff_code, [(str(c.label), c.old, c.new) for c in changes]) for s, changes in result.staff_update] == [
        ("NV1", [("full name", "Nguyễn Văn A", "Nguyễn Văn An")])
    ]
    assert [s.staff_code for s in result.staff_deactivate] == ["NV2"]
    assert [(str(c.label), c.old, c.new) for c in result.quota_update[0][1]] == [("assigned posts", "3", "5")]
    import_apply(plan=result.plan, by=user)
    a.refresh_from_db()
    b.refresh_from_db()
    q.refresh_from_db()
    assert (a.full_name, a.version, a.search_text) == ("Nguyễn Văn An", 2, "nguyen van an nv1")
    assert (b.status, b.end_date, b.version) == (StaffStatus.RETIRED, date(2026, 6, 30), 2)
    assert (q.count, q.version) == (5, 2)
    newest = a.history.first()
    assert newest.history_user == user
    assert [c.field for c in newest.diff_against(newest.prev_record).changes] == ["full_name"]


def test_province_official_imports_quotas_for_several_units(world):
    user = officer(world, "province_official")
    content = hf.quota_workbook([hf.quota_row("24001", "land", 3), hf.quota_row("24002", "finance", 2)])
    result = validate_workbook(io.BytesIO(content), user=user)
    assert result.ok, result.errors
    import_apply(plan=result.plan, by=user)
    assert sorted(Quota.objects.values_list("unit__code", "field__code", "count")) == [
        ("24001", "land", 3),
        ("24002", "finance", 2),
    ]


def test_formula_like_text_is_stored_as_text(world):
    user = officer(world, "province_official")
    content = hf.xlsx(
        {
            "Danh sách": [
                hf.STAFF_HEADERS,
                hf.staff_row("", "=1+1", "+SUM(A1:A3)"),
                hf.staff_row("", "-2", "@x"),
            ],
            "Biên chế": [hf.QUOTA_HEADERS, hf.quota_row("", "land", 1, number='=HYPERLINK("http://x")')],
        }
    )
    result = run(world, content, user)
    assert result.ok, result.errors
    import_apply(plan=result.plan, by=user)
    assert sorted(Staff.objects.values_list("staff_code", "full_name")) == [("-2", "@x"), ("=1+1", "+SUM(A1:A3)")]
    assert Quota.objects.get().decision_number == '=HYPERLINK("http://x")'
    # Downloaded again, they are text cells, not formulas.
    buf = io.BytesIO()
    unit_template(world.commune, buf)
    ws = load_workbook(io.BytesIO(buf.getvalue()))["Roster"]
    cells = [c for row in ws.iter_rows() for c in row if c.value in ("=1+1", "+SUM(A1:A3)", "-2", "@x")]
    assert len(cells) == 4 and {c.data_type for c in cells} == {"s"}


# Hostile cases: refused with their message, nothing written.

REFUSED = {
    "xls": (
        hf.legacy_xls,
        "This is an old Excel 97–2003 file (.xls). Save it as «Excel Workbook (*.xlsx)» and upload again.",
    ),
    "password": (
        hf.password_protected,
        "The workbook is protected with a password. Remove the password in Excel and upload again.",
    ),
    "csv": (hf.csv_renamed, "This file is not an Excel workbook (.xlsx). Use the template downloaded from this page."),
    "image": (hf.png_image, "This file is not an Excel workbook (.xlsx). Use the template downloaded from this page."),
    "zip_not_xlsx": (
        hf.not_a_workbook_zip,
        "This file is not an Excel workbook (.xlsx). Use the template downloaded from this page.",
    ),
    "corrupt": (hf.corrupt_zip, "The workbook is damaged and cannot be read."),
    "no_headers": (
        lambda: hf.xlsx({"Sheet1": [["a", "b"], [1, 2]]}),
        "No sheet with the template's column headers was found. Use the template downloaded from this page.",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unusable_files_are_refused(world, case):
    build, message = REFUSED[case]
    before = counts()
    with pytest.raises(ImportRefused) as exc:
        run(world, build())
    assert str(exc.value.message) == message
    assert counts() == before


def test_file_over_the_size_limit(world, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    with pytest.raises(ImportRefused) as exc:
        run(world, hf.oversize(1024 * 1024))
    assert exc.value.message == "The file is 1 MB; files up to 1 MB can be imported."


@pytest.fixture(scope="module")
def zip_bomb():
    return hf.zip_bomb()


def test_zip_bomb_is_refused_from_its_declared_sizes(world, zip_bomb):
    assert len(zip_bomb) < 400 * 1024
    before = counts()
    with pytest.raises(ImportRefused) as exc:
        run(world, zip_bomb)
    assert exc.value.message == (
        "The workbook would unpack to 300 MB, out of proportion to its size; it is refused as unsafe."
    )
    assert counts() == before


def test_too_many_rows(world, settings):
    settings.IMPORT_MAX_ROWS = 5
    with pytest.raises(ImportRefused) as exc:
        run(world, hf.too_many_rows(6))
    assert exc.value.message == "The sheet «Biên chế» has 6 rows; at most 5 rows can be imported at once."


def test_read_only_roles_cannot_import(world):
    with pytest.raises(ImportRefused) as exc:
        run(world, hf.roster_workbook([hf.staff_row("", "NV1", "A")]), user=officer(world, "national_viewer"))
    assert exc.value.message == "Your role can read data but not change it."


INVALID_ROWS = {
    "out_of_scope_unit": (
        hf.roster_workbook([hf.staff_row("24002", "NV1", "A")]),
        ["Row 2, column «Mã đơn vị»: The unit «24002» is outside your scope."],
    ),
    "unknown_unit": (
        hf.roster_workbook([hf.staff_row("99999", "NV1", "A")]),
        ["Row 2, column «Mã đơn vị»: Unknown unit code «99999»."],
    ),
    "unknown_codes": (
        hf.roster_workbook([hf.staff_row("", "NV1", "A", field="xyz", category="boss", qualification="phd?")]),
        [
            "Row 2, column «Loại cán bộ»: Unknown code «boss».",
            "Row 2, column «Lĩnh vực»: Unknown field «xyz».",
            "Row 2, column «Trình độ»: Unknown code «phd?».",
        ],
    ),
    "duplicate_staff_codes": (
        hf.roster_workbook([hf.staff_row("", "NV1", "A"), hf.staff_row("", "NV1", "B")]),
        ["Row 3, column «Mã cán bộ»: The staff code «NV1» appears more than once in the file (also row 2)."],
    ),
    "negative_quota": (
        hf.quota_workbook([hf.quota_row("", "land", "-2")]),
        ["Row 2, column «Số biên chế được giao»: The number of posts cannot be negative."],
    ),
    "future_birth_date": (
        hf.roster_workbook([hf.staff_row("", "NV1", "A", birth=date(2099, 1, 1))]),
        ["Row 2, column «Ngày sinh»: The date of birth cannot be in the future."],
    ),
    "bad_date": (
        hf.roster_workbook([hf.staff_row("", "NV1", "A", birth="31/02/1990")]),
        ["Row 2, column «Ngày sinh»: Enter a valid date."],
    ),
    "missing_value": (
        hf.roster_workbook([hf.staff_row("", "NV1", "")]),
        ["Row 2, column «Họ và tên»: This field is required."],
    ),
    "leaver_without_date": (
        hf.roster_workbook([hf.staff_row("", "NV1", "A", status="retired")]),
        ["Row 2, column «Ngày nghỉ»: A person who has left needs the date they left."],
    ),
    "position_of_other_field": (
        hf.roster_workbook([hf.staff_row("", "NV1", "A", position="DC-01", field="finance")]),
        ["Row 2, column «Lĩnh vực»: The field must be the field of the position (Land)."],
    ),
    "quota_before_decision": (
        hf.quota_workbook([hf.quota_row("", "land", 2, decided=date(2025, 7, 1), effective=date(2025, 6, 1))]),
        ["Row 2, column «Ngày hiệu lực»: A quota cannot take effect before the decision that sets it."],
    ),
    "duplicate_quota": (
        hf.quota_workbook([hf.quota_row("", "land", 2), hf.quota_row("24001", "land", 3)]),
        ["Row 3: The same unit, field, category and effective date appear more than once (also row 2)."],
    ),
    "missing_column": (
        hf.roster_workbook([["NV1", "A"]], headers=["Mã cán bộ", "Họ và tên", "Giới tính"]),
        [
            "The column «Ngày sinh» is missing (row 1 holds the headers).",
            "The column «Loại cán bộ» is missing (row 1 holds the headers).",
            "The column «Trình độ» is missing (row 1 holds the headers).",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(INVALID_ROWS))
def test_invalid_rows_are_reported_and_nothing_is_planned(world, case):
    content, expected = INVALID_ROWS[case]
    before = counts()
    # A commune officer's scope is the commune: the out-of-scope case is theirs.
    result = run(world, content, user=officer(world) if case == "out_of_scope_unit" else None)
    assert errors(result) == expected
    assert result.plan.is_empty
    assert counts() == before


def test_one_bad_row_blocks_the_good_ones(world):
    content = hf.roster_workbook([hf.staff_row("", "NV1", "A"), hf.staff_row("", "NV2", "B", field="nope")])
    result = run(world, content)
    assert errors(result) == ["Row 3, column «Lĩnh vực»: Unknown field «nope»."]
    assert result.plan.is_empty


def test_staff_code_of_a_person_outside_the_scope(world):
    f.staff(world.far_commune, world.land, staff_code="NV9")
    result = run(world, hf.roster_workbook([hf.staff_row("", "NV9", "A")]))
    assert errors(result) == ["Row 2, column «Mã cán bộ»: The staff code «NV9» belongs to a unit outside your scope."]


def test_validation_queries_do_not_grow_with_rows(world, django_assert_num_queries):
    def workbook(n):
        staff = [hf.staff_row("", f"NV{i}", f"Người {i}") for i in range(n)]
        quotas = [hf.quota_row("", "land", i, effective=date(2025, 7, 1 + i)) for i in range(n)]
        return hf.xlsx({"S": [hf.STAFF_HEADERS, *staff], "Q": [hf.QUOTA_HEADERS, *quotas]})

    user = officer(world, "province_official")
    small, large = workbook(3), workbook(30)
    # Fields, positions, units named, value aliases, units in scope, existing staff, their placements,
    # staff in scope, existing quotas.
    with django_assert_num_queries(9):
        assert run(world, small, user).ok
    with django_assert_num_queries(9):
        assert run(world, large, user).ok


def test_vietnamese_template_round_trip_changes_nothing(world):
    from django.utils import translation

    f.staff(world.commune, world.land, name="Trần Thị B", status="retired", end_date=date(2025, 1, 1))
    f.quota(world.commune, world.finance, 2, category="cadre")
    with translation.override("vi"):
        buf = io.BytesIO()
        unit_template(world.commune, buf)
        labels = [c.value for c in load_workbook(io.BytesIO(buf.getvalue()))["DanhMuc"]["B"] if c.value]
        result = run(world, buf.getvalue())
    assert result.ok and result.plan.is_empty, result.errors
    # The roster sheet lists who is on the roll today (not the person who left in January 2025).
    assert result.counts()["unchanged"] == 1
    assert labels[0] == "category"


def test_a_unit_officers_quota_rows_are_refused_and_nothing_is_written(world):
    """Quotas are decided by the province: a commune officer's new quota row is named and nothing of
    the workbook applies (an unchanged row, as in the downloaded template, passes: see the round trip)."""
    content = hf.quota_workbook([hf.quota_row(world.commune.code, world.land.code, 5)])
    before = counts()
    result = run(world, content, user=officer(world))
    assert not result.ok
    assert [message for _sheet, message in result.errors] == [
        "Row 2: Only a province official records quota decisions; a unit submits a quota request."
    ]
    assert counts() == before
