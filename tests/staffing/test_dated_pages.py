"""The dated record through the pages, the API and the import: placement changes from a date,
corrections, leaving with its consequences listed first, absences, and no silent overwrite."""

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from secondments.models import Kind, Plan, SendingQuota, Status
from staffing.importer import validate_workbook
from staffing.models import Absence, Quota, Staff
from staffing.services import import_apply
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
MISSING_VERSION = (
    "This form was sent without the version of the record it was opened on; reload the page and make your change again."
)


def dmy(day):
    return day.strftime("%d/%m/%Y")


@pytest.fixture
def person(world):
    return f.staff(world.commune, world.land, name="Nguyễn Văn A", staff_code="NV1", placed_from=date(2025, 7, 1))


def placement_post(world, **changes):
    data = {
        "unit": world.commune.pk,
        "position": "",
        "field": world.land.pk,
        "category": "civil_servant",
        "decision_number": "",
        "decision_date": "",
        "reason": "",
        "effective_from": dmy(TODAY),
        "version": 1,
    }
    data.update(changes)
    return data


# Every edit form refuses a post without the version it was opened on.


def edit_posts(world, person):
    quota = f.quota(world.commune, world.land, 3)
    absence = Absence.objects.create(person=person, kind="study", start_date=date(2025, 9, 1))
    plan = f.plan(world.province)
    sending = SendingQuota.objects.create(plan=plan, unit=world.department, rule="fixed", count=2)
    identity = {
        "staff_code": "NV1",
        "full_name": "Nguyễn Văn B",
        "gender": "male",
        "birth_date": "20/05/1985",
        "qualification": "bachelor",
    }
    return {
        "staff": (reverse("staff-update", args=[person.pk]), identity, lambda: Staff.objects.get().full_name),
        "placement": (
            reverse("staff-placement", args=[person.pk]),
            {k: v for k, v in placement_post(world, field=world.finance.pk).items() if k != "version"},
            lambda: f.placement(person).field.code,
        ),
        "leave": (
            reverse("staff-deactivate", args=[person.pk]),
            {"status": "retired", "end_date": dmy(TODAY)},
            lambda: Staff.objects.get().status,
        ),
        "quota": (
            reverse("quota-update", args=[quota.pk]),
            {
                "field": world.land.pk,
                "category": "civil_servant",
                "count": "9",
                "decision_number": "1/QĐ",
                "decision_date": "01/07/2025",
                "effective_from": "01/07/2025",
            },
            lambda: Quota.objects.get().count,
        ),  # fmt: skip
        "absence": (
            reverse("absence-update", args=[person.pk, absence.pk]),
            {
                "kind": "maternity",
                "start_date": "01/09/2025",
                "end_date": "",
                "decision_number": "",
                "decision_date": "",
                "note": "",
            },
            lambda: Absence.objects.get().kind,
        ),  # fmt: skip
        "plan": (
            reverse("secondments:plan-update", args=[plan.pk]),
            {
                "name": "Đổi tên",
                "period_start": "01/07/2025",
                "period_end": "31/12/2026",
                "allowed_kinds": ["secondment"],
                "min_duration_days": "7",
                "max_duration_days": "365",
            },
            lambda: Plan.objects.get().name,
        ),  # fmt: skip
        "sending quota": (
            reverse("secondments:quota-update", args=[plan.pk, sending.pk]),
            {"unit": world.department.pk, "rule": "fixed", "count": "5"},
            lambda: SendingQuota.objects.get().count,
        ),
    }


@pytest.mark.parametrize("form", ["staff", "placement", "leave", "quota", "absence", "plan", "sending quota"])
def test_every_edit_form_refuses_a_post_without_its_version(client, world, person, form):
    url, data, current = edit_posts(world, person)[form]
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    before = current()
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["version"] == [MISSING_VERSION]
    assert current() == before


# Placement changes and corrections.


def test_a_placement_change_from_today_keeps_the_past(client, world, person):
    client.force_login(officer(world))
    response = client.post(reverse("staff-placement", args=[person.pk]), placement_post(world, field=world.finance.pk))
    assert response.status_code == 302
    assert f.placement(person, YESTERDAY).field == world.land
    assert f.placement(person, TODAY).field == world.finance
    assert f.placement(person).change == "change"


def test_a_back_dated_change_is_refused_to_a_commune_officer(client, world, person):
    client.force_login(officer(world))
    before = counts()
    data = placement_post(world, field=world.finance.pk, effective_from=dmy(YESTERDAY), reason="Ghi sai")
    response = client.post(reverse("staff-placement", args=[person.pk]), data)
    assert response.status_code == 400
    assert response.context["form"].errors["effective_from"] == [
        "Only a province official can record a back-dated correction."
    ]
    assert counts() == before


