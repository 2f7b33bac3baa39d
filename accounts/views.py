"""Small mixins every page uses (scope rows by user, refuse writes the role may not make), and
the account pages: sign-in, second factor, password, API tokens, users an official looks after."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import signals, twofactor
from accounts.forms import CodeForm, SignInForm, TokenForm
from accounts.models import ApiToken, Role, User
from accounts.scoping import can_write, for_user
from accounts.services import can_manage_users, managed_users, user_password_reset
from accounts.tokens import api_token_create, api_token_revoke


class ScopedMixin(LoginRequiredMixin):
    """Restrict ``get_queryset()`` to the user's scope: rows outside it answer 404."""

    def get_queryset(self):
        return for_user(super().get_queryset(), self.request.user)


class WriteRoleRequiredMixin(LoginRequiredMixin):
    """Refuse (403) users whose role only reads (national viewers, API clients)."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_write(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


# --- Sign-in, second factor, password, tokens -------------------------------------------------


class SignInView(auth_views.LoginView):
    form_class = SignInForm


def _next_url(request, default="home"):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return url
    return resolve_url(default)


class TwoFactorVerifyView(LoginRequiredMixin, View):
    """After the password: the code from the authenticator app."""

    template_name = "accounts/two_factor_verify.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = twofactor.confirmed_device(request.user)
            if self.device is None:
                return redirect("two-factor-setup")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": CodeForm(), "next": _next_url(request)})

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            allowed, _info = self.device.verify_is_allowed()
            if allowed and self.device.verify_token(form.cleaned_data["code"]):
                twofactor.mark_verified(request)
                return redirect(_next_url(request))
            form.add_error(
                "code",
                _("The code is wrong or has expired.")
                if allowed
                else _("Too many wrong codes: wait a little before trying again."),
            )
        return render(request, self.template_name, {"form": form, "next": _next_url(request)}, status=400)


class TwoFactorSetupView(LoginRequiredMixin, View):
    """Scan the QR code, type the code it shows: the device is confirmed and the session verified."""

    template_name = "accounts/two_factor_setup.html"

    def context(self, request, form):
        device = twofactor.pending_device(request.user)
        return {
            "form": form,
            "qr": twofactor.qr_data_uri(device),
            "secret": twofactor.secret(device),
            "required": twofactor.is_required(request.user),
            "has_device": twofactor.confirmed_device(request.user) is not None,
            "next": _next_url(request, "account"),
        }

    def dispatch(self, request, *args, **kwargs):
        # Replacing a confirmed device needs that device's code first.
        if request.user.is_authenticated and twofactor.session_state(request) == twofactor.NEEDS_CODE:
            return redirect(f"{reverse('two-factor-verify')}?{urlencode({'next': request.get_full_path()})}")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, self.context(request, CodeForm()))

    def post(self, request):
        form = CodeForm(request.POST)
        if form.is_valid():
            device = twofactor.pending_device(request.user)
            if device.verify_token(form.cleaned_data["code"]):
                with transaction.atomic():
                    TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
                    device.confirmed = True
                    device.save(update_fields=["confirmed"])
                twofactor.mark_verified(request)
                messages.success(request, _("Two-factor authentication is on."))
                return redirect(_next_url(request, "account"))
            form.add_error("code", _("The code is wrong or has expired."))
        return render(request, self.template_name, self.context(request, form), status=400)


class TwoFactorDisableView(LoginRequiredMixin, View):
    def post(self, request):
        if twofactor.is_required(request.user):
            raise PermissionDenied
        TOTPDevice.objects.filter(user=request.user).delete()
        messages.success(request, _("Two-factor authentication is off."))
        return redirect("account")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("account")

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.request.user.must_change_password:
            User.objects.filter(pk=self.request.user.pk).update(must_change_password=False)
        messages.success(self.request, _("Your password has been changed."))
        return response


def _tokens_context(owner, now):
    return {
        "tokens": ApiToken.objects.filter(user=owner).select_related("created_by"),
        "token_form": TokenForm(),
        "now": now,
    }


class AccountView(LoginRequiredMixin, View):
    """The signed-in user's page: role and scope, password, second factor, API tokens."""

    template_name = "accounts/account.html"

    def context(self, request, **extra):
        user = request.user
        return {
            "two_factor_on": twofactor.confirmed_device(user) is not None,
            "two_factor_required": twofactor.is_required(user),
            "can_manage_users": can_manage_users(user),
            **_tokens_context(user, timezone.now()),
            **extra,
        }

    def get(self, request):
        return render(request, self.template_name, self.context(request))


def _create_token(request, owner, template, context):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(request, template, {**context, "token_form": form}, status=400)
    token, key = api_token_create(
        user=owner, name=form.cleaned_data["name"], days=form.cleaned_data["days"], by=request.user
    )
    # The key is shown on this response only; it is not stored.
    return render(request, template, {**context, "new_token": token, "new_key": key})


class TokenCreateView(AccountView):
    def post(self, request):
        return _create_token(request, request.user, self.template_name, self.context(request))


class TokenRevokeView(LoginRequiredMixin, View):
    def post(self, request, pk):
        token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
        if token.user_id != request.user.pk and not managed_users(request.user).filter(pk=token.user_id).exists():
            raise Http404
        api_token_revoke(token=token)
        messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
        if token.user_id == request.user.pk:
            return redirect("account")
        return redirect("user-detail", pk=token.user_id)


# --- Users a province official or an administrator looks after -------------------------------


class ManagerRequiredMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_manage_users(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class UserListView(ManagerRequiredMixin, ListView):
    template_name = "accounts/user_list.html"
    context_object_name = "users"
    paginate_by = 50

    def get_queryset(self):
        qs = managed_users(self.request.user).select_related("province", "unit").order_by("username")
        self.query = self.request.GET.get("q", "").strip()[:100]
        if self.query:
            qs = qs.filter(Q(username__icontains=self.query) | Q(last_name__icontains=self.query))
        return qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(query=self.query, **kwargs)


class UserDetailView(ManagerRequiredMixin, View):
    """One managed user: reset the password; API tokens (made here for API client accounts)."""

    template_name = "accounts/user_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and can_manage_users(request.user):
            self.target = get_object_or_404(
                managed_users(request.user).select_related("province", "unit"), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra):
        return {
            "target": self.target,
            "can_create_tokens": self.target.role == Role.API_CLIENT,
            **_tokens_context(self.target, timezone.now()),
            **extra,
        }

    def get(self, request, pk):
        return render(request, self.template_name, self.context())


class UserPasswordResetView(UserDetailView):
    def post(self, request, pk):
        password = user_password_reset(user=self.target, by=request.user)
        signals.password_reset.send(sender=User, request=request, user=self.target)
        # Shown once, on this response; the user must change it at the next sign-in.
        return render(request, self.template_name, self.context(temporary_password=password))


class UserTokenCreateView(UserDetailView):
    def post(self, request, pk):
        if self.target.role != Role.API_CLIENT:
            raise PermissionDenied
        return _create_token(request, self.target, self.template_name, self.context())
