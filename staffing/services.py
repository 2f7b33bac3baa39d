"""Writes to rosters and quotas: one transaction each, history recorded, no lost updates.

Every update takes the ``version`` the writer last saw. The row is locked, the version compared
and bumped in the same transaction, so a second writer working from an older copy is refused
with ``StaleVersion`` (the page shows the current values, the API answers 409/412).
"""

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from staffing.models import Quota, Staff, StaffStatus

STAFF_EDITABLE = [
    "staff_code",
    "full_name",
    "gender",
    "birth_date",
    "category",
    "position",
    "field",
    "major_field",
    "qualification",
    "home_unit",
    "status",
    "start_date",
    "end_date",
    "is_leader",
]
QUOTA_EDITABLE = ["unit", "field", "category", "count", "decision_number", "decision_date", "effective_from"]

STALE_MESSAGE = _(
    "Someone else changed this record after you opened it. The current values are shown; "
    "review them and save again if your change is still needed."
)


class StaleVersion(Exception):
    """The record changed since the writer read it; ``current`` is the record as it is now."""

    def __init__(self, current):
        super().__init__(str(STALE_MESSAGE))
        self.current = current
        self.message = STALE_MESSAGE


def _locked(model, pk, version):
    current = model.objects.select_for_update().get(pk=pk)
    if version is not None and int(version) != current.version:
        raise StaleVersion(current)
    return current


def _save(obj, *, by, reason=""):
    obj.full_clean()
    obj._history_user = by
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj


def staff_create(*, by, **values) -> Staff:
    """Add a person to a unit's roll."""
    with transaction.atomic():
        return _save(Staff(**values), by=by)


def staff_update(*, staff: Staff, by, version: int, **changes) -> Staff:
    """Change a person's record; refused with ``StaleVersion`` if it changed since ``version``."""
    unknown = set(changes) - set(STAFF_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(Staff, staff.pk, version)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        return _save(current, by=by)


def staff_deactivate(*, staff: Staff, by, version: int, status: str, end_date: date) -> Staff:
    """Take a person off the roll (retired, resigned …) from the day after ``end_date``."""
    if status == StaffStatus.ACTIVE:
        raise ValidationError({"status": _("Choose why the person leaves the roll.")})
    return staff_update(staff=staff, by=by, version=version, status=status, end_date=end_date)


def quota_set(
    *,
    by,
    unit,
    field,
    category: str,
    count: int,
    decision_number: str,
    decision_date: date,
    effective_from: date,
    version: int | None = None,
) -> Quota:
    """Record the posts a decision assigns to (unit, field, category) from ``effective_from``.

    A later decision adds a row (the earlier one stays as history); correcting a decision with
    the same start date changes that row, refused if it changed since ``version``.
    """
    values = {"count": count, "decision_number": decision_number, "decision_date": decision_date}
    with transaction.atomic():
        existing = (
            Quota.objects.select_for_update()
            .filter(unit=unit, field=field, category=category, effective_from=effective_from)
            .first()
        )
        if existing is None:
            quota = Quota(unit=unit, field=field, category=category, effective_from=effective_from, **values)
            return _save(quota, by=by)
        if version is not None and int(version) != existing.version:
            raise StaleVersion(existing)
        if all(getattr(existing, k) == v for k, v in values.items()):
            return existing
        for name, value in values.items():
            setattr(existing, name, value)
        existing.version += 1
        return _save(existing, by=by)


def quota_update(*, quota: Quota, by, version: int, **changes) -> Quota:
    unknown = set(changes) - set(QUOTA_EDITABLE)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    with transaction.atomic():
        current = _locked(Quota, quota.pk, version)
        for name, value in changes.items():
            setattr(current, name, value)
        current.version += 1
        return _save(current, by=by)


@dataclass
class ImportPlan:
    """What an import will write: new rows and changed rows (with the names of changed fields)."""

    staff_new: list = field(default_factory=list)
    staff_changed: list = field(default_factory=list)  # (Staff with new values, [field names])
    quota_new: list = field(default_factory=list)
    quota_changed: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.staff_new or self.staff_changed or self.quota_new or self.quota_changed)


def import_apply(*, plan: ImportPlan, by) -> dict:
    """Write a validated import in one transaction, with one history row per changed record.

    Changed rows are written only if nobody changed them since the import was validated.
    """
    now = timezone.now()
    with transaction.atomic():
        for model, changed in ((Staff, plan.staff_changed), (Quota, plan.quota_changed)):
            if not changed:
                continue
            seen = {obj.pk: obj.version for obj, _names in changed}
            pks = list(seen)
            for start in range(0, len(pks), 5000):
                chunk = pks[start : start + 5000]
                for pk, version in model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version"):
                    if version != seen[pk]:
                        raise StaleVersion(model.objects.get(pk=pk))
        for obj in plan.staff_new:
            obj.search_text = _staff_search_text(obj)
        bulk_create_with_history(plan.staff_new, Staff, batch_size=1000, default_user=by, default_date=now)
        bulk_create_with_history(plan.quota_new, Quota, batch_size=1000, default_user=by, default_date=now)
        _bulk_update(Staff, plan.staff_changed, by=by, now=now)
        _bulk_update(Quota, plan.quota_changed, by=by, now=now)
    return {
        "staff_created": len(plan.staff_new),
        "staff_updated": len(plan.staff_changed),
        "quotas_created": len(plan.quota_new),
        "quotas_updated": len(plan.quota_changed),
    }


def _staff_search_text(obj):
    from communes.text import normalize_search

    return normalize_search(f"{obj.full_name} {obj.staff_code}")


def _bulk_update(model, changed, *, by, now):
    if not changed:
        return
    names = set()
    objs = []
    for obj, fields in changed:
        obj.version += 1
        if model is Staff:
            obj.search_text = _staff_search_text(obj)
            fields = [*fields, "search_text"]
        names.update(fields)
        objs.append(obj)
    names.add("version")
    bulk_update_with_history(objs, model, sorted(names), batch_size=1000, default_user=by, default_date=now)
