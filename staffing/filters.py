"""One FilterSet for the roster: the unit page, the staff API and "export what I see" share it.

Paired filters by id and by natural key (``unit`` / ``unit_code``, ``field`` / ``field_code``),
and one ``q`` search that ignores accents and case ("nguyen van a" finds "Nguyễn Văn A").
"""

import copy

import django_filters
from django import forms
from django.db.models import F, Q
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import ModelChoiceField, ModelChoiceIterator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from communes.models import Unit
from core.lookups import AnyOf
from core.text import search_words
from staffing.models import (
    Category,
    Field,
    Position,
    ProvinceQuota,
    Qualification,
    Quota,
    Staff,
    StaffStatus,
    placed_path,
    reads_stored,
)


class PlainSelect(forms.Select):
    """A select whose options are written in Python.

    The stock widget renders one template include per option: the roster's position catalogue
    (about 200 options) cost more than the rest of the unit page. Same markup, flat choices only.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        values = set(self.format_value(value))
        out = [f'<select name="{conditional_escape(name)}"{flatatt(attrs)}>']
        chosen = False
        for option_value, label in self.choices:
            option_value = "" if option_value is None else str(option_value)
            selected = not chosen and option_value in values
            chosen = chosen or selected
            out.append(
                f'<option value="{conditional_escape(option_value)}"{" selected" if selected else ""}>'
                f"{conditional_escape(label)}</option>"
            )
        out.append("</select>")
        return mark_safe("\n".join(out))  # noqa: S308 — name, attributes and options are escaped


class FetchedChoiceIterator(ModelChoiceIterator):
    """Model choices read by one plain query (the stock iterator opens a server-side cursor).

    With the field's ``label_field``, labels are that column as read (no model instances).
    """

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        if self.field.label_field:
            yield from self.queryset.values_list("pk", self.field.label_field)
            return
        for obj in self.queryset.all():
            yield self.choice(obj)


class FetchedModelChoiceField(ModelChoiceField):
    iterator = FetchedChoiceIterator

    def __init__(self, *args, label_field=None, **kwargs):
        self.label_field = label_field
        super().__init__(*args, **kwargs)


class FetchedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = FetchedModelChoiceField


@extend_schema_field(OpenApiTypes.INT)
class PlacementChoiceFilter(FetchedModelChoiceFilter):
    """A choice by id of something the person's placement points at (field, position): the OpenAPI
    schema cannot find it on the person model, so it says what it is."""

    def filter(self, qs, value):
        # On the annotation (``placed_field``…), not through ``placed__``: each filter() through the
        # placement would join the assignments again.
        return qs if value in EMPTY_VALUES else qs.filter(**{self.field_name: value.pk})


class PlacedInFilter(django_filters.CharFilter):
    """A filter on what the placement points at, by another column (a code, the province):
    ``placed_<target>`` among constants, so the placement is joined once whatever the filters.

    Filters on the unit do not filter themselves: they narrow the filterset's one set of units
    (``StaffFilterSet.narrow_units``)."""

    def __init__(self, *args, annotation, model, lookup, **kwargs):
        self.annotation, self.target_model, self.target_lookup = annotation, model, lookup
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        if self.annotation == "placed_unit":
            self.parent.narrow_units(Q(**{self.target_lookup: value}))
            return qs
        # As constants, like the scope (see reports.exports.staff_list): an index read, not a scan.
        targets = list(self.target_model.objects.filter(**{self.target_lookup: value}).values_list("pk", flat=True))
        return qs.filter(**{f"{self.annotation}__in": targets})


class PlacedUnitFilter(django_filters.NumberFilter):
    """A unit by id: narrows the filterset's set of units."""

    def filter(self, qs, value):
        if value not in EMPTY_VALUES:
            self.parent.narrow_units(Q(pk=int(value)) if value == int(value) else Q(pk__in=[]))
        return qs


