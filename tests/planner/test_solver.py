"""Small worlds whose optimal proposal is worked out by hand (no database)."""

import random

import pytest

from planner import solver as s
from planner.solver import Candidate, Demand, SendingQuota, Surplus, problem_from, solve

LAND, FINANCE, CULTURE, JUSTICE, IT = "land", "finance", "culture", "justice", "it"


def dept(person, unit, placed, major=None, *, leader=False, quota_unit=None, rank=0):
    return Candidate(person, unit, False, placed, major, leader, quota_unit, rank)


def commune(person, unit, placed, major=None, *, leader=False):
    return Candidate(person, unit, True, placed, major, leader)


def moves_of(proposal):
    return [(m.person_id, m.to_commune_id, m.field_id, m.match) for m in proposal.moves]


def sender(proposal, unit):
    return next(r for r in proposal.senders if r.unit_id == unit)


def unmet_of(proposal, commune_id, field_id):
    return next(u for u in proposal.unmet if (u.commune_id, u.field_id) == (commune_id, field_id))


def assert_consistent(proposal):
    """The tier values the solver fixed are the ones of the moves it returns."""
    solved = {t.name: t.value for t in proposal.stats.solves}
    for name, value in solved.items():
        assert proposal.stats.tiers[name] == pytest.approx(value), name
    assert len({m.person_id for m in proposal.moves}) == len(proposal.moves)
    assert all(m.from_unit_id != m.to_commune_id for m in proposal.moves)


def test_major_match_ranks_above_placement_match():
    # P is placed in land (trained in finance); M is trained in land (placed in culture). One post.
    demands = [Demand("A", LAND, 1)]
    people = [dept("P", "D1", LAND, FINANCE), dept("M", "D2", CULTURE, LAND)]
    quotas = [SendingQuota("D1", 0, 5), SendingQuota("D2", 0, 5)]
    result = solve(problem_from(demands, people, quotas))
    assert moves_of(result) == [("M", "A", LAND, s.MAJOR)]
    assert result.moves[0].reasons == (s.MAJOR_MATCH, s.WITHIN_SENDING_QUOTA)
    assert result.stats.tiers["expertise"] == 1
    assert_consistent(result)

    # Two posts: both go, M as a major match, P as a placement match.
    result = solve(problem_from([Demand("A", LAND, 2)], people, quotas))
    assert moves_of(result) == [("M", "A", LAND, s.MAJOR), ("P", "A", LAND, s.PLACEMENT)]


def test_sending_maximum_caps_a_department_and_the_rest_is_reported():
    # D may send 2 of its 3 land people, E 1 of 1. A (weight 2) is filled first: 2 + 1 of 2 at B.
    demands = [Demand("A", LAND, 2, weight=2.0), Demand("B", LAND, 2, weight=1.0)]
    people = [dept(f"d{i}", "D", LAND) for i in range(3)] + [dept("e1", "E", LAND)]
    quotas = [SendingQuota("D", 0, 2), SendingQuota("E", 0, 1)]
    result = solve(problem_from(demands, people, quotas))
    assert_consistent(result)
    assert sender(result, "D").sent == 2 and sender(result, "E").sent == 1
    assert [(c.commune_id, c.shortage_before, c.covered, c.shortage_after) for c in result.cells] == [
        ("A", 2, 2, 0),
        ("B", 2, 1, 1),
    ]
    gap = unmet_of(result, "B", LAND)
    assert (gap.unmet, gap.cause, gap.blocked, gap.used_elsewhere) == (
        1,
        s.LIMITS_REACHED,
        {s.DEPARTMENT_MAX_REACHED: 1},
        2,
    )
    assert result.stats.objective == 5.0 and result.stats.lp_bound == 5.0 and result.stats.gap == 0.0
    # The move's numbers for "… from D, which sends 2 of 0–2".
    move = next(m for m in result.moves if m.from_unit_id == "D")
    assert (move.sender_sent, move.sender_minimum, move.sender_maximum) == (2, 0, 2)


