from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HeadcountConfig(AppConfig):
    name = "headcount"
    verbose_name = _("Headcount")

    def ready(self):
        from headcount import summary

        summary.connect()
