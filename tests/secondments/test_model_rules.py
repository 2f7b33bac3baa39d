"""Invariants of movements, held by the database and by clean() on every database."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from secondments.models import Kind, Secondment, Status
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def person():
    return f.staff(f.unit("Sở Tài chính"), f.field("finance"), name="Lê Văn Bình")


def test_overlapping_temporary_movements_are_refused_by_clean(person):
    first = f.movement(person, f.unit("Xã Ea Kao"), start=date(2025, 8, 1), end=date(2025, 10, 31))
    second = Secondment(
        kind=Kind.REINFORCEMENT, person=person, from_unit=f.placement(person).unit, to_unit=f.unit("Xã Hòa Phú"),
        field=f.placement(person).field, start_date=date(2025, 10, 31), planned_end_date=date(2025, 12, 31),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert exc.value.messages == [
        f"Lê Văn Bình already has a movement to Xã Ea Kao from 01/08/2025 to 31/10/2025 (no. {first.pk}); "
        "one person can have only one temporary movement at a time."
    ]


def test_adjacent_movements_and_cancelled_ones_do_not_clash(person):
    f.movement(person, f.unit(), start=date(2025, 8, 1), end=date(2025, 10, 31))
    f.movement(person, f.unit(), start=date(2025, 9, 1), end=date(2025, 9, 30), status=Status.CANCELLED)
    nxt = Secondment(
        kind=Kind.SECONDMENT, person=person, from_unit=f.placement(person).unit, to_unit=f.unit(),
        field=f.placement(person).field, start_date=date(2025, 11, 1), planned_end_date=date(2025, 11, 30),
    )  # fmt: skip
    nxt.full_clean()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraint exists on PostgreSQL only")
def test_database_refuses_overlap_on_postgresql(person):
    f.movement(person, f.unit(), start=date(2025, 8, 1), end=date(2025, 10, 31))
    with pytest.raises(IntegrityError, match="movement_no_overlap_per_person"), transaction.atomic():
        # bypasses clean(), as a concurrent request racing the check would
        f.movement(person, f.unit(), start=date(2025, 10, 1), end=date(2025, 12, 31))


def test_transfer_does_not_clash_with_a_secondment(person):
    f.movement(person, f.unit(), start=date(2025, 8, 1), end=date(2025, 10, 31))
    f.movement(person, f.unit(), kind=Kind.TRANSFER, start=date(2025, 9, 1))


@pytest.mark.parametrize(
    "changes, constraint",
    [
        ({"kind": Kind.SECONDMENT, "planned_end_date": None}, "movement_temporary_has_end"),
        ({"planned_end_date": date(2025, 7, 1)}, "movement_planned_end_after_start"),
        ({"status": Status.APPROVED, "decision_number": ""}, "movement_decided_has_decision"),
    ],
)
def test_database_constraints(person, changes, constraint):
    values = {
        "kind": Kind.SECONDMENT, "person": person, "from_unit": f.placement(person).unit, "to_unit": f.unit(),
        "field": f.placement(person).field, "start_date": date(2025, 8, 1), "planned_end_date": date(2025, 9, 1),
        "status": Status.DRAFT,
    }  # fmt: skip
    values.update(changes)
    with pytest.raises(IntegrityError), transaction.atomic():
        Secondment.objects.create(**values)


def test_sending_unit_must_be_home_unit(person):
    m = Secondment(
        kind=Kind.SECONDMENT, person=person, from_unit=f.unit("Xã Khác"), to_unit=f.unit(),
        field=f.placement(person).field, start_date=date(2025, 8, 1), planned_end_date=date(2025, 9, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        m.full_clean()
    assert exc.value.message_dict["from_unit"] == [
        "The sending unit must be the person's home unit on the start date (Sở Tài chính)."
    ]


def test_units_must_differ(person):
    with pytest.raises(IntegrityError), transaction.atomic():
        f.movement(person, f.placement(person).unit)


def test_one_open_transfer_per_person_in_the_database(person):
    f.movement(person, f.unit(), kind=Kind.TRANSFER, start=date(2026, 1, 1), status=Status.PROPOSED)
    with pytest.raises(IntegrityError), transaction.atomic():
        # bypasses clean(), as a concurrent request racing the check would
        f.movement(person, f.unit(), kind=Kind.TRANSFER, start=date(2026, 2, 1), status=Status.DRAFT)
    # A cancelled or completed one does not count.
    f.movement(person, f.unit(), kind=Kind.TRANSFER, start=date(2026, 3, 1), status=Status.CANCELLED)


def test_a_second_open_transfer_is_refused_by_clean_naming_the_first(person):
    first = f.movement(person, f.unit("Xã Ea Kao"), kind=Kind.TRANSFER, start=date(2026, 1, 1), status=Status.DRAFT)
    second = Secondment(
        kind=Kind.TRANSFER, person=person, from_unit=f.placement(person).unit, to_unit=f.unit(),
        field=f.placement(person).field, start_date=date(2026, 2, 1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        second.full_clean()
    assert exc.value.message_dict["person"] == [
        f"Lê Văn Bình already has a transfer to Xã Ea Kao (no. {first.pk}, draft); one person can have only one "
        "pending or running transfer."
    ]


@pytest.mark.parametrize("plan", [False, True])
def test_a_temporary_movement_lasts_at_most_36_months_with_or_without_a_plan(person, plan):
    values = {
        "kind": Kind.SECONDMENT, "person": person, "from_unit": f.placement(person).unit, "to_unit": f.unit(),
        "field": f.placement(person).field, "start_date": date(2026, 1, 1),
        "plan": f.plan(period_end=date(2030, 12, 31), max_duration_days=1096) if plan else None,
    }  # fmt: skip
    # 1 January 2026 + 36 months ends on 31 December 2028 (1,096 days with 29 February 2028).
    Secondment(**values, planned_end_date=date(2028, 12, 31)).full_clean()
    with pytest.raises(ValidationError) as exc:
        Secondment(**values, planned_end_date=date(2029, 1, 1)).full_clean()
    assert (
        "A secondment lasts at most 36 months by law: starting 01/01/2026, it must end by 31/12/2028."
        in exc.value.message_dict["planned_end_date"]
    )
