"""The rebalancing planner's solver: who goes to which short commune, in which field, and why.

Plain Python and HiGHS (through ``highspy``); no Django imports, so the model is tested on plain
data. The caller builds a :class:`Problem` from the database and turns the :class:`Proposal`'s
codes into sentences.

The model
---------
People who are interchangeable (same unit, sending quota, placed field, fields they can serve and
leader flag) form one *group* with a count. A group sends people to *field nodes* ``(field, match
kind, leader)``: a person serves the field of their trained major (kind ``major``) or the field
they are placed in (kind ``placement``). Field nodes pass people on to the demands of their field.
All flows are integers. Constraints:

* a group sends at most its count; a demand receives at most its shortage, and leaders at most its
  short leadership posts;
* a surplus commune sends from a field at most its surplus there (never below quota);
* a department (or public service unit) sends at most its maximum; its minimum is soft;
* a commune never sends to itself: at each node, what commune c sends in plus what c receives is
  at most the node's total flow. That is exactly the condition for splitting the node's flow
  into person moves that never go from a commune to itself; :func:`_split_node` does the split.

The objective is lexicographic, solved as a sequence of MILPs, each fixing the optimum of the
tiers before it (a row ``tier value ≥ optimum``; integral tiers keep their exact optimum):

1. ``coverage``: maximise the weighted covered shortage (weights taken to three decimals);
2. ``expertise``: maximise moves whose field is the person's trained major;
3. ``surplus_first``: minimise moves that take a department below its own quota in the person's
   placed field (commune senders only ever give surplus; departments whose own surplus is not
   given are neutral here);
4. ``minimums`` then ``spread``: minimise the people missing to reach departments' minimums,
   then spread the burden in proportion to the maximums: minimise Σ_d s_d(s_d+1) / (2·max_d) for
   s_d people sent by department d, i.e. the k-th person sent by d costs k / max_d. This convex
   cost is lowest when every department sends the same fraction of its maximum;
5. ``moves``: fewest moves.

Each run also reports the LP relaxation bound of tier 1 with the relative gap, and a greedy
baseline (largest weighted shortage first, best candidate by match) scored on the same tiers.
"""

from __future__ import annotations

import math
import numbers
import time
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import highspy
import numpy as np

# Match kinds
MAJOR = "major"
PLACEMENT = "placement"

# Reason codes carried by a move
MAJOR_MATCH = "major_match"
PLACEMENT_MATCH = "placement_match"
PRIORITY_COMMUNE = "priority_commune"
DISADVANTAGED = "disadvantaged"
BORDER = "border"
LEADER_POST = "leader_post"
FROM_COMMUNE_SURPLUS = "from_commune_surplus"
FROM_DEPARTMENT_SURPLUS = "from_department_surplus"
CREATES_DEPARTMENT_GAP = "creates_department_gap"
WITHIN_SENDING_QUOTA = "within_sending_quota"  # department whose own surplus was not given

# Why a person who could fill a field was not proposed for a given unmet demand
SAME_COMMUNE = "same_commune"
LEADERS_EXCLUDED = "leaders_excluded"
LEADER_NOT_NEEDED = "leader_not_needed"
LEADER_POSTS_FILLED = "leader_posts_filled"
COMMUNE_SENDERS_OFF = "commune_senders_off"
NO_COMMUNE_SURPLUS = "no_commune_surplus"
COMMUNE_SURPLUS_USED = "commune_surplus_used"
NO_SENDING_QUOTA = "no_sending_quota"
DEPARTMENT_MAX_REACHED = "department_max_reached"
NO_DEMAND_IN_FIELDS = "no_demand_in_fields"
NOT_CHOSEN = "not_chosen"  # only when a time limit stopped the solver before optimality

# Causes of unmet shortage
NO_CANDIDATE_IN_FIELD = "no_candidate_in_field"  # nobody in the province: a training or recruitment need
ONLY_IN_SAME_COMMUNE = "only_in_same_commune"  # only the commune's own staff: an internal reassignment
LIMITS_REACHED = "limits_reached"  # people exist but the rules or sending limits hold them (see ``blocked``)
SUPPLY_EXHAUSTED = "supply_exhausted"  # every person for the field is proposed elsewhere

# Why a department stays below its minimum
NOT_ENOUGH_ELIGIBLE_PEOPLE = "not_enough_eligible_people"
NO_DEMAND_IN_ITS_FIELDS = "no_demand_in_its_fields"
NOT_ENOUGH_PEOPLE_IN_DEMANDED_FIELDS = "not_enough_people_in_demanded_fields"
NOT_ENOUGH_DEMAND_IN_ITS_FIELDS = "not_enough_demand_in_its_fields"
DEMAND_COVERED_BY_BETTER_MATCHES = "demand_covered_by_better_matches"

# Run status
OPTIMAL = "optimal"
FEASIBLE = "feasible"

TIERS = ("coverage", "expertise", "surplus_first", "minimums", "spread", "moves")
WEIGHT_SCALE = 1000  # weights are taken to three decimals so that tier 1 is integral

_HARD_BLOCKS = (LEADERS_EXCLUDED, COMMUNE_SENDERS_OFF, NO_COMMUNE_SURPLUS, NO_SENDING_QUOTA)


class PlannerInputError(ValueError):
    """The problem handed to the solver is malformed; ``code`` names the rule broken."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


# --------------------------------------------------------------------------------------- input


@dataclass(frozen=True)
class Demand:
    """A receiving commune's shortage in one field (coverage view, after decided movements).

    ``leader_shortage`` is how many of the missing posts are leadership posts: only that many
    leaders may be proposed here. ``weight`` (> 0) is the value of covering one missing post.
    """

    commune_id: Hashable
    field_id: Hashable
    shortage: int
    weight: float = 1.0
    priority: bool = False
    disadvantaged: bool = False
    border: bool = False
    leader_shortage: int = 0


@dataclass(frozen=True)
class Candidate:
    """A person the caller found eligible to move (on the roll, not absent, no running or pending
    movement). ``quota_unit_id`` is the unit whose sending quota the person counts against (the
    department of a public service unit); it defaults to ``unit_id``. Among interchangeable
    people, lower ``rank`` is proposed first, then lower ``person_id``."""

    person_id: Hashable
    unit_id: Hashable
    unit_is_commune: bool
    placed_field_id: Hashable
    major_field_id: Hashable | None = None
    is_leader: bool = False
    quota_unit_id: Hashable | None = None
    rank: int = 0

    @property
    def quota_unit(self):
        if self.unit_is_commune:
            return None
        return self.quota_unit_id if self.quota_unit_id is not None else self.unit_id


@dataclass(frozen=True)
class SendingQuota:
    """How many people a department or public service unit sends: a count range from the plan."""

    unit_id: Hashable
    minimum: int
    maximum: int


@dataclass(frozen=True)
class Surplus:
    """People above a unit's own quota in a field (``count`` ≥ 0)."""

    unit_id: Hashable
    field_id: Hashable
    count: int


