"""A run's stored result, made readable: names, reasons as sentences, causes as words.

Kept apart from the views so the page, the comparison and the API say the same thing.
"""

from django.utils.translation import get_language, gettext_lazy, pgettext
from django.utils.translation import gettext as _

from planner import solver
from secondments.models import Kind

CAUSES = {
    solver.NO_CANDIDATE_IN_FIELD: gettext_lazy(
        "Nobody in the province works or trained in this field: a training or recruitment need."
    ),
    solver.ONLY_IN_SAME_COMMUNE: gettext_lazy("Only the commune's own staff could fill it: reassign them internally."),
    solver.LIMITS_REACHED: gettext_lazy("People exist, but the sending limits or the rules hold them."),
    solver.SUPPLY_EXHAUSTED: gettext_lazy("Everyone who could fill it is proposed for a more pressing shortage."),
    solver.NOT_CHOSEN: gettext_lazy("The solver stopped at its time limit before placing everyone."),
}
BLOCKS = {
    solver.SAME_COMMUNE: gettext_lazy("in the same commune"),
    solver.LEADERS_EXCLUDED: gettext_lazy("leaders left out by the settings"),
    solver.LEADER_NOT_NEEDED: gettext_lazy("leaders, and no leadership post is short here"),
    solver.LEADER_POSTS_FILLED: gettext_lazy("leaders, and the short leadership post is filled"),
    solver.COMMUNE_SENDERS_OFF: gettext_lazy("in communes, which do not send in this run"),
    solver.NO_COMMUNE_SURPLUS: gettext_lazy("in communes without a surplus in their field"),
    solver.COMMUNE_SURPLUS_USED: gettext_lazy("in communes whose surplus is used up"),
    solver.NO_SENDING_QUOTA: gettext_lazy("in units without a sending quota in the plan"),
    solver.DEPARTMENT_MAX_REACHED: gettext_lazy("in units that reached their sending maximum"),
    solver.NOT_CHOSEN: gettext_lazy("not chosen"),
}
SENDER_REASONS = {
    solver.NOT_ENOUGH_ELIGIBLE_PEOPLE: gettext_lazy("not enough people free to move"),
    solver.NO_DEMAND_IN_ITS_FIELDS: gettext_lazy("no shortage in the fields its people can serve"),
    solver.NOT_ENOUGH_PEOPLE_IN_DEMANDED_FIELDS: gettext_lazy("too few of its people serve the fields that are short"),
    solver.NOT_ENOUGH_DEMAND_IN_ITS_FIELDS: gettext_lazy("too little shortage in the fields its people serve"),
    solver.DEMAND_COVERED_BY_BETTER_MATCHES: gettext_lazy("the shortage is covered by better-matched people"),
}
KIND_LABELS = dict(Kind.choices)


class Names:
    """Unit, field and person names of one stored result, in the active language."""

    def __init__(self, result):
        self.units = result.get("units", {})
        self.fields = result.get("fields", {})
        self.people = result.get("people", {})
        self.english = (get_language() or "vi").startswith("en")

    def unit(self, pk):
        return self.units.get(str(pk), {}).get("name", str(pk))

    def field(self, pk):
        if pk is None:
            return ""
        f = self.fields.get(str(pk), {})
        return f.get("name_en" if self.english else "name_vi", str(pk))

    def code(self, pk):
        return self.units.get(str(pk), {}).get("code")

    def person(self, pk):
        return self.people.get(str(pk), {}).get("name", str(pk))


def _range(low, high):
    if low is None:
        return "–"
    return str(low) if low == high else f"{low}–{high}"


def move_reason(m, names: Names) -> str:
    """E.g. "Land: Xã Ea Kao short 2, priority, especially disadvantaged; Nguyễn Văn An, trained in
    land, from Sở Nông nghiệp, which sends 2 of 2"."""
    unit = names.units.get(str(m["to_unit"]), {})
    flags = []
    if "priority_commune" in m["reasons"]:
        flags.append(pgettext("move reason", "priority"))
    if unit.get("disadvantaged"):
        flags.append(pgettext("move reason", "especially disadvantaged"))
    if unit.get("border"):
        flags.append(pgettext("move reason", "border"))
    demand = _("%(field)s: %(commune)s short %(short)s") % {
        "field": names.field(m["field"]),
        "commune": names.unit(m["to_unit"]),
        "short": m["shortage"],
    }
    if flags:
        demand += ", " + ", ".join(flags)
    if m["match"] == solver.MAJOR:
        training = _("trained in %(field)s") % {"field": names.field(m["major_field"])}
    elif m["major_field"]:
        training = _("works in %(field)s (trained in %(major)s)") % {
            "field": names.field(m["placed_field"]),
            "major": names.field(m["major_field"]),
        }
    else:
        training = _("works in %(field)s") % {"field": names.field(m["placed_field"])}
    if m["from_commune"]:
        sender = _("from %(unit)s, surplus of %(surplus)s in %(field)s") % {
            "unit": names.unit(m["from_unit"]),
            "surplus": m["sender_surplus"],
            "field": names.field(m["placed_field"]),
        }
    else:
        sender = _("from %(unit)s, which sends %(sent)s of %(range)s") % {
            "unit": names.unit(m["from_unit"]),
            "sent": m["sender_sent"],
            "range": _range(m["sender_min"], m["sender_max"]),
        }
        if m.get("from_surplus") is False:
            sender += ", " + _("leaving a post short there")
    return f"{demand}; {names.person(m['person'])}, {training}, {sender}"


