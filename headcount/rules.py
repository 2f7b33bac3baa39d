"""The formulas of the headcount rule, written once.

For unit U, field F on day D the database gives four counts (``selectors``):

- ``on_roll``: people whose assignment in force on D places them at U in F;
- ``seconded_out`` / ``seconded_in``: temporary movements in effect on D of people on the roll,
  leaving U from F / entering U to work in F;
- ``absent``: people on the roll with an absence in force on D, counted where they work that day
  (the receiving unit while seconded, else their home unit).

``effective = on_roll − seconded_out + seconded_in − absent``. The **establishment** view compares
``on_roll`` with the quota (seconded and absent people hold their post); the **coverage** view
compares ``effective`` (who does the work). ``gap = headcount − quota``; shortage and surplus are
its negative and positive parts per unit × field, added up separately (gross); a unit's net is its
total headcount − its total quota.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

ON_ROLL, SECONDED_OUT, SECONDED_IN, ABSENT = "on_roll", "seconded_out", "seconded_in", "absent"
PARTS = (ON_ROLL, SECONDED_OUT, SECONDED_IN, ABSENT)


class View:
    ESTABLISHMENT = "establishment"
    COVERAGE = "coverage"
    CHOICES = [(ESTABLISHMENT, _("Establishment")), (COVERAGE, _("Coverage"))]

    @classmethod
    def clean(cls, value):
        return value if value in (cls.ESTABLISHMENT, cls.COVERAGE) else cls.COVERAGE


# Each view's headcount as signed parts: the one definition that Python and SQL both read.
TERMS = {
    View.ESTABLISHMENT: ((1, ON_ROLL),),
    View.COVERAGE: ((1, ON_ROLL), (-1, SECONDED_OUT), (1, SECONDED_IN), (-1, ABSENT)),
}
EFFECTIVE_TERMS = TERMS[View.COVERAGE]


def combine(terms, parts) -> int:
    """``sum(sign × part)`` over ``terms``; ``parts`` maps part names to numbers."""
    return sum(sign * parts[name] for sign, name in terms)


def combine_sql(terms, columns) -> str:
    """The same sum as SQL text; ``columns`` maps part names to column expressions."""
    text = " ".join(f"{'+' if sign > 0 else '-'} {columns[name]}" for sign, name in terms)
    return text.removeprefix("+ ")


def shortage(gap: int) -> int:
    return max(0, -gap)


def surplus(gap: int) -> int:
    return max(0, gap)


@dataclass
class Balance:
    """Quota and headcount parts of one unit × field (× category) on one day, read in one view."""

    unit_id: int
    field_id: int
    category: str | None
    quota: int = 0
    on_roll: int = 0
    seconded_out: int = 0
    seconded_in: int = 0
    absent: int = 0
    view: str = View.COVERAGE

    def parts(self):
        return {name: getattr(self, name) for name in PARTS}

    @property
    def effective(self):
        return combine(EFFECTIVE_TERMS, self.parts())

    @property
    def headcount(self):
        return combine(TERMS[self.view], self.parts())

    @property
    def gap(self):
        return self.headcount - self.quota

    @property
    def shortage(self):
        return shortage(self.gap)

    @property
    def surplus(self):
        return surplus(self.gap)


@dataclass
class Totals:
    """Sums over balances; gross shortage and surplus add the gaps of each unit × field."""

    quota: int = 0
    on_roll: int = 0
    seconded_out: int = 0
    seconded_in: int = 0
    absent: int = 0
    gross_shortage: int = 0
    gross_surplus: int = 0
    view: str = View.COVERAGE
    unit_ids_short: set = field(default_factory=set)
    unit_ids_surplus: set = field(default_factory=set)

    def parts(self):
        return {name: getattr(self, name) for name in PARTS}

    @property
    def effective(self):
        return combine(EFFECTIVE_TERMS, self.parts())

    @property
    def headcount(self):
        return combine(TERMS[self.view], self.parts())

    @property
    def net(self):
        return self.headcount - self.quota

    @property
    def units_short(self):
        return len(self.unit_ids_short)

    @property
    def units_surplus(self):
        return len(self.unit_ids_surplus)


def summarize(rows, *, view: str | None = None) -> Totals:
    """Totals over balances. Shortage and surplus are gross: per unit × field, then added up."""
    view = View.clean(view or (rows[0].view if rows else View.COVERAGE))
    totals = Totals(view=view)
    per_field = defaultdict(lambda: [0, 0])  # (unit, field) -> [quota, headcount]
    for r in rows:
        for name in PARTS:
            setattr(totals, name, getattr(totals, name) + getattr(r, name))
        totals.quota += r.quota
        acc = per_field[(r.unit_id, r.field_id)]
        acc[0] += r.quota
        acc[1] += combine(TERMS[view], r.parts())
    for (unit_id, _field_id), (quota, headcount) in per_field.items():
        gap = headcount - quota
        if gap < 0:
            totals.gross_shortage += shortage(gap)
            totals.unit_ids_short.add(unit_id)
        elif gap > 0:
            totals.gross_surplus += surplus(gap)
            totals.unit_ids_surplus.add(unit_id)
    return totals


def summarize_by(rows, key, *, view: str | None = None) -> dict:
    """Totals per group of balances, e.g. ``summarize_by(rows, lambda r: r.unit_id)``."""
    groups = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return {k: summarize(v, view=view) for k, v in groups.items()}
