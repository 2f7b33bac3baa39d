"""The one FilterSet of movements: the movement list page, the API and the Excel export use it."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.scoping import for_user
from communes.models import Unit
from core.text import normalize_search
from secondments.models import Kind, Plan, Secondment, Status
from staffing.models import Field


class MovementFilterSet(django_filters.FilterSet):
    """Filters by plan, kind, status, sending and receiving unit (id or code), field, dates and text.

    ``date_from`` / ``date_to`` keep movements whose dates meet that range (a movement without an
    end, a transfer, runs on from its start); ``in_effect`` the temporary movements decided and
    running on that day, as the headcount counts them (the dashboards' links). ``q`` searches the
    person's name and staff code without accents ("nguyen van" finds "Nguyễn Văn") and the
    decision number.
    """

    plan = django_filters.ModelChoiceFilter(label=_("Plan"), queryset=Plan.objects.all())
    kind = django_filters.MultipleChoiceFilter(label=_("Kind"), choices=Kind.choices)
    status = django_filters.MultipleChoiceFilter(label=_("Status"), choices=Status.choices)
    from_unit = django_filters.ModelChoiceFilter(label=_("From unit"), queryset=Unit.objects.all())
    from_code = django_filters.CharFilter(label=_("From unit code"), field_name="from_unit__code")
    to_unit = django_filters.ModelChoiceFilter(label=_("To unit"), queryset=Unit.objects.all())
    to_code = django_filters.CharFilter(label=_("To unit code"), field_name="to_unit__code")
    field = django_filters.ModelChoiceFilter(label=_("Field"), queryset=Field.objects.all())
    date_from = django_filters.DateFilter(label=_("From date"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("To date"), method="filter_date_to")
    in_effect = django_filters.DateFilter(label=_("In effect on"), method="filter_in_effect")
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Secondment
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        """``user`` restricts the choices offered; without it, the ``request``'s user does."""
        super().__init__(data, queryset, request=request, prefix=prefix)
        if user is None:
            user = getattr(request, "user", None)
        if user is not None:
            # Choices offered are the user's own: other provinces' plans and units stay hidden.
            self.filters["plan"].queryset = for_user(Plan.objects.all(), user)
            if user.province_id:
                # A movement joins two units of one province; offer that province's units.
                units = Unit.objects.filter(province_id=user.province_id)
                self.filters["from_unit"].queryset = units
                self.filters["to_unit"].queryset = units
        for name in ("date_from", "date_to", "in_effect"):
            self.filters[name].extra["widget"] = forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})

    def filter_date_from(self, queryset, name, value):
        return queryset.filter(
            Q(actual_end_date__gte=value)
            | Q(actual_end_date__isnull=True, planned_end_date__gte=value)
            | Q(actual_end_date__isnull=True, planned_end_date__isnull=True)
        )

    def filter_date_to(self, queryset, name, value):
        return queryset.filter(start_date__lte=value)

    def filter_in_effect(self, queryset, name, value):
        return queryset.filter(Secondment.objects.in_effect_q(value))

    def filter_q(self, queryset, name, value):
        text = normalize_search(value)
        if not text:
            return queryset
        return queryset.filter(Q(person__search_text__contains=text) | Q(decision_number__icontains=value.strip()))
