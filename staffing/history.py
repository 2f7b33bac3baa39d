"""A record's change history as people read it: who, when, and each field before → after."""

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

HIDDEN_FIELDS = {"search_text", "sort_key", "version"}


@dataclass
class Entry:
    when: object
    who: object
    kind: str
    changes: list = field(default_factory=list)  # (label, before, after)
    reason: str = ""


KINDS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def _text(model_field, value, names):
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        return str(names.get((model_field.related_model, value), value))
    if isinstance(model_field, models.BooleanField):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, date):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def record_history(obj, hidden=()) -> list[Entry]:
    """Newest first. Three queries whatever the length: history rows, then names of related rows.
    Changes of the ``hidden`` fields (personal data the reader may not see) are left out."""
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id"))
    model = type(obj)
    deltas = []
    ids = {}
    for i, rec in enumerate(records):
        prev = records[i + 1] if i + 1 < len(records) else None
        changes = rec.diff_against(prev, excluded_fields=[*HIDDEN_FIELDS, *hidden]).changes if prev is not None else []
        deltas.append(changes)
        for change in changes:
            f = model._meta.get_field(change.field)
            if isinstance(f, models.ForeignKey):
                ids.setdefault(f.related_model, set()).update(v for v in (change.old, change.new) if v is not None)
    names = {}
    for related, pks in ids.items():
        for pk, item in related._default_manager.in_bulk(pks).items():
            names[(related, pk)] = item
    entries = []
    for rec, changes in zip(records, deltas, strict=True):
        rows = []
        for change in changes:
            f = model._meta.get_field(change.field)
            rows.append((f.verbose_name, _text(f, change.old, names), _text(f, change.new, names)))
        reason = rec.history_change_reason or ""
        entries.append(Entry(rec.history_date, rec.history_user, KINDS.get(rec.history_type, ""), rows, reason))
    return entries


def timeline(staff):
    """The person's placements, movements and absences, newest first: (start, end, kind, object)."""
    entries = [
        (a.valid_from, a.valid_to, "assignment", a)
        for a in staff.assignments.select_related("unit", "field", "position")
    ]
    entries += [
        (m.start_date, m.end_date, "movement", m)
        for m in staff.movements.exclude(status="cancelled").select_related("from_unit", "to_unit", "field")
    ]
    entries += [(ab.start_date, ab.end_date, "absence", ab) for ab in staff.absences.all()]
    order = {"assignment": 0, "movement": 1, "absence": 2}
    return sorted(entries, key=lambda e: (e[0], order[e[2]]), reverse=True)


def timeline_rows(staff, entries=None) -> list[dict]:
    """The timeline (``entries`` if already read) as rows of ``staffing.tables.PERSON_HISTORY``;
    ``item`` keeps the record for the page's links and badges."""
    rows = []
    for start, end, kind, item in timeline(staff) if entries is None else entries:
        decision = item.decision_number if getattr(item, "decision_number", "") else ""
        if getattr(item, "decision_date", None):
            decision = f"{decision} · {date_format(item.decision_date, 'SHORT_DATE_FORMAT')}".strip(" ·")
        if kind == "assignment":
            parts = [str(item.position) if item.position else "", item.get_category_display()]
            if item.is_leader:
                parts.append(str(_("leader")))
            if item.reason:
                parts.append(f"{_('Reason')}: {item.reason}")
            what = item.get_change_display()
            if item.is_correction:
                what = f"{what} ({_('correction')})"
            row = {"unit": item.unit.name, "field": str(item.field), "detail": "; ".join(p for p in parts if p)}
        elif kind == "movement":
            what = f"{item.get_kind_display()} ({item.get_status_display()})"
            row = {
                "unit": f"{item.from_unit.name} → {item.to_unit.name}",
                "field": str(item.field),
                "detail": "",
            }
        else:
            what = f"{_('Absence')}: {item.get_kind_display()}"
            row = {"unit": "", "field": "", "detail": item.note or ""}
        rows.append(
            {"start": start, "end": end, "kind": kind, "item": item, "what": str(what), "decision": decision, **row}
        )
    return rows
