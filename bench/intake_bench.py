"""Workbook recognition benchmark: reading time and peak memory against a bare read of the same file.

Three workbooks, built first (not timed):

- a 66,000-row staff list in a commune office's layout: title block, merged two-row header with
  birth dates split into Nam / Nữ, a column-number row, a section heading every 70 rows, a totals
  row and a signature block; dates as Excel dates, dd/mm/yyyy text and years;
- the same number of rows in today's template layout (one header row);
- a province workbook of 100 sheets (one per commune) × 70 people.

Each is read in a fresh child process by ``staffing.intake.read_workbook`` (headers found, columns
recognised, every row sorted and its values normalised). The floor is python-calamine reading the
same file and touching every cell, in its own child process (both load Django first, so the
memory figures share a base). Wall and CPU seconds are printed: on a shared machine the CPU time
is the steadier figure. No database is used::

    .venv/bin/python bench/intake_bench.py [--workdir DIR] [--repeat N]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

ROWS = 66_000
SECTION_EVERY = 70
POSTS = ["Chủ tịch UBND", "Phó Chủ tịch UBND", "Tư pháp - Hộ tịch", "Tài chính - Kế toán", "Văn hóa - Xã hội"]
FIELDS = ["Tư pháp", "Tài chính", "Đất đai", "Văn hóa", "Văn phòng"]


def peak_mb():
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _person(n):
    born = date(1965, 1, 1) + timedelta(days=(n * 97) % 12000)
    form = n % 3
    birth = born if form == 0 else born.strftime("%d/%m/%Y") if form == 1 else born.year
    male = n % 2 == 0
    return [
        n,
        f"Nguyễn Văn Thử {n}",
        birth if male else None,
        None if male else birth,
        POSTS[n % len(POSTS)],
        FIELDS[n % len(FIELDS)],
        "Đại học",
        "Luật",
        "Chuyên viên",
        f"Xã {n // SECTION_EVERY}",
        "",
    ]


def build_commune_layout(path):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Biểu 01")
    ws.append(["UBND TỈNH ĐẮK LẮK", None, None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
    ws.append(["SỞ NỘI VỤ", None, None, None, None, None, "Độc lập - Tự do - Hạnh phúc"])
    ws.append([])
    ws.append(["BIỂU TỔNG HỢP SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC"])
    ws.append([])
    ws.append(
        [
            "STT",
            "Họ và tên",
            "Ngày, tháng, năm sinh",
            None,
            "Chức vụ/chức danh",
            "Lĩnh vực công tác",
            "Trình độ chuyên môn",
            "Chuyên ngành đào tạo",
            "Ngạch",
            "Đơn vị",
            "Ghi chú",
        ]
    )
    ws.append([None, None, "Nam", "Nữ"])
    ws.append([f"({i})" for i in range(1, 12)])
    for cells in ("A6:A7", "B6:B7", "C6:D6", "E6:E7", "F6:F7", "G6:G7", "H6:H7", "I6:I7", "J6:J7", "K6:K7"):
        ws.merged_cells.add(cells)
    for n in range(1, ROWS + 1):
        if n % SECTION_EVERY == 1:
            ws.append([None, f"{n // SECTION_EVERY + 1}. Xã {n // SECTION_EVERY}"])
        ws.append(_person(n))
    ws.append([None, "Tổng cộng", ROWS // 2, ROWS // 2])
    ws.append([None, None, None, None, "Đắk Lắk, ngày 10 tháng 7 năm 2025"])
    ws.append([None, "Người lập biểu", None, None, "GIÁM ĐỐC"])
    wb.save(path)


def build_template_layout(path):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Roster")
    for line in (["ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"], ["XÃ ĐẮK MIL"], [], ["DANH SÁCH CÁN BỘ"], [], []):
        ws.append(line)
    ws.append(
        [
            "STT",
            "Mã đơn vị",
            "Mã cán bộ",
            "Họ và tên",
            "Giới tính",
            "Ngày sinh",
            "Loại cán bộ",
            "Vị trí việc làm",
            "Lĩnh vực",
            "Chuyên ngành đào tạo",
            "Trình độ",
            "Trạng thái",
            "Ngày vào",
            "Ngày nghỉ",
        ]
    )
    for n in range(1, ROWS + 1):
        born = date(1965, 1, 1) + timedelta(days=(n * 97) % 12000)
        ws.append(
            [
                n,
                f"{24001 + n // 70}",
                f"NV{n:06d}",
                f"Nguyễn Văn Thử {n}",
                "Nam",
                born,
                "Công chức",
                "",
                "land - Đất đai",
                "",
                "Đại học",
                "Đang công tác",
                date(2015, 9, 1),
                None,
            ]
        )
    wb.save(path)


def build_province_workbook(path, units=100, people=70):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for u in range(units):
        ws = wb.create_sheet(f"Xã {u + 1}")
        ws.append([f"UBND XÃ THỬ {u + 1}"])
        ws.append(["DANH SÁCH CÁN BỘ, CÔNG CHỨC"])
        ws.append([])
        ws.append(["STT", "Họ và tên", "Năm sinh", None, "Chức vụ", "Trình độ chuyên môn"])
        ws.append([None, None, "Nam", "Nữ"])
        for cells in ("A4:A5", "B4:B5", "C4:D4", "E4:E5", "F4:F5"):
            ws.merged_cells.add(cells)
        for n in range(1, people + 1):
            row = _person(u * people + n)
            ws.append([n, row[1], row[2], row[3], row[4], "Đại học"])
        ws.append([None, "Tổng cộng"])
    wb.save(path)


def child(mode, path):
    import django

    django.setup()  # in both children, so that the memory figures share the same base
    if mode == "floor":
        from python_calamine import CalamineWorkbook

        started, cpu = time.perf_counter(), time.process_time()
        with open(path, "rb") as fh:
            wb = CalamineWorkbook.from_filelike(fh)
            cells = 0
            for name in wb.sheet_names:
                for row in wb.get_sheet_by_name(name).iter_rows():
                    for _value in row:
                        cells += 1
        result = {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "cells": cells}
    else:
        from staffing.intake import read_workbook

        started, cpu = time.perf_counter(), time.process_time()
        with open(path, "rb") as fh:
            readings = read_workbook(fh)
        result = {
            "seconds": time.perf_counter() - started,
            "cpu": time.process_time() - cpu,
            "sheets": len(readings),
            "records": sum(len(r.records) for r in readings),
            "skipped": sum(len(r.skipped) for r in readings),
        }
    result["peak_mb"] = peak_mb()
    print(json.dumps(result))


def run_child(mode, path):
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help="Keep the built workbooks here and reuse them on the next run.")
    parser.add_argument("--repeat", type=int, default=1, help="Read each workbook this many times.")
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.workdir or scratch
        os.makedirs(tmp, exist_ok=True)
        cases = [
            ("commune layout, 66,000 people", Path(tmp) / "commune.xlsx", build_commune_layout),
            ("template layout, 66,000 people", Path(tmp) / "template.xlsx", build_template_layout),
            ("province, 100 sheets × 70 people", Path(tmp) / "province.xlsx", build_province_workbook),
        ]
        for label, path, build in cases:
            if not path.exists():
                started = time.perf_counter()
                build(path)
                print(f"{label}: built {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - started:.1f} s")
            print(label, flush=True)
            for _n in range(args.repeat):
                floor = run_child("floor", path)
                got = run_child("intake", path)
                print(
                    f"  floor (calamine, every cell): {floor['seconds']:.2f} s ({floor['cpu']:.2f} s CPU), "
                    f"{floor['peak_mb']:.0f} MB peak · read_workbook: {got['seconds']:.2f} s ({got['cpu']:.2f} s CPU), "
                    f"{got['peak_mb']:.0f} MB peak "
                    f"({got['records']} people, {got['skipped']} rows skipped, {got['sheets']} sheets)",
                    flush=True,
                )


if __name__ == "__main__":
    main()