def test_unreachable_minimums_are_reported_with_their_reason():
    demands = [Demand("A", LAND, 5), Demand("A", FINANCE, 2), Demand("B", JUSTICE, 1)]
    people = [
        # D1: minimum 3 but only 2 people.
        dept("a1", "D1", LAND),
        dept("a2", "D1", LAND),
        # D2: its people are in culture, where nobody is short.
        dept("b1", "D2", CULTURE),
        # D3: minimum 2, one person in a demanded field, two in culture.
        dept("c1", "D3", LAND),
        dept("c2", "D3", CULTURE),
        dept("c3", "D3", CULTURE),
        # D4: minimum 3, four finance people, but only 2 finance posts short.
        *[dept(f"f{i}", "D4", FINANCE) for i in range(4)],
        # D5: minimum 1, a justice placement; D6 has a justice graduate for the only justice post.
        dept("j5", "D5", JUSTICE),
        dept("j6", "D6", CULTURE, JUSTICE),
    ]
    quotas = [
        SendingQuota("D1", 3, 5),
        SendingQuota("D2", 1, 3),
        SendingQuota("D3", 2, 3),
        SendingQuota("D4", 3, 4),
        SendingQuota("D5", 1, 2),
        SendingQuota("D6", 0, 2),
    ]
    result = solve(problem_from(demands, people, quotas))
    assert_consistent(result)
    reasons = {r.unit_id: (r.sent, r.shortfall, r.reason) for r in result.senders}
    assert reasons == {
        "D1": (2, 1, s.NOT_ENOUGH_ELIGIBLE_PEOPLE),
        "D2": (0, 1, s.NO_DEMAND_IN_ITS_FIELDS),
        "D3": (1, 1, s.NOT_ENOUGH_PEOPLE_IN_DEMANDED_FIELDS),
        "D4": (2, 1, s.NOT_ENOUGH_DEMAND_IN_ITS_FIELDS),
        "D5": (0, 1, s.DEMAND_COVERED_BY_BETTER_MATCHES),
        "D6": (1, 0, None),
    }
    assert ("j6", "B", JUSTICE, s.MAJOR) in moves_of(result)
    assert sender(result, "D4").matching_shortage == 2
    assert result.stats.tiers["minimums"] == 5


def test_a_minimum_outranks_the_spread():
    # One post, two equal placement matches: D7 (0 sent of minimum 1, max 2) and D8 (max 10).
    # The spread alone would pick D8 (1/10 < 1/2); reaching D7's minimum comes first.
    demands = [Demand("A", LAND, 1)]
    people = [dept("p7", "D7", LAND), dept("p8", "D8", LAND)]
    result = solve(problem_from(demands, people, [SendingQuota("D7", 1, 2), SendingQuota("D8", 0, 10)]))
    assert moves_of(result) == [("p7", "A", LAND, s.PLACEMENT)]
    result = solve(problem_from(demands, people, [SendingQuota("D7", 0, 2), SendingQuota("D8", 0, 10)]))
    assert moves_of(result) == [("p8", "A", LAND, s.PLACEMENT)]


def test_spread_is_proportional_to_the_maximums():
    # Six posts, D1 (max 10) and D2 (max 5) each with ten land people. Cost Σ s(s+1)/(2·max):
    # (6,0) 2.1; (5,1) 1.5+0.2 = 1.7; (4,2) 1.0+0.6 = 1.6; (3,3) 0.6+1.2 = 1.8 → 4 and 2.
    demands = [Demand(c, LAND, 2) for c in ("A", "B", "C")]
    people = [dept(f"x{i}", "D1", LAND) for i in range(10)] + [dept(f"y{i}", "D2", LAND) for i in range(10)]
    result = solve(problem_from(demands, people, [SendingQuota("D1", 0, 10), SendingQuota("D2", 0, 5)]))
    assert (sender(result, "D1").sent, sender(result, "D2").sent) == (4, 2)
    assert result.stats.tiers["spread"] == pytest.approx(1.6)
    # People are taken in (rank, id) order within interchangeable ones.
    assert sorted(m.person_id for m in result.moves if m.from_unit_id == "D1") == ["x0", "x1", "x2", "x3"]
    assert_consistent(result)


