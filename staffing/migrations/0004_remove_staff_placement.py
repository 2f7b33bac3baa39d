"""The person's placement now lives in dated assignments: remove it from the person's record.

Runs after ``0003_placements_from_staff`` has copied every placement into an assignment.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("staffing", "0003_placements_from_staff"), ("reports", "0003_staff_unit_id_index")]

    operations = [
        # Indexes written by hand on the columns that go (reports 0002 and 0003).
        migrations.RunSQL(
            ["DROP INDEX IF EXISTS staff_headcount_cover_idx", "DROP INDEX IF EXISTS staff_unit_id_idx"],
            migrations.RunSQL.noop,
        ),
        migrations.AlterModelOptions(
            name='staff',
            options={'ordering': ['full_name', 'staff_code'], 'verbose_name': 'staff member', 'verbose_name_plural': 'staff'},
        ),
        migrations.RemoveIndex(
            model_name='staff',
            name='staff_unit_field_cat_idx',
        ),
        migrations.RemoveField(
            model_name='historicalstaff',
            name='category',
        ),
        migrations.RemoveField(
            model_name='historicalstaff',
            name='field',
        ),
        migrations.RemoveField(
            model_name='historicalstaff',
            name='home_unit',
        ),
        migrations.RemoveField(
            model_name='historicalstaff',
            name='is_leader',
        ),
        migrations.RemoveField(
            model_name='historicalstaff',
            name='position',
        ),
        migrations.RemoveField(
            model_name='staff',
            name='category',
        ),
        migrations.RemoveField(
            model_name='staff',
            name='field',
        ),
        migrations.RemoveField(
            model_name='staff',
            name='home_unit',
        ),
        migrations.RemoveField(
            model_name='staff',
            name='is_leader',
        ),
        migrations.RemoveField(
            model_name='staff',
            name='position',
        ),
    ]
