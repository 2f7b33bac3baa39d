"""Calendar arithmetic the rules need (no third-party date library)."""

import calendar
from datetime import date, timedelta


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole calendar months, kept within the month (31/01 + 1 → 28/02 or 29/02)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_day_within_months(start: date, months: int) -> date:
    """The last day of a period of ``months`` calendar months beginning on ``start``."""
    return add_months(start, months) - timedelta(days=1)


def fmt(day: date | None) -> str:
    """dd/mm/yyyy, the way every message writes a date."""
    return day.strftime("%d/%m/%Y") if day else ""