def test_surplus_communes_are_never_pushed_below_quota():
    # Commune S has a surplus of 1 in culture and three culture staff trained in land.
    demands = [Demand("A", LAND, 3)]
    people = [commune(f"s{i}", "S", CULTURE, LAND) for i in range(3)] + [commune("t1", "T", FINANCE, LAND)]
    result = solve(problem_from(demands, people, [], [Surplus("S", CULTURE, 1)]))
    assert moves_of(result) == [("s0", "A", LAND, s.MAJOR)]
    assert result.moves[0].reasons == (s.MAJOR_MATCH, s.FROM_COMMUNE_SURPLUS)
    assert [(f.commune_id, f.field_id, f.surplus_before, f.sent, f.surplus_after) for f in result.sender_fields] == [
        ("S", CULTURE, 1, 1, 0)
    ]
    gap = unmet_of(result, "A", LAND)
    assert (gap.unmet, gap.cause) == (2, s.LIMITS_REACHED)
    assert gap.blocked == {s.COMMUNE_SURPLUS_USED: 2, s.NO_COMMUNE_SURPLUS: 1}

    # With surplus communes switched off nobody moves.
    result = solve(problem_from(demands, people, [], [Surplus("S", CULTURE, 1)], communes_may_send=False))
    assert result.moves == ()
    assert unmet_of(result, "A", LAND).blocked == {s.COMMUNE_SENDERS_OFF: 4}


def test_surplus_is_taken_before_creating_a_gap():
    # D1 is at its own quota in land, D2 one above it; either can fill the post.
    demands = [Demand("A", LAND, 1)]
    people = [dept("p1", "D1", LAND), dept("p2", "D2", LAND)]
    quotas = [SendingQuota("D1", 0, 3), SendingQuota("D2", 0, 3)]
    result = solve(problem_from(demands, people, quotas, [], [Surplus("D2", LAND, 1)]))
    assert moves_of(result) == [("p2", "A", LAND, s.PLACEMENT)]
    assert result.moves[0].reasons == (s.PLACEMENT_MATCH, s.FROM_DEPARTMENT_SURPLUS)
    assert result.moves[0].from_surplus is True
    # Two posts: the second one has to create a gap in D1.
    result = solve(problem_from([Demand("A", LAND, 2)], people, quotas, [], [Surplus("D2", LAND, 1)]))
    assert result.stats.tiers["surplus_first"] == 1
    assert sender(result, "D1").gaps_created == 1 and sender(result, "D2").gaps_created == 0
    # Surplus first outranks a department's minimum: D1 (minimum 1, no surplus) stays at 0.
    quotas_min = [SendingQuota("D1", 1, 3), SendingQuota("D2", 0, 3)]
    result = solve(problem_from(demands, people, quotas_min, [], [Surplus("D2", LAND, 1)]))
    assert moves_of(result) == [("p2", "A", LAND, s.PLACEMENT)]
    assert (sender(result, "D1").shortfall, sender(result, "D1").reason) == (1, s.DEMAND_COVERED_BY_BETTER_MATCHES)
    # A surplus commune beats a department with no surplus in the field.
    people = [dept("p1", "D1", LAND), commune("s1", "S", LAND)]
    result = solve(problem_from(demands, people, quotas[:1], [Surplus("S", LAND, 1)], []))
    assert moves_of(result) == [("s1", "A", LAND, s.PLACEMENT)]


@pytest.mark.parametrize(("weight_a", "weight_b", "goes_to"), [(1.0, 2.0, "B"), (2.0, 1.0, "A")])
def test_priority_weights_change_the_choice(weight_a, weight_b, goes_to):
    demands = [
        Demand("A", LAND, 1, weight=weight_a, border=weight_a > weight_b),
        Demand("B", LAND, 1, weight=weight_b, disadvantaged=weight_b > weight_a, priority=True),
    ]
    result = solve(problem_from(demands, [dept("p", "D", LAND)], [SendingQuota("D", 0, 1)]))
    assert moves_of(result) == [("p", goes_to, LAND, s.PLACEMENT)]
    flags = (s.BORDER,) if goes_to == "A" else (s.PRIORITY_COMMUNE, s.DISADVANTAGED)
    assert result.moves[0].reasons == (s.PLACEMENT_MATCH, *flags, s.WITHIN_SENDING_QUOTA)
    other = "B" if goes_to == "A" else "A"
    gap = unmet_of(result, other, LAND)
    assert (gap.cause, gap.used_elsewhere, gap.blocked) == (s.SUPPLY_EXHAUSTED, 1, {})


def test_a_person_eligible_for_two_communes_goes_once():
    demands = [Demand("A", LAND, 1), Demand("B", FINANCE, 1)]
    people = [dept("p", "D", LAND, FINANCE)]
    result = solve(problem_from(demands, people, [SendingQuota("D", 0, 5)]))
    # The finance post takes the finance graduate (expertise); the land post stays unmet.
    assert moves_of(result) == [("p", "B", FINANCE, s.MAJOR)]
    gap = unmet_of(result, "A", LAND)
    assert (gap.unmet, gap.cause, gap.used_elsewhere) == (1, s.SUPPLY_EXHAUSTED, 1)


