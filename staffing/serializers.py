"""API representations of fields, positions, staff and quotas; writes validated by the models."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from accounts.api import CleanModelSerializer
from accounts.policy import may
from accounts.scoping import for_user
from communes.models import Province, Unit
from staffing.models import (
    PERSONAL_FIELDS,
    QUOTA_MAX,
    Absence,
    Assignment,
    Category,
    Field,
    Position,
    ProvinceQuota,
    Quota,
    QuotaRequest,
    Staff,
    StaffStatus,
)
from staffing.tables import QUOTA_POOL


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
        if request is not None and self.unit_field:
            # Only units the caller may see can be written to (others: "object does not exist").
            self.fields[self.unit_field].queryset = for_user(Unit.objects.all(), request.user)

    def validate(self, attrs):
        self.sent_version = attrs.pop("version", None)
        return super().validate(attrs)


PLACEMENT_WRITE = {
    "home_unit": "unit",
    "field": "field",
    "position": "position",
    "category": "category",
    "is_leader": "is_leader",
}


class StaffSerializer(VersionedSerializer):
    """A person with their placement today (``home_unit`` … ``is_leader``, read from the assignment in
    force). On create those fields are the first placement; on update, changing any of them changes
    the placement from ``effective_from`` (default today; an earlier date is a correction that needs
    a province official and a ``reason``)."""

    unit_field = "home_unit"
    home_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False)
    unit_code = serializers.SerializerMethodField()
    field = serializers.PrimaryKeyRelatedField(queryset=Field.objects.all(), required=False)
    position = serializers.PrimaryKeyRelatedField(queryset=Position.objects.all(), required=False, allow_null=True)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    is_leader = serializers.BooleanField(required=False)
    placed_from = serializers.SerializerMethodField()
    effective_from = serializers.DateField(write_only=True, required=False)
    reason = serializers.CharField(write_only=True, required=False, allow_blank=True)
    decision_number = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=64)
    decision_date = serializers.DateField(write_only=True, required=False, allow_null=True)

    class Meta:
        model = Staff
        fields = [
            "id",
            "staff_code",
            "full_name",
            "gender",
            "birth_date",
            "position",
            "field",
            "major_field",
            "qualification",
            "home_unit",
            "unit_code",
            "category",
            "is_leader",
            "placed_from",
            "status",
            "start_date",
            "end_date",
            "version",
            "effective_from",
            "reason",
            "decision_number",
            "decision_date",
        ]
        read_only_fields = ["status", "end_date"]

    def _placement(self, obj):
        if not hasattr(obj, "_api_placement"):
            if hasattr(obj, "placed_unit"):
                obj._api_placement = {
                    "home_unit": obj.placed_unit,
                    "unit_code": getattr(obj, "placed_unit_code", None),
                    "field": obj.placed_field,
                    "position": obj.placed_position,
                    "category": obj.placed_category,
                    "is_leader": obj.placed_is_leader,
                    "placed_from": obj.placed_from,
                }
            else:
                a = obj.placement_on(timezone.localdate())
                obj._api_placement = {
                    "home_unit": a.unit_id if a else None,
                    "unit_code": a.unit.code if a else None,
                    "field": a.field_id if a else None,
                    "position": a.position_id if a else None,
                    "category": a.category if a else None,
                    "is_leader": a.is_leader if a else None,
                    "placed_from": a.valid_from if a else None,
                }
        return obj._api_placement

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and not may(request.user, "staff.view_personal"):
            # Read-only roles without the grant: no birth date, gender or qualification.
            for name in PERSONAL_FIELDS:
                self.fields.pop(name, None)

    def get_unit_code(self, obj) -> str | None:
        return self._placement(obj)["unit_code"]

    def get_placed_from(self, obj) -> date | None:
        return self._placement(obj)["placed_from"]

    def to_representation(self, instance):
        placement = self._placement(instance)
        data = {}
        for name, field_ in self.fields.items():
            if field_.write_only:
                continue
            if name in placement:
                data[name] = placement[name]
            elif name == "placed_from":
                data[name] = placement["placed_from"]
            else:
                attribute = field_.get_attribute(instance)
                data[name] = None if attribute is None else field_.to_representation(attribute)
        if data.get("placed_from") is not None:
            data["placed_from"] = data["placed_from"].isoformat()
        return data

    def validate(self, attrs):
        self.placement = {PLACEMENT_WRITE[k]: attrs.pop(k) for k in list(attrs) if k in PLACEMENT_WRITE}
        self.change = {
            k: attrs.pop(k) for k in ("effective_from", "reason", "decision_number", "decision_date") if k in attrs
        }
        position = self.placement.get("position")
        if position is not None and "field" not in self.placement:
            self.placement["field"] = position.field
        if self.instance is None:
            missing = [k for k in ("home_unit", "field", "category") if PLACEMENT_WRITE[k] not in self.placement]
            if missing:
                raise serializers.ValidationError({k: _("This field is required.") for k in missing})
        if position is not None and self.placement.get("field") and position.field_id != self.placement["field"].pk:
            raise serializers.ValidationError(
                {"field": _("The field must be the field of the position (%(field)s).") % {"field": position.field}}
            )
        return super().validate(attrs)


class StaffLeaveSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in StaffStatus.choices if c[0] != StaffStatus.ACTIVE])
    end_date = serializers.DateField()
    version = serializers.IntegerField(required=False, min_value=1)


class AssignmentSerializer(serializers.ModelSerializer):
    unit_code = serializers.CharField(source="unit.code", read_only=True)
    is_correction = serializers.BooleanField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "unit",
            "unit_code",
            "field",
            "position",
            "category",
            "is_leader",
            "valid_from",
            "valid_to",
            "change",
            "is_correction",
            "reason",
            "decision_number",
            "decision_date",
        ]


class AbsenceSerializer(VersionedSerializer):
    unit_field = None
    person = serializers.PrimaryKeyRelatedField(queryset=Staff.objects.all())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["person"].queryset = for_user(Staff.objects.all(), request.user)

    class Meta:
        model = Absence
        fields = [
            "id",
            "person",
            "kind",
            "start_date",
            "end_date",
            "decision_number",
            "decision_date",
            "note",
            "version",
        ]


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


POOL_FIGURES = {c.key: c for c in QUOTA_POOL.api_columns()}


class ProvinceQuotaSerializer(CleanModelSerializer):
    """A pool decision of the province (its allocation from the central level in one category), with
    the pool in force, the posts its units' quotas hold and what is left, on the day ``on``."""

    province = serializers.PrimaryKeyRelatedField(queryset=Province.objects.all())
    province_code = serializers.CharField(source="province.code", read_only=True)
    on = serializers.SerializerMethodField()
    pool = serializers.SerializerMethodField()
    allocated = serializers.SerializerMethodField()
    unallocated = serializers.SerializerMethodField()

    class Meta:
        model = ProvinceQuota
        fields = [
            "id",
            "province",
            "province_code",
            "category",
            "count",
            "decision_number",
            "decision_date",
            "effective_from",
            "version",
            "on",
            "pool",
            "allocated",
            "unallocated",
        ]
        read_only_fields = ["version"]
        validators = []  # see get_clean_exclude

    def get_clean_exclude(self):
        # A second decision on the same date corrects the first (the service does it), so the
        # unique constraint is not checked here.
        return ["province"]

    def _row(self, obj):
        return self.context.get("pools", {}).get((obj.province_id, obj.category))

    def get_on(self, obj) -> date | None:
        return self.context.get("on")

    def _figure(self, obj, key, default):
        """One of the pool's figures, read as its table names it (``staffing.tables.QUOTA_POOL``)."""
        row = self._row(obj)
        return default if row is None else POOL_FIGURES[key].value(row)

    def get_pool(self, obj) -> int | None:
        return self._figure(obj, "pool", None)

    def get_allocated(self, obj) -> int:
        return self._figure(obj, "allocated", 0)

    def get_unallocated(self, obj) -> int | None:
        return self._figure(obj, "unallocated", None)


