"""Shapes of the report API's JSON, for the OpenAPI schema.

The views build plain dicts from the selectors (no serializer runs per row); these classes only
document what they return. A report table's row is documented by its declaration
(``reports.tables``), which also builds the row's JSON.
"""

from rest_framework import serializers

from reports import tables


class KpiSerializer(serializers.Serializer):
    quota = serializers.IntegerField()
    on_roll = serializers.IntegerField()
    seconded_in = serializers.IntegerField()
    seconded_out = serializers.IntegerField()
    absent = serializers.IntegerField()
    effective = serializers.IntegerField()
    headcount = serializers.IntegerField(help_text="on_roll in the establishment view, effective in coverage")
    gross_shortage = serializers.IntegerField()
    gross_surplus = serializers.IntegerField()
    net = serializers.IntegerField()
    communes = serializers.IntegerField()
    communes_net_short = serializers.IntegerField(
        help_text="the headline: communes whose total headcount is below their total assigned quota"
    )
    net_shortage = serializers.IntegerField(help_text="how many people those communes lack in total")
    communes_net_surplus = serializers.IntegerField(
        help_text="communes whose total headcount is above their total assigned quota"
    )
    net_surplus = serializers.IntegerField(help_text="how many people those communes have over their quota")
    communes_short_in_a_field = serializers.IntegerField(
        help_text="communes with at least one field short, whatever their total"
    )
    communes_surplus_in_a_field = serializers.IntegerField(
        help_text="communes with at least one field over its quota, whatever their total"
    )
    active_movements = serializers.IntegerField()
    ending_soon = serializers.IntegerField(help_text="temporary movements ending within 30 days")
    mismatches = serializers.IntegerField()


# A row by field, declared with its page table in reports/tables.py.
FieldRowSerializer = tables.FIELDS.serializer()

# The commune table's row, declared with its page and export columns in reports/tables.py.
CommuneRowSerializer = tables.COMMUNES.serializer()


class ProvinceRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class ReportHeadSerializer(serializers.Serializer):
    as_of = serializers.DateField()
    view = serializers.ChoiceField(choices=["establishment", "coverage"])


class FigureSourceSerializer(serializers.Serializer):
    from_summary = serializers.BooleanField(
        help_text="true: today's figures read from the daily summary; false: computed live from the records "
        "(another day than today, or today's summary not rebuilt yet)"
    )
    summary_rebuilt_at = serializers.DateTimeField(
        allow_null=True,
        help_text="when the daily summary was last rebuilt (every write since refreshed its units in the same "
        "transaction); null when computed live",
    )
    text = serializers.CharField(help_text="the same as the page says it, in the request's language")


class SourcedHeadSerializer(ReportHeadSerializer):
    source = FigureSourceSerializer(help_text="where the figures come from: today's summary or the records, live")


class ProvinceDashboardSerializer(SourcedHeadSerializer):
    province = ProvinceRefSerializer()
    kpis = KpiSerializer()
    by_field = FieldRowSerializer(many=True)
    top_shortage = CommuneRowSerializer(many=True)
    communes = CommuneRowSerializer(many=True)


class ProvinceKpisSerializer(SourcedHeadSerializer):
    province = ProvinceRefSerializer()
    kpis = KpiSerializer()


class ProvinceFieldsSerializer(SourcedHeadSerializer):
    province = ProvinceRefSerializer()
    by_field = FieldRowSerializer(many=True)


class ProvinceCommunesSerializer(SourcedHeadSerializer):
    province = ProvinceRefSerializer()
    communes = CommuneRowSerializer(many=True)


class ProvinceTopSerializer(SourcedHeadSerializer):
    province = ProvinceRefSerializer()
    top_shortage = CommuneRowSerializer(many=True)


class NationalSerializer(SourcedHeadSerializer):
    rows = tables.NATIONAL.serializer()(many=True)
    total = KpiSerializer()


class DepartmentSerializer(ReportHeadSerializer):
    unit = ProvinceRefSerializer()
    by_field = tables.DEPARTMENT_FIELDS.serializer()(many=True)
    plans = tables.DEPARTMENT_PLANS.serializer()(many=True)


class PlanProgressSerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    as_of = serializers.DateField()
    rounding_rule = serializers.CharField(help_text="how a percentage of a unit's staff is rounded, in words")
    departments = tables.PLAN_DEPARTMENTS.serializer()(many=True)
    communes = tables.PLAN_COMMUNES.serializer()(many=True)
    totals = tables.PLAN_TOTALS.serializer()(many=True)


# A row of the staff list, declared with the roster page's and the staff export's columns in
# staffing/tables.py: personal fields are present only for users granted personal data.
StaffRowSerializer = tables.STAFF_LIST.serializer()


class ExportJobSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=["queued", "running", "done", "failed"])
    progress = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    download_url = serializers.CharField(allow_null=True)
    error = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
