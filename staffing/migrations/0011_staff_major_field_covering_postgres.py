"""On PostgreSQL, a covering index on staff (id) with the trained field: the past-date headcount
counts field mismatches in its pass over the assignments, and joining people by an index-only
scan of this index reads a small fraction of the staff table's pages."""

from django.db import migrations

NAME = "staff_id_major_field_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NAME} ON staffing_staff (id) INCLUDE (major_field_id)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [("staffing", "0010_import_job_heartbeat")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
