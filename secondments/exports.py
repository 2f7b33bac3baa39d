"""Excel exports of a plan's progress and of the movement list (see reports/excel.py)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from reports.excel import INTEGER, Column, Exporter
from secondments.models import Kind, Status
from secondments.selectors import PlanProgress


class PlanDepartmentsExporter(Exporter):
    """Per sending unit: the required range under the plan and the people proposed and sent."""

    sheet_title = "Don vi cu"
    with_totals = True

    def __init__(self, progress: PlanProgress):
        self.progress = progress
        self.title = _("Progress of plan %(name)s: sending units") % {"name": progress.plan.name}
        self.filename = f"plan-{progress.plan.pk}-sending-units.xlsx"

    def columns(self):
        n = {"width": 11, "number_format": INTEGER, "total": True}
        return [
            Column(str(_("Sending unit")), 36),
            Column(str(_("Active staff")), **n),
            Column(str(_("Rule")), 12),
            Column(str(_("Required (min)")), **n),
            Column(str(_("Required (max)")), **n),
            Column(str(_("Proposed")), **n),
            Column(str(_("Approved")), **n),
            Column(str(pgettext("movement status", "Active")), **n),
            Column(str(_("Completed")), **n),
            Column(str(_("Sent")), **n),
        ]

    def rows(self):
        for r in self.progress.departments:
            yield [
                r.unit.name,
                r.active_staff,
                r.quota.describe() if r.quota else "",
                r.required_min,
                r.required_max,
                r.proposed,
                r.approved,
                r.active,
                r.completed,
                r.sent,
            ]


class PlanCommunesExporter(Exporter):
    """Per receiving commune and field: people received against the commune's shortage."""

    sheet_title = "Xa nhan"
    with_totals = True

    def __init__(self, progress: PlanProgress):
        self.progress = progress
        self.title = _("Progress of plan %(name)s: receiving communes") % {"name": progress.plan.name}
        self.filename = f"plan-{progress.plan.pk}-receiving-communes.xlsx"

    def columns(self):
        n = {"width": 11, "number_format": INTEGER, "total": True}
        return [
            Column(str(_("Commune")), 30),
            Column(str(_("Field")), 24),
            Column(str(_("Priority")), 9),
            Column(str(_("Shortage")), **n),
            Column(str(_("Requested")), **n),
            Column(str(_("Proposed")), **n),
            Column(str(_("Received")), **n),
            Column(str(pgettext("movement status", "Active")), **n),
        ]

    def rows(self):
        yes = str(_("Yes"))
        for r in self.progress.communes:
            yield [r.unit.name, str(r.field), yes if r.is_priority else "", r.shortage, r.requested, r.proposed,
                   r.received, r.active]  # fmt: skip


class MovementListExporter(Exporter):
    """The movement list as filtered on the page (same FilterSet, same scope)."""

    title = _("Movements of staff")
    sheet_title = "Dieu dong"
    filename = "movements.xlsx"

    def __init__(self, queryset):
        self.queryset = queryset

    def columns(self):
        return [
            Column(str(_("Full name")), 26),
            Column(str(_("Staff code")), 12),
            Column(str(_("Kind")), 14),
            Column(str(_("From unit")), 28),
            Column(str(_("To unit")), 28),
            Column(str(_("Field")), 20),
            Column(str(_("Start date")), 12),
            Column(str(_("Planned end date")), 12),
            Column(str(_("Actual end date")), 12),
            Column(str(_("Status")), 12),
            Column(str(_("Decision number")), 16),
            Column(str(_("Decision date")), 12),
            Column(str(_("Plan")), 30),
        ]

    def rows(self):
        kinds, statuses = dict(Kind.choices), dict(Status.choices)
        qs = self.queryset.select_related("person", "from_unit", "to_unit", "field", "plan")
        for m in qs.iterator(chunk_size=2000):
            yield [
                m.person.full_name,
                m.person.staff_code,
                str(kinds[m.kind]),
                m.from_unit.name,
                m.to_unit.name,
                str(m.field),
                m.start_date,
                m.planned_end_date,
                m.actual_end_date,
                str(statuses[m.status]),
                m.decision_number,
                m.decision_date,
                m.plan.name if m.plan else "",
            ]