class PlacedOrderingFilter(django_filters.OrderingFilter):
    """Sorts by what the placement points at (``placed__…``) through the joined assignment, or
    through the stored placement of today when the queryset reads it."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES or not reads_stored(qs):
            return super().filter(qs, value)
        ordering = [self.get_ordering_value(param) for param in value if param not in EMPTY_VALUES]
        return qs.order_by(*(stored_path(o) for o in ordering))


def stored_path(ordering):
    sign, name = ("-", ordering[1:]) if ordering.startswith("-") else ("", ordering)
    return sign + (placed_path(name.removeprefix("placed__"), stored=True) if name.startswith("placed__") else name)


class ShallowCopyFilterSet(django_filters.FilterSet):
    """A FilterSet that copies its declared filters one level deep on each request.

    django-filter deep-copies every filter (querysets, lazy labels, choices) per instance: a third
    of the roster page's view time. Filters are only re-pointed (``model``, ``parent``, ``extra``
    entries) after the copy, so a copy of each filter and of its ``extra`` dict is enough.
    """

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        base_filters, self.base_filters = self.base_filters, {}
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.base_filters = base_filters
        for name, declared in base_filters.items():
            f = copy.copy(declared)
            f.__dict__.pop("_field", None)
            f.extra = dict(declared.extra)
            f.model, f.parent = self.queryset.model, self
            if f.method is not None:
                f.method = f.method  # rebinds the FilterMethod proxy to this copy
            self.filters[name] = f

    _form_classes = {}

    def get_form_class(self):
        # The form's fields depend on the declared filters only: the class is built once per
        # FilterSet class (django-filter builds it, and every field, per instance); each form
        # still deep-copies its fields, so a page may change its own.
        cls = type(self)
        form_class = ShallowCopyFilterSet._form_classes.get(cls)
        if form_class is None:
            form_class = ShallowCopyFilterSet._form_classes[cls] = super().get_form_class()
        return form_class


class StaffFilterSet(ShallowCopyFilterSet):
    """People with their placement on a day (``Staff.objects.with_placement``): unit, field, category
    and position filters apply to that placement.

    ``units``: the units the reader sees, a Unit queryset (None: all). The scope and the unit, unit
    code, province and province code filters are read as one query of units and applied as one
    ``placed_unit IN (…)`` of constants (then ``self.unit_ids``): two such conditions on one column
    make PostgreSQL multiply their selectivities, expect a few hundred rows instead of thousands,
    and sort a province's every placement instead of walking the (unit, person) index to the page's
    end. The ``unit_ids`` argument: those ids, when the caller has just read them by the same query
    (``reports.exports.staff_page``).
    """

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    field = PlacementChoiceFilter(
        label=_("Field"), queryset=Field.objects.all(), widget=PlainSelect, field_name="placed_field"
    )
    field_code = PlacedInFilter(label=_("Field code"), annotation="placed_field", model=Field, lookup="code")
    category = django_filters.ChoiceFilter(
        label=_("Category"), choices=Category.choices, widget=PlainSelect, field_name="placed_category"
    )
    # Options show the name (Position.__str__): read as (id, name) pairs, not the long texts.
    position = PlacementChoiceFilter(
        label=_("Position"),
        queryset=Position.objects.only("id", "name"),
        label_field="name",
        widget=PlainSelect,
        field_name="placed_position",
    )
    position_code = PlacedInFilter(
        label=_("Position code"), annotation="placed_position", model=Position, lookup="code"
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=StaffStatus.choices, widget=PlainSelect)
    qualification = django_filters.ChoiceFilter(
        label=_("Qualification"), choices=Qualification.choices, widget=PlainSelect
    )
    unit = PlacedUnitFilter(label=_("Unit (id)"), field_name="placed_unit")
    unit_code = PlacedInFilter(label=_("Unit code"), annotation="placed_unit", model=Unit, lookup="code")
    province = django_filters.NumberFilter(label=_("Province (id)"), method="filter_province")
    province_code = PlacedInFilter(
        label=_("Province code"), annotation="placed_unit", model=Unit, lookup="province__code"
    )
    ordering = PlacedOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("sort_key", "full_name"),
            ("staff_code", "staff_code"),
            ("birth_date", "birth_date"),
            ("placed_category", "category"),
            ("placed__field__sort_order", "field"),
            ("placed__position__name", "position"),
            ("qualification", "qualification"),
            ("status", "status"),
            ("start_date", "start_date"),
            ("placed__unit__code", "unit"),
        ),
    )

    class Meta:
        model = Staff
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, units=None, unit_ids=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.scope_units, self.read_unit_ids = units, unit_ids

    def narrow_units(self, condition):
        """Keep the units matching ``condition`` (a Q on Unit)."""
        self.units = (self.units if self.units is not None else Unit.objects.all()).filter(condition)

    def filter_queryset(self, queryset):
        self.units, self.unit_ids = self.scope_units, None
        queryset = super().filter_queryset(queryset)
        if self.units is not None:
            # As constants: PostgreSQL then reads just their assignments by index instead of
            # scanning every assignment against a subquery.
            self.unit_ids = self.read_unit_ids
            if self.unit_ids is None:
                self.unit_ids = tuple(self.units.values_list("pk", flat=True))
            queryset = queryset.filter(AnyOf(F("placed_unit"), list(self.unit_ids)))
        return queryset

    def filter_q(self, queryset, name, value):
        return search_words(queryset, value)

    def filter_province(self, queryset, name, value):
        self.narrow_units(Q(province_id=value))
        return queryset

    @property
    def qs(self):
        qs = super().qs
        # A deterministic tie-break keeps pagination stable whatever the sort.
        if qs.query.order_by and "pk" not in qs.query.order_by:
            qs = qs.order_by(*qs.query.order_by, "pk")
        return qs


class RosterFilterSet(StaffFilterSet):
    """A unit's roster: people seconded in are found under the field of their work here."""

    field = PlacementChoiceFilter(
        label=_("Field"), queryset=Field.objects.all(), widget=PlainSelect, method="filter_work_field"
    )
    mode = django_filters.CharFilter(method="filter_nothing")  # chooses the base queryset (roster_people)

    def filter_work_field(self, queryset, name, value):
        return queryset.filter(work_field=value.pk)

    def filter_nothing(self, queryset, name, value):
        return queryset


class QuotaFilterSet(django_filters.FilterSet):
    unit = django_filters.NumberFilter(label=_("Unit (id)"), field_name="unit_id")
    unit_code = django_filters.CharFilter(label=_("Unit code"), field_name="unit__code")
    province = django_filters.NumberFilter(label=_("Province (id)"), field_name="unit__province_id")
    province_code = django_filters.CharFilter(label=_("Province code"), field_name="unit__province__code")
    field = django_filters.NumberFilter(label=_("Field (id)"), field_name="field_id")
    field_code = django_filters.CharFilter(label=_("Field code"), field_name="field__code")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)
    effective_on_or_after = django_filters.DateFilter(
        label=_("Effective from (on or after)"), field_name="effective_from", lookup_expr="gte"
    )

    class Meta:
        model = Quota
        fields = []


class ProvinceQuotaFilterSet(django_filters.FilterSet):
    province = django_filters.NumberFilter(label=_("Province (id)"), field_name="province_id")
    province_code = django_filters.CharFilter(label=_("Province code"), field_name="province__code")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=Category.choices)

    class Meta:
        model = ProvinceQuota
        fields = []
