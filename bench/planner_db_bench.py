"""Planner benchmark on the database (PostgreSQL, national demo data): for each province's demo
plan, the problem is built from the record (``planner.selectors.build_problem``) and solved
(``planner.solver.solve``) exactly as a run does; nothing is written.

Prints per province: people on the roll, demands, candidates (usable), groups, model size
(variables / integer variables / constraints / non-zeros), seconds to read the record and to
solve, status, the optimum against the LP relaxation bound (gap) and against the greedy
baseline, and the number of moves. Targets: ≤ 10 s per province (read + solve) and the optimum
proven or within 1 % of the LP bound::

    DATABASE_URL=postgres://… .venv/bin/python bench/planner_db_bench.py --province 66
    DATABASE_URL=postgres://… .venv/bin/python bench/planner_db_bench.py --province largest
    DATABASE_URL=postgres://… .venv/bin/python bench/planner_db_bench.py --province all
    … --all-fields    # every field short, not only the plan's priority fields

Exits 1 when a province misses a target.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from communes.models import Province  # noqa: E402
from planner import solver  # noqa: E402
from planner.selectors import build_problem  # noqa: E402
from secondments.models import Plan  # noqa: E402
from staffing.models import Assignment  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_GAP = 0.01


def roll_sizes(day):
    return dict(
        Assignment.objects.in_force_on(day).values_list("unit__province__code").annotate(n=Count("pk")).order_by()
    )


def bench(province, plan, day, knobs):
    started = time.perf_counter()
    built = build_problem(province=province, plan=plan, start=day, knobs=knobs)
    read = time.perf_counter() - started
    proposal = solver.solve(built.problem)
    total = time.perf_counter() - started
    return built, proposal, read, total


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", default="66", help="GSO code, 'largest' or 'all'")
    parser.add_argument("--all-fields", action="store_true", help="plan every field, not the plan's priority fields")
    parser.add_argument("--date", help="start date YYYY-MM-DD (default: today)")
    args = parser.parse_args()
    day = timezone.localdate() if not args.date else __import__("datetime").date.fromisoformat(args.date)
    sizes = roll_sizes(day)
    provinces = {p.code: p for p in Province.objects.all()}
    if args.province == "all":
        codes = sorted(sizes)
    elif args.province == "largest":
        codes = [max(sizes, key=sizes.get)]
    else:
        codes = [args.province.zfill(2)]
    knobs = {}
    if args.all_fields:
        from staffing.models import Field

        knobs["fields"] = list(Field.objects.values_list("pk", flat=True))
    header = (
        f"{'prov':>4} {'on roll':>8} {'demands':>7} {'cand':>6} {'usable':>6} {'groups':>6} {'vars':>6} "
        f"{'ints':>6} {'rows':>6} {'nnz':>7} {'read s':>7} {'solve s':>7} {'total s':>7} {'status':>8} "
        f"{'optimum':>10} {'LP bound':>10} {'gap %':>6} {'greedy':>10} {'vs greedy':>9} {'moves':>6}"
    )
    print(header)
    failures, totals = [], []
    for code in codes:
        province = provinces[code]
        plan = Plan.objects.filter(province=province).order_by("-period_start", "pk").first()
        built, p, read, total = bench(province, plan, day, knobs)
        st = p.stats
        gap = st.gap or 0.0
        greedy = st.greedy_objective or 0.0
        better = (st.objective - greedy) / greedy * 100 if greedy else 0.0
        print(
            f"{code:>4} {sizes.get(code, 0):>8} {st.demands:>7} {st.candidates:>6} {st.usable_candidates:>6} "
            f"{st.groups:>6} {st.variables:>6} {st.integer_variables:>6} {st.constraints:>6} {st.nonzeros:>7} "
            f"{read:>7.2f} {st.solve_seconds:>7.2f} {total:>7.2f} {st.status:>8} {st.objective:>10.3f} "
            f"{(st.lp_bound or 0):>10.3f} {gap * 100:>6.3f} {greedy:>10.3f} {better:>+8.2f}% {len(p.moves):>6}",
            flush=True,
        )
        totals.append(total)
        if total > TARGET_SECONDS or not (st.status == solver.OPTIMAL or gap <= TARGET_GAP):
            failures.append(code)
    if len(codes) > 1:
        print(f"{len(codes)} provinces: {sum(totals):.1f} s in all, slowest {max(totals):.2f} s")
    if failures:
        print("missed a target:", ", ".join(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
