"""Excel import benchmark: wall time and peak memory, against a floor measured in the same run.

Workbooks built first (not timed): a 3,000-row roster of one province's communes, a 66,000-row
quota workbook (3,300 communes × 20 fields), and a province workbook of 100 communes × 70 people
in a commune office's own layout, without staff codes, whose preview (check, read, validate) is
timed against ≤ 10 s. The roster and the quotas are each imported in a fresh child process (check
the archive, read, validate every row, apply in one transaction), then imported again to show that
the second run changes nothing. The floor is a bare python-calamine read of the same
file in its own child process. Target: 66,000 rows read, validated and applied in ≤ 15 s with
≤ 300 MB peak.

Run on PostgreSQL; the script uses its own database (created and migrated when missing)::

    DATABASE_URL=postgres://bienche:bienche@127.0.0.1:5432/bienche_importbench \\
        .venv/bin/python bench/import_bench.py
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

FIELDS = 20
QUOTA_UNITS = 3300
ROSTER_ROWS = 3000
BENCH_USER = "import-bench"


def peak_mb():
    """This process's peak resident memory (VmHWM resets at exec, unlike ru_maxrss)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def ensure_database():
    """Create the benchmark database if it does not exist (the role has CREATEDB)."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    if "postgresql" not in cfg["ENGINE"]:
        print("warning: not PostgreSQL; figures are not comparable with the target", flush=True)
        return
    admin = psycopg.connect(
        host=cfg["HOST"] or "127.0.0.1",
        port=cfg["PORT"] or 5432,
        user=cfg["USER"],
        password=cfg["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    )
    exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
    if not exists:
        admin.execute(f'CREATE DATABASE "{cfg["NAME"]}"')
    admin.close()


def prepare():
    """Migrate, load the official units, add 20 bench fields and a writing user; clear earlier runs."""
    import django

    django.setup()
    from django.core.management import call_command

    from accounts.models import User
    from communes.models import Unit
    from staffing.models import Assignment, Field, Quota, Staff

    call_command("migrate", verbosity=0)
    if Unit.objects.communes().count() < QUOTA_UNITS:
        call_command("load_units", verbosity=0)
    fields = [
        Field.objects.get_or_create(
            code=f"bench{n:02d}",
            defaults={"name_vi": f"Lĩnh vực thử {n}", "name_en": f"Bench field {n}", "sort_order": 900 + n},
        )[0]
        for n in range(1, FIELDS + 1)
    ]
    # Earlier runs' rows go without a "deleted" history row each (a raw delete, benchmark only).
    for qs in (
        Quota.objects.filter(field__in=fields),
        Quota.history.filter(field__in=fields),
        Assignment.objects.filter(person__staff_code__startswith="BENCH"),
        Assignment.history.filter(field__in=fields),
        Staff.objects.filter(staff_code__startswith="BENCH"),
        Staff.history.filter(staff_code__startswith="BENCH"),
    ):
        qs._raw_delete(qs.db)
    if not User.objects.filter(username=BENCH_USER).exists():
        User.objects.create_superuser(BENCH_USER, email="", password=None)
    units = list(Unit.objects.communes().order_by("code").values_list("code", flat=True)[:QUOTA_UNITS])
    province_units = list(
        Unit.objects.communes().filter(province__code="66").order_by("code").values_list("code", flat=True)
    )
    return [f.code for f in fields], units, province_units


def build_quota_workbook(path, field_codes, unit_codes):
    from openpyxl import Workbook

    from staffing.importer import QUOTA_COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Biên chế")
    ws.append(["ỦY BAN NHÂN DÂN TỈNH"])
    ws.append(["BIÊN CHẾ ĐƯỢC GIAO"])
    ws.append([])
    ws.append(["STT", *[c.vi for c in QUOTA_COLUMNS]])
    n = 0
    for unit in unit_codes:
        for field in field_codes:
            n += 1
            ws.append([n, unit, field, "Civil servant", n % 7, "15/QĐ-UBND", date(2025, 7, 1), date(2025, 7, 1)])
    wb.save(path)
    return n


def build_roster_workbook(path, field_codes, unit_codes):
    from openpyxl import Workbook

    from staffing.importer import STAFF_COLUMNS

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.append(["STT", *[c.vi for c in STAFF_COLUMNS]])
    for n in range(ROSTER_ROWS):
        ws.append(
            [
                n + 1,
                unit_codes[n % len(unit_codes)],
                f"BENCH{n:06d}",
                f"Nguyễn Văn Thử {n}",
                "Male" if n % 2 else "Female",
                date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
                "Civil servant",
                None,
                field_codes[n % len(field_codes)],
                field_codes[(n + 1) % len(field_codes)],
                "Bachelor",
                "Active",
                date(2015, 1, 1),
                None,
            ]
        )
    wb.save(path)
    return ROSTER_ROWS


PROVINCE_UNITS = 100
PEOPLE_PER_UNIT = 70


def build_province_workbook(path, field_names, unit_codes):
    """A province workbook: one sheet per commune, in a commune office's own layout (title block,
    two header rows with the birth date split into Nam / Nữ, sections, totals, signature), without
    staff codes."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    header = ["STT", "Họ và tên", "Ngày, tháng, năm sinh", None, "Chức vụ/chức danh", "Lĩnh vực công tác"]
    header += ["Trình độ chuyên môn", "Dân tộc", "Ghi chú"]
    for code in unit_codes[:PROVINCE_UNITS]:
        ws = wb.create_sheet(code)
        ws.append(["ỦY BAN NHÂN DÂN", None, None, None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"])
        ws.append(["BIỂU TỔNG HỢP SỐ LƯỢNG CÁN BỘ, CÔNG CHỨC"])
        ws.append([])
        ws.append(header)
        ws.append([None, None, "Nam", "Nữ", None, None, None, None, None])
        ws.append([f"({n})" for n in range(1, 10)])
        ws.append([None, "I. CÁN BỘ"])
        for n in range(PEOPLE_PER_UNIT):
            if n == 10:
                ws.append([None, "II. CÔNG CHỨC"])
            born = date(1965 + n % 35, 1 + n % 12, 1 + n % 28)
            male = n % 2 == 0
            post = "Chủ tịch UBND xã" if n == 0 else "Phó Chủ tịch UBND xã" if n in (1, 2) else "Công chức"
            field = field_names[n % len(field_names)]
            name = f"Nguyễn Văn Thử {code} {n}"
            ws.append([n + 1, name, born if male else None, None if male else born, post, field, "Đại học", "Kinh"])
        ws.append([None, f"Tổng cộng: {PEOPLE_PER_UNIT} người"])
        ws.append([None, "NGƯỜI LẬP BIỂU", None, None, None, "TM. ỦY BAN NHÂN DÂN"])
    wb.save(path)
    return min(PROVINCE_UNITS, len(unit_codes)) * PEOPLE_PER_UNIT


def child_preview(path):
    """Check, read and validate a province workbook: what its preview costs (nothing is written)."""
    import django

    django.setup()
    from accounts.models import User
    from staffing.importer import validate_workbook

    user = User.objects.get(username=BENCH_USER)
    start = time.perf_counter()
    with open(path, "rb") as fh:
        result = validate_workbook(fh, user=user)
    seconds = time.perf_counter() - start
    if result.errors:
        return {"errors": [m for _s, m in result.errors[:5]]}
    return {"seconds": seconds, "rows": result.rows, "adds": len(result.plan.staff_new), "peak_mb": peak_mb()}


def child_floor(path):
    """Bare python-calamine read of every row of every sheet."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    wb = CalamineWorkbook.from_path(path)
    rows = 0
    for name in wb.sheet_names:
        for _row in wb.get_sheet_by_name(name).iter_rows():
            rows += 1
    return {"seconds": time.perf_counter() - start, "rows": rows, "peak_mb": peak_mb()}


def child_import(path):
    import django

    django.setup()
    from accounts.models import User
    from staffing.importer import validate_workbook
    from staffing.services import import_apply

    user = User.objects.get(username=BENCH_USER)
    base_mb = peak_mb()
    start = time.perf_counter()
    with open(path, "rb") as fh:
        result = validate_workbook(fh, user=user)
    validated = time.perf_counter()
    if result.errors:
        return {"errors": [m for _s, m in result.errors[:5]]}
    stats = import_apply(plan=result.plan, by=user)
    done = time.perf_counter()
    return {
        "seconds": done - start,
        "validate_seconds": validated - start,
        "apply_seconds": done - validated,
        "rows": result.rows,
        "written": stats,
        "peak_mb": peak_mb(),
        "django_baseline_mb": base_mb,
    }


def run_child(kind, path):
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=os.environ,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(label, floor, first, second):
    print(f"\n{label}")
    print(f"  floor (bare python-calamine read): {floor['seconds']:.2f} s, {floor['peak_mb']:.0f} MB peak")
    for name, r in (("import", first), ("same file again", second)):
        if "errors" in r:
            print(f"  {name}: ERRORS {r['errors']}")
            continue
        print(
            f"  {name}: {r['seconds']:.2f} s (check+read+validate {r['validate_seconds']:.2f} s, "
            f"apply {r['apply_seconds']:.2f} s), {r['peak_mb']:.0f} MB peak "
            f"(Django alone {r['django_baseline_mb']:.0f} MB), {r['rows']} rows, wrote {r['written']}, "
            f"{r['seconds'] / floor['seconds']:.1f}× the floor"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"))
    args = parser.parse_args()
    if args.child:
        kind, path = args.child
        child = {"floor": child_floor, "import": child_import, "preview": child_preview}[kind]
        print(json.dumps(child(path), default=str))
        return
    if "DATABASE_URL" not in os.environ:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database for the benchmark (see the docstring).")
    ensure_database()
    field_codes, units, province_units = prepare()
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    quota_path, roster_path = tmp / "quotas.xlsx", tmp / "roster.xlsx"
    t = time.perf_counter()
    n = build_quota_workbook(quota_path, field_codes, units)
    print(
        f"built {quota_path} ({n} rows, {quota_path.stat().st_size / 1024:.0f} KB) in {time.perf_counter() - t:.1f} s"
    )
    build_roster_workbook(roster_path, field_codes, province_units)
    print(f"built {roster_path} ({ROSTER_ROWS} rows, {roster_path.stat().st_size / 1024:.0f} KB)")

    first = None
    for label, path in ((f"Roster, {ROSTER_ROWS:,} rows", roster_path), (f"Quotas, {n:,} rows", quota_path)):
        floor = run_child("floor", path)
        first = run_child("import", path)
        second = run_child("import", path)
        report(label, floor, first, second)
    ok = first.get("seconds", 1e9) <= 15 and first.get("peak_mb", 1e9) <= 300
    print(
        f"\ntarget for {n:,} quota rows read, validated and applied: ≤ 15 s and ≤ 300 MB peak: "
        f"{first.get('seconds', 0):.2f} s, {first.get('peak_mb', 0):.0f} MB — {'OK' if ok else 'MISSED'}"
    )
    from staffing.models import Field

    province_path = tmp / "province.xlsx"
    names = list(Field.objects.filter(code__in=field_codes).order_by("code").values_list("name_vi", flat=True))
    people = build_province_workbook(province_path, names, province_units)
    preview = run_child("preview", province_path)
    if "errors" in preview:
        print(f"province workbook preview: ERRORS {preview['errors']}")
        raise SystemExit(1)
    fine = preview["seconds"] <= 10
    print(
        f"province workbook ({min(PROVINCE_UNITS, len(province_units))} sheets, {people:,} people, no staff codes) "
        f"checked, read and validated for its preview: ≤ 10 s: {preview['seconds']:.2f} s, "
        f"{preview['peak_mb']:.0f} MB peak, {preview['adds']:,} people to add — {'OK' if fine else 'MISSED'}"
    )
    if not (ok and fine):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
