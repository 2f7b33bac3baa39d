"""Formerly a covering index on the person's placement columns for the headcount counts.

Placements moved to dated assignments (``staffing.0004``), which carry their own indexes; the
columns this index covered no longer exist, so on a new database this step does nothing (on an
older one the index went with its columns).
"""

from django.db import migrations

NAME = "staff_headcount_cover_idx"


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("staffing", "0001_initial"),
    ]

    operations = [migrations.RunPython(migrations.RunPython.noop, backwards)]
