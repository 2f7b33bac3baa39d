from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django.views.generic import TemplateView

from reports.selectors import landing_summary


class HomeView(LoginRequiredMixin, TemplateView):
    """Landing page: the signed-in user's province or unit, quota against headcount."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["as_of"] = timezone.localdate()
        ctx["summary"] = landing_summary(self.request.user, as_of=ctx["as_of"])
        return ctx
