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

What a province reports upward (``Headline``) counts units by their net: "N communes short of M
staff against their assigned quota, K communes with a surplus of L". A unit short in one field and
over in another is short, over or even by its total; "short in at least one field" is a separate
count.
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


class Counted:
    """What every balance and total reads from its parts and its view (the formulas of TERMS)."""

    def parts(self):
        return {name: getattr(self, name) for name in PARTS}

    @property
    def effective(self):
        return combine(EFFECTIVE_TERMS, self.parts())

    @property
    def headcount(self):
        return combine(TERMS[self.view], self.parts())


@dataclass
class Balance(Counted):
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
class Headline:
    """Units counted by their total headcount against their total quota, and by their fields.

    ``units_net_short`` units are short of ``net_shortage`` people in total (the sum of their
    negative nets); ``units_net_surplus`` units have ``net_surplus`` people over. A unit whose
    total equals its quota is in neither. ``units_short_in_a_field`` / ``units_surplus_in_a_field``
    count units with at least one field short / over, whatever their total.
    """

    units_net_short: int = 0
    net_shortage: int = 0
    units_net_surplus: int = 0
    net_surplus: int = 0
    units_short_in_a_field: int = 0
    units_surplus_in_a_field: int = 0

    def add_unit(self, *, quota: int, headcount: int, gross_shortage: int, gross_surplus: int):
        net = headcount - quota
        if net < 0:
            self.units_net_short += 1
            self.net_shortage += -net
        elif net > 0:
            self.units_net_surplus += 1
            self.net_surplus += net
        self.units_short_in_a_field += gross_shortage > 0
        self.units_surplus_in_a_field += gross_surplus > 0

    def as_dict(self):
        return dict(self.__dict__)


@dataclass
class UnitBalance(Counted):
    """One unit's quota and headcount parts over its fields on one day, read in one view.

    ``gross_shortage`` / ``gross_surplus`` add the gaps of each field; ``by_field`` maps a field id
    to ``(quota, headcount)``.
    """

    unit_id: int
    view: str = View.COVERAGE
    quota: int = 0
    on_roll: int = 0
    seconded_out: int = 0
    seconded_in: int = 0
    absent: int = 0
    gross_shortage: int = 0
    gross_surplus: int = 0
    by_field: dict = field(default_factory=dict)

    def add_field(self, field_id, quota: int, parts: dict):
        headcount = combine(TERMS[self.view], parts)
        self.quota += quota
        for name in PARTS:
            setattr(self, name, getattr(self, name) + parts[name])
        self.gross_shortage += shortage(headcount - quota)
        self.gross_surplus += surplus(headcount - quota)
        q, h = self.by_field.get(field_id, (0, 0))
        self.by_field[field_id] = (q + quota, h + headcount)

    @property
    def net(self):
        return self.headcount - self.quota


def headline(balances) -> Headline:
    """The headline over unit balances (``UnitBalance``)."""
    result = Headline()
    for b in balances:
        result.add_unit(
            quota=b.quota, headcount=b.headcount, gross_shortage=b.gross_shortage, gross_surplus=b.gross_surplus
        )
    return result


@dataclass
class Totals(Counted):
    """Sums over balances; gross shortage and surplus add the gaps of each unit × field."""

    quota: int = 0
    on_roll: int = 0
    seconded_out: int = 0
    seconded_in: int = 0
    absent: int = 0
    gross_shortage: int = 0
    gross_surplus: int = 0
    view: str = View.COVERAGE
    unit_ids_short: set = field(default_factory=set)  # short in at least one field
    unit_ids_surplus: set = field(default_factory=set)  # over in at least one field
    headline: Headline = field(default_factory=Headline)

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
    units = {}
    for r in rows:
        for name in PARTS:
            setattr(totals, name, getattr(totals, name) + getattr(r, name))
        totals.quota += r.quota
        b = units.get(r.unit_id)
        if b is None:
            b = units[r.unit_id] = UnitBalance(r.unit_id, view)
        b.add_field(r.field_id, r.quota, r.parts())
    for b in units.values():
        # Gross: each field's gap on its own (categories of one field are added first).
        for quota, headcount in b.by_field.values():
            gap = headcount - quota
            if gap < 0:
                totals.gross_shortage += shortage(gap)
                totals.unit_ids_short.add(b.unit_id)
            elif gap > 0:
                totals.gross_surplus += surplus(gap)
                totals.unit_ids_surplus.add(b.unit_id)
    totals.headline = headline(_per_field(b) for b in units.values())
    return totals


def _per_field(b: UnitBalance) -> UnitBalance:
    """``b`` with its gross figures taken over fields (rows by category add up within a field first)."""
    b.gross_shortage = sum(shortage(h - q) for q, h in b.by_field.values())
    b.gross_surplus = sum(surplus(h - q) for q, h in b.by_field.values())
    return b


def summarize_by(rows, key, *, view: str | None = None) -> dict:
    """Totals per group of balances, e.g. ``summarize_by(rows, lambda r: r.unit_id)``."""
    groups = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return {k: summarize(v, view=view) for k, v in groups.items()}
