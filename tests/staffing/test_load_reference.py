"""load_reference: the versioned fields and positions files, loaded idempotently and safely."""

import csv
import io
import shutil

import pytest
from django.core.management import CommandError, call_command

from demo import builder as demo
from staffing.catalogue import REFERENCE_DIR
from staffing.models import Field, Position, PositionGroup
from tests import factories as f
from tests.staffing import support

pytestmark = pytest.mark.django_db
english = support.english


def load(*args, directory=None):
    out = io.StringIO()
    extra = ["--directory", str(directory)] if directory else []
    call_command("load_reference", *args, *extra, stdout=out)
    return out.getvalue().splitlines()


def snapshot():
    return (
        sorted(Field.objects.values_list("code", "name_vi", "name_en", "is_specialised", "sort_order")),
        sorted(
            Position.objects.values_list("code", "name", "group", "level", "field__code", "description", "competency")
        ),
    )


def data_rows(name):
    with open(REFERENCE_DIR / name, encoding="utf-8") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def test_first_load_creates_every_field_and_position():
    assert load() == [
        "Fields (version 2025.07.1): 21 in the file, 21 added, 0 updated, 0 unchanged.",
        "Positions (version 2025.07.1): 233 in the file, 233 added, 0 updated, 0 unchanged.",
        "Value aliases: 36 in the file, 36 added, 0 updated, 0 unchanged.",
        "Reference data loaded.",
    ]
    land = Field.objects.get(code="land")
    assert (land.name_vi, land.name_en, land.is_specialised, land.sort_order) == (
        "Đất đai, địa chính",
        "Land and cadastre",
        True,
        50,
    )
    assert Field.objects.get(code="office").is_specialised is False
    post = Position.objects.get(code="XA.TPHT")
    assert (post.name, post.group, post.level, post.field.code) == (
        "Tư pháp - Hộ tịch",
        PositionGroup.SPECIALISED,
        "Chuyên viên",
        "justice",
    )
    chair = Position.objects.get(code="CB.CTUB")
    assert (chair.name, chair.group, chair.field.code) == (
        "Chủ tịch Ủy ban nhân dân cấp xã",
        PositionGroup.LEADERSHIP,
        "government",
    )
    assert chair.description and chair.competency


def test_second_load_changes_nothing_and_says_so():
    load()
    before = snapshot()
    assert load() == [
        "Fields (version 2025.07.1): 21 in the file, 0 added, 0 updated, 21 unchanged.",
        "Positions (version 2025.07.1): 233 in the file, 0 added, 0 updated, 233 unchanged.",
        "Value aliases: 36 in the file, 0 added, 0 updated, 36 unchanged.",
        "Nothing changed: the database already matches the reference files.",
    ]
    assert snapshot() == before


def test_changed_names_are_updated_and_records_keep_their_position():
    load()
    Field.objects.filter(code="it").update(name_vi="CNTT")
    Position.objects.filter(code="XA.TCKT").update(name="Kế toán xã", level="")
    person = f.staff(f.unit(), Field.objects.get(code="accounting"), position=Position.objects.get(code="XA.TCKT"))
    lines = load()
    assert lines[:2] == [
        "Fields (version 2025.07.1): 21 in the file, 0 added, 1 updated, 20 unchanged.",
        "Positions (version 2025.07.1): 233 in the file, 0 added, 1 updated, 232 unchanged.",
    ]
    assert Field.objects.get(code="it").name_vi == "Công nghệ thông tin, chuyển đổi số"
    placed = f.placement(person)
    assert (placed.position.name, placed.position.level) == ("Tài chính - Kế toán", "Chuyên viên")


def test_default_aliases_are_loaded_once_and_a_provinces_own_left_alone():
    from staffing.models import ValueAlias

    load()
    justice = ValueAlias.objects.get(province=None, kind="field", key="tu phap - ho tich")
    assert (justice.value, justice.target) == ("Tư pháp - Hộ tịch", "justice")
    assert ValueAlias.objects.get(kind="qualification", key="cao dang").target == "vocational"
    own = ValueAlias.objects.create(
        province=f.province("66", "Tỉnh Đắk Lắk"), kind="field", value="Tư pháp", target="justice"
    )
    assert load()[2] == "Value aliases: 36 in the file, 0 added, 0 updated, 36 unchanged."
    assert ValueAlias.objects.count() == 37 and ValueAlias.objects.filter(pk=own.pk).exists()