@dataclass(frozen=True)
class Options:
    """Knobs of a run. ``fields`` / ``communes`` limit the demands planned (None: all)."""

    communes_may_send: bool = True
    allow_leaders: bool = True
    fields: frozenset | None = None
    communes: frozenset | None = None
    time_limit: float = 60.0
    greedy: bool = True
    # Solve each tier's LP first and keep it when integral (exact, fast); False branches every
    # tier with the MILP solver (same optimum, slower; kept to cross-check the fast path).
    lp_first: bool = True


@dataclass(frozen=True)
class Problem:
    """Everything one run needs. ``commune_surplus`` caps what surplus communes give (hard);
    ``department_surplus`` says, when known, how many people departments have above their own
    quota per field (taking from those is preferred). None means unknown for every department;
    when given, a missing (unit, field) means no surplus there."""

    demands: Sequence[Demand]
    candidates: Sequence[Candidate]
    quotas: Sequence[SendingQuota] = ()
    commune_surplus: Sequence[Surplus] = ()
    department_surplus: Sequence[Surplus] | None = None
    options: Options = field(default_factory=Options)


# -------------------------------------------------------------------------------------- output


@dataclass(frozen=True)
class Move:
    """One proposed move with the numbers its explanation needs.

    ``shortage`` is the receiving cell's shortage before the proposal. For a department sender,
    ``sender_sent`` is what its sending quota sends in the whole proposal, against
    ``sender_minimum``–``sender_maximum``; for a commune sender, what it gives from the placed
    field against its ``sender_surplus`` there. ``from_surplus`` says whether the person is above
    the sender's own quota in the placed field (None: not known)."""

    person_id: Hashable
    from_unit_id: Hashable
    from_commune: bool
    quota_unit_id: Hashable | None
    to_commune_id: Hashable
    field_id: Hashable
    match: str
    placed_field_id: Hashable
    major_field_id: Hashable | None
    is_leader: bool
    reasons: tuple[str, ...]
    shortage: int
    weight: float
    sender_sent: int
    sender_minimum: int | None
    sender_maximum: int | None
    sender_surplus: int | None
    from_surplus: bool | None


@dataclass(frozen=True)
class Cell:
    """A receiving commune × field: coverage shortage before and after the proposal."""

    commune_id: Hashable
    field_id: Hashable
    shortage_before: int
    covered: int
    covered_by_major: int
    shortage_after: int
    weight: float


@dataclass(frozen=True)
class Unmet:
    """Shortage left after the proposal and why. ``blocked`` counts, by reason code, the people
    who could fill the field but are held (rules, limits); ``used_elsewhere`` those proposed for
    another cell; ``same_commune`` the commune's own staff who could fill it."""

    commune_id: Hashable
    field_id: Hashable
    unmet: int
    cause: str
    blocked: dict
    used_elsewhere: int
    same_commune: int


@dataclass(frozen=True)
class SenderResult:
    """A department's (or public service unit's) sending quota against what the proposal sends.

    ``candidates``: its people handed to the solver; ``usable``: those who can serve some demand
    under the rules; ``matching_shortage``: the shortage in the fields those people can serve;
    ``gaps_created``: people sent below its own quota in their field (None: surplus unknown)."""

    unit_id: Hashable
    minimum: int
    maximum: int
    sent: int
    shortfall: int
    reason: str | None
    candidates: int
    usable: int
    matching_shortage: int
    gaps_created: int | None


@dataclass(frozen=True)
class SenderField:
    """A surplus commune's field it gives from: surplus before and after (never below zero)."""

    commune_id: Hashable
    field_id: Hashable
    surplus_before: int
    sent: int
    surplus_after: int


@dataclass(frozen=True)
class TierResult:
    """One tier's solve: ``method`` is "lp" when the LP optimum was integral (hence the MILP
    optimum), "mip" when HiGHS branched."""

    name: str
    value: float
    status: str
    method: str
    seconds: float


@dataclass(frozen=True)
class Stats:
    """How good the proposal is and what it cost. ``objective`` is the weighted covered shortage;
    ``lp_bound`` its LP relaxation bound and ``gap`` = (bound − objective) / bound; ``greedy_*``
    the greedy baseline on the same scale; ``tiers`` the lexicographic values of the proposal."""

    status: str
    objective: float
    lp_bound: float | None
    gap: float | None
    greedy_objective: float | None
    greedy_tiers: dict | None
    tiers: dict
    solves: tuple[TierResult, ...]
    seconds: float
    solve_seconds: float
    variables: int
    integer_variables: int
    constraints: int
    nonzeros: int
    candidates: int
    usable_candidates: int
    groups: int
    demands: int


@dataclass(frozen=True)
class Proposal:
    moves: tuple[Move, ...]
    senders: tuple[SenderResult, ...]
    sender_fields: tuple[SenderField, ...]
    cells: tuple[Cell, ...]
    unmet: tuple[Unmet, ...]
    recruitment_needs: dict  # field_id -> unmet shortage with nobody in the province to fill it
    stats: Stats


# ----------------------------------------------------------------------------- preparation


@dataclass
class _Group:
    is_commune: bool
    unit_id: Hashable
    quota_unit: Hashable | None
    placed: Hashable
    is_leader: bool
    options: tuple  # ((field_id, kind), ...)
    people: list

    @property
    def count(self):
        return len(self.people)


