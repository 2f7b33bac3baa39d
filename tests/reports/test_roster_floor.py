"""The benchmark's independent roster floor (bench/roster_floor.py) lists the page's people."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bench.roster_floor import render, roster_figures
from headcount import summary
from staffing.models import Absence, Category, Position
from tests import factories as f

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    """Xã An's roll today: civil servants Bảo (land, seconded to Xã Bình), Châu (land, on maternity
    leave), Dũng (finance, Chủ tịch UBND) and An (land); Yến, a public employee in land; Ánh, a
    civil servant of Xã Bình seconded to Xã An (not on An's roll); Hà left last year."""
    prov = f.province("66", "Tỉnh Đắk Lắk")
    land = f.field("land", "Đất đai", "Land", sort_order=1)
    finance = f.field("finance", "Tài chính", "Finance", sort_order=2)
    an = f.unit("Xã An", code="66001", prov=prov)
    binh = f.unit("Xã Bình", code="66002", prov=prov)
    chair = Position.objects.create(code="LD01", name="Chủ tịch UBND", group="leadership", field=finance)
    bao = f.staff(an, land, name="Lê Văn Bảo")
    chau = f.staff(an, land, name="Trần Thị Châu")
    f.staff(an, finance, name="Phạm Văn Dũng", position=chair)
    f.staff(an, land, name="Nguyễn Văn An")
    f.staff(an, land, name="Đỗ Thị Yến", category=Category.PUBLIC_EMPLOYEE)
    anh = f.staff(binh, land, name="Vũ Thị Ánh")
    f.staff(an, land, name="Hoàng Văn Hà", status="retired", end_date=TODAY - timedelta(days=365))
    f.movement(bao, binh, start=TODAY - timedelta(days=10), end=TODAY + timedelta(days=50))
    f.movement(anh, an, start=TODAY - timedelta(days=10), end=TODAY + timedelta(days=50))
    Absence.objects.create(person=chau, kind="maternity", start_date=TODAY - timedelta(days=3))
    summary.rebuild(TODAY)
    return {"an": an, "land": land, "finance": finance, "chair": chair}


def floor(unit):
    with connection.cursor() as cursor:
        return roster_figures(cursor, unit.pk, Category.CIVIL_SERVANT, TODAY)


def test_floor_hand_computed(world):
    fig = floor(world["an"])
    # Vietnamese list order: given name first (An, Bảo, Châu, Dũng).
    assert [
        (r["full_name"], r["field_name"], r["position_name"], r["seconded_to"], r["absence_kind"]) for r in fig["rows"]
    ] == [  # fmt: skip
        ("Nguyễn Văn An", "Đất đai", None, None, None),
        ("Lê Văn Bảo", "Đất đai", None, "Xã Bình", None),
        ("Trần Thị Châu", "Đất đai", None, None, "maternity"),
        ("Phạm Văn Dũng", "Tài chính", "Chủ tịch UBND", None, None),
    ]
    assert fig["count"] == 4  # Yến is a public employee; Ánh is on Xã Bình's roll; Hà has left
    assert fig["fields"] == [(world["land"].pk, "Đất đai"), (world["finance"].pk, "Tài chính")]
    assert fig["positions"] == [(world["chair"].pk, "Chủ tịch UBND")]
    page = render("Xã An", fig)
    assert page.count("<tr><td>") == 4
    assert "Biệt phái đến Xã Bình" in page and "Vắng: Nghỉ thai sản" in page


def test_floor_equals_the_page(world, client, settings):
    settings.LANGUAGE_CODE = "vi"  # the floor writes the Vietnamese names
    an = world["an"]
    client.force_login(f.user("province_official", prov=an.province))
    response = client.get(reverse("unit-roster", args=[an.code]), {"category": Category.CIVIL_SERVANT})
    assert response.status_code == 200
    fig = floor(an)
    people = list(response.context["staff_list"])
    assert [
        (r["pk"], r["staff_code"], r["position_name"], r["field_name"], r["seconded_to"], r["absence_kind"])
        for r in fig["rows"]
    ] == [  # fmt: skip
        (p.pk, p.staff_code, p.position_name, p.work_field_name, p.seconded_to, p.absence_kind) for p in people
    ]
    assert fig["count"] == response.context["page_obj"].paginator.count
    options = response.context["filter_options"]
    assert fig["fields"] == [c for c in options["field"] if c[0] != ""]
    assert fig["positions"] == [c for c in options["position"] if c[0] != ""]


def test_floor_refuses_stale_placements(world):
    summary.rebuild(TODAY - timedelta(days=1))
    assert floor(world["an"]) is None
