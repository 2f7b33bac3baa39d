"""Excel writer benchmark: the export renderer against a bare xlsxwriter loop on the same rows.

Needs no database: the rows are a synthetic staff list (12 columns, the staff export's types:
codes, names, units and labels as text, two dates), generated the same way in every child::

    .venv/bin/python bench/export_bench.py              # 250,000 rows
    .venv/bin/python bench/export_bench.py --rows 50000

Each figure runs in its own child process, which reports its rows per second and its peak
resident memory:

- floor: xlsxwriter in constant-memory mode, ``write_row`` of the bare values, no formats;
- renderer: ``core.excel.render`` of the staff export's columns (official layout, formats,
  text always as text, dates as dates, wrapped long texts, signature block);
- reference, no target: openpyxl's write-only mode on the bare values.

Targets: the renderer at ≥ 80% of the floor's rows per second, under 150 MB. Exits 1 on a miss.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

UNITS = [f"Xã {name}" for name in ("Ea Tu", "Hòa Phú", "Cư M'gar", "Krông Búk", "Ea H'Leo", "Đắk Mil")]
POSITIONS = ["Chuyên viên về địa chính, xây dựng, đô thị và môi trường", "Kế toán", "Văn thư", ""]
FIELDS = ["Đất đai, địa chính", "Tài chính", "Văn hóa - Xã hội", "Tư pháp, hộ tịch"]


def rows(n):
    """The synthetic staff list: the same values in every child."""
    born, joined = date(1970, 1, 1), date(2000, 1, 1)
    for i in range(n):
        yield (
            f"NV{i:07d}",
            f"Nguyễn Văn Thử {i}",
            "Nam" if i % 2 else "Nữ",
            born + timedelta(days=i % 9000),
            "Công chức",
            UNITS[i % len(UNITS)],
            POSITIONS[i % len(POSITIONS)],
            FIELDS[i % len(FIELDS)],
            FIELDS[(i // 3) % len(FIELDS)],
            "Đại học",
            "Đang công tác",
            joined + timedelta(days=i % 7000) if i % 5 else None,
        )


def child(mode, n, out):
    t = time.perf_counter()
    if mode == "floor":
        import xlsxwriter

        wb = xlsxwriter.Workbook(
            out, {"constant_memory": True, "strings_to_formulas": False, "default_date_format": "dd/mm/yyyy"}
        )
        ws = wb.add_worksheet()
        for r, row in enumerate(rows(n)):
            ws.write_row(r, 0, (r + 1, *row))
        wb.close()
    elif mode == "openpyxl":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet()
        for r, row in enumerate(rows(n)):
            ws.append((r + 1, *row))
        wb.save(out)
    else:
        import django

        django.setup()
        from django.utils import translation

        from core.excel import Issuer, render
        from reports.exports import StaffListExporter

        class Synthetic(StaffListExporter):
            def __init__(self):
                self.title, self.filename = "Danh sách cán bộ, công chức, viên chức — Tỉnh Đắk Lắk", "bench.xlsx"

            def rows(self):
                return rows(n)

        issuer = Issuer(["ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK", "SỞ NỘI VỤ"], symbol="SNV", place="Đắk Lắk",
                        preparer_title="NGƯỜI LẬP BIỂU", signer_title="GIÁM ĐỐC")  # fmt: skip
        with translation.override("vi"), open(out, "wb") as fh:
            written = render(Synthetic(), fh, issuer=issuer, as_of=date(2025, 10, 15))
        assert written == n
    seconds = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": n, "seconds": seconds, "peak_mb": peak_mb, "bytes": os.path.getsize(out)}))


def run(mode, n):
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
        proc = subprocess.run(
            [sys.executable, __file__, "--child", mode, "--rows", str(n), "--out", out.name],
            capture_output=True,
            text=True,
            timeout=1800,
        )
        if proc.returncode:
            raise RuntimeError(proc.stderr[-3000:])
        return json.loads(proc.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=250_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the floor and the renderer, alternated")
    parser.add_argument("--child", choices=["floor", "render", "openpyxl"])
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.out)
        return
    # Alternate floor and renderer so that a busy moment of a shared machine hits both alike.
    runs = {"floor": [], "render": []}
    for _ in range(args.repeat):
        for mode in runs:
            r = run(mode, args.rows)
            runs[mode].append(r)
            print(
                f"{mode:9} {r['rows']} rows in {r['seconds']:.1f} s = {r['rows'] / r['seconds']:,.0f} rows/s, "
                f"peak {r['peak_mb']:.0f} MB, file {r['bytes'] / 1e6:.1f} MB",
                flush=True,
            )
    ref = run("openpyxl", args.rows)
    print(f"openpyxl  {ref['rows']} rows in {ref['seconds']:.1f} s = {ref['rows'] / ref['seconds']:,.0f} rows/s, "
          f"peak {ref['peak_mb']:.0f} MB (reference, no target)")  # fmt: skip
    ratios = sorted(
        (r["rows"] / r["seconds"]) / (f["rows"] / f["seconds"])
        for f, r in zip(runs["floor"], runs["render"], strict=True)
    )
    ratio = statistics.median(ratios)
    peak = max(r["peak_mb"] for r in runs["render"])
    ok_speed, ok_memory = ratio >= 0.8, peak < 150
    print(f"renderer / floor throughput, run by run: {', '.join(f'{x:.2f}' for x in ratios)}")
    print(f"renderer / floor throughput, median: {ratio:.2f} (target ≥ 0.80) {'OK' if ok_speed else 'FAIL'}")
    print(f"renderer peak memory: {peak:.0f} MB (target < 150 MB) {'OK' if ok_memory else 'FAIL'}")
    sys.exit(0 if ok_speed and ok_memory else 1)


if __name__ == "__main__":
    main()
