"""Today's headcount per unit × field, kept for the national page and the province dashboards.

``UnitFieldSummary`` holds, for the day in ``SummaryState``, what the live headcount query gives
for each unit × field (and the expertise mismatches). Every write that changes a count refreshes
the units it touches in its own transaction (``headcount.summary``), so the table is never behind
what it shows; on a new day it is rebuilt by the scheduled run and, until then, readers compute
live. Past dates are always computed live.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitFieldSummary(models.Model):
    unit = models.ForeignKey("communes.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    field = models.ForeignKey("staffing.Field", on_delete=models.CASCADE, related_name="+", db_constraint=False)
    quota = models.IntegerField(default=0)
    on_roll = models.IntegerField(default=0)
    seconded_out = models.IntegerField(default=0)
    seconded_in = models.IntegerField(default=0)
    absent = models.IntegerField(default=0)
    mismatches = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("headcount summary row")
        verbose_name_plural = _("headcount summary")
        constraints = [models.UniqueConstraint(fields=["unit", "field"], name="summary_unit_field_unique")]

    def __str__(self):
        return f"{self.unit_id} × {self.field_id}"


class UnitSummary(models.Model):
    """The unit × field rows of one unit added up, with gross shortage and surplus (the sum of each
    field's gap) in both views: the national page without a field filter reads 3,300 rows, not
    66,000."""

    unit = models.OneToOneField(
        "communes.Unit", on_delete=models.CASCADE, related_name="+", db_constraint=False, primary_key=True
    )
    quota = models.IntegerField(default=0)
    on_roll = models.IntegerField(default=0)
    seconded_out = models.IntegerField(default=0)
    seconded_in = models.IntegerField(default=0)
    absent = models.IntegerField(default=0)
    mismatches = models.IntegerField(default=0)
    shortage_coverage = models.IntegerField(default=0)
    surplus_coverage = models.IntegerField(default=0)
    shortage_establishment = models.IntegerField(default=0)
    surplus_establishment = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("headcount summary of a unit")
        verbose_name_plural = _("headcount summaries of units")

    def __str__(self):
        return str(self.unit_id)


class SummaryState(models.Model):
    """One row: the day the summary holds and when it was last rebuilt in full."""

    day = models.DateField()
    rebuilt_at = models.DateTimeField()

    def __str__(self):
        return f"{self.day:%d/%m/%Y}"
