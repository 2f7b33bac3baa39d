from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PlannerRun(models.Model):
    """One run of the rebalancing planner: its inputs (province, plan, start date, knobs) and the
    proposal it produced, kept so runs can be compared and their moves accepted later.

    ``result`` holds the proposal as plain JSON (moves with their reasons, cells before and after,
    sending units, unmet shortage with its cause, quality figures); ``accepted`` maps a move's
    index to the draft movement its acceptance created, so accepting twice creates nothing new.
    """

    province = models.ForeignKey(
        "communes.Province", verbose_name=_("province"), on_delete=models.CASCADE, related_name="planner_runs"
    )
    plan = models.ForeignKey(
        "secondments.Plan",
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="planner_runs",
    )
    start_date = models.DateField(_("start date"))
    knobs = models.JSONField(_("settings"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    stage = models.CharField(_("stage"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    accepted = models.JSONField(_("accepted moves"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    scope_paths = {"province": "province", "unit": None}

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("planner run")
        verbose_name_plural = _("planner runs")
        indexes = [models.Index(fields=["plan", "-created_at"], name="planner_run_plan_idx")]

    def __str__(self):
        return f"#{self.pk} {self.start_date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("planner:run-detail", args=[self.pk])

    @property
    def is_finished(self):
        return self.status in (RunStatus.DONE, RunStatus.FAILED)

    @property
    def moves(self):
        return self.result.get("moves", [])
