"""The planner on small worlds read from the database, with the optimum worked out by hand."""

from datetime import timedelta

import pytest

from planner import solver
from planner.selectors import build_problem
from planner.services import run_create
from secondments.models import Status
from staffing.models import Absence, AbsenceKind
from tests import factories as f
from tests.planner.worlds import START, World

pytestmark = pytest.mark.django_db


def _solve(w, **knobs):
    built = build_problem(province=w.province, plan=w.plan, start=START, knobs=knobs)
    return built, solver.solve(built.problem)


def _moves(proposal):
    return {(m.person_id, m.to_commune_id, m.field_id, m.match) for m in proposal.moves}


def test_demand_weights_and_supply_read_from_the_record(world):
    built, _p = _solve(world)
    demands = {(d.commune_id, d.field_id): d for d in built.problem.demands}
    # Ea Kao: quota 2, nobody → short 2; weight 1 + 2 (priority) + 1 (especially disadvantaged).
    assert demands[(world.x.pk, world.land.pk)].shortage == 2
    assert demands[(world.x.pk, world.land.pk)].weight == 4.0
    assert demands[(world.y.pk, world.land.pk)].shortage == 1
    assert demands[(world.y.pk, world.land.pk)].weight == 1.0
    assert len(demands) == 2  # Cư Êbur has a surplus, not a shortage
    # The four department staff and the three surplus-commune staff are candidates.
    assert {c.person_id for c in built.problem.candidates} == {
        p.pk for p in (world.a, world.b, world.c, world.d, world.e, world.g, world.h)
    }
    surplus = {(s.unit_id, s.field_id): s.count for s in built.problem.commune_surplus}
    assert surplus == {(world.z.pk, world.culture.pk): 2}
    assert [(q.unit_id, q.minimum, q.maximum) for q in built.problem.quotas] == [(world.dept.pk, 2, 2)]


def test_major_match_beats_placement_match_within_the_quota(world):
    # Three land posts: the department sends its two land graduates (An placed in land, Bình placed
    # in finance); Cư Êbur gives Em (a land graduate in its culture surplus). Cường, placed in land
    # but trained in finance, is not needed: expertise ranks the graduates first.
    _built, p = _solve(world)
    people = {m.person_id for m in p.moves}
    assert people == {world.a.pk, world.b.pk, world.e.pk}
    assert all(m.match == solver.MAJOR for m in p.moves)
    assert len(people) == len(p.moves)  # nobody proposed twice
    assert {(c.commune_id, c.shortage_after) for c in p.cells} == {(world.x.pk, 0), (world.y.pk, 0)}
    assert p.unmet == ()
    assert p.stats.objective == 9.0  # 2 × 4 + 1 × 1
    assert p.stats.lp_bound == pytest.approx(9.0)


def test_quota_cap_and_priority_weight_choose_the_commune(db):
    w = World(dept_quota=1, surplus_majors=(None, None))
    # One department person and no land graduate in the surplus (but the surplus commune's
    # culture staff cannot do land work): one land post can be covered, and it goes to the
    # priority, especially disadvantaged Ea Kao (weight 4) rather than Hòa Xuân (weight 1).
    _built, p = _solve(w)
    assert [(m.to_commune_id, m.person_id) for m in p.moves] in ([(w.x.pk, w.a.pk)], [(w.x.pk, w.b.pk)])
    unmet = {(u.commune_id, u.unmet, u.cause) for u in p.unmet}
    assert unmet == {(w.x.pk, 1, solver.LIMITS_REACHED), (w.y.pk, 1, solver.LIMITS_REACHED)}
    assert {u.commune_id: u.blocked for u in p.unmet}[w.y.pk].get(solver.DEPARTMENT_MAX_REACHED, 0) >= 1


def test_priority_on_the_other_commune_moves_the_person(db):
    w = World(dept_quota=1, surplus_majors=(None, None), priority_y=True)
    w.x.is_disadvantaged = False
    w.x.save()
    _built, p = _solve(w)
    # Hòa Xuân is now the priority commune (weight 3) and Ea Kao weighs 1: Hòa Xuân gets the one.
    assert [m.to_commune_id for m in p.moves] == [w.y.pk]


