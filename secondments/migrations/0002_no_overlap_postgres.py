"""On PostgreSQL, forbid overlapping temporary movements of one person in the database itself.

The same rule is checked by ``Secondment.clean()`` on every database; the exclusion constraint
also holds under concurrent requests, where a check-then-insert could race.
"""

from django.db import migrations

CONSTRAINT = "movement_no_overlap_per_person"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE secondments_secondment ADD CONSTRAINT {CONSTRAINT}
EXCLUDE USING gist (
    person_id WITH =,
    daterange(start_date, COALESCE(actual_end_date, planned_end_date), '[]') WITH &&
) WHERE (kind <> 'transfer' AND status <> 'cancelled');
"""

DROP = f"ALTER TABLE secondments_secondment DROP CONSTRAINT IF EXISTS {CONSTRAINT};"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("secondments", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