def test_a_province_official_corrects_with_a_reason_and_it_says_correction(client, world, person):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    url = reverse("staff-placement", args=[person.pk])
    no_reason = client.post(url, placement_post(world, field=world.finance.pk, effective_from="01/09/2025"))
    assert no_reason.status_code == 400
    assert no_reason.context["form"].errors["reason"] == ["State the reason for the correction."]
    done = client.post(
        url, placement_post(world, field=world.finance.pk, effective_from="01/09/2025", reason="Ghi sai")
    )
    assert done.status_code == 302
    corrected = f.placement(person)
    assert (corrected.valid_from, corrected.change, corrected.reason) == (date(2025, 9, 1), "correction", "Ghi sai")
    assert f.placement(person, date(2025, 8, 31)).field == world.land
    html = client.get(reverse("staff-detail", args=[person.pk])).content.decode()
    assert 'badge text-bg-warning">correction</span>' in html and "Ghi sai" in html


def test_a_future_change_is_planned_and_today_is_unchanged(client, world, person):
    client.force_login(officer(world))
    later = TODAY + timedelta(days=10)
    data = placement_post(world, field=world.finance.pk, effective_from=dmy(later))
    assert client.post(reverse("staff-placement", args=[person.pk]), data).status_code == 302
    assert f.placement(person, TODAY).field == world.land
    assert f.placement(person, later).field == world.finance


# Leaving the roll lists what else it does, then does it in the same transaction.


def test_leaving_lists_the_movements_it_ends_and_cancels_before_doing_it(client, world, person):
    running = f.movement(person, world.neighbour, start=TODAY - timedelta(days=20), end=TODAY + timedelta(days=40))
    pending = f.movement(
        person,
        world.neighbour,
        kind=Kind.SECONDMENT,
        start=TODAY + timedelta(days=60),
        end=TODAY + timedelta(days=90),
        status=Status.PROPOSED,
    )
    client.force_login(officer(world))
    url = reverse("staff-deactivate", args=[person.pk])
    data = {"status": "resigned", "end_date": dmy(TODAY), "version": 1}
    before = counts()
    first = client.post(url, data)
    assert first.status_code == 200
    assert first.context["effects"] == [
        f"Secondment no. {running.pk} to Phường Buôn Ma Thuột ends on {dmy(TODAY)}.",
        f"Secondment no. {pending.pk} to Phường Buôn Ma Thuột is cancelled.",
    ]
    assert counts() == before  # nothing written until confirmed
    confirmed = client.post(url, {**data, "confirmed": "True"})
    assert confirmed.status_code == 302
    running.refresh_from_db()
    pending.refresh_from_db()
    person.refresh_from_db()
    assert (person.status, person.end_date, f.placement(person).valid_to) == ("resigned", TODAY, TODAY)
    assert (running.actual_end_date, running.status) == (TODAY, Status.APPROVED)
    assert pending.status == Status.CANCELLED