def test_unmet_shortage_causes_and_recruitment_needs():
    demands = [Demand("A", IT, 2), Demand("A", LAND, 1), Demand("B", JUSTICE, 1, leader_shortage=0)]
    people = [
        # A's own culture surplus includes a land graduate: only an internal reassignment helps.
        commune("a1", "A", CULTURE, LAND),
        # A justice leader, but B's justice post is not a leadership post.
        dept("l1", "D", JUSTICE, leader=True),
        # A land person in a department without a sending quota in this plan.
        dept("n1", "N", LAND),
    ]
    result = solve(problem_from(demands, people, [SendingQuota("D", 0, 2)], [Surplus("A", CULTURE, 1)]))
    assert result.moves == ()
    causes = {(u.commune_id, u.field_id): (u.unmet, u.cause, u.blocked, u.same_commune) for u in result.unmet}
    assert causes == {
        ("A", IT): (2, s.NO_CANDIDATE_IN_FIELD, {}, 0),
        ("A", LAND): (1, s.LIMITS_REACHED, {s.NO_SENDING_QUOTA: 1}, 1),
        ("B", JUSTICE): (1, s.LIMITS_REACHED, {s.LEADER_NOT_NEEDED: 1}, 0),
    }
    assert result.recruitment_needs == {IT: 2}

    # Without N's person, A's land gap can only be filled from within A.
    result = solve(problem_from(demands, people[:2], [SendingQuota("D", 0, 2)], [Surplus("A", CULTURE, 1)]))
    assert unmet_of(result, "A", LAND).cause == s.ONLY_IN_SAME_COMMUNE


def test_leaders_fill_only_short_leadership_posts():
    demands = [Demand("A", JUSTICE, 2, leader_shortage=1), Demand("B", JUSTICE, 1)]
    people = [dept("l1", "D", JUSTICE, leader=True), dept("l2", "D", JUSTICE, leader=True), dept("p", "D", JUSTICE)]
    result = solve(problem_from(demands, people, [SendingQuota("D", 0, 5)]))
    # One leader to A's leadership post; the other leader stays; the non-leader fills one post.
    leaders = [m for m in result.moves if m.is_leader]
    assert [(m.person_id, m.to_commune_id) for m in leaders] == [("l1", "A")]
    assert s.LEADER_POST in leaders[0].reasons
    assert len(result.moves) == 2 and result.stats.objective == 2.0
    result = solve(problem_from(demands, people, [SendingQuota("D", 0, 5)], allow_leaders=False))
    assert all(not m.is_leader for m in result.moves) and len(result.moves) == 1


def test_a_commune_never_sends_to_itself():
    # A and B both have a culture surplus of 1 with a land graduate; both are short in land.
    demands = [Demand("A", LAND, 1), Demand("B", LAND, 1)]
    people = [commune("a1", "A", CULTURE, LAND), commune("b1", "B", CULTURE, LAND)]
    result = solve(problem_from(demands, people, [], [Surplus("A", CULTURE, 1), Surplus("B", CULTURE, 1)]))
    assert moves_of(result) == [("b1", "A", LAND, s.MAJOR), ("a1", "B", LAND, s.MAJOR)]
    assert_consistent(result)


def test_greedy_is_worse_than_the_optimum_here_and_the_optimum_meets_the_lp_bound():
    # Greedy takes the larger demand first (land, weight 3) and gives it X, the land graduate
    # placed in finance; finance then has nobody. The optimum sends X to finance and Y to land.
    demands = [Demand("c1", LAND, 1, weight=3.0), Demand("c2", FINANCE, 1, weight=2.0)]
    people = [dept("X", "D", FINANCE, LAND), dept("Y", "D", LAND)]
    result = solve(problem_from(demands, people, [SendingQuota("D", 0, 5)]))
    assert moves_of(result) == [("Y", "c1", LAND, s.PLACEMENT), ("X", "c2", FINANCE, s.PLACEMENT)]
    stats = result.stats
    assert (stats.objective, stats.greedy_objective, stats.lp_bound, stats.gap) == (5.0, 3.0, 5.0, 0.0)
    assert stats.greedy_tiers["expertise"] == 1 and stats.tiers["expertise"] == 0
    assert stats.status == s.OPTIMAL
    assert stats.variables > 0 and stats.constraints > 0 and stats.integer_variables > 0


