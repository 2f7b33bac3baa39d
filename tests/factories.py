"""Explicit builders for test data: every argument that matters to a test is visible in it."""

import itertools
from datetime import date

from accounts.models import Role, User
from communes.models import Province, Unit, UnitKind
from secondments.models import Kind, Plan, Secondment, Status
from staffing.models import Assignment, Category, Field, Gender, PlacementChange, Qualification, Quota, Staff

_seq = itertools.count(1)


def province(code="66", name="Tỉnh Đắk Lắk"):
    return Province.objects.get_or_create(code=code, defaults={"name": name, "division_type": "tỉnh"})[0]


def unit(name=None, *, kind=UnitKind.COMMUNE, prov=None, code=None, **extra):
    n = next(_seq)
    return Unit.objects.create(
        code=code or f"T{n:05d}",
        name=name or f"Xã Thử {n}",
        kind=kind,
        province=prov or province(),
        **extra,
    )


def department(name=None, **extra):
    return unit(name or f"Sở Thử {next(_seq)}", kind=UnitKind.DEPARTMENT, **extra)


def field(code=None, name_vi=None, name_en=None, **extra):
    n = next(_seq)
    code = code or f"f{n}"
    return Field.objects.get_or_create(
        code=code, defaults={"name_vi": name_vi or f"Lĩnh vực {code}", "name_en": name_en or f"Field {code}", **extra}
    )[0]


def quota(
    u,
    f,
    count,
    *,
    category=Category.CIVIL_SERVANT,
    effective_from=date(2025, 7, 1),
    decision_number=None,
    decision_date=None,
):
    return Quota.objects.create(
        unit=u,
        field=f,
        category=category,
        count=count,
        decision_number=decision_number or f"{next(_seq)}/QĐ-UBND",
        decision_date=decision_date or effective_from,
        effective_from=effective_from,
    )


# Placements of test people start here unless a test says otherwise, so they count on every date
# the tests look at.
EARLY = date(2000, 1, 1)


def staff(
    u,
    f,
    *,
    name=None,
    category=Category.CIVIL_SERVANT,
    major_field=None,
    status="active",
    end_date=None,
    start_date=None,
    gender=Gender.MALE,
    birth_date=date(1985, 5, 20),
    position=None,
    is_leader=False,
    placed_from=None,
    **extra,
):
    """A person on ``u``'s roll in field ``f``: the person and one placement, from ``placed_from``
    (else their joining date, else 1 January 2000) to the day they left."""
    n = next(_seq)
    person = Staff.objects.create(
        staff_code=extra.pop("staff_code", f"NV{n:06d}"),
        full_name=name or f"Nguyễn Văn Thử {n}",
        gender=gender,
        birth_date=birth_date,
        major_field=major_field,
        qualification=extra.pop("qualification", Qualification.BACHELOR),
        status=status,
        end_date=end_date,
        start_date=start_date,
        **extra,
    )
    Assignment.objects.create(
        person=person,
        unit=u,
        field=f,
        position=position,
        category=category,
        is_leader=is_leader,
        valid_from=placed_from or start_date or EARLY,
        valid_to=end_date,
        change=PlacementChange.HIRE,
    )
    return person


def placement(person, day=None):
    """The person's assignment in force on ``day`` (default: their latest)."""
    if day is None:
        return person.assignments.order_by("-valid_from").first()
    return person.assignments.in_force_on(day).first()


def staff_many(u, f, n, **kwargs):
    return [staff(u, f, **kwargs) for _ in range(n)]


def plan(prov=None, **extra):
    values = {
        "name": "Kế hoạch tăng cường cán bộ về xã",
        "period_start": date(2025, 7, 1),
        "period_end": date(2026, 12, 31),
        "min_duration_days": 7,
        "max_duration_days": 1096,
    }
    values.update(extra)
    return Plan.objects.create(province=prov or province(), **values)


def movement(
    person,
    to_unit,
    *,
    kind=Kind.SECONDMENT,
    start=date(2025, 8, 1),
    end=date(2025, 12, 31),
    status=Status.APPROVED,
    field=None,
    from_unit=None,
    actual_end=None,
    **extra,
):
    decided = status in (Status.APPROVED, Status.ACTIVE, Status.COMPLETED)
    placed = placement(person, start) or placement(person)
    return Secondment.objects.create(
        kind=kind,
        person=person,
        from_unit=from_unit or placed.unit,
        to_unit=to_unit,
        field=field or placed.field,
        start_date=start,
        planned_end_date=None if kind == Kind.TRANSFER else end,
        actual_end_date=actual_end,
        status=status,
        decision_number=extra.pop("decision_number", f"{next(_seq)}/QĐ-UBND" if decided else ""),
        decision_date=extra.pop("decision_date", start if decided else None),
        **extra,
    )


def user(role, *, unit=None, prov=None, username=None, password="pw-Test-12345", **extra):
    u = User(
        username=username or f"{role}-{next(_seq)}",
        role=role,
        unit=unit,
        province=prov or (unit.province if unit else None),
        **extra,
    )
    u.set_password(password)
    u.save()
    return u


ROLES = [r.value for r in Role]


def api_key(u, *, name="Test client", days=90, used=True):
    """An API token for ``u``; returns the key a client sends (``Authorization: Token <key>``).

    ``used``: as if it had been used a moment ago, so a request does not also record the first use
    (query counts then measure a client's steady state).
    """
    from django.utils import timezone

    from accounts.tokens import api_token_create

    token, key = api_token_create(user=u, name=name, days=days)
    if used:
        type(token).objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return key
