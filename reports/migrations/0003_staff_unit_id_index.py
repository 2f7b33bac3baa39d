"""An index in the staff list API's keyset order (home unit, id).

Staff carry no province column, so a province's list ordered by id alone walks the primary key
past every other province's rows (~80 ms per page at 250,000 staff); in (home unit, id) order each
page reads the province's units in order and their staff from this index (~2 ms).
"""

from django.db import migrations

NAME = "staff_unit_id_idx"


def forwards(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON staffing_staff (home_unit_id, id)")


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_staff_headcount_index")]

    operations = [migrations.RunPython(forwards, backwards)]