def test_same_input_in_any_order_gives_the_same_proposal():
    rng = random.Random(3)
    fields = [LAND, FINANCE, CULTURE, JUSTICE, IT]
    communes = [f"C{i}" for i in range(8)]
    demands = [Demand(c, f, rng.randint(1, 3), rng.choice((1.0, 1.5, 2.0))) for c in communes for f in fields[:3]]
    people = [
        dept(f"p{i}", rng.choice(("D1", "D2", "D3")), rng.choice(fields), rng.choice(fields + [None]))
        for i in range(40)
    ] + [commune(f"q{i}", rng.choice(communes), CULTURE, rng.choice(fields)) for i in range(10)]
    quotas = [SendingQuota("D1", 2, 6), SendingQuota("D2", 1, 4), SendingQuota("D3", 0, 5)]
    surplus = [Surplus(c, CULTURE, 1) for c in communes[:4]]
    first = solve(problem_from(demands, people, quotas, surplus))
    rng.shuffle(demands)
    rng.shuffle(people)
    rng.shuffle(quotas)
    second = solve(problem_from(demands, people, quotas, surplus))
    assert first.moves and first.moves == second.moves
    assert (first.senders, first.cells, first.unmet) == (second.senders, second.cells, second.unmet)
    assert first.stats.tiers == second.stats.tiers
    assert_consistent(first)


def test_options_limit_the_planned_fields_and_communes():
    demands = [Demand("A", LAND, 1), Demand("A", FINANCE, 1), Demand("B", LAND, 1)]
    people = [dept("p", "D", LAND), dept("q", "D", FINANCE)]
    quotas = [SendingQuota("D", 0, 5)]
    result = solve(problem_from(demands, people, quotas, fields=frozenset({LAND}), communes=frozenset({"B"})))
    assert moves_of(result) == [("p", "B", LAND, s.PLACEMENT)]
    assert [(c.commune_id, c.field_id) for c in result.cells] == [("B", LAND)]


def test_public_service_units_count_against_their_department():
    demands = [Demand("A", LAND, 3)]
    people = [dept("d1", "D", LAND), dept("u1", "U", LAND, quota_unit="D"), dept("u2", "U", LAND, quota_unit="D")]
    result = solve(problem_from(demands, people, [SendingQuota("D", 0, 2)]))
    assert len(result.moves) == 2 and sender(result, "D").sent == 2 and sender(result, "D").candidates == 3
    assert {m.quota_unit_id for m in result.moves} == {"D"}


@pytest.mark.parametrize(
    ("problem", "code"),
    [
        (problem_from([Demand("A", LAND, 1), Demand("A", LAND, 2)], []), "duplicate_demand"),
        (problem_from([Demand("A", LAND, -1)], []), "bad_shortage"),
        (problem_from([Demand("A", LAND, 1, weight=0.0)], []), "bad_weight"),
        (problem_from([Demand("A", LAND, 1, leader_shortage=2)], []), "bad_leader_shortage"),
        (problem_from([], [dept("p", "D", LAND), dept("p", "E", LAND)]), "duplicate_person"),
        (problem_from([], [], [SendingQuota("D", 3, 2)]), "bad_quota"),
        (problem_from([], [], [], [Surplus("A", LAND, -1)]), "bad_surplus"),
    ],
)
def test_bad_input_is_refused_with_a_code(problem, code):
    with pytest.raises(s.PlannerInputError) as err:
        solve(problem)
    assert err.value.code == code


def test_nothing_to_do():
    result = solve(problem_from([], []))
    assert result.moves == () and result.unmet == () and result.stats.objective == 0.0
    assert result.stats.status == s.OPTIMAL


def test_a_run_stopped_by_its_time_limit_says_so():
    demands = [Demand("A", LAND, 1)]
    result = solve(problem_from(demands, [dept("p", "D", LAND)], [SendingQuota("D", 0, 1)], time_limit=0))
    assert result.stats.status == s.FEASIBLE and result.moves == ()
    gap = unmet_of(result, "A", LAND)
    assert (gap.cause, gap.blocked) == (s.NOT_CHOSEN, {s.NOT_CHOSEN: 1})
