"""Report parameters read from the query string, shared by the pages and the report API."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import COMMUNE_LEVEL_KINDS, UnitKind
from headcount.rules import View
from reports.selectors import (
    COMMUNE_SORTS,
    ONLY_SHORT,
    ONLY_SHORT_IN_A_FIELD,
    ONLY_SURPLUS,
    ONLY_SURPLUS_IN_A_FIELD,
    Filters,
)
from staffing.filters import PlainSelect

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

SORT_CHOICES = [(s, s) for s in COMMUNE_SORTS] + [(f"-{s}", f"-{s}") for s in COMMUNE_SORTS]


class ReportForm(forms.Form):
    """The "as of" date and the establishment / coverage switch; every report takes them."""

    as_of = forms.DateField(
        label=_("As of"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={"invalid": _("Enter the date as dd/mm/yyyy, e.g. 01/07/2025.")},
        widget=forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "size": 10}),
    )
    view = forms.ChoiceField(
        label=_("View"),
        required=False,
        choices=View.CHOICES,
        error_messages={"invalid_choice": _("The view must be “establishment” or “coverage”.")},
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data if data is not None else {}, *args, **kwargs)
        self.fields["as_of"].widget.format = "%d/%m/%Y"

    def clean_as_of(self):
        return self.cleaned_data.get("as_of") or timezone.localdate()

    def clean_view(self):
        return self.cleaned_data.get("view") or View.COVERAGE


class ProvinceReportForm(ReportForm):
    """Adds the commune-table filters and sort of the province dashboard and national page."""

    field = forms.TypedChoiceField(
        label=_("Field"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=PlainSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Unknown field.")},
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds"))] + [(k.value, k.label) for k in UnitKind if k in COMMUNE_LEVEL_KINDS],
        widget=PlainSelect(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Unknown kind of commune.")},
    )
    disadvantaged = forms.BooleanField(label=_("Especially disadvantaged only"), required=False)
    border = forms.BooleanField(label=_("Border only"), required=False)
    only = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All communes")),
            (ONLY_SHORT, _("Short against quota in total")),
            (ONLY_SURPLUS, _("Over quota in total")),
            (ONLY_SHORT_IN_A_FIELD, _("Short in at least one field")),
            (ONLY_SURPLUS_IN_A_FIELD, _("Over in at least one field")),
        ],
        widget=PlainSelect(attrs={"class": "form-select"}),
        help_text=_(
            "“In total”: the commune's whole headcount against its whole assigned quota. "
            "“In at least one field”: any field short (or over), whatever the total."
        ),
        error_messages={
            "invalid_choice": _("“only” must be “short”, “surplus”, “short_in_a_field” or “surplus_in_a_field”.")
        },
    )
    sort = forms.ChoiceField(
        required=False,
        choices=SORT_CHOICES,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("Unknown sort column.")},
    )

    def __init__(self, data=None, *args, fields=(), **kwargs):
        super().__init__(data, *args, **kwargs)
        self.fields["field"].choices = [("", _("All fields"))] + [(str(f.pk), f.name) for f in fields]

    def filters(self) -> Filters:
        d = self.cleaned_data
        return Filters(
            field_id=d.get("field"),
            kind=d.get("kind") or None,
            disadvantaged=bool(d.get("disadvantaged")),
            border=bool(d.get("border")),
            only=d.get("only") or None,
            sort=d.get("sort") or "-shortage",
        )
