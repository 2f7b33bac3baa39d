"""Forms of the plan and movement pages. They gather input; the rules live in the models and
services, whose errors ``apply_errors`` puts back on the form."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
from secondments.models import Kind, Plan, SendingQuota, StaffRequest
from secondments.selectors import eligible_staff
from staffing.forms import MISSING_VERSION
from staffing.models import Field
from staffing.services import STALE_MESSAGE


def apply_errors(form, exc: ValidationError):
    """Attach a service's ValidationError to ``form``: unknown fields become form-wide errors."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class BootstrapMixin:
    """Give widgets Bootstrap's classes (there is no form-rendering package in the project)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            w = f.widget
            if isinstance(w, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
                w.attrs.setdefault("class", "form-check-input")
            elif isinstance(w, forms.Select):
                w.attrs.setdefault("class", "form-select")
            else:
                w.attrs.setdefault("class", "form-control")


class DateInput(forms.DateInput):
    def __init__(self, **kwargs):
        super().__init__(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, **kwargs)


class VersionCheckMixin:
    """An edit form carries the version it was opened on: without it the post is refused (400);
    with an older one it is refused with the newer change named, never saved over it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"] = forms.IntegerField(
            widget=forms.HiddenInput,
            required=bool(self.instance.pk),
            error_messages={"required": MISSING_VERSION},
        )
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean(self):
        data = super().clean()
        if self.instance.pk and data.get("version") is not None:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            if current != data["version"]:
                raise ValidationError(STALE_MESSAGE, code="stale")
        return data

    def save(self, commit=True):
        if self.instance.pk:
            self.instance.version += 1
        return super().save(commit=commit)


class PlanForm(VersionCheckMixin, BootstrapMixin, forms.ModelForm):
    allowed_kinds = forms.MultipleChoiceField(
        label=_("Allowed kinds"), choices=Kind.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Plan
        fields = [
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
        ]
        widgets = {
            "decision_date": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "priority_fields": forms.CheckboxSelectMultiple,
            "priority_communes": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, province, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.province = province
        self.fields["priority_communes"].queryset = Unit.objects.communes().filter(province=province)
        self.fields["priority_fields"].queryset = Field.objects.all()
        if not self.instance.pk and not self.is_bound:
            self.initial.setdefault("allowed_kinds", list(Kind.values))


class SendingQuotaForm(VersionCheckMixin, BootstrapMixin, forms.ModelForm):
    class Meta:
        model = SendingQuota
        fields = ["unit", "rule", "count", "min_percent", "max_percent"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.plan = plan
        self.fields["unit"].queryset = Unit.objects.filter(province_id=plan.province_id).order_by("kind", "name")

    def _get_validation_exclusions(self):
        # The plan is set by the page, not the form; it still takes part in "one quota per unit".
        exclude = super()._get_validation_exclusions()
        exclude.discard("plan")
        return exclude


class PersonPicker(forms.Widget):
    """Search as you type instead of a select of every person: a search box with filters (field,
    unit, availability) whose results — radio buttons named like the field — come from
    ``secondments:person-pick`` (htmx). The chosen person stays listed first. The first results
    are rendered with the page, so it works before anything is typed."""

    template_name = "secondments/_person_picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.user = None
        self.exclude_movement = None
        self.filters = {}

    def get_context(self, name, value, attrs):
        from secondments.selectors import PICKER_LIMIT, person_search

        context = super().get_context(name, value, attrs)
        chosen = None
        if value not in (None, "") and str(value).isdigit():
            chosen = person_search(
                user=self.user, available=False, exclude_movement=self.exclude_movement, person_id=int(value)
            )
        results = list(
            person_search(
                user=self.user,
                field_id=self.filters.get("field"),
                unit_id=self.filters.get("unit"),
                available=True,
                exclude_movement=self.exclude_movement,
            )
        )
        context["picker"] = {
            "chosen": chosen,
            "results": [p for p in results[:PICKER_LIMIT] if chosen is None or p.pk != chosen.pk],
            "more": len(results) > PICKER_LIMIT,
            "fields": Field.objects.all(),
            "units": _picker_units(self.user),
            "filters": self.filters,
            "name": name,
            "limit": PICKER_LIMIT,
        }
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name)

    def _render(self, template_name, context, renderer=None):
        # The project's templates, not the form renderer's own directories.
        from django.template.loader import render_to_string
        from django.utils.safestring import mark_safe

        return mark_safe(render_to_string(template_name, context))


def _pk(value):
    value = getattr(value, "pk", value)
    return int(value) if str(value or "").isdigit() else None


def _picker_units(user):
    from accounts.scoping import for_user

    return for_user(Unit.objects.filter(is_active=True), user).only("pk", "name", "kind").order_by("kind", "sort_key")


class PersonChoiceField(forms.ModelChoiceField):
    widget = PersonPicker

    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.staff_code}) · {obj.unit_name} · {obj.field_name}"


