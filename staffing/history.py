"""A record's change history as people read it: who, when, and each field before → after."""

from dataclasses import dataclass, field
from datetime import date

from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

HIDDEN_FIELDS = {"search_text", "version"}


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