class PoolDaySerializer(serializers.Serializer):
    """The query parameter ``on``: the day the figures are computed on (default today)."""

    on = serializers.DateField(required=False)


# "QuotaRequest" is the request body component of QuotaSerializer in the schema.
@extend_schema_serializer(component_name="QuotaRequestRecord")
class QuotaRequestSerializer(serializers.ModelSerializer):
    """A unit's request for posts; the province answers it with ``accept`` or ``reject``."""

    unit_code = serializers.CharField(source="unit.code", read_only=True)
    field_code = serializers.CharField(source="field.code", read_only=True)
    count = serializers.IntegerField(min_value=1, max_value=QUOTA_MAX)

    class Meta:
        model = QuotaRequest
        fields = [
            "id",
            "unit",
            "unit_code",
            "field",
            "field_code",
            "category",
            "count",
            "justification",
            "status",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "reply",
            "quota",
        ]
        read_only_fields = ["status", "requested_by", "requested_at", "decided_by", "decided_at", "reply", "quota"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["unit"].queryset = for_user(Unit.objects.all(), request.user)

    def validate_justification(self, value):
        if not value.strip():
            raise serializers.ValidationError(_("Say why the unit needs these posts."))
        return value.strip()


class QuotaAcceptSerializer(serializers.Serializer):
    count = serializers.IntegerField(min_value=0, max_value=QUOTA_MAX, required=False)
    decision_number = serializers.CharField(max_length=64)
    decision_date = serializers.DateField()
    effective_from = serializers.DateField()


class QuotaRejectSerializer(serializers.Serializer):
    reply = serializers.CharField(max_length=2000)
