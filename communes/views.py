"""The list of units a user may see (the unit page and its roster are reports: reports/unit_pages.py)."""

from django.views.generic import ListView

from accounts.views import ScopedMixin
from communes.filters import UnitFilterSet
from communes.models import Unit
from core.forms import bootstrap


class UnitListView(ScopedMixin, ListView):
    model = Unit
    template_name = "communes/unit_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = super().get_queryset().select_related("province")
        self.filterset = UnitFilterSet(self.request.GET or None, queryset=qs)
        return self.filterset.qs if self.filterset.is_bound else qs

    def get_context_data(self, **kwargs):
        bootstrap(self.filterset.form)
        return super().get_context_data(filterset=self.filterset, **kwargs)