def _sort_key(value):
    return (value is None, value if value is not None else 0)


class _World:
    """The validated, canonically ordered problem: same input in any order → same model."""

    def __init__(self, problem: Problem):
        opts = problem.options
        self.options = opts
        self._validate(problem)
        demands = [
            d
            for d in problem.demands
            if d.shortage > 0
            and (opts.fields is None or d.field_id in opts.fields)
            and (opts.communes is None or d.commune_id in opts.communes)
        ]
        demands.sort(key=lambda d: (d.commune_id, d.field_id))
        self.demands = demands
        self.dindex = {(d.commune_id, d.field_id): i for i, d in enumerate(demands)}
        self.w_int = [round(d.weight * WEIGHT_SCALE) for d in demands]
        self.by_field = defaultdict(list)
        for i, d in enumerate(demands):
            self.by_field[d.field_id].append(i)
        self.quotas = {q.unit_id: q for q in problem.quotas}
        self.csur = {(s.unit_id, s.field_id): s.count for s in problem.commune_surplus if s.count > 0}
        self.dsur = (
            None
            if problem.department_surplus is None
            else {(s.unit_id, s.field_id): s.count for s in problem.department_surplus}
        )
        # Per field: the communes with demand, and those with a short leadership post.
        self.demand_communes = defaultdict(set)
        self.leader_communes = defaultdict(set)
        for d in demands:
            self.demand_communes[d.field_id].add(d.commune_id)
            if d.leader_shortage > 0:
                self.leader_communes[d.field_id].add(d.commune_id)

        self.candidates = sorted(problem.candidates, key=lambda c: (c.rank, c.person_id))
        self.block = []  # per candidate: a reason code, or None if usable
        groups = {}
        for c in self.candidates:
            code = self._hard_block(c)
            options = () if code else self._serving_options(c)
            if not code and not options:
                code = NO_DEMAND_IN_FIELDS
            self.block.append(code)
            if code:
                continue
            key = (c.unit_is_commune, c.unit_id, c.quota_unit, c.placed_field_id, options, c.is_leader)
            if key not in groups:
                groups[key] = _Group(*key[:4], c.is_leader, options, [])
            groups[key].people.append(c)
        keys = sorted(
            groups,
            key=lambda k: (k[0], k[1], _sort_key(k[2]), k[3], k[4], k[5]),
        )
        self.groups = [groups[k] for k in keys]
        self.usable = sum(g.count for g in self.groups)

    @staticmethod
    def _validate(problem):
        seen = set()
        for d in problem.demands:
            key = (d.commune_id, d.field_id)
            if key in seen:
                raise PlannerInputError("duplicate_demand", f"demand {key} is given twice")
            seen.add(key)
            if not isinstance(d.shortage, numbers.Integral) or d.shortage < 0:
                raise PlannerInputError("bad_shortage", f"demand {key}: shortage must be a whole number ≥ 0")
            if not 0 <= d.leader_shortage <= d.shortage:
                raise PlannerInputError("bad_leader_shortage", f"demand {key}: leader_shortage must be 0..shortage")
            if not (math.isfinite(d.weight) and round(d.weight * WEIGHT_SCALE) >= 1):
                raise PlannerInputError("bad_weight", f"demand {key}: weight must be ≥ 0.001")
        people = set()
        for c in problem.candidates:
            if c.person_id in people:
                raise PlannerInputError("duplicate_person", f"person {c.person_id!r} is given twice")
            people.add(c.person_id)
        units = set()
        for q in problem.quotas:
            if q.unit_id in units:
                raise PlannerInputError("duplicate_quota", f"sending quota of {q.unit_id!r} is given twice")
            units.add(q.unit_id)
            if not 0 <= q.minimum <= q.maximum:
                raise PlannerInputError("bad_quota", f"sending quota of {q.unit_id!r}: need 0 ≤ minimum ≤ maximum")
        surpluses = (("commune_surplus", problem.commune_surplus), ("department_surplus", problem.department_surplus))
        for name, rows in surpluses:
            keys = set()
            for s in rows or ():
                if (s.unit_id, s.field_id) in keys:
                    raise PlannerInputError("duplicate_surplus", f"{name} of {(s.unit_id, s.field_id)} is given twice")
                keys.add((s.unit_id, s.field_id))
                if s.count < 0:
                    raise PlannerInputError("bad_surplus", f"{name} of {(s.unit_id, s.field_id)} is negative")

    def _hard_block(self, c):
        if c.is_leader and not self.options.allow_leaders:
            return LEADERS_EXCLUDED
        if c.unit_is_commune:
            if not self.options.communes_may_send:
                return COMMUNE_SENDERS_OFF
            if self.csur.get((c.unit_id, c.placed_field_id), 0) <= 0:
                return NO_COMMUNE_SURPLUS
        else:
            q = self.quotas.get(c.quota_unit)
            if q is None or q.maximum <= 0:
                return NO_SENDING_QUOTA
        return None

    def _serves(self, c, field_id):
        communes = self.leader_communes[field_id] if c.is_leader else self.demand_communes[field_id]
        if not c.unit_is_commune:
            return bool(communes)
        return len(communes) > 1 or (len(communes) == 1 and c.unit_id not in communes)

    def _serving_options(self, c):
        placed, major = c.placed_field_id, c.major_field_id
        if major == placed:
            return ((placed, MAJOR),) if self._serves(c, placed) else ()
        options = []
        if self._serves(c, placed):
            options.append((placed, PLACEMENT))
        if major is not None and self._serves(c, major):
            options.append((major, MAJOR))
        return tuple(options)


# ---------------------------------------------------------------------------------- the model