def test_surplus_commune_is_never_taken_below_quota(db):
    w = World(dept_quota=0, surplus_majors=("land", "land"))
    w.h.major_field = w.land
    w.h.save()
    # Three land graduates in Cư Êbur's culture surplus of 2, three land posts short: only two go.
    _built, p = _solve(w)
    assert len(p.moves) == 2
    assert all(m.from_unit_id == w.z.pk for m in p.moves)
    assert [(s.surplus_before, s.sent, s.surplus_after) for s in p.sender_fields] == [(2, 2, 0)]
    assert sum(u.unmet for u in p.unmet) == 1


def test_department_minimum_out_of_reach_says_why(db):
    w = World(percent=(50, 100), surplus_majors=(None, None))
    # 50–100 % of four people: at least 2, at most 4. Only land is short (3 posts) and three of the
    # four can do land work: the department sends 3 and meets its minimum.
    _built, p = _solve(w)
    (sender,) = p.senders
    assert (sender.minimum, sender.maximum, sender.sent, sender.shortfall) == (2, 4, 3, 0)
    # With only one land post short, the minimum of 2 cannot be reached: not enough demand.
    f.staff(w.x, w.land)
    f.staff(w.x, w.land)
    _built, p = _solve(w)
    (sender,) = p.senders
    assert (sender.sent, sender.shortfall, sender.reason) == (1, 1, solver.NOT_ENOUGH_DEMAND_IN_ITS_FIELDS)


def test_unmet_without_anyone_in_the_field_is_a_recruitment_need(world):
    f.quota(world.y, world.finance, 3)
    world.b.major_field = None
    world.b.save()
    # Finance only: the department's finance people (Bình, Dung; Cường trained in finance) can go,
    # but its quota is 2: Hòa Xuân's finance (3 short) gets 2 and 1 stays unmet (limits reached).
    _built, p = _solve(world, fields=[world.finance.pk], include_communes=False)
    assert len(p.moves) == 2
    (u,) = p.unmet
    assert (u.unmet, u.cause) == (1, solver.LIMITS_REACHED)
    # A field nobody in the province works or trained in: a recruitment need.
    it = f.field("it", "Công nghệ thông tin", "IT", sort_order=4)
    f.quota(world.y, it, 2)
    _built, p = _solve(world, fields=[it.pk])
    assert p.moves == ()
    assert [(u.cause, u.unmet) for u in p.unmet] == [(solver.NO_CANDIDATE_IN_FIELD, 2)]
    assert p.recruitment_needs == {it.pk: 2}


def test_absent_busy_and_retiring_people_are_not_candidates(world):
    Absence.objects.create(
        person=world.a,
        kind=AbsenceKind.STUDY,
        start_date=START - timedelta(days=10),
        end_date=START + timedelta(days=5),
    )
    f.movement(
        world.b, world.y, start=START + timedelta(days=30), end=START + timedelta(days=60), status=Status.PROPOSED
    )
    world.c.birth_date = START.replace(year=START.year - 62, day=1) - timedelta(days=1)
    world.c.save()
    built, _p = _solve(world)
    ids = {c.person_id for c in built.problem.candidates}
    assert world.a.pk not in ids  # absent on the start date
    assert world.b.pk not in ids  # a movement during the period
    assert world.c.pk not in ids  # reaches retirement age before the movement would end
    assert world.d.pk in ids


def test_pending_moves_count_so_a_rerun_plans_only_what_is_left(world):
    run = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    assert run.status == "done", run.error
    assert run.result["stats"]["moves"] == 3
    from planner.services import accept_moves

    accept_moves(run=run, by=world.official)
    again = run_create(by=world.official, province=world.province, plan=world.plan, start_date=START, inline=True)
    assert again.result["moves"] == []
    assert again.result["cells"] == []  # nothing left short