def test_records_outside_the_files_are_kept_unless_pruned_and_unused(tmp_path):
    load()
    own = f.field("own_field", "Lĩnh vực riêng", "Own field")
    spare = f.field("spare_field", "Lĩnh vực thừa", "Spare field")
    used = Position.objects.create(code="P.USED", name="Vị trí đang dùng", group="specialised", field=own)
    Position.objects.create(code="P.SPARE", name="Vị trí không dùng", group="specialised", field=own)
    f.staff(f.unit(), own, position=used)
    lines = load()
    assert lines[3:] == [
        "Fields kept, not in the files (--prune removes those not in use): own_field, spare_field.",
        "Positions kept, not in the files (--prune removes those not in use): P.SPARE, P.USED.",
        "Nothing changed: the database already matches the reference files.",
    ]
    lines = load("--prune")
    assert lines[3:] == [
        "Fields removed (no longer in the files): spare_field.",
        "Fields kept, not in the files but in use: own_field.",
        "Positions removed (no longer in the files): P.SPARE.",
        "Positions kept, not in the files but in use: P.USED.",
        "Reference data loaded.",
    ]
    assert set(Position.objects.filter(code__startswith="P.").values_list("code", flat=True)) == {"P.USED"}
    assert not Field.objects.filter(pk=spare.pk).exists()


def test_a_record_known_only_to_history_counts_as_in_use():
    load()
    spare = f.field("spare_field", "Lĩnh vực thừa", "Spare field")
    person = f.staff(f.unit(), spare)
    person.field = Field.objects.get(code="land")
    person.save()  # the person's history still names the spare field
    lines = load("--prune")
    assert "Fields kept, not in the files but in use: spare_field." in lines
    assert Field.objects.filter(pk=spare.pk).exists()


def test_dry_run_saves_nothing():
    assert load("--dry-run")[-1] == "Dry run: nothing was saved."
    assert (Field.objects.count(), Position.objects.count()) == (0, 0)


def _copy_reference(tmp_path, edit):
    for name in ("fields.csv", "positions.csv"):
        shutil.copy(REFERENCE_DIR / name, tmp_path / name)
    path = tmp_path / "positions.csv"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    return tmp_path


def test_a_bad_row_stops_the_load_and_nothing_is_written(tmp_path):
    directory = _copy_reference(
        tmp_path,
        lambda text: text.replace("XA.TPHT,Tư pháp - Hộ tịch,specialised", "XA.TPHT,Tư pháp - Hộ tịch,chief"),
    )
    with open(directory / "positions.csv", encoding="utf-8") as fh:
        line = next(n for n, text in enumerate(fh, start=1) if text.startswith("XA.TPHT,"))
    with pytest.raises(CommandError) as exc:
        load(directory=directory)
    assert str(exc.value) == (
        f"positions.csv: Row {line}, column «group»: Unknown group «chief». Accepted: "
        "leadership (Leadership and management), specialised (Specialised professional), "
        "common (Common professional), support (Support and service)."
    )
    assert (Field.objects.count(), Position.objects.count()) == (0, 0)


def test_a_missing_column_is_named(tmp_path):
    directory = _copy_reference(tmp_path, lambda text: text.replace(",competency\n", ",skills\n", 1))
    with pytest.raises(CommandError) as exc:
        load(directory=directory)
    assert str(exc.value) == "positions.csv: the columns competency are missing."
    assert Field.objects.count() == 0


def test_reference_files_agree_with_the_demo_data():
    fields = {r["code"]: r for r in data_rows("fields.csv")}
    assert [(c, fields[c]["name_vi"], fields[c]["name_en"], fields[c]["is_specialised"]) for c, *_r in demo.FIELDS] == [
        (code, vi, en, "yes" if spec else "no") for code, vi, en, spec in demo.FIELDS
    ]
    positions = {r["code"]: r for r in data_rows("positions.csv")}
    demo_specs = demo._position_specs()
    assert {code for code, *_r in demo_specs} <= set(positions)
    assert [
        (code, positions[code]["group"], positions[code]["field"]) for code, _n, group, fcode, *_r in demo_specs
    ] == [(code, str(group), fcode) for code, _n, group, fcode, *_r in demo_specs]


def test_reference_positions_are_well_formed():
    fields = {r["code"] for r in data_rows("fields.csv")}
    rows = data_rows("positions.csv")
    assert len(rows) == 233
    assert len({r["code"] for r in rows}) == len(rows)
    assert {r["group"] for r in rows} == set(PositionGroup.values)
    assert {r["field"] for r in rows} <= fields
    assert all(r["name"] and r["description"] and r["competency"] and r["level"] for r in rows)
    names = {r["name"] for r in rows}
    for post in (
        "Chủ tịch Ủy ban nhân dân cấp xã",
        "Phó Chủ tịch Ủy ban nhân dân cấp xã",
        "Chánh Văn phòng HĐND và UBND cấp xã",
        "Trưởng phòng Kinh tế (xã)",
        "Trưởng phòng Văn hóa - Xã hội",
        "Địa chính - Xây dựng",
        "Tư pháp - Hộ tịch",
        "Tài chính - Kế toán",
        "Văn hóa - Xã hội",
        "Văn phòng - Thống kê",
        "Giám đốc Sở Nội vụ",
    ):
        assert post in names