class _Model:
    """Columns and rows collected in Python, handed to HiGHS row-wise in one call."""

    def __init__(self):
        self.lower, self.upper, self.integer = [], [], []
        self.row_lower, self.row_upper = [], []
        self.starts, self.index, self.value = [0], [], []

    def col(self, upper, integer=True, lower=0.0):
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        return len(self.lower) - 1

    def row(self, coeffs, lower=-math.inf, upper=math.inf):
        for j, v in coeffs:
            self.index.append(j)
            self.value.append(v)
        self.starts.append(len(self.index))
        self.row_lower.append(lower)
        self.row_upper.append(upper)

    def highs(self):
        lp = highspy.HighsLp()
        n, m = len(self.lower), len(self.row_lower)
        lp.num_col_, lp.num_row_ = n, m
        lp.col_cost_ = np.zeros(n)
        lp.col_lower_ = np.array(self.lower, dtype=float)
        lp.col_upper_ = np.array(self.upper, dtype=float)
        lp.row_lower_ = np.array(self.row_lower, dtype=float)
        lp.row_upper_ = np.array(self.row_upper, dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n, m
        lp.a_matrix_.start_ = np.array(self.starts, dtype=np.int32)
        lp.a_matrix_.index_ = np.array(self.index, dtype=np.int32)
        lp.a_matrix_.value_ = np.array(self.value, dtype=float)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if i else highspy.HighsVarType.kContinuous for i in self.integer
        ]
        h = highspy.Highs()
        h.silent()
        h.setOptionValue("mip_rel_gap", 0.0)
        h.setOptionValue("random_seed", 0)
        h.passModel(lp)
        return h


