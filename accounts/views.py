"""Small mixins every page uses: scope rows by user, refuse writes the role may not make."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from accounts.scoping import can_write, for_user


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
