"""The planner's run form: the knobs of a run, checked against the plan's rules. The page and the
API both validate through it."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.dates import fmt
from secondments.forms import BootstrapMixin, DateInput
from secondments.models import LEGAL_MAX_MONTHS, TEMPORARY_KINDS, Kind
from staffing.models import Field

WEIGHT_HELP = _("Added to the weight (1) of one missing person.")


class RunForm(BootstrapMixin, forms.Form):
    start_date = forms.DateField(label=_("Start date"), widget=DateInput())
    fields = forms.ModelMultipleChoiceField(
        label=_("Fields"),
        queryset=Field.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the plan's priority fields, or every field when the plan names none."),
    )
    only_priority_communes = forms.BooleanField(label=_("Only the plan's priority communes"), required=False)
    priority_weight = forms.DecimalField(
        label=_("Weight: priority commune"),
        min_value=0,
        max_value=10,
        decimal_places=2,
        initial=2,
        help_text=WEIGHT_HELP,
    )
    disadvantaged_weight = forms.DecimalField(
        label=_("Weight: especially disadvantaged"), min_value=0, max_value=10, decimal_places=2, initial=1
    )
    border_weight = forms.DecimalField(
        label=_("Weight: border"), min_value=0, max_value=10, decimal_places=2, initial=0.5
    )
    priority_field_weight = forms.DecimalField(
        label=_("Weight: priority field"), min_value=0, max_value=10, decimal_places=2, initial=0.5
    )
    sending_percent = forms.DecimalField(
        label=_("Sending percentage"),
        min_value=Decimal("0.01"),
        max_value=100,
        decimal_places=2,
        required=False,
        help_text=_(
            "For percentage quotas: the share each unit sends, kept within the plan's range. Empty: the maximum."
        ),
    )
    include_communes = forms.BooleanField(label=_("Surplus communes send too"), required=False, initial=True)
    allow_leaders = forms.BooleanField(
        label=_("Leaders may move where a leadership post is short"), required=False, initial=True
    )
    department_kind = forms.ChoiceField(label=_("Kind for department staff"), choices=())
    commune_kind = forms.ChoiceField(label=_("Kind for commune staff"), choices=())
    duration_days = forms.IntegerField(label=_("Duration (days)"), min_value=1, initial=180)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        allowed = [(k, label) for k, label in Kind.choices if k in plan.allowed_kinds]
        self.fields["department_kind"].choices = [(k, label) for k, label in allowed if k in TEMPORARY_KINDS]
        self.fields["commune_kind"].choices = allowed
        if not self.is_bound:
            from django.utils import timezone

            today = timezone.localdate()
            self.initial.setdefault("start_date", max(today, plan.period_start))
            temporary = [k for k, _label in self.fields["department_kind"].choices]
            if temporary:
                self.initial.setdefault("department_kind", temporary[0])
            self.initial.setdefault(
                "commune_kind", Kind.TRANSFER if Kind.TRANSFER in plan.allowed_kinds else (temporary or [""])[0]
            )
            self.initial.setdefault("duration_days", min(max(180, plan.min_duration_days), plan.max_duration_days))

    def clean_start_date(self):
        day = self.cleaned_data["start_date"]
        if not (self.plan.period_start <= day <= self.plan.period_end):
            raise forms.ValidationError(
                _("The start date must fall within the plan's period (%(start)s–%(end)s).")
                % {"start": fmt(self.plan.period_start), "end": fmt(self.plan.period_end)}
            )
        return day

    def clean_duration_days(self):
        days = self.cleaned_data["duration_days"]
        low, high = self.plan.min_duration_days, min(self.plan.max_duration_days, 31 * max(LEGAL_MAX_MONTHS.values()))
        if not (low <= days <= high):
            raise forms.ValidationError(
                _("The duration must be between %(min)s and %(max)s days under this plan.") % {"min": low, "max": high}
            )
        return days

    def clean(self):
        data = super().clean()
        if not self.fields["department_kind"].choices:
            self.add_error(None, _("The plan allows no temporary kind of movement for department staff."))
        return data

    def knobs(self) -> dict:
        d = self.cleaned_data
        return {
            "fields": sorted(f.pk for f in d["fields"]),
            "only_priority_communes": d["only_priority_communes"],
            "priority_weight": float(d["priority_weight"]),
            "disadvantaged_weight": float(d["disadvantaged_weight"]),
            "border_weight": float(d["border_weight"]),
            "priority_field_weight": float(d["priority_field_weight"]),
            "sending_percent": None if d["sending_percent"] is None else float(d["sending_percent"]),
            "include_communes": d["include_communes"],
            "allow_leaders": d["allow_leaders"],
            "department_kind": d["department_kind"],
            "commune_kind": d["commune_kind"],
            "duration_days": d["duration_days"],
        }


class AcceptForm(forms.Form):
    moves = forms.TypedMultipleChoiceField(label=_("Moves"), coerce=int, required=False, choices=())

    def __init__(self, *args, run, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["moves"].choices = [(m["index"], str(m["index"] + 1)) for m in run.moves]
        self.accept_all = "all" in (self.data or {})

    def clean(self):
        data = super().clean()
        if not self.accept_all and not data.get("moves"):
            raise forms.ValidationError(_("Choose at least one move."))
        return data


class ForecastForm(BootstrapMixin, forms.Form):
    province = forms.ModelChoiceField(label=_("Province"), queryset=None, required=False, to_field_name="code")
    start = forms.DateField(label=_("From"), required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from accounts.scoping import for_user
        from communes.models import Province

        self.user = user
        self.fields["province"].queryset = for_user(Province.objects.all(), user)

    def chosen_province(self):
        chosen = self.cleaned_data.get("province") if self.is_bound else None
        return chosen or getattr(self.user, "province", None)

    def chosen_start(self):
        from django.utils import timezone

        return (self.cleaned_data.get("start") if self.is_bound else None) or timezone.localdate()
