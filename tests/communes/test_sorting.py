"""Vietnamese alphabetical order (core.text) and the units' stored sort key, on both databases;
search folds typographic apostrophes."""

import random

import pytest

from communes.models import Unit, UnitKind
from communes.services import units_load_official
from core.text import normalize_search, vietnamese_name_sort_key, vietnamese_sort_key
from tests import factories as f

# In dictionary order: letters a ă â b c d đ e ê g … o ô ơ … u ư v x y; for the same letters the
# tones ngang, huyền, hỏi, ngã, sắc, nặng; a syllable before the same syllable with more letters.
WORDS = [
    "a", "à", "ả", "ã", "á", "ạ", "an", "ăn", "ắn", "ân", "ấn", "ba", "ba lô", "bà", "bà ba", "bả", "bã", "bá",
    "bạ", "bác", "bạc", "da", "đa", "đà", "e", "ê", "ề", "gà", "i", "ò", "ô", "ồ", "ơ", "ờ", "u", "ụ", "ư",
    "ừ", "v", "x", "y", "ỷ",
]  # fmt: skip


def shuffled(items, seed=7):
    items = list(items)
    random.Random(seed).shuffle(items)
    return items


def test_words_sort_in_dictionary_order():
    assert sorted(shuffled(WORDS), key=vietnamese_sort_key) == WORDS


def test_case_punctuation_and_numbers():
    names = ["Phường 2", "phường 10", "Phường Ea Kao", "Xã Ea H’Leo", "Xã Ea Kar", "Xã Ea Ktur"]
    assert sorted(shuffled(names), key=vietnamese_sort_key) == names
    assert vietnamese_sort_key("Đắk Lắk") == vietnamese_sort_key("ĐẮK  LẮK") == vietnamese_sort_key("đắk-lắk")
    # Keys use 0-9 and a-z only: any database collation orders them as plain comparison does.
    assert set(vietnamese_sort_key("Ủy ban Mặt trận Tổ quốc, tỉnh 66")) <= set("0123456789abcdefghijklmnopqrstuvwxyz")


def test_people_sort_by_given_name_then_family_and_middle_names():
    names = [
        "Lê An",
        "Nguyễn An",
        "Nguyễn Văn An",
        "Trần Văn An",
        "Phạm Thị Ánh",
        "Hoàng Ăn",
        "Lê Thị Bình",
        "Vũ Dũng",
        "Đỗ Đức",
        "Bùi Thị Ơn",
        "Ngô Ưng",
    ]
    assert sorted(shuffled(names), key=vietnamese_name_sort_key) == names


@pytest.mark.django_db
def test_units_come_back_from_the_database_in_vietnamese_order():
    prov = f.province()
    # Department names chosen so that byte order (Ủ, Đ, Ô after Y) would be wrong.
    expected = [
        "Ban Ăn uống",
        "Ban Âm nhạc",
        "Sở Dân tộc",
        "Sở Đào tạo",
        "Sở Ô tô",
        "Sở Ơn",
        "Sở Ư",
        "Sở Y tế",
        "Ủy ban Kiểm tra",
        "Văn phòng",
    ]
    for i, name in enumerate(shuffled(expected)):
        f.unit(name, kind=UnitKind.DEPARTMENT, prov=prov, code=f"D{i:03d}")
    assert list(Unit.objects.filter(province=prov).values_list("name", flat=True)) == expected
    assert list(Unit.objects.order_by("-sort_key").values_list("name", flat=True)) == expected[::-1]


@pytest.mark.django_db
def test_renaming_a_unit_rewrites_its_keys():
    unit = f.unit("Xã A")
    unit.name = "Xã Ủy"
    unit.save(update_fields=["name"])
    unit.refresh_from_db()
    assert (unit.sort_key, unit.search_text) == (vietnamese_sort_key("Xã Ủy"), "xa uy")


@pytest.mark.django_db
def test_the_official_loader_writes_the_sort_key():
    divisions = [
        {
            "code": 66,
            "name": "Tỉnh Đắk Lắk",
            "division_type": "tỉnh",
            "wards": [
                {"code": 1, "name": "Xã Ủy Thử", "division_type": "xã"},
                {"code": 2, "name": "Xã Ea H’Leo", "division_type": "xã"},
                {"code": 3, "name": "Xã Đạt", "division_type": "xã"},
            ],
        }
    ]
    units_load_official(divisions)
    assert list(Unit.objects.values_list("name", flat=True)) == ["Xã Đạt", "Xã Ea H’Leo", "Xã Ủy Thử"]
    assert all(u.sort_key == vietnamese_sort_key(u.name) for u in Unit.objects.all())


@pytest.mark.parametrize("typed", ["Ea H'Leo", "Ea H’Leo", "Ea H‘Leo", "Ea Hʼleo", "Ea H`Leo", "Ea H´Leo"])
def test_search_folds_typographic_apostrophes(typed):
    assert normalize_search(typed) == normalize_search("Ea H'Leo") == "ea h'leo"


@pytest.mark.django_db
def test_unit_list_search_finds_a_name_typed_with_another_apostrophe(client, login_as):
    from accounts.models import Role

    unit = f.unit("Xã Ea H’Leo")
    login_as(Role.NATIONAL_VIEWER)
    response = client.get("/units/", {"q": "Ea H'Leo"})
    assert response.status_code == 200
    assert unit.name in response.content.decode()
