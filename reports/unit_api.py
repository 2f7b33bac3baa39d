"""Units API (read only, scoped): the units a caller may see, searchable without accents."""

from rest_framework import serializers

from accounts.api import ScopedReadOnlyViewSet
from communes.filters import UnitFilterSet
from communes.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    province_code = serializers.CharField(source="province.code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "kind", "province", "province_code", "parent", "is_disadvantaged", "is_border"]


class UnitViewSet(ScopedReadOnlyViewSet):
    queryset = Unit.objects.select_related("province")
    serializer_class = UnitSerializer
    filterset_class = UnitFilterSet
