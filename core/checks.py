from django.core import checks


@checks.register()
def text_fields_refuse_control_characters(app_configs, **kwargs):
    """Every CharField and TextField of the project runs ``no_control_characters``."""
    from core.apps import project_text_fields
    from core.validators import no_control_characters

    return [
        checks.Error(
            f"{model._meta.label}.{field.name} does not refuse control characters.",
            hint="Add core.validators.no_control_characters to its validators.",
            obj=field,
            id="core.E001",
        )
        for model, field in project_text_fields()
        if no_control_characters not in field.validators
    ]
