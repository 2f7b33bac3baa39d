from django.conf import settings
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """An Excel export too long to build during a request, run by a background worker.

    It keeps the export's name and the query string that was asked for, so the worker builds the
    same report the page showed; only its owner sees it and downloads the file.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="export_jobs"
    )
    name = models.CharField(_("export"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveIntegerField(_("rows written"), default=0)
    total = models.PositiveIntegerField(_("rows expected"), default=0)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file = models.FileField(_("file"), upload_to="exports/%Y/%m/", blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        _("last sign of life"), null=True, blank=True, help_text=_("Written by the worker while it runs the job.")
    )
    timeout = models.PositiveIntegerField(
        _("time limit (seconds)"), default=0, help_text=_("0: the EXPORT_JOB_TIMEOUT_SECONDS setting.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="export_owner_created_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="export_status_heartbeat_idx"),
        ]

    def __str__(self):
        return f"{self.name} #{self.pk}"

    def get_absolute_url(self):
        return reverse("reports:export-job", args=[self.pk])

    @property
    def percent(self):
        if self.status == ExportStatus.DONE:
            return 100
        return min(99, int(100 * self.progress / self.total)) if self.total else 0

    @property
    def time_limit(self) -> int:
        return self.timeout or settings.EXPORT_JOB_TIMEOUT_SECONDS

    @property
    def can_retry(self):
        return self.status == ExportStatus.FAILED

    def query_dict(self) -> QueryDict:
        q = QueryDict(mutable=True)
        for key, values in self.params.items():
            q.setlist(key, values)
        return q
