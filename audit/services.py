"""The one entry point other apps use: ``audit_record(request, action, ...)``, one line per hook."""

from django.utils import timezone

from audit.models import Action, AuditEntry

# Query parameters that page through a result rather than choose it.
NOT_FILTERS = {"page", "cursor", "page_size", "format", "csrfmiddlewaretoken"}


def _filters(params):
    if not params:
        return {}
    items = (
        params.lists()
        if hasattr(params, "lists")
        else ((k, v if isinstance(v, list) else [v]) for k, v in params.items())
    )
    out = {}
    for key, values in items:
        if key in NOT_FILTERS:
            continue
        values = [str(v)[:200] for v in values if str(v) != ""]
        if values:
            out[str(key)[:100]] = values
    return out


def _staff_province_id(staff):
    # Where the person is placed (today, else last) decides whose officials see the entry.
    placement = staff.current_placement()
    return placement.unit.province_id if placement is not None else None


def audit_record(request, action, *, user=None, staff=None, params=None, rows=None, token=None, province_id=None):
    """Append one entry: ``request``'s user (or ``user``) did ``action``.

    ``staff``: the person whose record was read; ``params``: the filters of a list or export;
    ``rows``: how many rows it gave; ``token``: the API token used. The entry belongs to the
    person's province, else ``province_id``, else the user's province.
    """
    from accounts.lockout import client_ip

    action = Action(action)
    user = user if user is not None else getattr(request, "user", None)
    if user is not None and not user.is_authenticated:
        user = None
    if province_id is None:
        province_id = _staff_province_id(staff) if staff is not None else getattr(user, "province_id", None)
    AuditEntry.objects.append(
        at=timezone.now(),
        action=action,
        user=user,
        username=user.get_username() if user is not None else "",
        province_id=province_id,
        staff_id=staff.pk if staff is not None else None,
        staff_code=getattr(staff, "staff_code", "") or "",
        staff_name=(getattr(staff, "full_name", "") or "")[:200],
        method=request.method[:10] if request is not None else "",
        path=request.path[:500] if request is not None else "",
        params=_filters(params),
        rows=rows,
        token_name=token.name[:100] if token is not None else "",
        address=client_ip(request) if request is not None else None,
    )


def audit_purge(*, before):
    """Delete the entries older than ``before`` (the retention purge); return how many."""
    return AuditEntry.objects.purge(before)
