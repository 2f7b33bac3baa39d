from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondmentsConfig(AppConfig):
    name = "secondments"
    verbose_name = _("Plans and movements")