def test_leaving_over_the_api_says_what_it_ended(client, world, person):
    running = f.movement(person, world.neighbour, start=TODAY - timedelta(days=20), end=TODAY + timedelta(days=40))
    client.force_login(officer(world))
    response = client.post(
        f"/api/v1/staff/{person.pk}/deactivate/",
        {"status": "retired", "end_date": YESTERDAY.isoformat(), "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["done"] == [f"Secondment no. {running.pk} to Phường Buôn Ma Thuột ends on {dmy(YESTERDAY)}."]
    running.refresh_from_db()
    assert (running.actual_end_date, running.status) == (YESTERDAY, Status.COMPLETED)


# Absences: forms and API; the roster and quota table show them.


def test_absence_form_records_and_refuses_an_overlap(client, world, person):
    client.force_login(officer(world))
    url = reverse("absence-create", args=[person.pk])
    data = {"kind": "maternity", "start_date": dmy(TODAY - timedelta(days=10)), "end_date": "", "decision_number": "",
            "decision_date": "", "note": ""}  # fmt: skip
    assert client.post(url, data).status_code == 302
    before = counts()
    clash = client.post(url, {**data, "kind": "study", "start_date": dmy(TODAY)})
    assert clash.status_code == 400
    assert clash.context["form"].errors["start_date"] == [
        f"Nguyễn Văn A is already absent (maternity leave) from {dmy(TODAY - timedelta(days=10))}."
    ]
    assert counts() == before


def test_absences_api_create_update_and_scope(client, world, person):
    client.force_login(officer(world))
    data = {"person": person.pk, "kind": "study", "start_date": "2025-09-01", "end_date": "2025-12-31"}
    created = client.post("/api/v1/absences/", data, content_type="application/json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    no_version = client.patch(f"/api/v1/absences/{pk}/", {"end_date": "2026-01-31"}, content_type="application/json")
    assert no_version.status_code == 428
    ok = client.patch(
        f"/api/v1/absences/{pk}/", {"end_date": "2026-01-31", "version": 1}, content_type="application/json"
    )
    assert ok.status_code == 200 and ok.json()["end_date"] == "2026-01-31"
    stranger = f.staff(world.far_commune, world.land)
    refused = client.post("/api/v1/absences/", {**data, "person": stranger.pk}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json() == {"person": [f'Invalid pk "{stranger.pk}" - object does not exist.']}


def test_roster_modes_match_the_quota_table_counts(client, world, person):
    f.quota(world.commune, world.land, 4)
    away = f.staff(world.commune, world.land, name="Trần Văn Đi")
    resting = f.staff(world.commune, world.land, name="Lê Thị Nghỉ")
    helper = f.staff(world.department, world.land, name="Phạm Văn Đến")
    f.movement(away, world.neighbour, start=TODAY - timedelta(days=5), end=TODAY + timedelta(days=5))
    f.movement(helper, world.commune, start=TODAY - timedelta(days=5), end=TODAY + timedelta(days=5))
    Absence.objects.create(person=resting, kind="maternity", start_date=TODAY - timedelta(days=3))
    client.force_login(officer(world))
    row = client.get(reverse("unit-detail", args=[world.commune.code])).context["quota_table"]["rows"][0]["row"]
    # On roll 3 (A, Đi, Nghỉ); Đi away, Nghỉ absent, Đến seconded in: 3 − 1 + 1 − 1 = 2 working.
    assert (row.on_roll, row.seconded_out, row.seconded_in, row.absent, row.effective) == (3, 1, 1, 1, 2)
    url = reverse("unit-roster", args=[world.commune.code])

    def names(mode):
        return [s.full_name for s in client.get(url, {"mode": mode}).context["staff_list"]]

    # By given name, as Vietnamese staff lists are: A, Đi, Nghỉ.
    assert names("roll") == ["Nguyễn Văn A", "Trần Văn Đi", "Lê Thị Nghỉ"]
    assert names("working") == ["Nguyễn Văn A", "Phạm Văn Đến"]
    assert names("absent") == ["Lê Thị Nghỉ"]
    html = client.get(url, {"mode": "working"}).content.decode()
    assert "Seconded in from Sở Tài chính" in html
    html = client.get(url).content.decode()
    assert "Seconded to Phường Buôn Ma Thuột" in html and "Absent: Maternity leave" in html


# The import writes placements from its effective date, and absences.


def import_file(world, user, content, **options):
    result = validate_workbook(io.BytesIO(content), user=user, default_unit=world.commune, **options)
    return result


def test_an_import_changes_placements_from_its_date_and_keeps_the_past(world, person):
    user = officer(world)
    content = hf.roster_workbook([hf.staff_row("", "NV1", "Nguyễn Văn A", field="finance", birth=person.birth_date)])
    result = import_file(world, user, content)
    assert result.ok, result.errors
    assert [(p.staff_code, v) for p, v in result.plan.placements] == [("NV1", {"field": world.finance})]
    import_apply(plan=result.plan, by=user)
    assert f.placement(person, YESTERDAY).field == world.land
    assert f.placement(person, TODAY).field == world.finance


def test_a_back_dated_import_needs_a_province_official(world, person):
    content = hf.roster_workbook([hf.staff_row("", "NV1", "Nguyễn Văn A", field="finance", birth=person.birth_date)])
    refused = import_file(world, officer(world), content, effective_from=date(2025, 9, 1), reason="Sửa")
    assert [m for _s, m in refused.errors] == ["Only a province official can record a back-dated correction."]
    assert refused.plan.is_empty
    official = officer(world, Role.PROVINCE_OFFICIAL)
    accepted = import_file(world, official, content, effective_from=date(2025, 9, 1), reason="Sửa")
    assert accepted.ok, accepted.errors
    import_apply(plan=accepted.plan, by=official)
    corrected = f.placement(person)
    assert (corrected.valid_from, corrected.change, corrected.reason) == (date(2025, 9, 1), "correction", "Sửa")


def test_an_import_records_absences_and_refuses_overlaps(world, person):
    user = officer(world)
    headers = [c.vi for c in hf.ABSENCE_COLUMNS]
    good = hf.xlsx(
        {"Vắng mặt": [headers, ["NV1", "Nguyễn Văn A", "Nghỉ thai sản", "01/09/2025", "28/02/2026", "", "", ""]]}
    )
    result = import_file(world, user, good)
    assert result.ok, result.errors
    assert result.counts()["absence_add"] == 1
    import_apply(plan=result.plan, by=user)
    assert list(Absence.objects.values_list("kind", "start_date", "end_date")) == [
        ("maternity", date(2025, 9, 1), date(2026, 2, 28))
    ]
    again = import_file(world, user, good)
    assert again.ok and again.plan.is_empty
    overlapping = hf.xlsx({"Vắng mặt": [headers, ["NV1", "", "Đi học, bồi dưỡng", "01/02/2026", "", "", "", ""]]})
    before = counts()
    refused = import_file(world, user, overlapping)
    assert [m for _s, m in refused.errors] == [
        "Row 2, column «Từ ngày»: Nguyễn Văn A is already absent (maternity leave) from 01/09/2025."
    ]
    assert counts() == before
