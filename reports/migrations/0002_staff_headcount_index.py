"""A covering index for the headcount and mismatch counts of the reports.

Every report counts staff on roll per unit × field; with (home unit, field, category) and the
dates, major field and id in one index PostgreSQL answers those counts from the index alone
(index-only scan): a province's count drops from a scan of the whole staff table (~100 ms at
250,000 staff) to a few milliseconds. It lives here because the reports need it; the model state
of ``staffing.Staff`` is unchanged.
"""

from django.db import migrations

NAME = "staff_headcount_cover_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON staffing_staff (home_unit_id, field_id, category) "
            "INCLUDE (start_date, end_date, major_field_id, id)"
        )
    else:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {NAME} ON staffing_staff "
            "(home_unit_id, field_id, category, start_date, end_date, major_field_id)"
        )


def backwards(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX IF EXISTS {NAME}")


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("staffing", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
