"""Export jobs: start time, heartbeat, time limit and attempts (stale jobs are recovered)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0005_decision_documents'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='exportjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='attempts'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, help_text='Written by the worker while it runs the job.', null=True, verbose_name='last sign of life'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='started'),
        ),
        migrations.AddField(
            model_name='exportjob',
            name='timeout',
            field=models.PositiveIntegerField(default=0, help_text='0: the EXPORT_JOB_TIMEOUT_SECONDS setting.', verbose_name='time limit (seconds)'),
        ),
        migrations.AddIndex(
            model_name='exportjob',
            index=models.Index(fields=['status', 'heartbeat_at'], name='export_status_heartbeat_idx'),
        ),
    ]
