"""Invariants of quotas and staff, held by the database and by clean()."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.text import normalize_search
from staffing.models import Absence, Assignment, Position, PositionGroup, Quota
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_normalize_search_folds_vietnamese():
    assert normalize_search("  Nguyễn   Văn  Ánh ") == "nguyen van anh"
    assert normalize_search("Đắk Lắk") == "dak lak"
    assert normalize_search("Xã Ea H'Leo") == "xa ea h'leo"


def test_quota_cannot_be_negative():
    u, land = f.unit(), f.field("land")
    with pytest.raises(IntegrityError), transaction.atomic():
        Quota.objects.create(
            unit=u, field=land, category="civil_servant", count=-1, decision_number="1/QĐ",
            decision_date=date(2025, 7, 1), effective_from=date(2025, 7, 1),
        )  # fmt: skip


def test_one_quota_per_unit_field_category_and_date():
    u, land = f.unit(), f.field("land")
    f.quota(u, land, 3)
    q = Quota(unit=u, field=land, category="civil_servant", count=4, decision_number="2/QĐ",
              decision_date=date(2025, 7, 1), effective_from=date(2025, 7, 1))  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        q.full_clean()
    assert "A quota for this unit, field and category already starts on that date." in str(exc.value)


def test_quota_cannot_start_before_its_decision():
    u, land = f.unit(), f.field("land")
    with pytest.raises(IntegrityError), transaction.atomic():
        f.quota(u, land, 3, effective_from=date(2025, 7, 1), decision_date=date(2025, 8, 1))


def test_birth_date_in_the_future_is_refused():
    person = f.staff(f.unit(), f.field("land"))
    person.birth_date = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as exc:
        person.full_clean()
    assert exc.value.message_dict["birth_date"] == ["The date of birth cannot be in the future."]


def test_field_must_match_position():
    land, finance = f.field("land"), f.field("finance")
    pos = Position.objects.create(code="DC-01", name="Công chức địa chính", group=PositionGroup.SPECIALISED, field=land)
    placed = f.placement(f.staff(f.unit(), finance))
    placed.position = pos
    with pytest.raises(ValidationError) as exc:
        placed.full_clean()
    assert exc.value.message_dict["field"] == ["The field must be the field of the position (Field land)."]


def test_one_placement_at_a_time():
    land = f.field("land")
    person = f.staff(f.unit("Xã A"), land, placed_from=date(2025, 7, 1))
    clash = Assignment(
        person=person, unit=f.unit("Xã B"), field=land, category="civil_servant", valid_from=date(2025, 9, 1)
    )
    with pytest.raises(ValidationError) as exc:
        clash.full_clean()
    assert exc.value.message_dict["valid_from"] == [
        f"{person.full_name} is already placed at Xã A from 01/07/2025; one person holds one placement at a time."
    ]


def test_absences_of_one_person_do_not_overlap():
    person = f.staff(f.unit(), f.field("land"))
    Absence.objects.create(person=person, kind="study", start_date=date(2025, 9, 1), end_date=date(2025, 12, 31))
    clash = Absence(person=person, kind="sick_leave", start_date=date(2025, 12, 31), end_date=date(2026, 1, 15))
    with pytest.raises(ValidationError) as exc:
        clash.full_clean()
    assert exc.value.message_dict["start_date"] == [
        f"{person.full_name} is already absent (study or training) from 01/09/2025."
    ]
    # The day after the last one is free.
    Absence(person=person, kind="sick_leave", start_date=date(2026, 1, 1)).full_clean()


def test_a_correction_needs_its_reason():
    placed = f.placement(f.staff(f.unit(), f.field("land")))
    placed.change = "correction"
    with pytest.raises(ValidationError) as exc:
        placed.full_clean()
    assert exc.value.messages == ["A correction needs its reason."]


def test_leaving_needs_an_end_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        f.staff(f.unit(), f.field("land"), status="retired", end_date=None)


def test_search_text_is_kept_in_step_with_the_name():
    person = f.staff(f.unit(), f.field("land"), name="Trần Thị Ngọc Ánh", staff_code="NV-9")
    assert person.search_text == "tran thi ngoc anh nv-9"