class NominationForm(BootstrapMixin, forms.Form):
    person = PersonChoiceField(label=_("Person"), queryset=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    to_unit = forms.ModelChoiceField(label=_("To unit"), queryset=None)
    field = forms.ModelChoiceField(label=_("Field of the work"), queryset=Field.objects.all())
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=None, required=False)
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    planned_end_date = forms.DateField(
        label=_("Planned end date"), required=False, widget=DateInput(), help_text=_("Last working day.")
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    request = forms.ModelChoiceField(label=_("Staff request"), queryset=None, required=False)
    end_running = forms.BooleanField(
        label=_("End the person's running movement the day before the transfer starts"),
        required=False,
        help_text=_("Only for a transfer that starts while a temporary movement of the person runs."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, user, movement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if movement is not None:
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = MISSING_VERSION
            del self.fields["end_running"]
        province_id = user.province_id
        # Only eligible people: active, home unit in scope, no open temporary movement (other
        # than the one being edited).
        people = eligible_staff(user=user, exclude_movement=movement)
        self.fields["person"].queryset = people.order_by("full_name", "staff_code")
        picker = self.fields["person"].widget
        picker.user, picker.exclude_movement = user, movement
        initial = self.initial
        picker.filters = {
            "field": _pk(self.data.get("person_field") if self.is_bound else initial.get("field")),
            "unit": _pk(self.data.get("person_unit") if self.is_bound else None),
        }
        self.fields["to_unit"].queryset = Unit.objects.filter(province_id=province_id, is_active=True)
        self.fields["plan"].queryset = Plan.objects.filter(province_id=province_id)
        self.fields["request"].queryset = StaffRequest.objects.filter(commune__province_id=province_id).select_related(
            "commune", "field"
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") and data["kind"] != Kind.TRANSFER and not data.get("planned_end_date"):
            self.add_error("planned_end_date", _("A temporary movement needs a planned end date."))
        return data


class ApproveForm(BootstrapMixin, forms.Form):
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())
    over_quota_reason = forms.CharField(
        label=_("Reason for exceeding the sending quota"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when the sending unit has already reached its quota."),
    )


class ArrivalForm(BootstrapMixin, forms.Form):
    arrival_date = forms.DateField(label=_("Arrived on"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("arrival_date", timezone.localdate())


class ExtendForm(BootstrapMixin, forms.Form):
    new_end_date = forms.DateField(label=_("New end date"), widget=DateInput())
    decision_number = forms.CharField(label=_("Decision number"), max_length=64)
    decision_date = forms.DateField(label=_("Decision date"), widget=DateInput())


class EndForm(BootstrapMixin, forms.Form):
    actual_end_date = forms.DateField(
        label=_("Last day at the receiving unit"),
        widget=DateInput(),
        help_text=_("Not after the planned end date; the movement stops counting after this day."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("actual_end_date", timezone.localdate())


class ProposeForm(forms.Form):
    pass


class CancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


ACTION_FORMS = {
    "propose": ProposeForm,
    "approve": ApproveForm,
    "confirm_arrival": ArrivalForm,
    "extend": ExtendForm,
    "end": EndForm,
    "cancel": CancelForm,
}


class StaffRequestForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = StaffRequest
        fields = ["field", "count", "plan", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.commune = commune
        self.fields["plan"].queryset = Plan.objects.filter(province_id=commune.province_id)


class FulfilForm(BootstrapMixin, forms.Form):
    movements = forms.ModelMultipleChoiceField(
        label=_("Movements that fulfil the request"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, request_obj, **kwargs):
        super().__init__(*args, **kwargs)
        from secondments.models import Secondment, Status

        self.fields["movements"].queryset = (
            Secondment.objects.filter(to_unit=request_obj.commune, field=request_obj.field)
            .exclude(status=Status.CANCELLED)
            .select_related("person")
        )
