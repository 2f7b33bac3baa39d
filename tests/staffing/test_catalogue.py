"""The position catalogue in Excel: export, upload → preview → apply, bad input, who may load it."""

import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from staffing.catalogue import catalogue_apply, validate_catalogue
from staffing.importer import ImportRefused
from staffing.models import Position, PositionGroup
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support
from tests.staffing.support import upload

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

HEADERS = [
    "STT",
    "Mã vị trí việc làm",
    "Tên vị trí việc làm",
    "Nhóm",
    "Ngạch, chức danh",
    "Lĩnh vực",
    "Mô tả công việc",
    "Khung năng lực",
]
TITLE = [["ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"], ["SỞ NỘI VỤ"], [], ["DANH MỤC VỊ TRÍ VIỆC LÀM"], []]


def workbook(rows, *, headers=HEADERS, title=TITLE):
    return hf.xlsx({"Danh mục": [headers, *rows]}, title_rows=title)


def official(world):
    return f.user("province_official", prov=world.province)


def check(world, content, user=None):
    return validate_catalogue(io.BytesIO(content), user=user or official(world))


def positions():
    return sorted(
        Position.objects.values_list("code", "name", "group", "level", "field__code", "description", "competency")
    )


def test_new_and_changed_positions_are_planned_then_applied(world):
    content = workbook(
        [
            [1, "DC-01", "Chuyên viên địa chính", "Chuyên môn, nghiệp vụ chuyên ngành", "", "land", "", ""],
            [
                2,
                "TC-01",
                "Chuyên viên  tài chính ",
                "specialised",
                "Chuyên viên",
                "Tài chính",
                "Lập dự toán.",
                "Đại học.",
            ],
            [3, "LD-01", "Trưởng phòng Kinh tế", "Leadership and management", "Trưởng phòng", "Land", "", ""],
        ]
    )
    sheet, plan = check(world, content)
    assert plan.ok, plan.errors
    assert (sheet.name, sheet.header_row) == ("Danh mục", 6)
    assert plan.counts() == {
        "rows": 3,
        "fields_added": 0,
        "fields_updated": 0,
        "fields_unchanged": 0,
        "positions_added": 2,
        "positions_updated": 0,
        "positions_unchanged": 1,
    }
    assert catalogue_apply(plan=plan) == {
        "fields_added": 0,
        "fields_updated": 0,
        "positions_added": 2,
        "positions_updated": 0,
    }
    assert positions() == [
        ("DC-01", "Chuyên viên địa chính", "specialised", "", "land", "", ""),
        ("LD-01", "Trưởng phòng Kinh tế", "leadership", "Trưởng phòng", "land", "", ""),
        ("TC-01", "Chuyên viên tài chính", "specialised", "Chuyên viên", "finance", "Lập dự toán.", "Đại học."),
    ]


def test_a_changed_row_is_an_update_and_absent_columns_are_left_alone(world):
    world.cadastral.description = "Mô tả cũ."
    world.cadastral.save()
    headers = ["Mã vị trí việc làm", "Tên vị trí việc làm", "Nhóm", "Lĩnh vực"]
    _sheet, plan = check(world, workbook([["DC-01", "Công chức địa chính", "common", "finance"]], headers=headers))
    assert plan.ok, plan.errors
    assert [(p.code, names) for p, names in plan.positions_changed] == [("DC-01", ["name", "group", "field"])]
    catalogue_apply(plan=plan)
    assert positions() == [("DC-01", "Công chức địa chính", "common", "", "finance", "Mô tả cũ.", "")]


