"""Excel exports of a plan's progress and of the movement list (see core/excel.py).

Both are registered with reports/exports.py ("plan-progress", "movements"), so a large export runs
as a background ExportJob exactly like the reports' own; ReportsConfig.ready imports this module.
"""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.scoping import for_user
from communes.models import province_issuer
from core.excel import export_filename
from core.text import normalize_search
from reports import tables
from reports.exports import ExportSpec, dated, register, short_name, user_issuer, user_place
from reports.plans import PlanProgress, plan_progress
from secondments.filters import MovementFilterSet
from secondments.models import Kind, Plan, Secondment, Status
from secondments.tables import MOVEMENTS
from staffing.models import Field

# A plan's name usually starts with what it is ("Kế hoạch …", "Đề án …"): the title then does not
# say "plan" again.
PLAN_WORDS = ("ke hoach", "de an", "plan")


def plan_title(plan, part):
    if normalize_search(plan.name).startswith(PLAN_WORDS):
        return _("Progress of %(name)s: %(part)s") % {"name": plan.name, "part": part}
    return _("Progress of plan %(name)s: %(part)s") % {"name": plan.name, "part": part}


# A plan's workbook, by part: the sending units (the default) or the receiving communes.
PLAN_PARTS = {
    "departments": (tables.PLAN_DEPARTMENTS, "department_rows", _("sending units"), "don vi cu", "Don vi cu"),
    "communes": (tables.PLAN_COMMUNES, "commune_rows", _("receiving communes"), "xa nhan", "Xa nhan"),
}


def plan_exporter(progress: PlanProgress, part):
    table, rows, label, file_words, sheet_title = PLAN_PARTS[part]
    return tables.TableExporter(
        table,
        getattr(progress, rows)(),
        title=dated(plan_title(progress.plan, label), progress.as_of),
        filename=export_filename(
            f"tien do ke hoach {progress.plan.pk} {file_words}", progress.plan.province.short_name, day=progress.as_of
        ),
        sheet_title=sheet_title,
    )


# The keys of ``secondments.tables.MOVEMENTS`` a movement export reads, in the order it reads them.
MOVEMENT_EXPORT_KEYS = (
    "person.full_name",
    "person.staff_code",
    "kind",
    "from_unit.name",
    "to_unit.name",
    "field",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "status",
    "decision_number",
    "decision_date",
    "plan.name",
)


def movement_export_values():
    """MOVEMENT_EXPORT_KEYS as the query's paths (the field named as Field.__str__ does)."""
    field_name = f"field__{Field.name_column()}"
    return tuple(field_name if key == "field" else key.replace(".", "__") for key in MOVEMENT_EXPORT_KEYS)


class MovementListExporter(tables.TableExporter):
    """The movement list as filtered on the page (same FilterSet, same scope), streamed as flat rows."""

    def __init__(self, queryset, *, place=None, day=None):
        day = day or timezone.localdate()
        super().__init__(
            MOVEMENTS,
            (),
            title=dated(_("Movements of staff — %(place)s") % {"place": place or _("nationwide")}, day),
            filename=export_filename("danh sach dieu dong", short_name(place), day=day),
            sheet_title="Dieu dong",
        )
        self.queryset = queryset

    def rows(self):
        kinds = {k: str(v) for k, v in Kind.choices}
        statuses = {k: str(v) for k, v in Status.choices}
        row = self.table.excel_row
        for values in self.queryset.values_list(*movement_export_values()).iterator(chunk_size=2000):
            r = dict(zip(MOVEMENT_EXPORT_KEYS, values, strict=True))
            r["kind_label"], r["status_label"] = kinds[r["kind"]], statuses[r["status"]]
            yield row(r)


def movement_list(user, params):
    """The movements ``user`` sees, filtered as the list page filters them (ValidationError if invalid)."""
    filterset = MovementFilterSet(params or None, queryset=for_user(Secondment.objects.all(), user), user=user)
    if filterset.is_bound and not filterset.is_valid():
        raise ValidationError(gettext("The filters are not valid: %(errors)s") % {"errors": filterset.errors.as_text()})
    return filterset.qs


@register("movements")
def movement_export(user, params):
    """The movement list's query string as a workbook; other provinces' rows are never in scope."""
    qs = movement_list(user, params)
    exporter = MovementListExporter(qs, place=user_place(user))
    return ExportSpec(exporter, user_issuer(user), timezone.localdate(), qs.count())


@register("plan-progress")
def plan_progress_export(user, params):
    """``plan`` (its id) and ``part`` (``departments``, the default, or ``communes``); 404 out of scope."""
    try:
        plan = for_user(Plan.objects.select_related("province"), user).get(pk=int(params.get("plan")))
    except (TypeError, ValueError, Plan.DoesNotExist):
        raise Http404 from None
    today = timezone.localdate()
    progress = plan_progress(plan=plan, as_of=today)
    exporter = plan_exporter(progress, "communes" if params.get("part") == "communes" else "departments")
    return ExportSpec(exporter, province_issuer(plan.province), today, len(exporter.data))
