"""Calendar arithmetic the rules need (no third-party date library), and dates read as ISO text."""

import calendar
from datetime import date, timedelta

from django.db.models import CharField, Func


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


class IsoDate(Func):
    """A date column read as its ISO text ("2025-07-01"; NULL stays NULL), as a JSON body writes it:
    the renderer then copies the text instead of calling its encoder's fallback for each date."""

    output_field = CharField()
    template = "%(expressions)s"  # SQLite stores dates as this text

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM-DD')", **extra)
