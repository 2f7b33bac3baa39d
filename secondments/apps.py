from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecondmentsConfig(AppConfig):
    name = "secondments"
    verbose_name = _("Plans and movements")

    def ready(self):
        from secondments import services
        from staffing import signals

        # A person leaving the roll or changing home unit: their movements follow (staffing.signals).
        signals.leaving_preview.connect(services.on_leaving_preview, dispatch_uid="movements-leaving-preview")
        signals.person_leaving.connect(services.on_person_leaving, dispatch_uid="movements-person-leaving")
        signals.placement_changing.connect(services.on_placement_changing, dispatch_uid="movements-placement")
        signals.placement_reopening.connect(services.on_placement_reopening, dispatch_uid="movements-reopening")
        signals.placement_changed.connect(services.on_placement_changed, dispatch_uid="movements-changed")
