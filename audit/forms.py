from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from audit.models import Action


class AuditFilterForm(forms.Form):
    person = forms.CharField(label=_("Person"), required=False, max_length=200, help_text=_("Name, staff code or id"))
    user = forms.CharField(label=_("User"), required=False, max_length=150)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=[("", _("All"))] + Action.choices)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "form-select form-select-sm" if isinstance(field, forms.ChoiceField) else "form-control form-control-sm"
            )
            field.widget.attrs["class"] = css
        for name in ("date_from", "date_to"):
            self.fields[name].widget.attrs["placeholder"] = "dd/mm/yyyy"

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(_("The start date is after the end date."))
        return data

    def filters(self):
        d = self.cleaned_data
        return {
            "person": d["person"].strip(),
            "username": d["user"].strip(),
            "date_from": d["date_from"],
            "date_to": d["date_to"],
            "action": d["action"],
        }
