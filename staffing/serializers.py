"""API representations of fields, positions, staff and quotas; writes validated by the models."""

from rest_framework import serializers

from accounts.api import CleanModelSerializer
from accounts.scoping import for_user
from communes.models import Unit
from staffing.models import Field, Position, Quota, Staff


class FieldSerializer(serializers.ModelSerializer):
    class Meta:
        model = Field
        fields = ["id", "code", "name_vi", "name_en", "is_specialised", "sort_order"]


class PositionSerializer(serializers.ModelSerializer):
    field_code = serializers.CharField(source="field.code", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "code", "name", "group", "field", "field_code", "level", "description", "competency"]


class VersionedSerializer(CleanModelSerializer):
    """``version`` is read back on every row; a write may send it instead of an If-Match header."""

    version = serializers.IntegerField(required=False, min_value=1)
    unit_field = "unit"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only units the caller may see can be written to (others: "object does not exist").
            self.fields[self.unit_field].queryset = for_user(Unit.objects.all(), request.user)

    def validate(self, attrs):
        self.sent_version = attrs.pop("version", None)
        return super().validate(attrs)


class StaffSerializer(VersionedSerializer):
    unit_field = "home_unit"
    unit_code = serializers.CharField(source="home_unit.code", read_only=True)

    class Meta:
        model = Staff
        fields = [
            "id",
            "staff_code",
            "full_name",
            "gender",
            "birth_date",
            "category",
            "position",
            "field",
            "major_field",
            "qualification",
            "home_unit",
            "unit_code",
            "status",
            "start_date",
            "end_date",
            "is_leader",
            "version",
        ]


class StaffDeactivateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in Staff._meta.get_field("status").choices if c[0] != "active"])
    end_date = serializers.DateField()
    version = serializers.IntegerField(required=False, min_value=1)


class QuotaSerializer(VersionedSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    field_code = serializers.CharField(source="field.code", read_only=True)

    class Meta:
        model = Quota
        fields = [
            "id",
            "unit",
            "unit_code",
            "field",
            "field_code",
            "category",
            "count",
            "decision_number",
            "decision_date",
            "effective_from",
            "version",
        ]
