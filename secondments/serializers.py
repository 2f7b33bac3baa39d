from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.api import CleanModelSerializer
from accounts.scoping import for_user
from communes.models import Unit
from secondments.models import Extension, Kind, Plan, Secondment, SendingQuota, StaffRequest
from staffing.forms import MISSING_VERSION
from staffing.models import Staff


class DetailSerializer(serializers.Serializer):
    """An error answer: ``{"detail": "…"}``."""

    detail = serializers.CharField()


class SendingQuotaSerializer(CleanModelSerializer):
    class Meta:
        model = SendingQuota
        fields = ["id", "plan", "unit", "rule", "count", "min_percent", "max_percent"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated:
            fields["plan"].queryset = for_user(Plan.objects.all(), request.user)
            fields["unit"].queryset = Unit.objects.filter(province_id=request.user.province_id)
        return fields


class PlanSerializer(CleanModelSerializer):
    allowed_kinds = serializers.MultipleChoiceField(choices=Kind.choices)
    sending_quotas = SendingQuotaSerializer(many=True, read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "province",
            "name",
            "decision_number",
            "decision_date",
            "issuing_body",
            "period_start",
            "period_end",
            "allowed_kinds",
            "min_duration_days",
            "max_duration_days",
            "priority_fields",
            "priority_communes",
            "target_secondment",
            "target_reinforcement",
            "target_transfer",
            "target_rotation",
            "note",
            "sending_quotas",
        ]
        read_only_fields = ["province"]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and request.user.province_id:
            fields["priority_communes"].child_relation.queryset = Unit.objects.communes().filter(
                province_id=request.user.province_id
            )
        return fields

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["allowed_kinds"] = [k for k in Kind.values if k in instance.allowed_kinds]
        return data

    def validate_allowed_kinds(self, value):
        return [k for k in Kind.values if k in value]

    def validate(self, attrs):
        request = self.context.get("request")
        if self.instance is None and request is not None:
            attrs["province"] = request.user.province
        return super().validate(attrs)


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["previous_end_date", "new_end_date", "decision_number", "decision_date", "created_at"]


class SecondmentSerializer(serializers.ModelSerializer):
    """A movement. Writes go through the services: ``propose`` sends a new one for approval."""

    person_name = serializers.CharField(source="person.full_name", read_only=True)
    from_unit_code = serializers.CharField(source="from_unit.code", read_only=True)
    to_unit_code = serializers.CharField(source="to_unit.code", read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    propose = serializers.BooleanField(write_only=True, required=False, default=False)
    end_running = serializers.BooleanField(
        write_only=True,
        required=False,
        default=False,
        help_text="For a transfer: end the person's running temporary movement the day before it starts.",
    )
    version = serializers.IntegerField(
        required=False, min_value=1, help_text="Required on update: the version you read (no silent overwrite)."
    )

    class Meta:
        model = Secondment
        fields = [
            "id",
            "kind",
            "status",
            "person",
            "person_name",
            "from_unit",
            "from_unit_code",
            "to_unit",
            "to_unit_code",
            "field",
            "plan",
            "request",
            "start_date",
            "planned_end_date",
            "actual_end_date",
            "decision_number",
            "decision_date",
            "arrival_date",
            "over_quota_reason",
            "note",
            "version",
            "extensions",
            "propose",
            "end_running",
            "problem",
        ]
        read_only_fields = [
            "status",
            "from_unit",
            "actual_end_date",
            "decision_number",
            "decision_date",
            "arrival_date",
            "over_quota_reason",
            "problem",
        ]

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and request.user.is_authenticated and "person" in fields:
            fields["person"].queryset = for_user(Staff.objects.all(), request.user)
            province = request.user.province_id
            units = Unit.objects.filter(province_id=province) if province else Unit.objects.all()
            fields["to_unit"].queryset = units
            fields["plan"].queryset = for_user(Plan.objects.all(), request.user)
            fields["request"].queryset = for_user(StaffRequest.objects.all(), request.user)
        return fields

    def validate(self, attrs):
        kind = attrs.get("kind", getattr(self.instance, "kind", None))
        end = attrs.get("planned_end_date", getattr(self.instance, "planned_end_date", None))
        if kind and kind != Kind.TRANSFER and not end:
            raise serializers.ValidationError({"planned_end_date": _("A temporary movement needs a planned end date.")})
        if self.instance is not None and attrs.get("version") is None:
            raise serializers.ValidationError({"version": MISSING_VERSION})
        return attrs


class ApproveSerializer(serializers.Serializer):
    decision_number = serializers.CharField(max_length=64)
    decision_date = serializers.DateField()
    over_quota_reason = serializers.CharField(required=False, allow_blank=True, default="")


class ArrivalSerializer(serializers.Serializer):
    arrival_date = serializers.DateField()


class ExtendSerializer(serializers.Serializer):
    new_end_date = serializers.DateField()
    decision_number = serializers.CharField(max_length=64)
    decision_date = serializers.DateField()


class EndSerializer(serializers.Serializer):
    actual_end_date = serializers.DateField(
        required=False, help_text="The last day at the receiving unit; today if omitted."
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class EmptySerializer(serializers.Serializer):
    pass


class CommuneRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffRequest
        fields = ["id", "commune", "field", "count", "plan", "note", "status", "requested_by", "created_at"]
        read_only_fields = ["commune", "status", "requested_by", "created_at"]


class FulfilSerializer(serializers.Serializer):
    movements = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
