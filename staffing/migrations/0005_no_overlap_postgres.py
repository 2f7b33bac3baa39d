"""On PostgreSQL, forbid overlapping assignments and overlapping absences of one person.

``Assignment.clean()`` and ``Absence.clean()`` check the same rules on every database; the
exclusion constraints also hold under concurrent requests.
"""

from django.db import migrations

CONSTRAINTS = {
    "assignment_no_overlap_per_person": (
        "staffing_assignment",
        "daterange(valid_from, valid_to, '[]')",
    ),
    "absence_no_overlap_per_person": (
        "staffing_absence",
        "daterange(start_date, end_date, '[]')",
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, (table, period) in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {name} EXCLUDE USING gist (person_id WITH =, {period} WITH &&)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, _period) in CONSTRAINTS.items():
        schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("staffing", "0004_remove_staff_placement")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
