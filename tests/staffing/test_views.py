"""Staff record, staff and quota forms, concurrent edits, and the Excel upload → preview → apply pages."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from staffing.models import Absence, Quota, Staff
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support
from tests.staffing.support import counts, officer, upload

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


@pytest.fixture
def person(world):
    return f.staff(world.commune, world.land, name="Nguyễn Văn A", staff_code="NV1", birth_date=date(1985, 5, 20))


@pytest.fixture
def signed_in(client, world):
    user = officer(world)
    client.force_login(user)
    return user


@pytest.fixture
def official_signed_in(client, world):
    """Quotas are decided by the province."""
    user = officer(world, Role.PROVINCE_OFFICIAL)
    client.force_login(user)
    return user


def test_staff_page_shows_the_record_its_timeline_and_its_history(client, world, person, signed_in):
    today = timezone.localdate()
    client.post(
        reverse("staff-update", args=[person.pk]),
        {**identity_data(person), "full_name": "Nguyễn Văn Ánh", "version": 1},
    )
    moved = client.post(
        reverse("staff-placement", args=[person.pk]),
        placement_data(world, field=world.finance.pk, effective_from=today.strftime("%d/%m/%Y"), version=2),
    )
    assert moved.status_code == 302, moved.context["form"].errors
    response = client.get(reverse("staff-detail", args=[person.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn Ánh" in html
    history = response.context["history"]
    assert [e.kind for e in history] == ["Changed", "Changed", "Created"]
    assert history[1].who == signed_in
    assert history[1].changes == [("full name", "Nguyễn Văn A", "Nguyễn Văn Ánh")]
    assert history[0].reason == f"Placement changed from {today:%d/%m/%Y}"
    # The timeline: the placement in finance from today, the one in land until yesterday.
    timeline = [(start, end, kind, str(item.field)) for start, end, kind, item in response.context["timeline"]]
    assert timeline == [
        (today, None, "assignment", "Finance"),
        (date(2000, 1, 1), today - timedelta(days=1), "assignment", "Land"),
    ]
    assert response.context["placement"].field == world.finance


def test_staff_page_query_count_does_not_grow_with_history(client, world, person, signed_in, django_assert_num_queries):
    def changes(first, n):
        for i in range(first, first + n):
            person.full_name = f"Tên {i}"
            person.save()
            Absence.objects.create(
                person=person, kind="study", start_date=date(2024, 1, 1 + 2 * i), end_date=date(2024, 1, 2 + 2 * i)
            )

    # Session, user, the person with their trained field, the placement today, the timeline
    # (placements, movements, absences: three), history, the edit check (the unit in scope), the
    # view audited (the person's placement for the entry's province, the entry).
    changes(0, 2)
    with django_assert_num_queries(11):
        client.get(reverse("staff-detail", args=[person.pk]))
    changes(2, 5)
    with django_assert_num_queries(11):
        client.get(reverse("staff-detail", args=[person.pk]))


def identity_data(person):
    return {
        "staff_code": person.staff_code,
        "full_name": person.full_name,
        "gender": person.gender,
        "birth_date": "20/05/1985",
        "major_field": "",
        "qualification": "bachelor",
        "start_date": "",
    }


def placement_data(world, **changes):
    data = {
        "unit": world.commune.pk,
        "position": "",
        "field": world.land.pk,
        "category": "civil_servant",
        "decision_number": "",
        "decision_date": "",
        "reason": "",
    }
    data.update(changes)
    return data


def form_data(world, person=None, **changes):
    data = {
        "staff_code": person.staff_code if person else "NV2",
        "full_name": person.full_name if person else "Trần Thị Bình",
        "gender": person.gender if person else "female",
        "birth_date": "20/05/1985",
        "category": "civil_servant",
        "position": "",
        "field": world.land.pk,
        "major_field": "",
        "qualification": "bachelor",
        "start_date": "",
    }
    data.update(changes)
    return data


def test_create_staff_with_day_first_dates(client, world, signed_in):
    response = client.post(reverse("staff-create", args=["24001"]), form_data(world, start_date="01/07/2025"))
    person = Staff.objects.get(staff_code="NV2")
    assert response.status_code == 302 and response["Location"] == reverse("staff-detail", args=[person.pk])
    assert (f.placement(person).unit, person.birth_date, person.start_date) == (
        world.commune,
        date(1985, 5, 20),
        date(2025, 7, 1),
    )
    # Placed from the day the person joined.
    assert f.placement(person).valid_from == date(2025, 7, 1)
    assert person.history.get().history_user == signed_in


def test_create_takes_the_field_from_the_position(client, world, signed_in):
    client.post(reverse("staff-create", args=["24001"]), form_data(world, position=world.cadastral.pk, field=""))
    assert f.placement(Staff.objects.get()).field == world.land


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"birth_date": "01/01/2999"}, "birth_date", "The date of birth cannot be in the future."),
        ({"birth_date": "31/02/1990"}, "birth_date", "Enter a valid date."),
        ({"full_name": ""}, "full_name", "This field is required."),
        ({"field": ""}, "field", "Choose a field or a position."),
        ({"category": "boss"}, "category", "Select a valid choice. boss is not one of the available choices."),
        ({"field": 999999}, "field", "Select a valid choice. That choice is not one of the available choices."),
        (
            {"position": "POS", "field": "F"},
            "position",
            "Select a valid choice. That choice is not one of the available choices.",
        ),
    ],
)
def test_create_refuses_bad_input_on_the_field(client, world, signed_in, changes, field, message):
    if changes.get("position") == "POS":
        changes = {"position": world.cadastral.pk + 1000, "field": world.finance.pk}
    before = counts()
    response = client.post(reverse("staff-create", args=["24001"]), form_data(world, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert counts() == before


def test_create_refuses_a_position_of_another_field(client, world, signed_in):
    response = client.post(
        reverse("staff-create", args=["24001"]), form_data(world, position=world.cadastral.pk, field=world.finance.pk)
    )
    assert response.context["form"].errors["field"] == ["The field must be the field of the position (Land)."]
    assert Staff.objects.count() == 0


def test_create_refuses_a_duplicate_staff_code(client, world, person, signed_in):
    response = client.post(reverse("staff-create", args=["24001"]), form_data(world, staff_code="NV1"))
    assert response.context["form"].errors["staff_code"] == ["Staff member with this Staff code already exists."]
    assert Staff.objects.count() == 1


def test_second_save_is_refused_and_shows_the_current_values(client, world, person, signed_in):
    url = reverse("staff-update", args=[person.pk])
    first = client.get(url).context["form"]
    second_data = {**form_data(world, person), "version": first.initial["version"]}
    client.post(url, {**second_data, "full_name": "Nguyễn Văn Bảo"})
    history_before = person.history.count()
    response = client.post(url, {**second_data, "full_name": "Nguyễn Văn Cường"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this record after you opened it." in html
    assert response.context["conflicts"] == [("Full name", "Nguyễn Văn Bảo", "Nguyễn Văn Cường")]
    form = response.context["form"]
    assert (form.initial["full_name"], form.initial["version"]) == ("Nguyễn Văn Bảo", 2)
    person.refresh_from_db()
    assert (person.full_name, person.version, person.history.count()) == ("Nguyễn Văn Bảo", 2, history_before)


def test_deactivate_sets_status_and_end_date(client, world, person, signed_in):
    response = client.post(
        reverse("staff-deactivate", args=[person.pk]), {"status": "resigned", "end_date": "31/12/2025", "version": 1}
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.status, person.end_date) == ("resigned", date(2025, 12, 31))
    assert Staff.objects.count() == 1


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"status": "active", "end_date": "31/12/2025"},
            "status",
            "Select a valid choice. active is not one of the available choices.",
        ),
        ({"status": "retired", "end_date": ""}, "end_date", "This field is required."),
        (
            {"status": "retired", "end_date": "01/01/1980"},
            "end_date",
            "The leaving date cannot be before the joining date.",
        ),
    ],
)
def test_deactivate_bad_input(client, world, signed_in, data, field, message):
    person = f.staff(world.commune, world.land, start_date=date(2020, 1, 1))
    before = counts()
    response = client.post(reverse("staff-deactivate", args=[person.pk]), {**data, "version": 1})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert counts() == before


def test_quota_create_and_correct(client, world, official_signed_in):
    url = reverse("quota-create", args=["24001"])
    data = {
        "field": world.land.pk,
        "category": "civil_servant",
        "count": "4",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "01/07/2025",
        "effective_from": "01/07/2025",
    }
    assert client.get(url, {"field": world.land.pk, "category": "cadre"}).context["form"].initial == {
        "field": str(world.land.pk),
        "category": "cadre",
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == reverse("unit-detail", args=["24001"]) + "#quotas"
    quota = Quota.objects.get()
    assert (quota.count, quota.decision_date) == (4, date(2025, 7, 1))
    response = client.post(reverse("quota-update", args=[quota.pk]), {**data, "count": "6", "version": 1})
    quota.refresh_from_db()
    assert (quota.count, quota.version) == (6, 2)
    page = client.get(reverse("quota-update", args=[quota.pk]))
    assert page.context["history"][0].changes == [("assigned posts", "4", "6")]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"count": "-1"}, "count", "Ensure this value is greater than or equal to 0."),
        ({"decision_number": ""}, "decision_number", "This field is required."),
        ({"effective_from": "01/06/2025"}, "__all__", "A quota cannot take effect before the decision that sets it."),
    ],
)
def test_quota_bad_input(client, world, official_signed_in, changes, field, message):
    data = {
        "field": world.land.pk,
        "category": "civil_servant",
        "count": "4",
        "decision_number": "15/QĐ-UBND",
        "decision_date": "01/07/2025",
        "effective_from": "01/07/2025",
    }
    response = client.post(reverse("quota-create", args=["24001"]), {**data, **changes})
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Quota.objects.count() == 0


def test_quota_second_save_is_refused(client, world, official_signed_in):
    quota = f.quota(world.commune, world.land, 3, decision_number="1/QĐ")
    data = {
        "field": world.land.pk,
        "category": "civil_servant",
        "count": "5",
        "decision_number": "1/QĐ",
        "decision_date": "01/07/2025",
        "effective_from": "01/07/2025",
        "version": 1,
    }
    url = reverse("quota-update", args=[quota.pk])
    client.post(url, data)
    response = client.post(url, {**data, "count": "9"})
    assert response.status_code == 409
    assert response.context["conflicts"] == [("Assigned posts", 5, 9)]
    quota.refresh_from_db()
    assert quota.count == 5


def test_template_download_is_the_official_layout(client, world, person, signed_in):
    f.quota(world.commune, world.land, 3)
    response = client.get(reverse("unit-template", args=["24001"]))
    assert response["Content-Disposition"].startswith('attachment; filename="bien-che-24001-')
    wb = load_workbook(__import__("io").BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == ["Roster", "Quotas", "Absences", "DanhMuc"]
    assert wb["DanhMuc"].sheet_state == "hidden"
    ws = wb["Roster"]
    assert [ws["A1"].value, ws["A2"].value] == ["ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "XÃ ĐẮK MIL"]
    assert [ws["H1"].value, ws["H2"].value] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert ws["A4"].value == "STAFF ROSTER"
    assert [c.value for c in ws[7]][:4] == ["STT", "Mã đơn vị", "Mã cán bộ", "Họ và tên"]
    assert [c.value for c in ws[8]][:5] == [1, "24001", "NV1", "Nguyễn Văn A", "Male"]
    assert ws["F8"].value.date() == date(1985, 5, 20) and ws["F8"].number_format == "dd/mm/yyyy"
    assert ws.freeze_panes == "B8"
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {
        "E8": "DanhMuc!$A$2:$A$3",
        "G8": "DanhMuc!$B$2:$B$5",
        "H8": "DanhMuc!$F$2:$F$2",
        "I8": "DanhMuc!$E$2:$E$3",
        "J8": "DanhMuc!$E$2:$E$3",
        "K8": "DanhMuc!$C$2:$C$6",
        "L8": "DanhMuc!$D$2:$D$6",
    }
    # Drop-downs offer Vietnamese names; the codes sit beside them on the hidden sheet.
    assert [c.value for c in wb["DanhMuc"]["E"] if c.value] == ["field", "Đất đai", "Tài chính"]
    assert [c.value for c in wb["DanhMuc"]["H"] if c.value] == ["field_code", "land", "finance"]
    assert wb["DanhMuc"]["F2"].value == world.cadastral.name and wb["DanhMuc"]["I2"].value == world.cadastral.code
    assert ws.column_dimensions["D"].width == 26
    quotas = wb["Quotas"]
    assert [c.value for c in quotas[8]][:5] == [1, "24001", "Đất đai", "Civil servant", 3]


# Upload → preview → apply.


def test_import_flow_bad_file_then_good_file_then_same_again(client, world, person, signed_in):
    url = reverse("unit-import", args=["24001"])
    assert client.get(url).status_code == 200
    bad = hf.roster_workbook([hf.staff_row("", "NV7", "Lê Văn C", field="nope")])
    before = counts()
    response = client.post(url, {"file": upload(bad)})
    assert response.status_code == 400
    assert response.context["result"].errors == [("Danh sách", "Row 2, column «Lĩnh vực»: Unknown field «nope».")]
    assert "Row 2, column «Lĩnh vực»: Unknown field «nope»." in response.content.decode()
    assert counts() == before

    good = hf.roster_workbook(
        [hf.staff_row("", "NV7", "Lê Văn C"), hf.staff_row("", "NV1", "Nguyễn Văn Anh", birth=date(1985, 5, 20))]
    )
    response = client.post(url, {"file": upload(good)})
    assert response.status_code == 302
    preview_url = response["Location"]
    preview = client.get(preview_url)
    assert preview.context["counts"]["staff_add"] == 1 and preview.context["counts"]["staff_update"] == 1
    assert counts() == before  # the preview writes nothing
    response = client.post(preview_url)
    assert response.status_code == 302 and response["Location"] == reverse("unit-roster", args=["24001"])
    assert sorted(Staff.objects.values_list("staff_code", "full_name")) == [
        ("NV1", "Nguyễn Văn Anh"),
        ("NV7", "Lê Văn C"),
    ]
    assert client.post(preview_url).status_code == 404  # a preview applies once

    after = counts()
    response = client.post(url, {"file": upload(good)})
    again = client.get(response["Location"])
    assert "The file matches what is recorded: there is nothing to change." in again.content.decode()
    assert counts() == after


@pytest.mark.parametrize(
    "content, message",
    [
        (hf.csv_renamed(), "This file is not an Excel workbook (.xlsx). Use the template downloaded from this page."),
        (
            hf.password_protected(),
            "The workbook is protected with a password. Remove the password in Excel and upload again.",
        ),
        (hf.corrupt_zip(), "The workbook is damaged and cannot be read."),
    ],
)
def test_import_page_refuses_unusable_files(client, world, signed_in, content, message):
    before = counts()
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    assert response.status_code == 400
    assert response.context["form"].errors["file"] == [message]
    assert counts() == before


def test_import_page_without_a_file(client, world, signed_in):
    response = client.post(reverse("unit-import", args=["24001"]), {})
    assert response.context["form"].errors["file"] == ["This field is required."]


def test_preview_of_another_units_upload_is_not_found(client, world, signed_in):
    good = hf.roster_workbook([hf.staff_row("", "NV7", "Lê Văn C")])
    location = client.post(reverse("unit-import", args=["24001"]), {"file": upload(good)})["Location"]
    token = location.rstrip("/").rsplit("/", 1)[1]
    officer_b = f.user("commune_officer", unit=world.neighbour)
    client.force_login(officer_b)
    assert client.get(reverse("unit-import-preview", args=["24002", token])).status_code == 404


def test_import_page_refuses_an_oversize_file_and_rows_of_another_unit(client, world, signed_in, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    before = counts()
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(hf.oversize(1024 * 1024))})
    assert response.context["form"].errors["file"] == ["The file is 1 MB; files up to 1 MB can be imported."]
    other = hf.roster_workbook([hf.staff_row("24002", "NV7", "Lê Văn C")])
    response = client.post(reverse("unit-import", args=["24001"]), {"file": upload(other)})
    assert response.context["result"].errors == [
        ("Danh sách", "Row 2, column «Mã đơn vị»: The unit «24002» is outside your scope.")
    ]
    assert counts() == before
