"""Report API: the dashboards' tables and KPI blocks as JSON, and ``?format=xlsx`` for the export.

Every endpoint calls the same selector as its page and reads the same parameters with the same
form; access follows the pages (403 by role, 404 out of scope). The staff list pages with a keyset
cursor on (unit, id), so a client walks 250,000 rows while the server holds one page at a time.
"""

import binascii
from base64 import b64decode, b64encode

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotAcceptable, NotFound, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import BasePagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts.policy import may
from accounts.tokens import sends_token
from audit.services import audit_record
from core.excel import XLSX_CONTENT_TYPE
from core.tables import DAY
from headcount.summary import placements_stored
from reports import access, serializers, tables
from reports.exports import GUARDED, export_response, scoped_unit, staff_list, staff_page
from reports.forms import ProvinceReportForm, ReportForm
from reports.models import ExportJob
from reports.selectors import (
    department_report,
    mismatch_rows,
    national_summary,
    province_dashboard,
    report_fields,
    unit_quota_rows,
)
from reports.views import job_status
from secondments.selectors import alert_groups, alert_rows
from staffing.history import timeline_rows
from staffing.tables import STAFF_LIST


class XlsxRenderer(BaseRenderer):
    """Selected by ``?format=xlsx`` or ``Accept: application/vnd.openxmlformats-…``; views answer with the file."""

    media_type = XLSX_CONTENT_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description="Invalid parameter (bad date, view, filter)."),
    403: OpenApiResponse(serializers.ErrorSerializer, description="The role may not read this report."),
    404: OpenApiResponse(serializers.ErrorSerializer, description="Unknown, or outside the user's scope."),
}
XLSX = OpenApiResponse(OpenApiTypes.BINARY, description="The official-layout Excel workbook (?format=xlsx).")
JOB = OpenApiResponse(serializers.ExportJobSerializer, description="A large export queued as a background job.")

REPORT_PARAMS = [
    OpenApiParameter("as_of", OpenApiTypes.DATE, description="dd/mm/yyyy or yyyy-mm-dd; default today"),
    OpenApiParameter("view", OpenApiTypes.STR, enum=["coverage", "establishment"]),
    OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx"]),
]
PROVINCE_PARAMS = REPORT_PARAMS + [
    OpenApiParameter("field", OpenApiTypes.INT, description="field id"),
    OpenApiParameter("kind", OpenApiTypes.STR, enum=["commune", "ward", "special_zone"]),
    OpenApiParameter("disadvantaged", OpenApiTypes.BOOL),
    OpenApiParameter("border", OpenApiTypes.BOOL),
    OpenApiParameter(
        "only",
        OpenApiTypes.STR,
        enum=["short", "surplus", "short_in_a_field", "surplus_in_a_field"],
        description="commune table rows: short / surplus by the commune's total headcount against its total "
        "quota (as the headline counts them); short_in_a_field / surplus_in_a_field: at least one field "
        "short / over, whatever the total",
    ),
    OpenApiParameter("sort", OpenApiTypes.STR, description="commune table column, '-' for descending"),
]


class ReportAPIView(APIView):
    renderer_classes = [JSONRenderer, XlsxRenderer]
    export_name = None

    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "xlsx":
            return self.xlsx()  # the export's builder checks access and parameters as below
        self.check_access()
        form = self.get_form()
        if not form.is_valid():
            raise ValidationError(form.errors)
        self.form = form
        return Response(self.get_data(form.cleaned_data))

    def xlsx(self):
        if not self.export_name:
            raise NotAcceptable
        try:
            result = export_response(self.request, self.export_name, self.export_params())
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        if isinstance(result, ExportJob):
            self.use_json()
            return Response(job_status(result), status=status.HTTP_202_ACCEPTED)
        return result

    def use_json(self):
        self.request.accepted_renderer = JSONRenderer()
        self.request.accepted_media_type = "application/json"

    def handle_exception(self, exc):
        # Errors are JSON even when the client asked for a workbook.
        if getattr(self.request, "accepted_renderer", None) is not None:
            if self.request.accepted_renderer.format == "xlsx":
                self.use_json()
        return super().handle_exception(exc)

    def check_access(self):
        pass

    def get_form(self):
        return ReportForm(self.request.query_params)

    def export_params(self):
        return self.request.query_params


def _head(data):
    return {"as_of": data["as_of"], "view": data["view"]}