def _sender_note(s) -> str:
    """Why a sending unit stays below its minimum, e.g. "2 short: not enough people free to move"."""
    if not s.get("shortfall"):
        return ""
    return f"{_('%(n)s short') % {'n': s['shortfall']}}: {s['reason_text']}"


def present(run) -> dict:
    """The run's result as rows for the page: moves with reasons, cells, senders, unmet, needs."""
    result = run.result or {}
    names = Names(result)
    accepted = run.accepted or {}
    moves = []
    for m in result.get("moves", []):
        moves.append(
            {
                **m,
                "number": m["index"] + 1,
                "person_name": names.person(m["person"]),
                "person_code": names.people.get(str(m["person"]), {}).get("code", ""),
                "from_name": names.unit(m["from_unit"]),
                "to_name": names.unit(m["to_unit"]),
                "field_name": names.field(m["field"]),
                "kind_label": KIND_LABELS.get(m["kind"], m["kind"]),
                "reason": move_reason(m, names),
                "movement": accepted.get(str(m["index"])),
                "movement_label": f"{_('draft')} #{accepted[str(m['index'])]}" if str(m["index"]) in accepted else "",
            }
        )
    cells = [
        {
            **c,
            "unit_name": names.unit(c["unit"]),
            "unit_code": names.code(c["unit"]),
            "field_name": names.field(c["field"]),
        }
        for c in result.get("cells", [])
    ]
    cells.sort(key=lambda c: (-c["before"], c["unit_name"], c["field_name"]))
    senders = [
        {
            **s,
            "unit_name": names.unit(s["unit"]),
            "range": _range(s["minimum"], s["maximum"]),
            "reason_text": SENDER_REASONS.get(s["reason"], "") if s["reason"] else "",
        }
        for s in result.get("senders", [])
    ]
    unmet = []
    for u in result.get("unmet", []):
        blocked = ", ".join(f"{n} {BLOCKS.get(code, code)}" for code, n in u["blocked"].items())
        unmet.append(
            {
                **u,
                "unit_name": names.unit(u["unit"]),
                "unit_code": names.code(u["unit"]),
                "field_name": names.field(u["field"]),
                "cause_text": CAUSES.get(u["cause"], u["cause"]),
                "blocked_text": blocked,
            }
        )
    unmet.sort(key=lambda u: (-u["unmet"], u["unit_name"]))
    needs = [{"field_name": names.field(r["field"]), "unmet": r["unmet"]} for r in result.get("recruitment", [])]
    for s in senders:  # the sending units' table (``planner.tables.RUN_SENDERS``)
        s["label"] = s["unit_name"]
        s["note"] = _sender_note(s)
    sender_fields = []
    for s in result.get("sender_fields", []):
        unit_name, field_name = names.unit(s["unit"]), names.field(s["field"])
        sender_fields.append(
            {
                **s,
                "unit_name": unit_name,
                "field_name": field_name,
                # A commune sending from its surplus, in the same table's columns.
                "label": f"{unit_name} · {field_name}",
                "range": _("surplus %(n)s") % {"n": s["before"]},
                "already": None,
                "proposed": s["sent"],
                "total": s["sent"],
                "note": _("surplus left: %(n)s") % {"n": s["after"]},
            }
        )
    gap = (result.get("stats") or {}).get("gap")
    return {
        "gap_percent": None if gap is None else 100 * gap,
        "moves": moves,
        "cells": cells,
        "senders": senders,
        "sender_fields": sender_fields,
        "unmet": unmet,
        "needs": needs,
        "stats": result.get("stats", {}),
        "accepted_count": len(accepted),
    }
