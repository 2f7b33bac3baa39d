"""Planner solver benchmark on synthetic provinces (no database): solve time, model size, optimum
against the LP relaxation bound and against the greedy baseline.

Two provinces built with a fixed seed: a realistic one (100 communes × 20 fields, 26 departments
with their public service units, ~7,000 candidates) and a large one (~3× the candidates, 168
communes, 40 departments). Each is solved twice to check that the proposal is the same. Target:
≤ 10 s per province, the optimum proven (status optimal) and within 1% of the LP bound::

    .venv/bin/python bench/planner_bench.py              # both provinces
    .venv/bin/python bench/planner_bench.py --only realistic --seed 7

Exits 1 when a province misses a target.
"""

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from planner.solver import (  # noqa: E402
    Candidate,
    Demand,
    Options,
    Problem,
    SendingQuota,
    Surplus,
    solve,
)

TARGET_SECONDS = 10.0
TARGET_GAP = 0.01

SIZES = {
    # name: (communes, fields, departments, public service units, department staff, commune staff)
    "realistic": (100, 20, 26, 20, 5_500, 1_500),
    "large": (168, 20, 40, 36, 16_500, 4_500),
}


def synthetic_province(seed, communes, fields, departments, service_units, dept_staff, commune_staff):
    """A province shaped like the ones the plans describe: most communes short in a few
    specialised fields, a third with a surplus in others; departments that send 5–7%."""
    rng = random.Random(seed)
    field_ids = list(range(1, fields + 1))
    specialised = set(field_ids[: fields // 2])  # land, finance, IT, … : short more often
    commune_ids = list(range(1000, 1000 + communes))
    demands, surpluses = [], []
    for c in commune_ids:
        disadvantaged = rng.random() < 0.15
        border = rng.random() < 0.08
        surplus_commune = rng.random() < 0.33
        for f in field_ids:
            r = rng.random()
            short_p = 0.55 if f in specialised else 0.2
            if r < short_p:
                shortage = rng.choice((1, 1, 1, 2, 2, 3, 4, 5))
                priority = f in specialised and rng.random() < 0.5
                weight = 1.0 + (1.0 if disadvantaged else 0.0) + (0.5 if border else 0.0) + (0.25 if priority else 0.0)
                leaders = 1 if rng.random() < 0.06 else 0
                demands.append(Demand(c, f, shortage, weight, priority, disadvantaged, border, leader_shortage=leaders))
            elif surplus_commune and r > 0.75:
                surpluses.append(Surplus(c, f, rng.choice((1, 1, 2, 2, 3, 4))))

    dept_ids = list(range(1, departments + 1))
    psu_ids = list(range(500, 500 + service_units))
    psu_parent = {p: rng.choice(dept_ids) for p in psu_ids}
    home_fields = {u: rng.sample(field_ids, rng.randint(2, 4)) for u in dept_ids + psu_ids}
    sizes = {u: rng.randint(40, 400) for u in dept_ids + psu_ids}
    scale = dept_staff / sum(sizes.values())
    candidates = []
    person = 1
    staff_of_quota = dict.fromkeys(dept_ids, 0)
    for u in dept_ids + psu_ids:
        quota_unit = psu_parent.get(u, u)
        for _ in range(max(5, round(sizes[u] * scale))):
            placed = rng.choice(home_fields[u]) if rng.random() < 0.8 else rng.choice(field_ids)
            major = _major(rng, placed, field_ids)
            candidates.append(
                Candidate(person, u, False, placed, major, rng.random() < 0.08, quota_unit if u in psu_parent else None)
            )
            staff_of_quota[quota_unit] += 1
            person += 1
    # Commune staff: the caller hands over everyone eligible; only surplus fields can send.
    surplus_cells = [(s.unit_id, s.field_id) for s in surpluses]
    for _ in range(commune_staff):
        if rng.random() < 0.7 and surplus_cells:
            c, placed = rng.choice(surplus_cells)
        else:
            c, placed = rng.choice(commune_ids), rng.choice(field_ids)
        major = _major(rng, placed, field_ids)
        candidates.append(Candidate(person, c, True, placed, major, rng.random() < 0.05))
        person += 1

    quotas = [SendingQuota(d, staff_of_quota[d] * 5 // 100, -(-staff_of_quota[d] * 7 // 100)) for d in dept_ids]
    dept_surplus = [Surplus(u, f, rng.choice((0, 0, 1, 2, 3))) for u in dept_ids + psu_ids for f in home_fields[u]]
    return Problem(tuple(demands), tuple(candidates), tuple(quotas), tuple(surpluses), tuple(dept_surplus), Options())


def _major(rng, placed, field_ids):
    r = rng.random()
    if r < 0.65:
        return placed
    if r < 0.9:
        return rng.choice(field_ids)
    return None


def run(name, seed):
    problem = synthetic_province(seed, *SIZES[name])
    t0 = time.perf_counter()
    first = solve(problem)
    wall = time.perf_counter() - t0
    second = solve(problem)
    same = first.moves == second.moves and first.senders == second.senders
    s = first.stats
    shortage = sum(d.shortage for d in problem.demands)
    print(f"== {name} province (seed {seed})")
    print(
        f"   input: {len(problem.demands)} short cells ({shortage} posts), {s.candidates} candidates "
        f"({s.usable_candidates} usable, {s.groups} groups), {len(problem.quotas)} sending quotas"
    )
    print(
        f"   model: {s.variables} variables ({s.integer_variables} integer), {s.constraints} constraints, "
        f"{s.nonzeros} nonzeros"
    )
    print(f"   time: {wall:.2f} s total, {s.solve_seconds:.2f} s in HiGHS; per solve:")
    for t in s.solves:
        print(f"      {t.name:<14} {t.value:>12.3f}  {t.status:<8} {t.method:<4} {t.seconds:.3f} s")
    print(f"   status {s.status}; weighted coverage {s.objective:.3f}, LP bound {s.lp_bound:.3f}, gap {s.gap:.4%}")
    g = s.greedy_tiers
    ratio = g["coverage"] / s.objective if s.objective else 1.0
    print(f"   greedy: weighted coverage {g['coverage']:.3f} ({ratio:.2%} of the optimum)")
    print("   tiers      " + "  ".join(f"{k}={v:g}" for k, v in s.tiers.items()))
    print("   greedy     " + "  ".join(f"{k}={v:g}" for k, v in g.items()))
    below = [r for r in first.senders if r.shortfall]
    causes = {}
    for u in first.unmet:
        causes[u.cause] = causes.get(u.cause, 0) + u.unmet
    print(
        f"   moves {len(first.moves)}; departments below minimum {len(below)}; unmet by cause "
        + ", ".join(f"{k} {v}" for k, v in sorted(causes.items()))
    )
    print(f"   same proposal on a second run: {same}")
    ok = wall <= TARGET_SECONDS and s.status == "optimal" and (s.gap or 0) <= TARGET_GAP and same
    print(f"   {'OK' if ok else 'MISSED'}: ≤ {TARGET_SECONDS:.0f} s, optimal, gap ≤ {TARGET_GAP:.0%}, deterministic")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=sorted(SIZES))
    args = parser.parse_args()
    names = [args.only] if args.only else list(SIZES)
    results = [run(name, args.seed) for name in names]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