class ProvinceReportAPIView(ReportAPIView):
    export_name = "province-summary"
    blocks = ("kpis", "by_field", "top_shortage", "communes")

    def check_access(self):
        self.province = access.province_for(self.request.user, self.kwargs["code"])
        self.fields = report_fields()

    def get_form(self):
        return ProvinceReportForm(self.request.query_params, fields=self.fields)

    def export_params(self):
        params = self.request.query_params.copy()
        params["province"] = self.kwargs["code"]
        return params

    def get_data(self, data):
        d = province_dashboard(
            self.province, as_of=data["as_of"], view=data["view"], filters=self.form.filters(), fields=self.fields
        )
        out = {
            "province": {"code": self.province.code, "name": self.province.name},
            **_head(data),
            "source": d.source.as_dict(),
        }
        if "kpis" in self.blocks:
            out["kpis"] = d.kpis.as_dict()
        if "by_field" in self.blocks:
            out["by_field"] = tables.FIELDS.json_rows(d.by_field)
        if "top_shortage" in self.blocks:
            out["top_shortage"] = tables.TOP_SHORTAGE.json_rows(d.top_shortage)
        if "communes" in self.blocks:
            out["communes"] = tables.COMMUNES.json_rows(d.communes)
        return out


_province_doc = dict(tags=["reports"], parameters=PROVINCE_PARAMS)


