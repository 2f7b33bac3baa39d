"""Accepting a run's moves: draft movements in the plan through the movement services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from planner.services import accept_moves, run_create
from secondments.models import Kind, Secondment, Status
from tests import factories as f
from tests.planner.worlds import START

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    return run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)


def test_accepted_moves_are_drafts_that_pass_the_services_rules(world, run):
    created = accept_moves(run=run, by=world.official)
    assert len(created) == 3
    for m in Secondment.objects.filter(pk__in=[c.pk for c in created]):
        assert m.status == Status.DRAFT
        assert m.plan_id == world.plan.pk
        assert m.start_date == START
        m.full_clean()  # the movement's own rules hold
        if m.from_unit_id == world.dept.pk:
            assert m.kind == Kind.SECONDMENT
            assert (m.planned_end_date - m.start_date).days + 1 == 180
        else:
            assert (m.kind, m.from_unit_id, m.planned_end_date) == (Kind.TRANSFER, world.z.pk, None)
        assert m.history.count() == 1  # created with history, by the official
        assert m.history.first().history_user == world.official


def test_accepting_twice_creates_nothing_new(world, run):
    first = accept_moves(run=run, by=world.official, indexes=[0])
    assert len(first) == 1
    run.refresh_from_db()
    rest = accept_moves(run=run, by=world.official)
    assert len(rest) == 2
    run.refresh_from_db()
    assert accept_moves(run=run, by=world.official) == []
    assert Secondment.objects.count() == 3
    assert sorted(run.accepted) == ["0", "1", "2"]


def test_one_invalid_move_leaves_nothing_written(world, run):
    # Em (from Cư Êbur) leaves the roll after the run: his move is refused, and with it the others.
    em = next(m for m in run.moves if m["person"] == world.e.pk)
    world.e.status = "retired"
    world.e.end_date = START
    world.e.save()
    with pytest.raises(ValidationError) as exc:
        accept_moves(run=run, by=world.official)
    assert "Hoàng Văn Em" in str(exc.value)
    assert f"Move {em['index'] + 1}" in str(exc.value)
    assert Secondment.objects.count() == 0
    run.refresh_from_db()
    assert run.accepted == {}


def test_only_the_province_official_accepts(world, run):
    for user in (
        f.user(Role.DEPARTMENT_OFFICER, unit=world.dept),
        f.user(Role.NATIONAL_VIEWER),
        f.user(Role.PROVINCE_OFFICIAL, prov=f.province("48", "Thành phố Đà Nẵng")),
    ):
        with pytest.raises(PermissionDenied):
            accept_moves(run=run, by=user)
    assert Secondment.objects.count() == 0


@pytest.mark.parametrize("indexes", [[99], [-1], ["x"], []])
def test_bad_move_numbers_are_refused(world, run, indexes):
    with pytest.raises(ValidationError):
        accept_moves(run=run, by=world.official, indexes=indexes)
    assert Secondment.objects.count() == 0


def test_a_run_for_another_provinces_plan_is_refused(world):
    other = f.province("48", "Thành phố Đà Nẵng")
    with pytest.raises(ValidationError):
        run_create(by=f.user(Role.PROVINCE_OFFICIAL, prov=other), province=other, plan=world.plan, start_date=START)
