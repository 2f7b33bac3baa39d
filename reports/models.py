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


def _template_path(instance, filename):
    return f"decision-templates/{instance.province.code}/{filename}"


class DecisionTemplate(models.Model):
    """A province's own Word template for movement decisions (quyết định biệt phái, điều động …).

    Uploaded by the province's Home Affairs department with the placeholders listed in the README;
    it is accepted only if it renders with sample data. Without one, the default template that
    ships with the application is used.
    """

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="decision_templates"
    )
    name = models.CharField(_("name"), max_length=200)
    file = models.FileField(_("file"), upload_to=_template_path)
    is_default = models.BooleanField(
        _("used by default"), default=False, help_text=_("Offered first when a decision is generated.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    scope_paths = {"province": "province", "unit": None}

    class Meta:
        ordering = ["province__code", "-is_default", "name", "pk"]
        verbose_name = _("decision template")
        verbose_name_plural = _("decision templates")
        constraints = [
            models.UniqueConstraint(
                fields=["province"],
                condition=models.Q(is_default=True),
                name="decision_template_one_default",
                violation_error_message=_("A province has one default decision template."),
            )
        ]

    def __str__(self):
        return self.name


def _decision_path(instance, filename):
    return f"decisions/{instance.province.code}/{instance.date:%Y}/{filename}"


class DecisionDocument(models.Model):
    """A decision generated for one or more movements of one kind, kept with the file handed out.

    Its number and date are the legal act's; the approval of the movements records the same
    number as each movement's decision number.
    """

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.PROTECT, related_name="decision_documents"
    )
    number = models.CharField(_("number and symbol"), max_length=64, help_text=_("E.g. 125/QĐ-SNV."))
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=16)
    signer_title = models.CharField(_("signer's title"), max_length=200)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    template = models.ForeignKey(
        DecisionTemplate,
        verbose_name=_("template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="documents",
        help_text=_("Empty: the default template."),
    )
    movements = models.ManyToManyField(
        "secondments.Secondment", verbose_name=_("movements"), related_name="decision_documents"
    )
    plan = models.ForeignKey(
        "secondments.Plan",
        verbose_name=_("plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="decision_documents",
    )
    file = models.FileField(_("file"), upload_to=_decision_path)
    filename = models.CharField(_("file name"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    scope_paths = {"province": "province", "unit": None}

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        constraints = [
            models.UniqueConstraint(
                fields=["province", "number"],
                name="decision_document_unique_number",
                violation_error_message=_("A decision with this number already exists in the province."),
            )
        ]

    def __str__(self):
        return f"{self.number} ({self.date:%d/%m/%Y})"

    def get_absolute_url(self):
        return reverse("reports:decision-detail", args=[self.pk])