class ProvinceDashboardAPI(ProvinceReportAPIView):
    @extend_schema(
        summary="Province dashboard: KPIs, by field, top 15 short communes, commune table",
        responses={200: serializers.ProvinceDashboardSerializer, (200, XLSX_CONTENT_TYPE): XLSX, 202: JOB, **ERRORS},
        **_province_doc,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProvinceKpisAPI(ProvinceReportAPIView):
    blocks = ("kpis",)

    @extend_schema(
        summary="Province KPI block",
        responses={200: serializers.ProvinceKpisSerializer, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
        **_province_doc,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProvinceFieldsAPI(ProvinceReportAPIView):
    blocks = ("by_field",)

    @extend_schema(
        summary="Province shortage and surplus by field",
        responses={200: serializers.ProvinceFieldsSerializer, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
        **_province_doc,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProvinceTopAPI(ProvinceReportAPIView):
    blocks = ("top_shortage",)

    @extend_schema(
        summary="The 15 communes of the province with the largest shortage",
        responses={200: serializers.ProvinceTopSerializer, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
        **_province_doc,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProvinceCommunesAPI(ProvinceReportAPIView):
    blocks = ("communes",)

    @extend_schema(
        summary="Province commune table (filtered and sorted like the page)",
        responses={200: serializers.ProvinceCommunesSerializer, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
        **_province_doc,
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class NationalAPI(ReportAPIView):
    export_name = "national-summary"

    def check_access(self):
        access.require_national(self.request.user)
        self.fields = report_fields()

    def get_form(self):
        return ProvinceReportForm(self.request.query_params, fields=self.fields)

    @extend_schema(
        summary="National summary: one row of KPIs per province",
        tags=["reports"],
        parameters=PROVINCE_PARAMS,
        responses={200: serializers.NationalSerializer, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_data(self, data):
        s = national_summary(
            self.request.user, as_of=data["as_of"], view=data["view"], filters=self.form.filters(), fields=self.fields
        )
        return {
            **_head(data),
            "rows": tables.NATIONAL.json_rows(s["rows"]),
            "total": s["total"].as_dict(),
            "source": s["source"].as_dict(),
        }


class PathParamsMixin:
    """The export reads the path's parameters (``code``, ``pk``) with the query string."""

    def export_params(self):
        params = self.request.query_params.copy()
        for key, value in self.kwargs.items():
            params[key] = str(value)
        return params


class DepartmentAPI(PathParamsMixin, ReportAPIView):
    export_name = "department"

    def check_access(self):
        self.unit = access.department_for(self.request.user, self.kwargs["code"])

    @extend_schema(
        summary="Department report: staff by field, staff sent by plan",
        tags=["reports"],
        parameters=REPORT_PARAMS,
        responses={200: serializers.DepartmentSerializer, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_data(self, data):
        r = department_report(self.unit, as_of=data["as_of"], view=data["view"])
        return {
            "unit": {"code": self.unit.code, "name": self.unit.name},
            **_head(data),
            "by_field": tables.DEPARTMENT_FIELDS.json_rows(r["by_field"]),
            "plans": tables.DEPARTMENT_PLANS.json_rows(r["plans"]),
        }


class StaffKeysetPagination(BasePagination):
    """Forward keyset pagination on (home unit, person id), the order of an index on placements.

    People carry no province column: ordered by id alone, a province's page walks every person;
    ordered by unit then person, PostgreSQL reads the province's units in order and each unit's
    placements from the (unit, person) index. The cursor is the last row's (unit, id).
    """

    page_size = 50
    max_page_size = 1000
    invalid_cursor_message = _("Invalid cursor")

    def __init__(self, names=None):
        self.names = names  # rows come as tuples of these columns, and leave as dicts

    def read(self, request):
        """``(after, limit)`` for ``reports.exports.staff_page``: the cursor's row ((unit id, id) or
        None) and the page size and one (the next page's existence). A bad cursor is 404."""
        self.request = request
        try:
            self.page_size = min(int(request.query_params.get("page_size", self.page_size)), self.max_page_size)
        except ValueError:
            self.page_size = StaffKeysetPagination.page_size
        self.page_size = max(1, self.page_size)
        after = None
        cursor = request.query_params.get("cursor")
        if cursor:
            try:
                unit_id, pk = (int(x) for x in b64decode(cursor.encode(), validate=True).decode().split(":"))
            except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
                raise NotFound(self.invalid_cursor_message) from exc
            after = (unit_id, pk)
        return after, self.page_size + 1

    def paginate_rows(self, rows):
        """The page of ``rows`` (at most ``read``'s limit), named; keeps the next page's cursor."""
        if self.names:
            # Rows are as wide as the names by construction (reports.exports.staff_values).
            rows = [dict(zip(self.names, row, strict=False)) for row in rows]
        self.next_row = rows[self.page_size - 1] if len(rows) > self.page_size else None
        return rows[: self.page_size]

    def get_paginated_response(self, data):
        next_url = None
        if self.next_row is not None:
            cursor = b64encode(f"{self.next_row['unit_id']}:{self.next_row['id']}".encode()).decode()
            next_url = replace_query_param(self.request.build_absolute_uri(), "cursor", cursor)
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": {"type": "string", "nullable": True, "format": "uri"}, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return []


# The API's columns of the staff list (``staffing.tables.STAFF_LIST``), in the order its rows give
# them: the person's own columns (dates read as ISO text, as the body writes them), then those
# read through the placement (``placed``) or a related row (``api_key``): see
# ``reports.exports.staff_values``.
def staff_api_columns(personal=True):
    """``(columns, dates, related)``: names of the person's own columns, of those read as dates,
    and {name: path} of the others, for a reader granted personal data or not."""
    columns = STAFF_LIST.api_columns(personal)
    own = tuple(c.key for c in columns if not c.api_key)
    dates = tuple(c.key for c in columns if not c.api_key and c.format == DAY)
    return own, dates, {c.key: c.api_key for c in columns if c.api_key}


STAFF_API, STAFF_PUBLIC_API = staff_api_columns(), staff_api_columns(personal=False)
STAFF_COLUMNS, STAFF_DATES, STAFF_RELATED = STAFF_API


class StaffListAPI(ReportAPIView):
    export_name = "staff"
    pagination_class = StaffKeysetPagination

    def dispatch(self, request, *args, **kwargs):
        # The token's use and the list's audit entry are written in one transaction: one flush of
        # the write-ahead log per request instead of one per entry (no savepoint inside another).
        # A session writes the list's entry alone: a transaction would only add BEGIN and COMMIT.
        if not sends_token(request):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic(savepoint=False):
            return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        summary="Staff list (the filtered roster), cursor-paginated; ?format=xlsx exports it",
        tags=["reports"],
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description="name or staff code, accents ignored"),
            OpenApiParameter("field", OpenApiTypes.INT),
            OpenApiParameter("field_code", OpenApiTypes.STR),
            OpenApiParameter("category", OpenApiTypes.STR),
            OpenApiParameter("status", OpenApiTypes.STR),
            OpenApiParameter("qualification", OpenApiTypes.STR),
            OpenApiParameter("unit", OpenApiTypes.INT),
            OpenApiParameter("unit_code", OpenApiTypes.STR),
            OpenApiParameter("province", OpenApiTypes.INT),
            OpenApiParameter("province_code", OpenApiTypes.STR),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="at most 1000"),
            OpenApiParameter("format", OpenApiTypes.STR, enum=["json", "xlsx"]),
        ],
        responses={
            200: serializers.StaffRowSerializer(many=True),
            (200, XLSX_CONTENT_TYPE): XLSX,
            202: JOB,
            400: ERRORS[400],
            403: ERRORS[403],
        },
    )
    def get(self, request, *args, **kwargs):
        if request.accepted_renderer.format == "xlsx":
            return self.xlsx()
        columns = STAFF_API if may(request.user, "staff.view_personal") else STAFF_PUBLIC_API
        day = timezone.localdate()
        # Today's stored placements, on the condition (in the same query) that they hold today;
        # an empty page may mean they do not: then the dated assignments are read.
        paginator, page = self.page(columns, day, GUARDED)
        if not page and not placements_stored(day):
            paginator, page = self.page(columns, day, False)
        audit_record(request, "staff.list", params=request.query_params, rows=len(page))
        return paginator.get_paginated_response(page)

    def page(self, columns, day, stored):
        own, _dates, related = columns
        user, params = self.request.user, self.request.query_params
        paginator = self.pagination_class([*own, *related])
        try:
            try:
                after, limit = paginator.read(self.request)
            except NotFound:
                staff_list(user, params, day, stored=stored)  # bad filters are answered first
                raise
            rows = staff_page(user, params, day, stored=stored, columns=columns, after=after, limit=limit)
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc
        return paginator, paginator.paginate_rows(rows)


class ExportJobAPI(APIView):
    @extend_schema(
        summary="Progress of a background export; download_url once done",
        tags=["reports"],
        responses={200: serializers.ExportJobSerializer, 404: ERRORS[404]},
    )
    def get(self, request, pk):
        job = get_object_or_404(ExportJob.objects.filter(owner=request.user), pk=pk)
        return Response(job_status(job))


class TableAPIView(PathParamsMixin, ReportAPIView):
    """A report table declared in ``reports/tables.py``: its rows as JSON, or the export (?format=xlsx)."""

    table = None

    def rows(self, data):
        raise NotImplementedError

    def head(self, data):
        return _head(data)

    def get_data(self, data):
        return {**self.head(data), "rows": self.table.json_rows(self.rows(data))}


def table_schema(table, summary, parameters, *, head=None):
    head = head or {}
    row = table.serializer()
    name = row.__name__.replace("RowSerializer", "Serializer")
    body = type(name, (serializers.ReportHeadSerializer,), {**head, "rows": row(many=True)})
    return extend_schema(
        summary=summary,
        tags=["reports"],
        parameters=parameters,
        responses={200: body, (200, XLSX_CONTENT_TYPE): XLSX, **ERRORS},
    )


UNIT_HEAD = {"unit": serializers.ProvinceRefSerializer()}


class UnitTableAPI(TableAPIView):
    def check_access(self):
        self.unit = scoped_unit(self.request.user, self.kwargs["code"])

    def head(self, data):
        return {"unit": {"code": self.unit.code, "name": self.unit.name}, **_head(data)}


class UnitQuotasAPI(UnitTableAPI):
    table = tables.UNIT_QUOTAS
    export_name = "unit-quotas"

    def rows(self, data):
        return unit_quota_rows(self.unit, as_of=data["as_of"], view=data["view"])[0]

    @table_schema(
        tables.UNIT_QUOTAS, "A unit's quota and headcount by field and category", REPORT_PARAMS, head=UNIT_HEAD
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class UnitMismatchesAPI(UnitTableAPI):
    table = tables.MISMATCHES
    export_name = "mismatches"

    def rows(self, data):
        audit_record(self.request, "staff.list", params=self.request.query_params, rows=None)
        return mismatch_rows(self.unit, as_of=data["as_of"])

    @table_schema(tables.MISMATCHES, "Staff of a unit whose trained field differs from their post", REPORT_PARAMS,
                  head=UNIT_HEAD)  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class AlertsAPI(TableAPIView):
    table = tables.ALERTS
    export_name = "alerts"

    def rows(self, data):
        return alert_rows(alert_groups(self.request.user, as_of=data["as_of"]))

    def get_form(self):
        return ReportForm({})  # the alerts are today's

    @table_schema(tables.ALERTS, "Movement alerts: ending soon, overdue, never started, not applied",
                  REPORT_PARAMS[2:])  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PersonHistoryAPI(TableAPIView):
    table = tables.PERSON_HISTORY
    export_name = "person-history"

    def check_access(self):
        from accounts.scoping import for_user
        from staffing.models import Staff

        people = for_user(Staff.objects.all(), self.request.user).distinct()
        self.person = get_object_or_404(people, pk=self.kwargs["pk"])

    def get_form(self):
        return ReportForm({})

    def head(self, data):
        return {"person": {"code": self.person.staff_code, "name": self.person.full_name}, **_head(data)}

    def rows(self, data):
        audit_record(self.request, "staff.view", staff=self.person)
        return timeline_rows(self.person)

    @table_schema(tables.PERSON_HISTORY, "A person's placements, movements and absences, newest first",
                  REPORT_PARAMS[2:], head={"person": serializers.ProvinceRefSerializer()})  # fmt: skip
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
