"""Statutory retirement dates (Decree 135/2020/NĐ-CP, normal working conditions).

From 2021 the retirement age rises each year: men from 60 years 3 months (2021) by 3 months a year
to 62 years (from 2028); women from 55 years 4 months (2021) by 4 months a year to 60 years (from
2035). The age that applies is the one of the calendar year in which the person reaches it: the
first year Y ≥ 2021 in which birth date + age(Y) falls in Y. People who reached the old age (60 / 55)
before 2021 retired at that age. A person retires at the end of the month in which they reach the
age: their last day on the roll is the last day of that month; the pension starts the next day.

Only the month of birth matters (an age in whole months is reached in the anniversary month; a
29 February or 31st birth reaches it in that month too). When only the year of birth is known,
the decree takes 1 January of that year: the caller passes that date.

Recorded exceptions, both relative to the normal age of the year the age is reached, at most five
years (60 months): a reduction for the arduous, hazardous or reduced-capacity cases the decree
lists, or an extension for the experts it lists. No Django imports here.
"""

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

MALE = "male"
FEMALE = "female"

FIRST_YEAR = 2021
MAX_ADJUSTMENT_MONTHS = 60

# gender: (age before 2021, yearly step from 2021, final age), in months
_SCHEDULE = {
    MALE: (60 * 12, 3, 62 * 12),
    FEMALE: (55 * 12, 4, 60 * 12),
}


def normal_age_months(gender: str, year: int) -> int:
    """The retirement age in normal working conditions for someone reaching it in ``year``."""
    try:
        base, step, final = _SCHEDULE[gender]
    except KeyError:
        raise ValueError(f"gender must be {MALE!r} or {FEMALE!r}, not {gender!r}") from None
    if year < FIRST_YEAR:
        return base
    return min(base + step * (year - FIRST_YEAR + 1), final)


def _check_adjustments(reduction_months: int, extension_months: int) -> int:
    for name, value in (("reduction_months", reduction_months), ("extension_months", extension_months)):
        if not 0 <= value <= MAX_ADJUSTMENT_MONTHS:
            raise ValueError(f"{name} must be between 0 and {MAX_ADJUSTMENT_MONTHS}, not {value}")
    if reduction_months and extension_months:
        raise ValueError("a person has either a reduced or an extended retirement age, not both")
    return extension_months - reduction_months


def retirement_month(
    birth_date: date, gender: str, *, reduction_months: int = 0, extension_months: int = 0
) -> tuple[int, int, int]:
    """(year, month, age in months) of the month in which the person reaches retirement age."""
    delta = _check_adjustments(reduction_months, extension_months)
    born = birth_date.year * 12 + birth_date.month - 1  # months since year 0

    def reached(age_months):
        return divmod(born + age_months, 12)  # (year, month index 0-11)

    old_age = normal_age_months(gender, FIRST_YEAR - 1) + delta
    year, month0 = reached(old_age)
    if year < FIRST_YEAR:
        return year, month0 + 1, old_age
    y = FIRST_YEAR
    while True:
        age = normal_age_months(gender, y) + delta
        year, month0 = reached(age)
        if year == y:
            return year, month0 + 1, age
        # The age rises by under a year per year, so the reaching date is never before Y here.
        y += 1


def retirement_last_day(birth_date: date, gender: str, *, reduction_months: int = 0, extension_months: int = 0) -> date:
    """The last day on the roll: the last day of the month in which the retirement age is reached."""
    year, month, _age = retirement_month(
        birth_date, gender, reduction_months=reduction_months, extension_months=extension_months
    )
    return date(year, month, calendar.monthrange(year, month)[1])


@dataclass(frozen=True)
class Retirement:
    person: object
    last_day: date
    age_months: int


def _get(person, name, default=None):
    if isinstance(person, Mapping):
        return person.get(name, default)
    return getattr(person, name, default)


def retirements_between(people: Iterable, start: date, end: date) -> list[Retirement]:
    """People whose last day on the roll falls between ``start`` and ``end`` (both inclusive).

    Each person is an object or a mapping with ``birth_date`` and ``gender`` and optionally
    ``reduction_months`` / ``extension_months``. Sorted by last day, then in input order.
    """
    found = []
    for person in people:
        reduction = _get(person, "reduction_months") or 0
        extension = _get(person, "extension_months") or 0
        year, month, age = retirement_month(
            _get(person, "birth_date"), _get(person, "gender"), reduction_months=reduction, extension_months=extension
        )
        last = date(year, month, calendar.monthrange(year, month)[1])
        if start <= last <= end:
            found.append(Retirement(person, last, age))
    found.sort(key=lambda r: r.last_day)
    return found
