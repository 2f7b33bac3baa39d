"""Statutory retirement dates (Decree 135/2020), worked out by hand from the rule.

For each case: the old age (60 / 55) reached before 2021 → that month; otherwise the first year Y
from 2021 in which birth month + age(Y) falls in Y, with age(Y) = 60y + 3(Y−2020) months for men
(62y from 2028) and 55y + 4(Y−2020) months for women (60y from 2035).
"""

from datetime import date

import pytest

from planner.retirement import (
    FEMALE,
    MALE,
    normal_age_months,
    retirement_last_day,
    retirement_month,
    retirements_between,
)

CASES = [
    # The decree's own examples: 01/1961 → 60y3m in 04/2021; 10/1961 → 60y3m would be 01/2022,
    # not in 2021; 2022's 60y6m is reached in 04/2022.
    (date(1961, 1, 1), MALE, 0, 0, date(2021, 4, 30), 60 * 12 + 3),
    (date(1961, 10, 1), MALE, 0, 0, date(2022, 4, 30), 60 * 12 + 6),
    # 60 reached in 12/2020, before 2021: the old age.
    (date(1960, 12, 20), MALE, 0, 0, date(2020, 12, 31), 60 * 12),
    # 09/1961 + 60y3m = 12/2021, still in 2021.
    (date(1961, 9, 30), MALE, 0, 0, date(2021, 12, 31), 60 * 12 + 3),
    # 31 January + 60y3m: "31 April" is April; the last day is 30 April.
    (date(1961, 1, 31), MALE, 0, 0, date(2021, 4, 30), 60 * 12 + 3),
    # 31/08/1962: 2021 → 11/2022 ✗; 2022 (60y6m) → 02/2023 ✗; 2023 (60y9m) → 05/2023 ✓.
    (date(1962, 8, 31), MALE, 0, 0, date(2023, 5, 31), 60 * 12 + 9),
    # 29/02/1964: 2021…2024 reach 05/2024, 08/2024, 11/2024, 02/2025 ✗; 2025 (61y3m) → 05/2025 ✓.
    (date(1964, 2, 29), MALE, 0, 0, date(2025, 5, 31), 61 * 12 + 3),
    # The men's cap: 03/1966 + 61y9m (2027) = 12/2027 ✓; 04/1966 + 61y9m = 01/2028 ✗ → 62y in 04/2028.
    (date(1966, 3, 15), MALE, 0, 0, date(2027, 12, 31), 61 * 12 + 9),
    (date(1966, 4, 15), MALE, 0, 0, date(2028, 4, 30), 62 * 12),
    (date(1970, 7, 15), MALE, 0, 0, date(2032, 7, 31), 62 * 12),
    # Women: 31/12/1965 reached 55 on 31/12/2020 (old age); 01/01/1966 → 55y4m in 05/2021.
    (date(1965, 12, 31), FEMALE, 0, 0, date(2020, 12, 31), 55 * 12),
    (date(1966, 1, 1), FEMALE, 0, 0, date(2021, 5, 31), 55 * 12 + 4),
    (date(1966, 8, 10), FEMALE, 0, 0, date(2021, 12, 31), 55 * 12 + 4),
    # 09/1966 + 55y4m = 01/2022 ✗; 2022 (55y8m) → 05/2022 ✓.
    (date(1966, 9, 10), FEMALE, 0, 0, date(2022, 5, 31), 55 * 12 + 8),
    # 29/02/1968: 2021…2023 reach 06/2023, 10/2023, 02/2024 ✗; 2024 (56y4m) → 06/2024 ✓.
    (date(1968, 2, 29), FEMALE, 0, 0, date(2024, 6, 30), 56 * 12 + 4),
    # The women's cap: 04/1975 + 59y8m (2034) = 12/2034 ✓; 05/1975 → 01/2035 ✗ → 60y in 05/2035.
    (date(1975, 4, 10), FEMALE, 0, 0, date(2034, 12, 31), 59 * 12 + 8),
    (date(1975, 5, 10), FEMALE, 0, 0, date(2035, 5, 31), 60 * 12),
    # 29/02/1980 reaches 60 in 02/2040, a leap year: 29/02/2040.
    (date(1980, 2, 29), FEMALE, 0, 0, date(2040, 2, 29), 60 * 12),
    # A recorded reduction of five years: 03/1966 + 55y3m (2021) = 06/2021.
    (date(1966, 3, 15), MALE, 60, 0, date(2021, 6, 30), 55 * 12 + 3),
    # A woman reduced by five years reached 50 in 06/2020: the old age less five years.
    (date(1970, 6, 10), FEMALE, 60, 0, date(2020, 6, 30), 50 * 12),
    # An expert extended by five years: 67 from 2028 → 07/2037.
    (date(1970, 7, 15), MALE, 0, 60, date(2037, 7, 31), 67 * 12),
    # Extended by three years: 2021…2024 reach 05/2024, 09/2024, 01/2025, 05/2025 ✗;
    # 2025 (55y + 20m + 36m = 59y8m) → 09/2025 ✓.
    (date(1966, 1, 15), FEMALE, 0, 36, date(2025, 9, 30), 59 * 12 + 8),
]


