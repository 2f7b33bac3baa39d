"""Report queries built on the headcount selectors."""

from datetime import date

from accounts.models import Role
from accounts.scoping import for_user
from communes.models import Province, Unit
from staffing.selectors import View, headcount_rows, summarize


def landing_summary(user, *, as_of: date):
    """What the landing page shows: the user's scope, with coverage and establishment totals.

    Returns a dict with ``title`` (province or unit name, or None for national viewers) and
    ``coverage`` / ``establishment`` Totals. Two totals, four grouped queries each.
    """
    units = for_user(Unit.objects.all(), user)
    if user.role in (Role.COMMUNE_OFFICER, Role.DEPARTMENT_OFFICER) and user.unit_id:
        title = user.unit.name
    elif user.province_id:
        title = Province.objects.only("name").get(pk=user.province_id).name
    else:
        title = None
    rows = headcount_rows(units=units, as_of=as_of, view=View.COVERAGE)
    return {
        "title": title,
        "coverage": summarize(rows, view=View.COVERAGE),
        "establishment": summarize(rows, view=View.ESTABLISHMENT),
    }