def test_export_then_import_changes_nothing(world, client):
    Position.objects.create(
        code="VH-02",
        name="Chuyên viên văn hóa",
        group=PositionGroup.COMMON,
        field=world.finance,
        level="Chuyên viên",
        description="Dòng một.\nDòng hai.",
        competency="=không phải công thức",
    )
    client.force_login(official(world))
    response = client.get(reverse("position-export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    ws = load_workbook(io.BytesIO(content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = rows.index(
        [
            "STT",
            "Position code",
            "Position name",
            "Group",
            "Rank or title",
            "Field",
            "Job description",
            "Competency framework",
        ]
    )
    assert rows[header + 1 :] == [
        [1, "DC-01", "Chuyên viên địa chính", "Specialised professional", None, "land", None, None],
        [
            2,
            "VH-02",
            "Chuyên viên văn hóa",
            "Common professional",
            "Chuyên viên",
            "finance",
            "Dòng một.\nDòng hai.",
            "=không phải công thức",
        ],
    ]
    before = positions()
    _sheet, plan = check(world, content)
    assert plan.ok and plan.is_empty, plan.errors
    assert plan.positions_unchanged == 2
    catalogue_apply(plan=plan)
    assert positions() == before


def test_vietnamese_export_is_read_back_the_same(world):
    from communes.models import province_issuer
    from core.excel import render
    from staffing.catalogue import PositionCatalogueExporter

    with translation.override("vi"):
        buf = io.BytesIO()
        render(PositionCatalogueExporter(), buf, issuer=province_issuer(world.province))
        ws = load_workbook(io.BytesIO(buf.getvalue())).active
        header = [c.value for c in next(r for r in ws.iter_rows() if r[0].value == "STT")]
        _sheet, plan = check(world, buf.getvalue())
    assert header == HEADERS
    assert plan.ok and plan.is_empty and plan.positions_unchanged == 1


BAD_ROWS = {
    "unknown_group": (
        [1, "X-1", "Tên", "Sếp", "", "land", "", ""],
        [
            "Row 7, column «Nhóm»: Unknown group «Sếp». Accepted: leadership (Leadership and management), "
            "specialised (Specialised professional), common (Common professional), support (Support and service)."
        ],
    ),
    "unknown_field": (
        [1, "X-1", "Tên", "common", "", "Tài chính - Kế toán", "", ""],
        ["Row 7, column «Lĩnh vực»: Unknown field «Tài chính - Kế toán». Accepted field codes: finance, land."],
    ),
    "missing_values": (
        [1, "", "", "", "", "", "Mô tả", ""],
        [
            "Row 7, column «Mã vị trí việc làm»: This field is required.",
            "Row 7, column «Tên vị trí việc làm»: This field is required.",
            "Row 7, column «Nhóm»: This field is required.",
            "Row 7, column «Lĩnh vực»: This field is required.",
        ],
    ),
    "too_long": (
        [1, "X" * 33, "Tên", "common", "", "land", "", ""],
        ["Row 7, column «Mã vị trí việc làm»: At most 32 characters (it has 33)."],
    ),
    "control_character": (
        # Excel writes a control character as _x0007_ in the file; readers turn it back into one.
        [1, "X-1", "Tên_x0007_", "common", "", "land", "", ""],
        ["Row 7, column «Tên vị trí việc làm»: The text holds a control character; retype it in Excel."],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_bad_rows_are_named_and_nothing_is_written(world, case):
    row, expected = BAD_ROWS[case]
    good = [2, "OK-1", "Vị trí hợp lệ", "common", "", "land", "", ""]
    before = positions()
    _sheet, plan = check(world, workbook([row, good]))
    assert plan.errors == expected
    assert plan.is_empty
    with pytest.raises(ValueError):
        catalogue_apply(plan=plan)
    assert positions() == before


def test_duplicate_codes(world):
    rows = [[1, "X-1", "A", "common", "", "land", "", ""], [2, "X-1", "B", "common", "", "land", "", ""]]
    _sheet, plan = check(world, workbook(rows))
    assert plan.errors == ["Row 8, column «Mã vị trí việc làm»: The code «X-1» appears more than once (also row 7)."]


def test_errors_read_in_vietnamese(world):
    with translation.override("vi"):
        _sheet, plan = check(world, workbook([[1, "X-1", "Tên", "Sếp", "", "land", "", ""]]))
    assert plan.errors[0].startswith("Dòng 7, cột «Nhóm»: Nhóm «Sếp» không có trong danh mục.")


REFUSED = {
    "missing_column": (
        lambda: workbook([["X-1", "Tên", "land"]], headers=["Mã vị trí việc làm", "Tên vị trí việc làm", "Lĩnh vực"]),
        "The columns «Group» are missing (row 6 holds the headers).",
    ),
    "no_catalogue": (
        lambda: hf.xlsx({"Sheet1": [["Họ và tên", "Ngày sinh"], ["A", "1/1/1990"]]}),
        "No sheet with the position catalogue's column headers was found. Use the catalogue exported from this page.",
    ),
    "not_xlsx": (
        hf.csv_renamed,
        "This file is not an Excel workbook (.xlsx). Use the template downloaded from this page.",
    ),
    "old_xls": (
        hf.legacy_xls,
        "This is an old Excel 97–2003 file (.xls). Save it as «Excel Workbook (*.xlsx)» and upload again.",
    ),
    "corrupt": (hf.corrupt_zip, "The workbook is damaged and cannot be read."),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unusable_files_are_refused(world, case):
    build, message = REFUSED[case]
    before = positions()
    with pytest.raises(ImportRefused) as exc:
        check(world, build())
    assert str(exc.value.message) == message
    assert positions() == before


def test_too_many_rows(world, settings):
    settings.IMPORT_MAX_ROWS = 2
    rows = [[n, f"X-{n}", "Tên", "common", "", "land", "", ""] for n in range(3)]
    with pytest.raises(ImportRefused) as exc:
        check(world, workbook(rows))
    assert exc.value.message == "The sheet «Danh mục» has 3 rows; at most 2 rows can be imported at once."


@pytest.mark.parametrize("role", ["commune_officer", "department_officer", "national_viewer", "api_client"])
def test_only_province_officials_and_administrators_may_load(world, role):
    user = support.officer(world, role)
    with pytest.raises(ImportRefused) as exc:
        check(world, workbook([]), user=user)
    assert exc.value.message == "Only province officials and administrators may load the position catalogue."


# The pages.

PAGES = {
    "list": ("position-list", {}),
    "export": ("position-export", {}),
    "import": ("position-import", {}),
}
EXPECTED = {  # role -> list, export, import
    "anonymous": (302, 302, 302),
    "national_viewer": (200, 200, 403),
    "province_official": (200, 200, 200),
    "department_officer": (200, 200, 403),
    "commune_officer": (200, 200, 403),
    "superuser": (200, 200, 200),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_page_permissions(world, client, role):
    if role == "superuser":
        client.force_login(f.user("national_viewer", is_superuser=True))
    elif role != "anonymous":
        client.force_login(support.officer(world, role))
    got = tuple(client.get(reverse(name, kwargs=kwargs)).status_code for name, kwargs in PAGES.values())
    assert got == EXPECTED[role]


def test_import_page_refuses_a_post_from_a_commune_officer(world, client):
    client.force_login(support.officer(world))
    content = workbook([[1, "X-1", "Tên", "common", "", "land", "", ""]])
    response = client.post(reverse("position-import"), {"file": upload(content)})
    assert response.status_code == 403
    assert not Position.objects.filter(code="X-1").exists()


def test_upload_preview_apply_and_upload_again(world, client):
    client.force_login(official(world))
    content = workbook(
        [
            [1, "X-1", "Công chức tư pháp - hộ tịch", "Specialised professional", "Chuyên viên", "land", "", ""],
            [2, "DC-01", "Chuyên viên địa chính (sửa)", "specialised", "", "land", "", ""],
        ]
    )
    response = client.post(reverse("position-import"), {"file": upload(content)})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    assert preview.context["counts"]["positions_added"] == 1
    assert [(p.code, names) for p, names in preview.context["updated"]] == [("DC-01", ["Position name"])]
    assert not Position.objects.filter(code="X-1").exists()  # nothing written before the confirmation
    applied = client.post(response["Location"])
    assert applied.status_code == 302 and applied["Location"] == reverse("position-list")
    assert sorted(Position.objects.values_list("code", "name")) == [
        ("DC-01", "Chuyên viên địa chính (sửa)"),
        ("X-1", "Công chức tư pháp - hộ tịch"),
    ]
    again = client.post(reverse("position-import"), {"file": upload(content)})
    page = client.get(again["Location"])
    assert page.context["plan"].is_empty
    assert "The file matches the catalogue: there is nothing to change." in page.content.decode()


def test_upload_with_errors_shows_them_and_saves_nothing(world, client):
    client.force_login(official(world))
    content = workbook([[1, "X-1", "Tên", "Sếp", "", "land", "", ""]])
    response = client.post(reverse("position-import"), {"file": upload(content)})
    assert response.status_code == 400
    assert "Row 7, column «Nhóm»: Unknown group «Sếp»." in response.content.decode()
    assert not Position.objects.filter(code="X-1").exists()


def test_someone_elses_pending_upload_is_not_found(world, client):
    client.force_login(official(world))
    assert client.get(reverse("position-import-preview", args=["0" * 32])).status_code == 404
