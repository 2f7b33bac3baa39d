"""Declared tables (``core.tables``): the province dashboard's commune table written by its
declaration, against a floor measured in the same run.

170 synthetic communes (the largest province has about that many), no database. Timed: the page's
rows (``COMMUNES.body_html``), the API's rows (``json_rows``) and the workbook's rows
(``excel_row``). The floor is one f-string per row writing the same cells and links (what a
hand-written template tag costs). CPU milliseconds, the best of several runs::

    .venv/bin/python bench/table_bench.py [--rows N] [--repeat N]
"""

import argparse
import os
import sys
import time
import timeit
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=170)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.urls import reverse
    from django.utils import translation

    from reports import tables
    from reports.selectors import CommuneRow

    translation.activate("vi")
    rows = [
        CommuneRow(i, f"66{i:03d}", f"Xã Số {i}", "commune", i % 3 == 0, i % 5 == 0, quota=1200 + i,
                   on_roll=1100 + i, seconded_in=3, seconded_out=2, absent=1, effective=1100, headcount=1100,
                   net=i - 100, shortage=7, surplus=2, mismatches=1)
        for i in range(args.rows)
    ]  # fmt: skip
    ctx = {"roster_query": "field=5", "movement_query": "kind=secondment&status=approved&date_from=2025-10-15"}

    def floor():
        unit, roster = reverse("unit-detail", args=["CODE"]), reverse("unit-roster", args=["CODE"])
        moves, q, m = reverse("secondments:movement-list"), "field=5", "kind=secondment&amp;status=approved"
        out = []
        for c in rows:
            u, r = unit.replace("CODE", c.code), roster.replace("CODE", c.code)
            out.append(
                f'<tr data-unit="{c.code}"><th scope="row"><a href="{u}">{c.name}</a></th><td>{c.code}</td>'
                f'<td class="num"><a href="{u}#quotas">{c.quota:,}</a></td>'
                f'<td class="num"><a href="{r}?{q}">{c.on_roll:,}</a></td>'
                f'<td class="num"><a href="{moves}?to_code={c.code}&amp;{m}">{c.seconded_in:,}</a></td>'
                f'<td class="num"><a href="{moves}?from_code={c.code}&amp;{m}">{c.seconded_out:,}</a></td>'
                f'<td class="num"><a href="{r}?mode=absent">{c.absent:,}</a></td>'
                f'<td class="num"><a href="{r}?{q}">{c.effective:,}</a></td><td class="num">{c.net:,}</td>'
                f'<td class="num gap-neg"><a href="{u}#quotas">{c.shortage:,}</a></td>'
                f'<td class="num gap-pos"><a href="{u}#quotas">{c.surplus:,}</a></td>'
                f'<td class="num"><a href="{u}#unit-mismatches">{c.mismatches:,}</a></td></tr>'
            )
        return "\n".join(out)

    def best(fn, number=20):
        return min(timeit.repeat(fn, number=number, repeat=args.repeat, timer=time.process_time)) / number * 1000

    table = tables.COMMUNES
    figures = [
        ("floor: one f-string per row", best(floor)),
        ("page rows (body_html)", best(lambda: table.body_html(rows, ctx))),
        ("API rows (json_rows)", best(lambda: table.json_rows(rows))),
        ("workbook rows (excel_row)", best(lambda: [table.excel_row(r) for r in rows])),
    ]
    print(f"{args.rows} commune rows, CPU ms (best of {args.repeat}):")
    for label, ms in figures:
        print(f"  {label:<30} {ms:7.2f}  ({ms / figures[0][1]:.1f}× floor)")


if __name__ == "__main__":
    main()
