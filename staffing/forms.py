"""Forms for the roster and quotas: the pages' forms and the per-row forms of the Excel import."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffing.models import Category, Gender, Position, Qualification, Quota, Staff, StaffStatus


def constraint_message(model, name):
    """The violation message of the named database constraint (one wording for every entry point)."""
    for constraint in model._meta.constraints:
        if constraint.name == name:
            return constraint.violation_error_message
    raise LookupError(name)


def bootstrap(form):
    """Give each widget of ``form`` the Bootstrap class for its kind; returns the form."""
    for fld in form.fields.values():
        widget = fld.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)
    return form


class VersionedForm(forms.ModelForm):
    """Carries the ``version`` the user saw, so a save over a newer change is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def changes(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class StaffForm(VersionedForm):
    class Meta:
        model = Staff
        fields = [
            "staff_code",
            "full_name",
            "gender",
            "birth_date",
            "category",
            "position",
            "field",
            "major_field",
            "qualification",
            "start_date",
            "is_leader",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "start_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, home_unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.home_unit = home_unit
        self.fields["position"].queryset = Position.objects.select_related("field")
        self.fields["field"].required = False
        self.fields["field"].help_text = _("Taken from the position when left empty.")

    def clean(self):
        data = super().clean()
        position = data.get("position")
        if position is not None and not data.get("field"):
            data["field"] = position.field
            self.instance.field = position.field
        elif not data.get("field") and "field" not in self.errors:
            self.add_error("field", _("Choose a field or a position."))
        return data


class StaffDeactivateForm(VersionedForm):
    class Meta:
        model = Staff
        fields = ["status", "end_date"]
        widgets = {"end_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [c for c in StaffStatus.choices if c[0] != StaffStatus.ACTIVE]
        self.fields["end_date"].required = True
        if not self.is_bound:
            self.initial["status"] = StaffStatus.RETIRED
            self.initial["end_date"] = timezone.localdate()


class QuotaForm(VersionedForm):
    class Meta:
        model = Quota
        fields = ["field", "category", "count", "decision_number", "decision_date", "effective_from"]
        widgets = {
            "decision_date": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
            "effective_from": forms.DateInput(attrs={"placeholder": "dd/mm/yyyy"}),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit = unit


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel workbook (.xlsx)"),
        widget=forms.FileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )


# Per-row forms of the Excel import. Codes are looked up in dictionaries built once per file
# (``lookups``), so validating 66,000 rows runs no query per row.

EXCEL_DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"]


class LookupField(forms.CharField):
    """A code or a name resolved through a dictionary of normalised keys."""

    def __init__(self, *, table, invalid_message, **kwargs):
        self.table = table
        self.invalid_message = invalid_message
        super().__init__(**kwargs)


class RowForm(forms.Form):
    """A form for one spreadsheet row; field by field, each distinct cell value is cleaned once.

    The same unit code, field, category and dates recur on thousands of rows, and cleaning a
    value does not depend on the rest of the row: the result (value or error) is kept per file
    in ``lookups.cleaned``. Cross-field rules still run on every row in ``clean()``.
    """

    def __init__(self, data, *, lookups):
        super().__init__(data)
        self.lookups = lookups

    def _clean_value(self, name, fld, raw):
        try:
            value = fld.clean(raw)
        except ValidationError as exc:
            return False, exc
        if isinstance(fld, LookupField):
            if value in ("", None):
                return True, None
            found = self.lookups.find(fld.table, value)
            if found is None:
                return False, ValidationError(fld.invalid_message % {"value": value})
            return True, found
        return True, value

    def _clean_fields(self):
        cache = self.lookups.cleaned
        for name, fld in self.fields.items():
            raw = self.data.get(name)
            key = (type(self), name, raw)
            outcome = cache.get(key)
            if outcome is None:
                outcome = cache[key] = self._clean_value(name, fld, raw)
            if outcome[0]:
                self.cleaned_data[name] = outcome[1]
            else:
                self.add_error(name, outcome[1])


def _date(**kwargs):
    return forms.DateField(input_formats=EXCEL_DATE_FORMATS, **kwargs)


UNKNOWN_CODE = _("Unknown code «%(value)s».")


class StaffRowForm(RowForm):
    unit = LookupField(table="unit", invalid_message=_("Unknown unit code «%(value)s»."), required=False)
    staff_code = forms.CharField(max_length=32)
    full_name = forms.CharField(max_length=120)
    gender = LookupField(table="gender", invalid_message=UNKNOWN_CODE)
    birth_date = _date()
    category = LookupField(table="category", invalid_message=UNKNOWN_CODE)
    position = LookupField(table="position", invalid_message=_("Unknown position «%(value)s»."), required=False)
    field = LookupField(table="field", invalid_message=_("Unknown field «%(value)s»."), required=False)
    major_field = LookupField(table="field", invalid_message=_("Unknown field «%(value)s»."), required=False)
    qualification = LookupField(table="qualification", invalid_message=UNKNOWN_CODE)
    status = LookupField(table="status", invalid_message=UNKNOWN_CODE, required=False)
    start_date = _date(required=False)
    end_date = _date(required=False)

    def clean(self):
        data = super().clean()
        position = data.get("position")
        if position is not None and data.get("field") is None and "field" not in self.errors:
            data["field"] = position.field
        if data.get("field") is None and "field" not in self.errors and "position" not in self.errors:
            self.add_error("field", _("Choose a field or a position."))
        return data


class QuotaRowForm(RowForm):
    unit = LookupField(table="unit", invalid_message=_("Unknown unit code «%(value)s»."), required=False)
    field = LookupField(table="field", invalid_message=_("Unknown field «%(value)s»."))
    category = LookupField(table="category", invalid_message=UNKNOWN_CODE)
    count = forms.IntegerField(min_value=0, error_messages={"min_value": _("The number of posts cannot be negative.")})
    decision_number = forms.CharField(max_length=64)
    decision_date = _date()
    effective_from = _date(required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision_date") and not data.get("effective_from") and "effective_from" not in self.errors:
            data["effective_from"] = data["decision_date"]
        if data.get("decision_date") and data.get("effective_from") and data["effective_from"] < data["decision_date"]:
            self.add_error("effective_from", constraint_message(Quota, "quota_effective_after_decision"))
        return data


CHOICE_TABLES = {
    "gender": Gender,
    "category": Category,
    "qualification": Qualification,
    "status": StaffStatus,
}
