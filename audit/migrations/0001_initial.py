"""The append-only audit log of reads and exports of personal records."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('communes', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='time')),
                ('action', models.CharField(choices=[('staff.view', 'Viewed a staff record'), ('staff.list', 'Listed staff'), ('staff.export', 'Exported staff'), ('export.download', 'Downloaded an export file'), ('token.use', 'Used an API token'), ('password.reset', "Reset another user's password")], max_length=32, verbose_name='action')),
                ('username', models.CharField(blank=True, max_length=150, verbose_name='user name')),
                ('staff_id', models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name='staff id')),
                ('staff_code', models.CharField(blank=True, max_length=50, verbose_name='staff code')),
                ('staff_name', models.CharField(blank=True, max_length=200, verbose_name='person')),
                ('method', models.CharField(blank=True, max_length=10, verbose_name='method')),
                ('path', models.CharField(blank=True, max_length=500, verbose_name='path')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('rows', models.PositiveIntegerField(blank=True, null=True, verbose_name='rows')),
                ('token_name', models.CharField(blank=True, max_length=100, verbose_name='token')),
                ('address', models.GenericIPAddressField(blank=True, null=True, verbose_name='address')),
                ('province', models.ForeignKey(blank=True, db_constraint=False, help_text='The province whose data was read; its officials see the entry.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='communes.province', verbose_name='province')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='user')),
            ],
            options={
                'verbose_name': 'audit entry',
                'verbose_name_plural': 'audit entries',
                'ordering': ['-at', '-pk'],
                'indexes': [models.Index(fields=['province', '-at'], name='audit_province_at_idx')],
            },
        ),
    ]
