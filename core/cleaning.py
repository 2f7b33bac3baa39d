"""Remove control characters from text already stored (used by a data migration)."""

from django.db import models

from core.validators import CONTROL_CHARACTERS, CONTROL_CHARACTERS_SQL, strip_control_characters


def clean_stored_text(app_registry, labels, *, vendor="postgresql") -> int:
    """Strip control characters from every CharField/TextField of the apps ``labels`` (history
    tables included) in ``app_registry``; returns the number of rows changed. PostgreSQL text
    cannot hold NUL, so only SQLite looks for it."""
    pattern = CONTROL_CHARACTERS.pattern if vendor == "sqlite" else CONTROL_CHARACTERS_SQL
    changed = 0
    for label in labels:
        for model in app_registry.get_app_config(label).get_models():
            fields = [
                f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
            ]
            if not fields:
                continue
            q = models.Q()
            for name in fields:
                q |= models.Q(**{f"{name}__regex": pattern})
            rows = list(model._base_manager.filter(q).only("pk", *fields))
            for row in rows:
                for name in fields:
                    value = getattr(row, name)
                    if isinstance(value, str):
                        setattr(row, name, strip_control_characters(value))
            if rows:
                model._base_manager.bulk_update(rows, fields, batch_size=500)
                changed += len(rows)
    return changed
