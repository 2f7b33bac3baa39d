"""The roster FilterSet shared by the unit page, the API and exports."""

from datetime import date

import pytest

from communes.models import Unit
from staffing.filters import StaffFilterSet
from staffing.models import Staff
from tests import factories as f
from tests.staffing import support

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


# Filters on the unit, field, category and position read the placement in force on a day: this one
# falls before Trần Văn B left (1 January 2026), so he is placed too.
DAY = date(2025, 12, 1)


def names(params):
    fs = StaffFilterSet(params, queryset=Staff.objects.with_placement(DAY))
    assert fs.is_valid(), fs.errors
    return [s.full_name for s in fs.qs]


@pytest.fixture
def roster(world):
    f.staff(world.commune, world.land, name="Nguyễn Văn A", staff_code="NV1", position=world.cadastral)
    f.staff(
        world.commune, world.finance, name="Đặng Thị Đắk", staff_code="NV2", category="cadre", qualification="master"
    )
    f.staff(world.neighbour, world.land, name="Trần Văn B", staff_code="NV3", status="retired", end_date="2026-01-01")
    f.staff(world.far_commune, world.finance, name="Nguyễn Văn An", staff_code="NV4")
    return world


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"q": "nguyen van a"}, ["Nguyễn Văn A", "Nguyễn Văn An"]),
        ({"q": "NGUYỄN văn"}, ["Nguyễn Văn A", "Nguyễn Văn An"]),
        ({"q": "dak"}, ["Đặng Thị Đắk"]),
        ({"q": "dang dak"}, ["Đặng Thị Đắk"]),
        ({"q": "nv3"}, ["Trần Văn B"]),
        ({"category": "cadre"}, ["Đặng Thị Đắk"]),
        ({"qualification": "master"}, ["Đặng Thị Đắk"]),
        ({"status": "retired"}, ["Trần Văn B"]),
        ({"field_code": "finance"}, ["Nguyễn Văn An", "Đặng Thị Đắk"]),
        ({"position_code": "DC-01"}, ["Nguyễn Văn A"]),
        ({"unit_code": "24002"}, ["Trần Văn B"]),
        ({"province_code": "64"}, ["Nguyễn Văn An"]),
        ({"ordering": "-staff_code"}, ["Nguyễn Văn An", "Trần Văn B", "Đặng Thị Đắk", "Nguyễn Văn A"]),
    ],
)
def test_filters(roster, params, expected):
    got = names(params)
    assert (sorted(got) if "ordering" not in params else got) == (
        sorted(expected) if "ordering" not in params else expected
    )


def test_filters_by_id(roster):
    assert names({"field": roster.land.pk, "unit": roster.commune.pk}) == ["Nguyễn Văn A"]
    assert names({"position": roster.cadastral.pk}) == ["Nguyễn Văn A"]
    assert sorted(names({"province": roster.province.pk})) == ["Nguyễn Văn A", "Trần Văn B", "Đặng Thị Đắk"]


def test_invalid_choice_is_an_error(roster):
    fs = StaffFilterSet({"category": "boss"}, queryset=Staff.objects.with_placement(DAY))
    assert not fs.is_valid()
    assert fs.errors["category"] == ["Select a valid choice. boss is not one of the available choices."]


def unit_names(params, units):
    units = None if units is None else Unit.objects.filter(pk__in=units)
    fs = StaffFilterSet(params, queryset=Staff.objects.with_placement(DAY), units=units)
    assert fs.is_valid(), fs.errors
    got = sorted(s.full_name for s in fs.qs)
    return got, str(fs.qs.query) if got else ""


@pytest.mark.parametrize(
    "params, scope, expected",
    [
        # The scope alone, then narrowed by each unit filter; filters outside it give nothing.
        ({}, ["commune", "neighbour"], ["Nguyễn Văn A", "Trần Văn B", "Đặng Thị Đắk"]),
        ({"province_code": "66"}, ["commune"], ["Nguyễn Văn A", "Đặng Thị Đắk"]),
        ({"province_code": "64"}, ["commune", "neighbour"], []),
        ({"unit_code": "24002", "province_code": "66"}, ["commune", "neighbour"], ["Trần Văn B"]),
        ({"unit_code": "24002"}, ["commune"], []),
        ({"unit_code": "23001", "province_code": "66"}, None, []),
        ({"province_code": "64"}, None, ["Nguyễn Văn An"]),
    ],
)
def test_scope_and_unit_filters_are_one_condition(roster, params, scope, expected):
    units = None if scope is None else [getattr(roster, name).pk for name in scope]
    got, sql = unit_names(params, units)
    assert got == sorted(expected)
    if expected:
        # One condition on the placement's unit, however many filters narrow it.
        assert sql.count('"unit_id" IN (') + sql.count('"unit_id" = ANY(') == 1


def test_unit_id_filter_narrows_the_scope(roster):
    assert unit_names({"unit": roster.commune.pk}, [roster.commune.pk])[0] == ["Nguyễn Văn A", "Đặng Thị Đắk"]
    assert unit_names({"unit": roster.commune.pk}, [roster.neighbour.pk])[0] == []
    assert unit_names({"province": roster.other_province.pk}, None)[0] == ["Nguyễn Văn An"]


def test_a_form_changed_by_one_page_leaves_the_next_alone(roster):
    # The form class is built once; each filterset's form has fields of its own.
    first = StaffFilterSet({}, queryset=Staff.objects.with_placement(DAY))
    first.form.fields["field"].widget.choices = [("", "—"), ("x", "only this page")]
    del first.form.fields["qualification"]
    second = StaffFilterSet({"qualification": "master"}, queryset=Staff.objects.with_placement(DAY))
    assert "qualification" in second.form.fields
    assert ("x", "only this page") not in list(second.form.fields["field"].widget.choices)
    assert [s.full_name for s in second.qs] == ["Đặng Thị Đắk"]
