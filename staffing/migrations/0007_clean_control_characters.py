from django.db import migrations

from core.cleaning import clean_stored_text

LABELS = ("accounts", "communes", "staffing", "secondments", "reports")  # the audit log is append-only


def clean(apps, schema_editor):
    clean_stored_text(apps, LABELS, vendor=schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_personal_data_access"),
        ("audit", "0001_initial"),
        ("communes", "0003_letterhead_moved"),
        ("reports", "0007_letterhead_moved"),
        ("secondments", "0005_plan_version"),
        ("staffing", "0006_quota_requests"),
    ]

    operations = [migrations.RunPython(clean, migrations.RunPython.noop)]
