from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondmentsConfig(AppConfig):
    name = "secondments"
    verbose_name = _("Plans and movements")

    def ready(self):
        # Register the "movements" and "plan-progress" exports wherever reports.exports.build runs:
        # the pages, and the background worker that rebuilds an ExportJob from its name.
        from secondments import exports  # noqa: F401
