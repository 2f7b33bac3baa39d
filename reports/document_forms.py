"""Forms of the document pages: the letterhead, decision templates and generating a decision."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import ReportLetterhead
from reports.decisions import DEFAULT_GROUNDS, DEFAULT_RECIPIENTS, MAX_TEMPLATE_BYTES
from reports.models import DecisionTemplate

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class BootstrapForm:
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


class LetterheadForm(BootstrapForm, forms.ModelForm):
    class Meta:
        model = ReportLetterhead
        fields = [
            "issuing_body",
            "unit_name",
            "symbol_suffix",
            "place_name",
            "preparer_title",
            "preparer_name",
            "signer_title",
            "signer_name",
        ]
        widgets = {"signer_title": forms.Textarea(attrs={"rows": 2})}


class DecisionTemplateForm(BootstrapForm, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    file = forms.FileField(label=_("Word template (.docx)"))
    is_default = forms.BooleanField(label=_("Use by default"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("At most %(kb)s KB, with the placeholders listed on this page.") % {
            "kb": MAX_TEMPLATE_BYTES // 1024
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TEMPLATE_BYTES:
            raise forms.ValidationError(
                _("The template is %(size)s KB; the limit is %(limit)s KB.")
                % {"size": upload.size // 1024, "limit": MAX_TEMPLATE_BYTES // 1024}
            )
        if not upload.name.lower().endswith(".docx"):
            raise forms.ValidationError(_("The file is not a Word document (.docx)."))
        return upload


def _lines(text):
    return [line.strip() for line in text.splitlines() if line.strip()]


class DecisionForm(BootstrapForm, forms.Form):
    """What a decision says beyond its movements: number, date, signer and the editable texts."""

    movements = forms.ModelMultipleChoiceField(
        label=_("Movements covered"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    number = forms.CharField(label=_("Number and symbol"), max_length=64, help_text=_("E.g. 125/QĐ-SNV."))
    date = forms.DateField(
        label=_("Date of the decision"),
        input_formats=DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}),
    )
    template = forms.ModelChoiceField(
        label=_("Template"), queryset=None, required=False, empty_label=_("Default template")
    )
    decider = forms.CharField(label=_("Deciding authority"), max_length=200)
    signer_title = forms.CharField(
        label=_("Signer's title"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One line, or two: KT. GIÁM ĐỐC then PHÓ GIÁM ĐỐC."),
    )
    signer_name = forms.CharField(label=_("Signer's name"), max_length=120, required=False)
    grounds = forms.CharField(label=_("Grounds (“Căn cứ”), one per line"), widget=forms.Textarea(attrs={"rows": 4}))
    entitlements = forms.CharField(
        label=_("Entitlements (article 2)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: the usual text for the kind of movement."),
    )
    recipients = forms.CharField(
        label=_("Recipients (“Nơi nhận”), one per line"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, movements, province, letterhead, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["movements"].queryset = movements
        self.fields["movements"].label_from_instance = lambda m: (
            f"{m.person.full_name} — {m.get_kind_display()}: {m.from_unit.name} → {m.to_unit.name} "
            f"({m.start_date:%d/%m/%Y})"
        )
        self.fields["template"].queryset = DecisionTemplate.objects.filter(province=province)
        default = DecisionTemplate.objects.filter(province=province, is_default=True).first()
        self.initial.setdefault("movements", [m.pk for m in movements])
        self.initial.setdefault("template", default.pk if default else None)
        self.initial.setdefault("date", timezone.localdate())
        self.initial.setdefault("number", f"/QĐ-{letterhead.symbol_suffix}")
        self.initial.setdefault("decider", f"GIÁM ĐỐC {letterhead.unit_name.upper()}")
        self.initial.setdefault("signer_title", letterhead.signer_title)
        self.initial.setdefault("signer_name", letterhead.signer_name)
        self.initial.setdefault("grounds", "\n".join(DEFAULT_GROUNDS))
        self.initial.setdefault("recipients", "\n".join(DEFAULT_RECIPIENTS))

    def clean_movements(self):
        chosen = list(self.cleaned_data["movements"])
        if len({m.kind for m in chosen}) > 1:
            raise forms.ValidationError(_("One decision covers movements of one kind only."))
        return chosen

    def texts(self):
        d = self.cleaned_data
        return {
            "decider": d["decider"],
            "grounds": _lines(d["grounds"]),
            "recipients": _lines(d["recipients"]),
            "entitlements": d["entitlements"].strip(),
        }