@pytest.mark.parametrize(("birth", "gender", "reduction", "extension", "last_day", "age"), CASES)
def test_retirement_last_day(birth, gender, reduction, extension, last_day, age):
    assert retirement_last_day(birth, gender, reduction_months=reduction, extension_months=extension) == last_day
    year, month, age_months = retirement_month(birth, gender, reduction_months=reduction, extension_months=extension)
    assert (year, month, age_months) == (last_day.year, last_day.month, age)


def test_schedule():
    assert [normal_age_months(MALE, y) for y in (2020, 2021, 2022, 2027, 2028, 2040)] == [
        720,
        723,
        726,
        741,
        744,
        744,
    ]
    assert [normal_age_months(FEMALE, y) for y in (2020, 2021, 2022, 2034, 2035, 2040)] == [
        660,
        664,
        668,
        716,
        720,
        720,
    ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"gender": "other"}, "gender"),
        ({"reduction_months": 61}, "reduction_months"),
        ({"extension_months": -1}, "extension_months"),
        ({"reduction_months": 12, "extension_months": 12}, "not both"),
    ],
)
def test_bad_input(kwargs, message):
    args = {"birth_date": date(1965, 1, 1), "gender": MALE, **kwargs}
    with pytest.raises(ValueError, match=message):
        retirement_last_day(args.pop("birth_date"), args.pop("gender"), **args)


def test_retirements_between_takes_objects_and_mappings_inclusive_bounds_in_date_order():
    class Person:
        def __init__(self, name, birth_date, gender, reduction_months=0):
            self.name, self.birth_date, self.gender, self.reduction_months = name, birth_date, gender, reduction_months

    people = [
        Person("b", date(1961, 10, 1), MALE),  # 30/04/2022
        {"name": "a", "birth_date": date(1961, 1, 1), "gender": MALE},  # 30/04/2021
        {"name": "c", "birth_date": date(1966, 9, 10), "gender": FEMALE},  # 31/05/2022
        Person("d", date(1966, 3, 15), MALE, reduction_months=60),  # 30/06/2021
        {"name": "e", "birth_date": date(1975, 5, 10), "gender": FEMALE, "extension_months": None},  # 2035
    ]
    found = retirements_between(people, date(2021, 4, 30), date(2022, 4, 30))
    names = [r.person["name"] if isinstance(r.person, dict) else r.person.name for r in found]
    assert names == ["a", "d", "b"]
    assert [r.last_day for r in found] == [date(2021, 4, 30), date(2021, 6, 30), date(2022, 4, 30)]
    assert [r.age_months for r in found] == [723, 663, 726]
