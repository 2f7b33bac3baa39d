"""Reading the audit log: who may read which entries, and the page's filters."""

from datetime import datetime, time, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from accounts.policy import may
from audit.models import AuditEntry


def can_read_audit(user) -> bool:
    return may(user, "audit.view")


def audit_entries_for(user):
    """Every entry for a superuser; a province official's own province's entries; 403 otherwise."""
    if not can_read_audit(user):
        raise PermissionDenied
    qs = AuditEntry.objects.all()
    return qs if user.is_superuser else qs.filter(province_id=user.province_id)


def _day_start(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_filter(qs, *, person="", username="", date_from=None, date_to=None, action=""):
    """Entries about a person (name, code or id), by a user, between two days (both included)."""
    if person:
        q = Q(staff_name__icontains=person) | Q(staff_code__iexact=person)
        if person.isdigit():
            q |= Q(staff_id=int(person))
        qs = qs.filter(q)
    if username:
        qs = qs.filter(username__icontains=username)
    if date_from:
        qs = qs.filter(at__gte=_day_start(date_from))
    if date_to:
        qs = qs.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    if action:
        qs = qs.filter(action=action)
    return qs
