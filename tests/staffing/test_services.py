"""Roster and quota writes: history, optimistic concurrency, never a hard delete."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from accounts.models import Role
from staffing import services
from staffing.models import Assignment, Quota, Staff, StaffStatus
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


def test_staff_create_records_who_and_search_text(world):
    user = officer(world)
    person = services.staff_create(
        by=user,
        placement={"unit": world.commune, "field": world.land, "category": "civil_servant", "position": None},
        staff_code="NV1",
        full_name="Nguyễn Văn Á",
        gender="male",
        birth_date=date(1990, 1, 1),
        qualification="bachelor",
        start_date=date(2025, 9, 1),
    )
    assert (person.version, person.search_text) == (1, "nguyen van a nv1")
    record = person.history.get()
    assert (record.history_type, record.history_user) == ("+", user)
    # The first placement starts the day the person joined and is recorded as joining the roll.
    [placed] = person.assignments.all()
    assert (placed.unit, placed.field, placed.valid_from, placed.valid_to, placed.change) == (
        world.commune,
        world.land,
        date(2025, 9, 1),
        None,
        "hire",
    )
    assert placed.history.get().history_user == user


def test_staff_create_runs_model_validation(world):
    with pytest.raises(ValidationError) as exc:
        services.staff_create(
            by=None,
            placement={"unit": world.commune, "field": world.land, "category": "civil_servant"},
            staff_code="NV1",
            full_name="A",
            gender="male",
            birth_date=date(2999, 1, 1),
            qualification="bachelor",
        )
    assert exc.value.message_dict == {"birth_date": ["The date of birth cannot be in the future."]}
    assert not Staff.objects.exists() and not Assignment.objects.exists()


def test_second_writer_with_an_old_version_is_refused(world):
    person = f.staff(world.commune, world.land, name="Nguyễn Văn A")
    first, second = officer(world), officer(world)
    services.staff_update(staff=person, by=first, version=1, full_name="Nguyễn Văn B")
    with pytest.raises(services.StaleVersion) as exc:
        services.staff_update(staff=person, by=second, version=1, full_name="Nguyễn Văn C")
    assert exc.value.current.full_name == "Nguyễn Văn B"
    assert exc.value.current.version == 2
    person.refresh_from_db()
    assert (person.full_name, person.version, person.history.count()) == ("Nguyễn Văn B", 2, 2)


def test_leaving_keeps_the_record_with_status_and_end_date_and_closes_the_placement(world):
    person = f.staff(world.commune, world.land)
    result = services.staff_leave(
        staff=person, by=None, version=1, status=StaffStatus.RETIRED, end_date=date(2026, 1, 31)
    )
    person.refresh_from_db()
    assert (person.status, person.end_date, person.version) == ("retired", date(2026, 1, 31), 2)
    assert result.done == []
    [placed] = person.assignments.all()
    assert placed.valid_to == date(2026, 1, 31)


def test_leaving_needs_a_leaving_status(world):
    person = f.staff(world.commune, world.land)
    with pytest.raises(ValidationError) as exc:
        services.staff_leave(staff=person, by=None, version=1, status="active", end_date=date(2026, 1, 31))
    assert exc.value.message_dict == {"status": ["Choose why the person leaves the roll."]}


def test_quota_set_adds_a_decision_and_corrects_one_of_the_same_date(world):
    official = officer(world, Role.PROVINCE_OFFICIAL)  # quotas are decided by the province
    kwargs = {"unit": world.commune, "field": world.land, "category": "civil_servant"}
    first = services.quota_set(
        by=official,
        count=3,
        decision_number="1/QĐ",
        decision_date=date(2025, 7, 1),
        effective_from=date(2025, 7, 1),
        **kwargs,
    )
    later = services.quota_set(
        by=official,
        count=5,
        decision_number="2/QĐ",
        decision_date=date(2026, 1, 1),
        effective_from=date(2026, 1, 1),
        **kwargs,
    )
    fixed = services.quota_set(
        by=official,
        count=4,
        decision_number="1/QĐ",
        decision_date=date(2025, 7, 1),
        effective_from=date(2025, 7, 1),
        version=1,
        **kwargs,
    )
    assert fixed.pk == first.pk and later.pk != first.pk
    assert sorted(Quota.objects.values_list("count", "version")) == [(4, 2), (5, 1)]
    with pytest.raises(services.StaleVersion):
        services.quota_set(
            by=official,
            count=9,
            decision_number="1/QĐ",
            decision_date=date(2025, 7, 1),
            effective_from=date(2025, 7, 1),
            version=1,
            **kwargs,
        )


def test_quota_update_refuses_negative_counts(world):
    quota = f.quota(world.commune, world.land, 3)
    official = officer(world, Role.PROVINCE_OFFICIAL)
    with pytest.raises(ValidationError) as exc:
        services.quota_update(quota=quota, by=official, version=1, count=-1)
    assert "Ensure this value is greater than or equal to 0." in exc.value.messages
    quota.refresh_from_db()
    assert (quota.count, quota.version) == (3, 1)


def test_import_apply_refuses_rows_changed_since_validation(world):
    person = f.staff(world.commune, world.land, name="A")
    plan = services.ImportPlan()
    stale = type(person).objects.get(pk=person.pk)
    stale.full_name = "B"
    plan.staff_changed.append((stale, ["full_name"]))
    services.staff_update(staff=person, by=None, version=1, full_name="C")
    with pytest.raises(services.StaleVersion):
        services.import_apply(plan=plan, by=None)
    person.refresh_from_db()
    assert person.full_name == "C"
