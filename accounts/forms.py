from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.policy import refusal

TOKEN_DAYS = [30, 90, 180, 365]


class SignInForm(AuthenticationForm):
    """Django's sign-in form; API client accounts are refused (they use tokens, not pages)."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        message = refusal(user, "web.use")
        if message:
            raise ValidationError(message, code="api_only")


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Enter the 6-digit code shown in your authenticator app.")},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the system using it.")
    )
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        choices=[(d, _("%(days)s days") % {"days": d}) for d in TOKEN_DAYS],
        initial=90,
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        if days > settings.API_TOKEN_MAX_DAYS:
            raise ValidationError(
                _("A token is valid for at most %(days)s days.") % {"days": settings.API_TOKEN_MAX_DAYS}
            )
        return days
