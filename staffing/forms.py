"""Forms for the roster and quotas: the pages' forms and the per-row forms of the Excel import."""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.constraints import constraint_message
from core.forms import bootstrap
from core.validators import CONTROL_CHARACTERS, ControlCharacterValidator
from staffing.models import (
    QUOTA_MAX,
    Absence,
    AbsenceKind,
    Category,
    Field,
    Gender,
    Position,
    ProvinceQuota,
    Qualification,
    Quota,
    QuotaRequest,
    Staff,
    StaffStatus,
)


class VersionedForm(forms.ModelForm):
    """Carries the ``version`` the user saw, so a save over a newer change is refused.

    Editing an existing record requires it: a post without it is refused (400), never saved over
    whatever is there now.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        if self.instance.pk:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = MISSING_VERSION
            if not self.is_bound:
                self.initial["version"] = self.instance.version

    def changes(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


MISSING_VERSION = _(
    "This form was sent without the version of the record it was opened on; reload the page and make your change again."
)
DATE_WIDGET = {"placeholder": "dd/mm/yyyy"}


class StaffForm(VersionedForm):
    """Who the person is: identity and education (placement has its own form)."""

    class Meta:
        model = Staff
        fields = ["staff_code", "full_name", "gender", "birth_date", "major_field", "qualification", "start_date"]
        widgets = {
            "birth_date": forms.DateInput(attrs=DATE_WIDGET),
            "start_date": forms.DateInput(attrs=DATE_WIDGET),
        }


class PlacementFields(forms.Form):
    """Where a person is placed: position (or field), category, leader flag, and the decision."""

    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.none(), required=False)
    field = forms.ModelChoiceField(
        label=_("Field"),
        queryset=Field.objects.none(),
        required=False,
        help_text=_("Taken from the position when left empty."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    is_leader = forms.BooleanField(label=_("Leader"), required=False)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64, required=False)
    decision_date = forms.DateField(label=_("Decision date"), required=False, widget=forms.DateInput(attrs=DATE_WIDGET))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = Position.objects.select_related("field")
        self.fields["field"].queryset = Field.objects.all()
        bootstrap(self)

    def clean(self):
        data = super().clean()
        position = data.get("position")
        if position is not None and not data.get("field"):
            data["field"] = position.field
        elif not data.get("field") and "field" not in self.errors:
            self.add_error("field", _("Choose a field or a position."))
        if position is not None and data.get("field") and position.field_id != data["field"].pk:
            self.add_error(
                "field", _("The field must be the field of the position (%(field)s).") % {"field": position.field}
            )
        return data

    def placement(self):
        return {name: self.cleaned_data[name] for name in ("position", "field", "category", "is_leader")}


class StaffCreateForm(PlacementFields, StaffForm):
    """A new person on the unit's roll: who they are and their first placement, from the day they
    joined (today when left empty)."""


class PlacementForm(PlacementFields):
    """A change of placement from a date. Before today it is a correction: a province official
    states the reason. ``units`` are the home units the user may choose (their own unit only for
    unit officers)."""

    unit = forms.ModelChoiceField(label=_("Home unit"), queryset=None)
    effective_from = forms.DateField(
        label=_("Takes effect on"),
        widget=forms.DateInput(attrs=DATE_WIDGET),
        help_text=_("Earlier days keep the placement they had."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when the change takes effect before today."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": MISSING_VERSION})

    field_order = [
        "unit",
        "position",
        "field",
        "category",
        "is_leader",
        "effective_from",
        "decision_number",
        "decision_date",
        "reason",
    ]

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.order_fields(self.field_order)
        bootstrap(self)
        if not self.is_bound:
            self.initial.setdefault("effective_from", timezone.localdate())

    def clean(self):
        data = super().clean()
        day = data.get("effective_from")
        if day and day < timezone.localdate() and not (data.get("reason") or "").strip():
            self.add_error("reason", _("State the reason for the correction."))
        return data

    def placement(self):
        return {"unit": self.cleaned_data["unit"], **super().placement()}


class StaffLeaveForm(forms.Form):
    """Taking a person off the roll: why and the last day. What else it does (movements ended or
    cancelled) is listed for confirmation before anything is saved."""

    status = forms.ChoiceField(
        label=_("Reason for leaving"), choices=[c for c in StaffStatus.choices if c[0] != StaffStatus.ACTIVE]
    )
    end_date = forms.DateField(label=_("Last day on the roll"), widget=forms.DateInput(attrs=DATE_WIDGET))
    version = forms.IntegerField(widget=forms.HiddenInput, error_messages={"required": MISSING_VERSION})
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)
        if not self.is_bound:
            self.initial.update(
                {
                    "status": StaffStatus.RETIRED,
                    "end_date": timezone.localdate(),
                    "version": staff.version if staff else None,
                }
            )


class AbsenceForm(VersionedForm):
    class Meta:
        model = Absence
        fields = ["kind", "start_date", "end_date", "decision_number", "decision_date", "note"]
        widgets = {
            "start_date": forms.DateInput(attrs=DATE_WIDGET),
            "end_date": forms.DateInput(attrs=DATE_WIDGET),
            "decision_date": forms.DateInput(attrs=DATE_WIDGET),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.person = person


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
    effective_from = forms.DateField(
        label=_("Changes of placement take effect on"),
        required=False,
        widget=forms.DateInput(attrs={**DATE_WIDGET, "class": "form-control"}),
        help_text=_("Today when left empty. New people are placed from the day they joined."),
    )
    reason = forms.CharField(
        label=_("Reason for a correction"),
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control"}),
        help_text=_("Needed when changes take effect before today (province officials only)."),
    )

    def clean(self):
        data = super().clean()
        day = data.get("effective_from")
        if day and day < timezone.localdate() and not (data.get("reason") or "").strip():
            self.add_error("reason", _("State the reason for the correction."))
        return data


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
                self.lookups.note_unknown(fld.table, value)
                return False, ValidationError(fld.invalid_message % {"value": value})
            return True, found
        if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
            return False, ValidationError(ControlCharacterValidator.message)
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


EARLIEST_DATE = date(1900, 1, 1)
ROW_QUOTA_MAX = 10_000  # one unit, one field, one category: a sane bound for an imported cell
STAFF_CODE_FORMAT = re.compile(r"^[^\s\x00-\x1f\x7f]+$")


class RowDateField(forms.DateField):
    """A date from a cell: a number that is not an Excel date (19900115) or a date before 1900 is
    a row error with its reason, never a crash."""

    def to_python(self, value):
        if isinstance(value, str) and value.strip().lstrip("-").replace(".", "", 1).isdigit() and len(value) > 4:
            raise ValidationError(
                _("«%(value)s» is a number, not a date: write the date as dd/mm/yyyy.") % {"value": value.strip()}
            )
        value = super().to_python(value)
        if value is not None and value < EARLIEST_DATE:
            raise ValidationError(_("Dates before 1900 are not accepted."))
        return value


def _date(**kwargs):
    return RowDateField(input_formats=EXCEL_DATE_FORMATS, **kwargs)


UNKNOWN_CODE = _("Unknown code «%(value)s».")


class StaffRowForm(RowForm):
    unit = LookupField(table="unit", invalid_message=_("Unknown unit code «%(value)s»."), required=False)
    staff_code = forms.RegexField(
        STAFF_CODE_FORMAT,
        max_length=32,
        required=False,  # matched by name and date of birth, or generated, when the file has none
        error_messages={
            "invalid": _("A staff code is 1 to 32 letters, digits or signs, without spaces."),
            "max_length": _("A staff code is 1 to 32 letters, digits or signs, without spaces."),
        },
    )
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
        if position is not None and data.get("field") is not None and position.field_id != data["field"].pk:
            self.add_error(
                "field", _("The field must be the field of the position (%(field)s).") % {"field": position.field}
            )
        return data


class AbsenceRowForm(RowForm):
    staff_code = forms.CharField(max_length=32)
    full_name = forms.CharField(max_length=120, required=False)
    kind = LookupField(table="absence_kind", invalid_message=UNKNOWN_CODE)
    start_date = _date()
    end_date = _date(required=False)
    decision_number = forms.CharField(max_length=64, required=False)
    decision_date = _date(required=False)
    note = forms.CharField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", constraint_message(Absence, "absence_ends_after_start"))
        return data


class QuotaRowForm(RowForm):
    unit = LookupField(table="unit", invalid_message=_("Unknown unit code «%(value)s»."), required=False)
    field = LookupField(table="field", invalid_message=_("Unknown field «%(value)s»."))
    category = LookupField(table="category", invalid_message=UNKNOWN_CODE)
    count = forms.IntegerField(
        min_value=0,
        max_value=ROW_QUOTA_MAX,
        error_messages={
            "min_value": _("The number of posts cannot be negative."),
            "max_value": _("A unit's quota in one field is at most %(limit_value)s posts."),
        },
    )
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
    "absence_kind": AbsenceKind,
}


class QuotaRequestForm(forms.ModelForm):
    """A unit's request for posts, with the reasons the province reads."""

    class Meta:
        model = QuotaRequest
        fields = ["field", "category", "count", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.unit = unit
        self.fields["count"].validators.append(MinValueValidator(1))
        self.fields["count"].widget.attrs["min"] = 1
        bootstrap(self)

    def clean_justification(self):
        text = self.cleaned_data["justification"].strip()
        if not text:
            raise ValidationError(_("Say why the unit needs these posts."))
        return text


class QuotaAcceptForm(forms.Form):
    """The province's decision answering a request: the posts it assigns and the legal act."""

    count = forms.IntegerField(label=_("Assigned posts"), min_value=0, max_value=QUOTA_MAX)
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = forms.DateField(label=_("Decision date"), widget=forms.DateInput(attrs=DATE_WIDGET))
    effective_from = forms.DateField(label=_("Effective from"), widget=forms.DateInput(attrs=DATE_WIDGET))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class QuotaRejectForm(forms.Form):
    reply = forms.CharField(label=_("Reason for rejecting"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap(self)


class ProvinceQuotaForm(forms.ModelForm):
    class Meta:
        model = ProvinceQuota
        fields = ["category", "count", "decision_number", "decision_date", "effective_from"]
        widgets = {
            "decision_date": forms.DateInput(attrs=DATE_WIDGET),
            "effective_from": forms.DateInput(attrs=DATE_WIDGET),
        }

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = province
        bootstrap(self)

    def validate_unique(self):
        # A second decision on the same date corrects the first (the service does it).
        pass
