"""The solver's optimum against brute force on small random worlds, and its building blocks."""

import itertools
import random
from collections import Counter
from fractions import Fraction

import pytest

from planner import solver as s
from planner.solver import Candidate, Demand, SendingQuota, Surplus, problem_from, solve

FIELDS = ("land", "finance", "culture")
COMMUNES = ("A", "B", "C")


def random_world(seed):
    rng = random.Random(seed)
    demands = []
    for c in COMMUNES:
        for f in FIELDS:
            if rng.random() < 0.5:
                shortage = rng.randint(1, 2)
                leaders = rng.choice((0, 0, 1)) if shortage else 0
                demands.append(Demand(c, f, shortage, rng.choice((1.0, 1.5, 2.0)), leader_shortage=leaders))
    people = []
    for i in range(5):
        placed = rng.choice(FIELDS)
        major = rng.choice((*FIELDS, None))
        leader = rng.random() < 0.2
        if rng.random() < 0.35:
            people.append(Candidate(f"p{i}", rng.choice(COMMUNES), True, placed, major, leader))
        else:
            people.append(Candidate(f"p{i}", rng.choice(("D1", "D2")), False, placed, major, leader))
    quotas = [SendingQuota("D1", rng.randint(0, 2), 2), SendingQuota("D2", rng.randint(0, 1), 3)]
    commune_surplus = [Surplus(c, f, rng.randint(0, 2)) for c in COMMUNES for f in FIELDS if rng.random() < 0.4]
    department_surplus = [Surplus(d, f, rng.randint(0, 1)) for d in ("D1", "D2") for f in FIELDS]
    return demands, people, quotas, commune_surplus, department_surplus


def brute_force(demands, people, quotas, commune_surplus, department_surplus):
    """The lexicographically best tier values over every assignment, computed independently."""
    quota = {q.unit_id: q for q in quotas}
    csur = {(x.unit_id, x.field_id): x.count for x in commune_surplus}
    dsur = {(x.unit_id, x.field_id): x.count for x in department_surplus}
    choices = []
    for p in people:
        options = [None]
        usable = csur.get((p.unit_id, p.placed_field_id), 0) > 0 if p.unit_is_commune else quota[p.unit_id].maximum > 0
        for di, d in enumerate(demands):
            if not usable or (p.unit_is_commune and p.unit_id == d.commune_id):
                continue
            if p.is_leader and d.leader_shortage == 0:
                continue
            if d.field_id == p.major_field_id:
                options.append((di, "major"))
            elif d.field_id == p.placed_field_id:
                options.append((di, "placement"))
        choices.append(options)
    best = None
    for assignment in itertools.product(*choices):
        filled, leaders, sent_c, sent_q, sent_uf = Counter(), Counter(), Counter(), Counter(), Counter()
        for p, choice in zip(people, assignment, strict=True):
            if choice is None:
                continue
            filled[choice[0]] += 1
            leaders[choice[0]] += p.is_leader
            if p.unit_is_commune:
                sent_c[(p.unit_id, p.placed_field_id)] += 1
            else:
                sent_q[p.unit_id] += 1
                sent_uf[(p.unit_id, p.placed_field_id)] += 1
        if any(filled[di] > d.shortage or leaders[di] > d.leader_shortage for di, d in enumerate(demands)):
            continue
        if any(n > csur.get(key, 0) for key, n in sent_c.items()):
            continue
        if any(n > quota[q].maximum for q, n in sent_q.items()):
            continue
        chosen = [c for c in assignment if c is not None]
        key = (
            -sum(round(demands[di].weight * 1000) for di, _kind in chosen),
            -sum(kind == "major" for _di, kind in chosen),
            sum(max(0, n - dsur.get(k, 0)) for k, n in sent_uf.items()),
            sum(max(0, q.minimum - sent_q[q.unit_id]) for q in quotas),
            sum(Fraction(n * (n + 1), 2 * quota[q].maximum) for q, n in sent_q.items()),
            len(chosen),
        )
        if best is None or key < best:
            best = key
    return best


@pytest.mark.parametrize("seed", range(24))
def test_optimum_matches_brute_force_and_the_branching_path(seed):
    world = random_world(seed)
    expected = brute_force(*world)
    for lp_first in (True, False):
        result = solve(problem_from(*world, lp_first=lp_first))
        t = result.stats.tiers
        got = (
            -round(t["coverage"] * 1000),
            -t["expertise"],
            t["surplus_first"],
            t["minimums"],
            t["spread"],
            t["moves"],
        )
        assert got[:4] == expected[:4] and got[5] == expected[5], (seed, lp_first)
        assert got[4] == pytest.approx(float(expected[4])), (seed, lp_first)
        assert result.stats.status == s.OPTIMAL
        assert result.stats.lp_bound >= result.stats.objective - 1e-9
        assert len(result.moves) == t["moves"]
        assert not any(u.cause == s.NOT_CHOSEN for u in result.unmet)
        assert all(s.NOT_CHOSEN not in u.blocked for u in result.unmet)


@pytest.mark.parametrize("seed", range(40))
def test_split_node_never_joins_a_label_to_itself(seed):
    rng = random.Random(seed)
    labels = range(rng.randint(2, 7))
    while True:
        supply = {label: rng.randint(0, 5) for label in labels}
        total = sum(supply.values())
        demand = dict.fromkeys(labels, 0)
        for _ in range(total):
            demand[rng.choice(labels)] += 1
        if total and all(supply[label] + demand[label] <= total for label in labels):
            break
    flows = s._split_node(supply, demand)
    assert all(src != dst and k > 0 for src, dst, k in flows)
    out, into = Counter(), Counter()
    for src, dst, k in flows:
        out[src] += k
        into[dst] += k
    assert {k: v for k, v in supply.items() if v} == dict(out)
    assert {k: v for k, v in demand.items() if v} == dict(into)


def test_split_node_with_two_tight_labels():
    # Labels 0 and 1 each carry the whole total: everything must cross between them.
    assert sorted(s._split_node({0: 2, 1: 3}, {0: 3, 1: 2})) == [(0, 1, 2), (1, 0, 3)]