class _Formulation:
    """The planner's MILP over groups, field nodes and demands (see the module docstring)."""

    def __init__(self, world: _World):
        self.world = world
        m = self.model = _Model()
        demands, groups = world.demands, world.groups

        # Field nodes and the group → node arcs.
        node_keys = set()
        for g in groups:
            for f, kind in g.options:
                node_keys.add((f, kind, g.is_leader))
        self.nodes = sorted(node_keys, key=lambda k: (k[0], k[1], k[2]))
        node_of = {k: i for i, k in enumerate(self.nodes)}
        self.x = []  # (group, node, col)
        node_in = defaultdict(list)
        group_cols = defaultdict(list)
        for gi, g in enumerate(groups):
            cap = g.count
            if g.is_commune:
                cap = min(cap, world.csur.get((g.unit_id, g.placed), 0))
            else:
                cap = min(cap, world.quotas[g.quota_unit].maximum)
            for f, kind in g.options:
                n = node_of[(f, kind, g.is_leader)]
                col = m.col(cap)
                self.x.append((gi, n, col))
                node_in[n].append((gi, col))
                group_cols[gi].append(col)

        # Node → demand arcs.
        self.y = []  # (node, demand, col)
        node_out = defaultdict(list)
        demand_cols = defaultdict(list)
        leader_cols = defaultdict(list)
        for n, (f, _kind, leader) in enumerate(self.nodes):
            for di in world.by_field[f]:
                d = demands[di]
                if leader and d.leader_shortage == 0:
                    continue
                col = m.col(d.leader_shortage if leader else d.shortage)
                self.y.append((n, di, col))
                node_out[n].append((di, col))
                demand_cols[di].append(col)
                if leader:
                    leader_cols[di].append(col)

        for gi, cols in group_cols.items():
            if len(cols) > 1:
                m.row([(c, 1.0) for c in cols], upper=groups[gi].count)
        for n in range(len(self.nodes)):
            m.row([(c, 1.0) for _g, c in node_in[n]] + [(c, -1.0) for _d, c in node_out[n]], 0.0, 0.0)
        for di, cols in demand_cols.items():
            if len(cols) > 1:
                m.row([(c, 1.0) for c in cols], upper=demands[di].shortage)
        for di, cols in leader_cols.items():
            if len(cols) > 1:
                m.row([(c, 1.0) for c in cols], upper=demands[di].leader_shortage)

        # Sender limits.
        by_commune_field = defaultdict(list)
        by_quota = defaultdict(list)
        by_unit_field = defaultdict(list)
        for gi, _n, col in self.x:
            g = groups[gi]
            if g.is_commune:
                by_commune_field[(g.unit_id, g.placed)].append((gi, col))
            else:
                by_quota[g.quota_unit].append((gi, col))
                by_unit_field[(g.unit_id, g.placed)].append((gi, col))
        for key in sorted(by_commune_field):
            arcs = by_commune_field[key]
            if sum(groups[gi].count for gi in {gi for gi, _ in arcs}) > world.csur[key]:
                m.row([(c, 1.0) for _g, c in arcs], upper=world.csur[key])
        self.quota_units = sorted(by_quota)
        for q in self.quota_units:
            arcs = by_quota[q]
            if sum(groups[gi].count for gi in {gi for gi, _ in arcs}) > world.quotas[q].maximum:
                m.row([(c, 1.0) for _g, c in arcs], upper=world.quotas[q].maximum)

        # A commune never sends to itself (see _split_node for why this row is exact).
        for n in range(len(self.nodes)):
            sending = defaultdict(list)
            for gi, col in node_in[n]:
                if groups[gi].is_commune:
                    sending[groups[gi].unit_id].append(col)
            if not sending:
                continue
            receiving = {demands[di].commune_id: col for di, col in node_out[n]}
            total = [(c, -1.0) for _g, c in node_in[n]]
            for commune in sorted(sending):
                if commune in receiving:
                    own = {c: 1.0 for c in sending[commune]}
                    coeffs = [(c, own.get(c, 0.0) + v) for c, v in total] + [(receiving[commune], 1.0)]
                    m.row([(c, v) for c, v in coeffs if v != 0.0], upper=0.0)

        # Tier objectives as {col: cost}, all minimised.
        self.start = {}
        self.costs = {name: {} for name in TIERS}
        self.coverage_scale = math.gcd(*world.w_int) if world.w_int else 1
        for _n, di, col in self.y:
            self.costs["coverage"][col] = -float(world.w_int[di] // self.coverage_scale)
            self.costs["moves"][col] = 1.0
        for _gi, n, col in self.x:
            if self.nodes[n][1] == MAJOR:
                self.costs["expertise"][col] = -1.0
        if world.dsur is not None:
            for key in sorted(by_unit_field):
                arcs = by_unit_field[key]
                surplus = world.dsur.get(key, 0)
                if sum(groups[gi].count for gi in {gi for gi, _ in arcs}) > surplus:
                    e = m.col(math.inf, integer=False)
                    m.row([(c, 1.0) for _g, c in arcs] + [(e, -1.0)], upper=surplus)
                    self.costs["surplus_first"][e] = 1.0
        for q in sorted(world.quotas):  # every quota, so the tier counts unreachable minimums too
            quota = world.quotas[q]
            arcs = by_quota.get(q, [])
            if quota.minimum > 0:
                u = m.col(math.inf, integer=False)
                self.start[u] = quota.minimum  # so that sending nobody is a feasible start
                m.row([(c, 1.0) for _g, c in arcs] + [(u, 1.0)], lower=quota.minimum)
                self.costs["minimums"][u] = 1.0
            reach = min(quota.maximum, sum(groups[gi].count for gi in {gi for gi, _ in arcs}))
            if not reach:
                continue
            zs = [m.col(1.0, integer=False) for _k in range(reach)]
            m.row([(c, 1.0) for _g, c in arcs] + [(z, -1.0) for z in zs], 0.0, 0.0)
            for k, z in enumerate(zs, start=1):
                self.costs["spread"][z] = k / quota.maximum

    def solve(self, deadline, lp_first=True):
        """Solve the tiers in order; returns (column values, status, LP bound of tier 1, solves).

        Each tier first solves its LP relaxation (warm-started from the previous tier's basis).
        When that optimum is integral it is the tier's MILP optimum too; otherwise HiGHS solves
        the tier's MILP by branch and bound from the previous integral solution. An LP optimum is
        then kept by restricting the model to its optimal face; a MILP optimum by a row.
        """
        m = self.model
        h = m.highs()
        n = len(m.lower)
        all_cols = np.arange(n, dtype=np.int32)
        integer_cols = np.array([c for c in range(n) if m.integer[c]], dtype=np.int64)
        solves = []
        lp_value = None
        values = np.zeros(n)
        for c, v in self.start.items():
            values[c] = v
        status = OPTIMAL
        scale = self.coverage_scale

        def set_costs(costs):
            vec = np.zeros(n)
            for c, v in costs.items():
                vec[c] = v
            h.changeColsCost(n, all_cols, vec)

        def run(relaxation, start=None):
            h.setOptionValue("solve_relaxation", relaxation)
            h.setOptionValue("time_limit", max(0.01, deadline - time.perf_counter()))
            if start is not None:
                h.setSolution(n, all_cols, start)
            h.run()
            model_status = h.getModelStatus()
            if model_status == highspy.HighsModelStatus.kOptimal:
                return OPTIMAL, np.array(h.getSolution().col_value)
            if not relaxation and h.getInfo().primal_solution_status == highspy.SolutionStatus.kSolutionStatusFeasible:
                return FEASIBLE, np.array(h.getSolution().col_value)
            return None, None

        def restrict_to_optimal_face():
            # Complementary slackness: the LP optimum's face is where every column with a
            # nonzero reduced cost stays at its bound and every row with a nonzero dual stays
            # tight. Fixing those keeps the matrix (and its integral vertices) unchanged, unlike
            # an objective row.
            sol = h.getSolution()
            rc = np.array(sol.col_dual)
            fix = np.nonzero(np.abs(rc) > 1e-6)[0].astype(np.int32)
            if len(fix):
                h.changeColsBounds(len(fix), fix, values[fix], values[fix])
            lp = h.getLp()
            duals = np.array(sol.row_dual)
            activity = np.array(sol.row_value)
            lower, upper = np.array(lp.row_lower_), np.array(lp.row_upper_)
            tight = np.nonzero(np.abs(duals) > 1e-6)[0]
            if len(tight):
                near_lower = np.abs(activity[tight] - lower[tight]) <= np.abs(activity[tight] - upper[tight])
                at = np.where(near_lower, lower[tight], upper[tight])
                h.changeRowsBounds(len(tight), tight.astype(np.int32), at, at)

        for name in TIERS:
            costs = self.costs[name]
            if not costs:
                continue
            if deadline - time.perf_counter() <= 0:
                status = FEASIBLE
                break
            started = time.perf_counter()
            set_costs(costs)
            method = "lp"
            tier_status, solution = run(True) if lp_first or name == "coverage" else (None, None)
            if name == "coverage" and tier_status == OPTIMAL:
                lp_value = float(-sum(v * solution[c] for c, v in costs.items()) * scale / WEIGHT_SCALE)
            integral = (
                lp_first
                and tier_status == OPTIMAL
                and bool(np.all(np.abs(solution[integer_cols] - np.round(solution[integer_cols])) <= 1e-6))
            )
            if not integral:
                method = "mip"
                tier_status, solution = run(False, values)
                if tier_status is None:
                    status = FEASIBLE
                    break
                if tier_status != OPTIMAL:
                    status = FEASIBLE
            values = solution
            values[integer_cols] = np.round(values[integer_cols])
            best = sum(v * values[c] for c, v in costs.items())
            if name != "spread":
                best = round(best)  # integral coefficients and integral solution
            if method == "lp" and h.getSolution().dual_valid:
                restrict_to_optimal_face()
            else:
                cols = sorted(costs)
                bound = best + 1e-6 * max(1.0, abs(best)) if name == "spread" else best + 1e-6
                coeffs = np.array([costs[c] for c in cols])
                h.addRow(-math.inf, bound, len(cols), np.array(cols, dtype=np.int32), coeffs)
            value = -best * scale / WEIGHT_SCALE if name == "coverage" else abs(best)
            solves.append(TierResult(name, round(float(value), 9), tier_status, method, time.perf_counter() - started))
            if tier_status != OPTIMAL:
                break
        return values, status, lp_value, tuple(solves)


# -------------------------------------------------------------------------- decomposition


def _split_node(supply: dict, demand: dict) -> list[tuple[int, int, int]]:
    """Integer flows from ``supply`` labels to ``demand`` labels that never join a label to itself.

    Labels are integers (a commune is one label on both sides). Such flows exist exactly when
    supply and demand have the same total T and every label's supply + demand ≤ T, which the
    model's no-self-sending rows guarantee. Each step moves flow between the most loaded label
    and its best partner, as much as keeps that condition for every other label; at most two
    labels can be tight at once, and each step relieves the tight ones.
    """
    a, b = dict(supply), dict(demand)
    total = sum(a.values())
    assert total == sum(b.values())
    labels = sorted(set(a) | set(b))
    for label in labels:
        a.setdefault(label, 0)
        b.setdefault(label, 0)
    flows = []
    while total > 0:
        load = {label: a[label] + b[label] for label in labels}
        top = max(labels, key=lambda label: (load[label], -label))
        if a[top] > 0:
            partner = max(
                (label for label in labels if label != top and b[label] > 0), key=lambda other: (load[other], -other)
            )
            src, dst = top, partner
        else:
            partner = max(
                (label for label in labels if label != top and a[label] > 0), key=lambda other: (load[other], -other)
            )
            src, dst = partner, top
        third = max((load[label] for label in labels if label not in (top, partner)), default=0)
        k = min(a[src], b[dst], total - third)
        assert k >= 1
        a[src] -= k
        b[dst] -= k
        total -= k
        flows.append((src, dst, k))
    return flows


def _ordered(flows: Counter) -> list[tuple[int, str, int, int]]:
    """(group, kind, demand, count) sorted by group, then demand, then kind."""
    return [(gi, kind, di, k) for (gi, kind, di), k in sorted(flows.items(), key=lambda i: (i[0][0], i[0][2], i[0][1]))]


def _flows_from_solution(form: _Formulation, values) -> list[tuple[int, str, int, int]]:
    """(group, kind, demand, count) from the node flows of a solution."""
    world = form.world
    groups, demands = world.groups, world.demands
    communes = sorted({g.unit_id for g in groups if g.is_commune} | {d.commune_id for d in demands})
    commune_label = {c: i for i, c in enumerate(communes)}
    inflow = defaultdict(list)
    outflow = defaultdict(list)
    for gi, n, col in form.x:
        v = int(round(values[col]))
        if v > 0:
            inflow[n].append((gi, v))
    for n, di, col in form.y:
        v = int(round(values[col]))
        if v > 0:
            outflow[n].append((di, v))
    flows = []
    for n in sorted(set(inflow) | set(outflow)):
        kind = form.nodes[n][1]
        supply, members = {}, defaultdict(list)
        for gi, v in inflow[n]:
            g = groups[gi]
            label = commune_label[g.unit_id] if g.is_commune else len(communes) + gi
            supply[label] = supply.get(label, 0) + v
            members[label].append([gi, v])
        demand, sink = {}, {}
        for di, v in outflow[n]:
            label = commune_label[demands[di].commune_id]
            demand[label] = v
            sink[label] = di
        for src, dst, k in _split_node(supply, demand):
            for member in members[src]:
                take = min(k, member[1])
                if take:
                    flows.append((member[0], kind, sink[dst], take))
                    member[1] -= take
                    k -= take
                if not k:
                    break
    merged = Counter()
    for gi, kind, di, k in flows:
        merged[(gi, kind, di)] += k
    return _ordered(merged)


# ------------------------------------------------------------------------------- greedy


def _greedy(world: _World) -> list[tuple[int, str, int, int]]:
    """Largest weighted shortage first; for each, the best person by match (major before
    placement), then from a surplus before creating a gap; within all hard limits."""
    groups, demands = world.groups, world.demands
    remaining = [g.count for g in groups]
    quota_left = {q: world.quotas[q].maximum for q in {g.quota_unit for g in groups if not g.is_commune}}
    commune_left = dict(world.csur)
    dept_left = dict(world.dsur) if world.dsur is not None else None
    serving = defaultdict(list)  # field -> [(rank, group, kind)]
    for gi, g in enumerate(groups):
        for f, kind in g.options:
            serving[f].append((0 if kind == MAJOR else 1, gi, kind))
    for f in serving:
        serving[f].sort()

    def alive(gi):
        g = groups[gi]
        if remaining[gi] == 0:
            return False
        if g.is_commune:
            return commune_left[(g.unit_id, g.placed)] > 0
        return quota_left[g.quota_unit] > 0

    flows = Counter()
    order = sorted(range(len(demands)), key=lambda di: (-world.w_int[di] * demands[di].shortage, di))
    for di in order:
        d = demands[di]
        need, leaders = d.shortage, d.leader_shortage
        while need > 0:
            best = None
            dead = False
            for rank, gi, kind in serving[d.field_id]:
                g = groups[gi]
                # Spent groups stay spent: they are dropped from the field's list below.
                if remaining[gi] == 0:
                    dead = True
                    continue
                if g.is_commune:
                    if commune_left[(g.unit_id, g.placed)] == 0:
                        dead = True
                        continue
                    if g.unit_id == d.commune_id:
                        continue
                    gap = 0
                else:
                    if quota_left[g.quota_unit] == 0:
                        dead = True
                        continue
                    gap = 0 if dept_left is None or dept_left.get((g.unit_id, g.placed), 0) > 0 else 1
                if g.is_leader and leaders == 0:
                    continue
                score = (rank, gap, gi)
                if best is None or score < best[0]:
                    best = (score, gi, kind)
                    if score[:2] == (0, 0):
                        break
            if dead:
                serving[d.field_id] = [entry for entry in serving[d.field_id] if alive(entry[1])]
            if best is None:
                break
            _score, gi, kind = best
            g = groups[gi]
            k = min(need, remaining[gi])
            if g.is_leader:
                k = min(k, leaders)
            if g.is_commune:
                k = min(k, commune_left[(g.unit_id, g.placed)])
                commune_left[(g.unit_id, g.placed)] -= k
            else:
                k = min(k, quota_left[g.quota_unit])
                if dept_left is not None and dept_left.get((g.unit_id, g.placed), 0) > 0:
                    k = min(k, dept_left[(g.unit_id, g.placed)])
                quota_left[g.quota_unit] -= k
                if dept_left is not None and (g.unit_id, g.placed) in dept_left:
                    dept_left[(g.unit_id, g.placed)] = max(0, dept_left[(g.unit_id, g.placed)] - k)
            remaining[gi] -= k
            need -= k
            if g.is_leader:
                leaders -= k
            flows[(gi, kind, di)] += k
    return _ordered(flows)


def _evaluate(world: _World, flows) -> dict:
    """The lexicographic tier values of a set of flows (the MILP's and the greedy's alike)."""
    groups = world.groups
    sent_q, sent_uf = Counter(), Counter()
    weighted = majors = moves = 0
    for gi, kind, di, k in flows:
        g = groups[gi]
        weighted += world.w_int[di] * k
        majors += k if kind == MAJOR else 0
        moves += k
        if not g.is_commune:
            sent_q[g.quota_unit] += k
            sent_uf[(g.unit_id, g.placed)] += k
    gaps = 0
    if world.dsur is not None:
        gaps = sum(max(0, s - world.dsur.get(key, 0)) for key, s in sent_uf.items())
    minimums = sum(max(0, quota.minimum - sent_q[q]) for q, quota in world.quotas.items())
    spread = sum(s * (s + 1) / (2 * world.quotas[q].maximum) for q, s in sent_q.items())
    return {
        "coverage": weighted / WEIGHT_SCALE,
        "expertise": majors,
        "surplus_first": gaps,
        "minimums": minimums,
        "spread": round(spread, 9),
        "moves": moves,
    }


# ------------------------------------------------------------------------------- proposal


def _explain(world: _World, flows, people_by_group):
    """Moves with their numbers, and the per-sender, per-cell and unmet summaries."""
    groups, demands = world.groups, world.demands
    sent_q, sent_cf, sent_uf = Counter(), Counter(), Counter()
    covered, covered_major = Counter(), Counter()
    leaders_in = Counter()
    for gi, kind, di, k in flows:
        g = groups[gi]
        covered[di] += k
        if kind == MAJOR:
            covered_major[di] += k
        if g.is_leader:
            leaders_in[di] += k
        if g.is_commune:
            sent_cf[(g.unit_id, g.placed)] += k
        else:
            sent_q[g.quota_unit] += k
            sent_uf[(g.unit_id, g.placed)] += k

    moves = []
    taken_uf = Counter()
    for gi, kind, di, _k, people in people_by_group:
        g = groups[gi]
        d = demands[di]
        flags = tuple(
            code
            for code, on in ((PRIORITY_COMMUNE, d.priority), (DISADVANTAGED, d.disadvantaged), (BORDER, d.border))
            if on
        )
        for person in people:
            if g.is_commune:
                surplus = world.csur[(g.unit_id, g.placed)]
                source, from_surplus = FROM_COMMUNE_SURPLUS, True
                sent, minimum, maximum = sent_cf[(g.unit_id, g.placed)], None, None
            else:
                quota = world.quotas[g.quota_unit]
                sent, minimum, maximum = sent_q[g.quota_unit], quota.minimum, quota.maximum
                if world.dsur is None:
                    surplus, source, from_surplus = None, WITHIN_SENDING_QUOTA, None
                else:
                    surplus = world.dsur.get((g.unit_id, g.placed), 0)
                    taken_uf[(g.unit_id, g.placed)] += 1
                    from_surplus = taken_uf[(g.unit_id, g.placed)] <= surplus
                    source = FROM_DEPARTMENT_SURPLUS if from_surplus else CREATES_DEPARTMENT_GAP
            reasons = (MAJOR_MATCH if kind == MAJOR else PLACEMENT_MATCH, *flags)
            if g.is_leader:
                reasons += (LEADER_POST,)
            reasons += (source,)
            moves.append(
                Move(
                    person_id=person.person_id,
                    from_unit_id=g.unit_id,
                    from_commune=g.is_commune,
                    quota_unit_id=g.quota_unit,
                    to_commune_id=d.commune_id,
                    field_id=d.field_id,
                    match=kind,
                    placed_field_id=person.placed_field_id,
                    major_field_id=person.major_field_id,
                    is_leader=person.is_leader,
                    reasons=reasons,
                    shortage=d.shortage,
                    weight=d.weight,
                    sender_sent=sent,
                    sender_minimum=minimum,
                    sender_maximum=maximum,
                    sender_surplus=surplus,
                    from_surplus=from_surplus,
                )
            )
    moves.sort(key=lambda mv: (mv.to_commune_id, mv.field_id, mv.person_id))

    cells = tuple(
        Cell(d.commune_id, d.field_id, d.shortage, covered[di], covered_major[di], d.shortage - covered[di], d.weight)
        for di, d in enumerate(demands)
    )
    sender_fields = tuple(
        SenderField(c, f, world.csur[(c, f)], n, world.csur[(c, f)] - n) for (c, f), n in sorted(sent_cf.items())
    )

    # Why shortage stays: every person who could fill a field and is not proposed, by reason.
    used_people = set()
    for _gi, _kind, _di, _k, people in people_by_group:
        used_people.update(p.person_id for p in people)
    group_state = {}
    for gi, g in enumerate(groups):
        if g.is_commune:
            full = sent_cf[(g.unit_id, g.placed)] >= world.csur[(g.unit_id, g.placed)]
            group_state[gi] = COMMUNE_SURPLUS_USED if full else NOT_CHOSEN
        else:
            full = sent_q[g.quota_unit] >= world.quotas[g.quota_unit].maximum
            group_state[gi] = DEPARTMENT_MAX_REACHED if full else NOT_CHOSEN
    group_of = {}
    for gi, g in enumerate(groups):
        for p in g.people:
            group_of[p.person_id] = gi
    free = defaultdict(Counter)  # field -> (leader, reason) -> people not proposed
    free_in = defaultdict(Counter)  # (field, commune) -> the same, for the commune's own staff
    used = Counter()  # field -> people who could fill it, proposed somewhere
    used_in = Counter()  # (field, commune) -> the same, for the commune's own staff
    for c, block in zip(world.candidates, world.block, strict=True):
        fields = {c.placed_field_id} | ({c.major_field_id} if c.major_field_id is not None else set())
        if c.person_id in used_people:
            for f in fields:
                used[f] += 1
                if c.unit_is_commune:
                    used_in[(f, c.unit_id)] += 1
            continue
        reason = block if block in _HARD_BLOCKS else group_state.get(group_of.get(c.person_id), NOT_CHOSEN)
        if block == NO_DEMAND_IN_FIELDS:
            reason = NOT_CHOSEN  # its fields' demand is in its own commune or lacks leader posts
        for f in fields:
            free[f][(c.is_leader, reason)] += 1
            if c.unit_is_commune:
                free_in[(f, c.unit_id)][(c.is_leader, reason)] += 1

    unmet = []
    recruitment = Counter()
    for di, d in enumerate(demands):
        left = d.shortage - covered[di]
        if left <= 0:
            continue
        own = free_in[(d.field_id, d.commune_id)]
        blocked = Counter()
        for (leader, reason), count in free[d.field_id].items():
            count -= own.get((leader, reason), 0)
            if count <= 0:
                continue
            if leader and reason not in _HARD_BLOCKS:
                if d.leader_shortage == 0:
                    reason = LEADER_NOT_NEEDED
                elif leaders_in[di] >= d.leader_shortage:
                    reason = LEADER_POSTS_FILLED
            blocked[reason] += count
        same = sum(own.values()) + used_in[(d.field_id, d.commune_id)]
        elsewhere = used[d.field_id] - covered[di] - used_in[(d.field_id, d.commune_id)]
        if not blocked and not elsewhere:
            cause = ONLY_IN_SAME_COMMUNE if same else NO_CANDIDATE_IN_FIELD
        elif any(reason != NOT_CHOSEN for reason in blocked):
            cause = LIMITS_REACHED
        elif blocked:
            cause = NOT_CHOSEN
        else:
            cause = SUPPLY_EXHAUSTED
        if cause == NO_CANDIDATE_IN_FIELD:
            recruitment[d.field_id] += left
        unmet.append(Unmet(d.commune_id, d.field_id, left, cause, dict(sorted(blocked.items())), elsewhere, same))

    # Sending quotas: sent against the range, and why a minimum is out of reach.
    people_of_q = Counter(c.quota_unit for c in world.candidates if not c.unit_is_commune)
    usable_q = Counter()
    fields_q = defaultdict(set)
    for g in groups:
        if not g.is_commune:
            usable_q[g.quota_unit] += g.count
            fields_q[g.quota_unit].update(f for f, _kind in g.options)
    gaps_q = Counter()
    if world.dsur is not None:
        quota_of = {g.unit_id: g.quota_unit for g in groups if not g.is_commune}
        for (unit, placed), n in sent_uf.items():
            gaps_q[quota_of[unit]] += max(0, n - world.dsur.get((unit, placed), 0))
    senders = []
    for q in sorted(world.quotas):
        quota = world.quotas[q]
        sent = sent_q[q]
        matching = sum(d.shortage for d in demands if d.field_id in fields_q[q])
        shortfall = max(0, quota.minimum - sent)
        reason = None
        if shortfall:
            if people_of_q[q] < quota.minimum:
                reason = NOT_ENOUGH_ELIGIBLE_PEOPLE
            elif usable_q[q] == 0:
                reason = NO_DEMAND_IN_ITS_FIELDS
            elif usable_q[q] < quota.minimum:
                reason = NOT_ENOUGH_PEOPLE_IN_DEMANDED_FIELDS
            elif matching < quota.minimum:
                reason = NOT_ENOUGH_DEMAND_IN_ITS_FIELDS
            else:
                reason = DEMAND_COVERED_BY_BETTER_MATCHES
        senders.append(
            SenderResult(
                unit_id=q,
                minimum=quota.minimum,
                maximum=quota.maximum,
                sent=sent,
                shortfall=shortfall,
                reason=reason,
                candidates=people_of_q[q],
                usable=usable_q[q],
                matching_shortage=matching,
                gaps_created=gaps_q[q] if world.dsur is not None else None,
            )
        )
    return tuple(moves), tuple(senders), sender_fields, cells, tuple(unmet), dict(sorted(recruitment.items()))


def _assign_people(world: _World, flows):
    """Concrete people for each flow: a group's people in (rank, id) order, to demands in order."""
    taken = Counter()
    out = []
    for gi, kind, di, k in flows:
        start = taken[gi]
        out.append((gi, kind, di, k, world.groups[gi].people[start : start + k]))
        taken[gi] += k
    return out


def solve(problem: Problem) -> Proposal:
    """Propose moves for ``problem``: exact lexicographic optimum, with its quality figures."""
    started = time.perf_counter()
    world = _World(problem)
    options = problem.options
    form = _Formulation(world)
    solve_started = time.perf_counter()
    values, status, lp_value, solves = form.solve(started + options.time_limit, options.lp_first)
    solve_seconds = time.perf_counter() - solve_started
    flows = _flows_from_solution(form, values)
    tiers = _evaluate(world, flows)
    greedy_tiers = _evaluate(world, _greedy(world)) if options.greedy else None
    moves, senders, sender_fields, cells, unmet, recruitment = _explain(world, flows, _assign_people(world, flows))
    objective = tiers["coverage"]
    gap = None
    if lp_value is not None:
        gap = (lp_value - objective) / lp_value if lp_value > 0 else 0.0
        gap = max(0.0, gap)
    model = form.model
    stats = Stats(
        status=status,
        objective=objective,
        lp_bound=lp_value,
        gap=gap,
        greedy_objective=greedy_tiers["coverage"] if greedy_tiers else None,
        greedy_tiers=greedy_tiers,
        tiers=tiers,
        solves=solves,
        seconds=time.perf_counter() - started,
        solve_seconds=solve_seconds,
        variables=len(model.lower),
        integer_variables=sum(model.integer),
        constraints=len(model.row_lower),
        nonzeros=len(model.index),
        candidates=len(world.candidates),
        usable_candidates=world.usable,
        groups=len(world.groups),
        demands=len(world.demands),
    )
    return Proposal(moves, senders, sender_fields, cells, unmet, recruitment, stats)


def problem_from(
    demands: Iterable[Demand],
    candidates: Iterable[Candidate],
    quotas: Iterable[SendingQuota] = (),
    commune_surplus: Iterable[Surplus] = (),
    department_surplus: Iterable[Surplus] | None = None,
    **options,
) -> Problem:
    """A :class:`Problem` from iterables and option keywords (a convenience for callers)."""
    return Problem(
        tuple(demands),
        tuple(candidates),
        tuple(quotas),
        tuple(commune_surplus),
        None if department_surplus is None else tuple(department_surplus),
        Options(**options),
    )
