"""Formerly an index in the staff list's keyset order (home unit, id).

Placements moved to dated assignments (``staffing.0004``): on a new database this step does
nothing (on an older one the index went with its column).
"""

from django.db import migrations

NAME = "staff_unit_id_idx"


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_staff_headcount_index")]

    operations = [migrations.RunPython(migrations.RunPython.noop, backwards)]
