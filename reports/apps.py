from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self):
        # Django 6.1's empty choice of a select ("- Select an option -") has no Vietnamese
        # translation of its own; Django documents overriding it from an app's ready().
        from django.db.models import fields

        fields.BLANK_CHOICE_LABEL = _("— Choose —")

        # Register the "movements" and "plan-progress" exports wherever reports.exports.build runs:
        # the pages, and the background worker that rebuilds an ExportJob from its name.
        from reports import movement_exports  # noqa: F401
