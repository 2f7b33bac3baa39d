"""Unit filters shared by the unit list page and the units API."""

import django_filters
from django.utils.translation import gettext_lazy as _

from communes.models import Unit, UnitKind
from core.text import search_words


class UnitFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=UnitKind.choices)
    code = django_filters.CharFilter(label=_("Code"), field_name="code")
    province = django_filters.NumberFilter(label=_("Province (id)"), field_name="province_id")
    province_code = django_filters.CharFilter(label=_("Province code"), field_name="province__code")
    parent = django_filters.NumberFilter(label=_("Parent unit (id)"), field_name="parent_id")

    class Meta:
        model = Unit
        fields = []

    def filter_q(self, queryset, name, value):
        """Accent- and case-insensitive on the name ("dak" finds "Đắk"); a code matches too."""
        return search_words(queryset, value) | queryset.filter(code=value.strip())
