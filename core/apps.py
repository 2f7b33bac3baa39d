from django.apps import AppConfig, apps
from django.db import models

# The project's own apps: their text fields refuse control characters.
PROJECT_APPS = ("accounts", "audit", "communes", "staffing", "secondments", "headcount", "reports", "planner")


def project_text_fields():
    """(model, field) for every CharField and TextField of the project's models, history included."""
    for label in PROJECT_APPS:
        if not apps.is_installed(label):
            continue
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, (models.CharField, models.TextField)):
                    yield model, field


class CoreConfig(AppConfig):
    name = "core"

    def ready(self):
        from django import forms
        from rest_framework import fields as api_fields

        from core import checks  # noqa: F401  (registers the system check)
        from core.validators import no_control_characters

        # Model fields: a default validator is not part of the migration state, so no
        # migration changes; full_clean(), model forms and model serializers all run it.
        for _model, field in project_text_fields():
            if no_control_characters not in field.default_validators:
                field.default_validators = [*field.default_validators, no_control_characters]
                field.__dict__.pop("validators", None)  # a cached_property, maybe read already
        # Every form and API text field the project declares by hand.
        for cls in (forms.CharField, api_fields.CharField):
            if no_control_characters not in cls.default_validators:
                cls.default_validators = [*cls.default_validators, no_control_characters]
