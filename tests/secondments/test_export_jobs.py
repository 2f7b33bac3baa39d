"""Movement and plan-progress exports through reports/exports.py: above REPORTS_BACKGROUND_ROWS rows
they run as an ExportJob (the immediate task backend of the tests runs it at once)."""

import io
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import Role
from reports.models import ExportJob, ExportStatus
from reports.tasks import run_export
from secondments.models import Kind, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def small_jobs(settings):
    settings.REPORTS_BACKGROUND_ROWS = 2


def table(data, first_header):
    """The data rows of a workbook (without STT), from the header row that starts with ``first_header``."""
    rows = [list(r) for r in load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[start][1] == first_header
    # The table ends at the empty row above the signature block.
    end = next(i for i in range(start, len(rows)) if all(v is None for v in rows[i]))
    return [r[1:] for r in rows[start + 1 : end]]


def file_of(response):
    assert response.status_code == 200, response.content[:500]
    return b"".join(response.streaming_content)


def job_file(client, response):
    """Follow an export that went to the background: its page, then its file."""
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reports:export-job", args=[job.pk])
    assert job.status == ExportStatus.DONE, job.error
    assert client.get(response["Location"]).status_code == 200
    return job, file_of(client.get(reverse("reports:export-download", args=[job.pk])))


def names_and_units(rows):
    # Full name, kind, from unit, to unit, field.
    return [(r[0], r[2], r[3], r[4], r[5]) for r in rows]


@pytest.fixture
def world():
    w = b.World()
    an, binh, cuong = w.people
    f.movement(an, w.commune, kind=Kind.SECONDMENT, start=date(2025, 8, 1))
    f.movement(binh, w.other_commune, kind=Kind.ROTATION, start=date(2025, 9, 1))
    f.movement(cuong, w.commune, kind=Kind.REINFORCEMENT, start=date(2025, 10, 1), status=Status.PROPOSED)
    f.movement(w.far_person, w.far_commune, start=date(2025, 9, 15))  # another province's
    return w


def test_large_movement_export_runs_as_job_with_the_users_rows(client, login_as, world):
    owner = login_as(Role.PROVINCE_OFFICIAL, prov=world.province)
    job, data = job_file(client, client.get(reverse("movement-export")))
    assert (job.owner, job.name, job.total, job.progress, job.params) == (owner, "movements", 3, 3, {})
    assert job.filename == f"danh-sach-dieu-dong-dak-lak-{timezone.localdate().isoformat()}.xlsx"
    # Newest start first, as on the page; Đà Nẵng's movement is not in Đắk Lắk's list.
    assert names_and_units(table(data, "Full name")) == [
        ("Lê Văn Cường", "Reinforcement", "Sở Tài chính", "Xã Hòa Phú", "Finance"),
        ("Trần Thị Bình", "Rotation", "Sở Tài chính", "Xã Ea Tu", "Finance"),
        ("Nguyễn Văn An", "Secondment", "Sở Tài chính", "Xã Hòa Phú", "Finance"),
    ]


def test_filtered_movement_export_holds_only_matching_rows(client, login_as, world):
    extra = f.staff(world.dept, world.finance, name="Đỗ Thị Dung")
    f.movement(extra, world.other_commune, kind=Kind.SECONDMENT, start=date(2025, 11, 1))
    login_as(Role.PROVINCE_OFFICIAL, prov=world.province)
    url = reverse("movement-export")
    job, data = job_file(client, client.get(url, {"kind": ["secondment", "reinforcement"]}))
    assert job.params == {"kind": ["secondment", "reinforcement"]} and job.total == 3
    assert names_and_units(table(data, "Full name")) == [
        ("Đỗ Thị Dung", "Secondment", "Sở Tài chính", "Xã Ea Tu", "Finance"),
        ("Lê Văn Cường", "Reinforcement", "Sở Tài chính", "Xã Hòa Phú", "Finance"),
        ("Nguyễn Văn An", "Secondment", "Sở Tài chính", "Xã Hòa Phú", "Finance"),
    ]
    # Two rows fit the limit: the same export, written during the request.
    rows = table(file_of(client.get(url, {"to_code": world.other_commune.code})), "Full name")
    assert [r[0] for r in rows] == ["Đỗ Thị Dung", "Trần Thị Bình"]
    assert ExportJob.objects.count() == 1


@pytest.mark.parametrize("bad", [{"date_to": "tomorrow"}, {"kind": "promotion"}, "far_plan"])
def test_invalid_movement_filter_is_400_and_queues_nothing(client, login_as, world, bad):
    if bad == "far_plan":  # another province's plan is not a choice the filter offers
        bad = {"plan": f.plan(world.far_province).pk}
    login_as(Role.PROVINCE_OFFICIAL, prov=world.province)
    response = client.get(reverse("movement-export"), bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "The filters are not valid" in text
    assert "Enter a valid date." in text or "Select a valid choice." in text
    assert not ExportJob.objects.exists()


def test_other_provinces_user_sees_only_its_own_movements(client, login_as, world):
    extra = [f.staff(world.far_dept, world.finance, name=f"Võ Văn {n}") for n in ("Một", "Hai")]
    for person in extra:
        f.movement(person, world.far_commune)
    login_as(Role.PROVINCE_OFFICIAL, prov=world.far_province)
    job, data = job_file(client, client.get(reverse("movement-export")))
    rows = table(data, "Full name")
    assert sorted(r[0] for r in rows) == ["Phạm Văn Xa", "Võ Văn Hai", "Võ Văn Một"]
    assert {r[4] for r in rows} == {"Xã Khác"}


@pytest.fixture
def plan_world():
    """Three sending units under a rule, so the sending-unit sheet has more rows than the limit."""
    w = b.World()
    w.construction = f.department("Sở Xây dựng")
    w.health = f.department("Sở Y tế")
    builders = f.staff_many(w.construction, w.land, 4)
    f.staff_many(w.health, w.finance, 2)
    b.fixed_quota(w.plan, w.dept, 2)
    b.fixed_quota(w.plan, w.construction, 1)
    b.percent_quota(w.plan, w.health, 50)
    f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan)
    f.movement(w.people[1], w.commune, status=Status.PROPOSED, plan=w.plan)
    f.movement(builders[0], w.other_commune, status=Status.ACTIVE, plan=w.plan, end=date(2026, 12, 31))
    return w


def test_plan_progress_job_totals_are_the_sum_of_rows(client, login_as, plan_world):
    w = plan_world
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    job, data = job_file(client, client.get(reverse("plan-export", args=[w.plan.pk])))
    assert (job.name, job.params, job.total) == ("plan-progress", {"plan": [str(w.plan.pk)]}, 3)
    assert job.filename == f"tien-do-ke-hoach-{w.plan.pk}-don-vi-cu-dak-lak-{timezone.localdate().isoformat()}.xlsx"
    rows = table(data, "Sending unit")
    body, total = rows[:-1], rows[-1]
    # Sending unit, active staff, rule, required min and max, proposed, approved, active, completed, sent.
    # Fixed 2 of 3 staff, fixed 1 of 4, half of 2; Tài chính proposed one and had one approved.
    assert sorted((r[0], r[1], r[3], r[4], r[5], r[6], r[7]) for r in body) == [
        ("Sở Tài chính", 3, 2, 2, 1, 1, 0),
        ("Sở Xây dựng", 4, 1, 1, 0, 0, 1),
        ("Sở Y tế", 2, 1, 1, 0, 0, 0),
    ]
    assert total[0] == "Total"
    for col in (1, 3, 4, 5, 6, 7, 8, 9):
        assert total[col] == sum(r[col] for r in body), col


def test_plan_progress_communes_part_in_the_background(client, login_as, plan_world):
    w = plan_world
    third = f.unit("Xã Ea Kao")
    f.movement(w.people[2], third, status=Status.APPROVED, plan=w.plan)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    url = reverse("plan-export", args=[w.plan.pk])
    job, data = job_file(client, client.get(url, {"part": "communes"}))
    assert job.params == {"part": ["communes"], "plan": [str(w.plan.pk)]}
    rows = table(data, "Commune")
    body, total = rows[:-1], rows[-1]
    assert sorted((r[0], r[1]) for r in body) == [
        ("Xã Ea Kao", "Finance"),
        ("Xã Ea Tu", "Land"),
        ("Xã Hòa Phú", "Finance"),
    ]
    for col in (3, 4, 5, 6, 7):
        assert total[col] == sum(r[col] for r in body), col


@pytest.mark.parametrize("part", [None, "communes"])
def test_other_provinces_user_cannot_export_the_plan(client, login_as, plan_world, part):
    login_as(Role.PROVINCE_OFFICIAL, prov=plan_world.far_province)
    params = {"part": part} if part else {}
    assert client.get(reverse("plan-export", args=[plan_world.plan.pk]), params).status_code == 404
    assert not ExportJob.objects.exists()


def test_worker_rebuilds_both_exports_from_the_job(world):
    """run_export is what the db_worker runs: it finds the builders by name (SecondmentsConfig.ready)."""
    owner = f.user(Role.PROVINCE_OFFICIAL, prov=world.province)
    stranger = f.user(Role.PROVINCE_OFFICIAL, prov=world.far_province)
    jobs = [
        ExportJob.objects.create(owner=owner, name="movements", params={"kind": ["rotation"]}),
        ExportJob.objects.create(owner=owner, name="plan-progress", params={"plan": [str(world.plan.pk)]}),
        ExportJob.objects.create(owner=owner, name="movements", params={"date_from": ["soon"]}),
        ExportJob.objects.create(owner=stranger, name="plan-progress", params={"plan": [str(world.plan.pk)]}),
    ]
    for job in jobs:
        run_export.call(job.pk, "en")
        job.refresh_from_db()
    assert [(j.status, j.progress) for j in jobs[:2]] == [(ExportStatus.DONE, 1), (ExportStatus.DONE, 0)]
    assert [r[0] for r in table(jobs[0].file.read(), "Full name")] == ["Trần Thị Bình"]
    assert jobs[2].status == ExportStatus.FAILED and "Enter a valid date." in jobs[2].error
    assert jobs[3].status == ExportStatus.FAILED and not jobs[3].file  # another province's plan
