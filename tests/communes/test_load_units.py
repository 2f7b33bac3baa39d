"""load_units: the country's 34 provinces and 3,321 commune-level units from vietnam-provinces."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from communes.models import Province, Unit
from communes.services import units_load_official

pytestmark = pytest.mark.django_db


def run():
    out = StringIO()
    with translation.override("en"):
        call_command("load_units", stdout=out)
    return out.getvalue().strip()


def test_loads_every_province_and_commune_with_official_codes():
    output = run()
    assert Province.objects.count() == 34
    kinds = Counter(Unit.objects.values_list("kind", flat=True))
    assert kinds == {"commune": 2621, "ward": 687, "special_zone": 13}
    assert Unit.objects.filter(province__code="66").count() == 102
    assert Province.objects.get(code="01").name == "Thành phố Hà Nội"
    assert Province.objects.get(code="66").name == "Tỉnh Đắk Lắk"
    assert Unit.objects.get(code="00004").name == "Phường Ba Đình"
    assert Unit.objects.get(code="00004").search_text == "phuong ba dinh"
    assert output == (
        "Provinces: 34 (created 34, updated 0). Commune-level units: 3321 (created 3321, updated 0): "
        "Commune 2621, Special zone 13, Ward 687."
    )


def test_running_twice_changes_nothing():
    run()
    before = list(Unit.objects.order_by("code").values_list("pk", "code", "name", "kind", "province_id"))
    assert run() == (
        "Provinces: 34 (created 0, updated 0). Commune-level units: 3321 (created 0, updated 0): "
        "Commune 2621, Special zone 13, Ward 687."
    )
    assert list(Unit.objects.order_by("code").values_list("pk", "code", "name", "kind", "province_id")) == before


def test_a_renamed_unit_and_province_are_updated():
    units_load_official()
    Unit.objects.filter(code="00004").update(name="Phường Cũ", search_text="phuong cu")
    Province.objects.filter(code="66").update(name="Tỉnh Cũ")
    stats = units_load_official()
    assert stats == {"provinces_created": 0, "provinces_updated": 1, "units_created": 0, "units_updated": 1}
    unit = Unit.objects.get(code="00004")
    assert (unit.name, unit.search_text) == ("Phường Ba Đình", "phuong ba dinh")
    assert Province.objects.get(code="66").name == "Tỉnh Đắk Lắk"
