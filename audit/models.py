"""Who looked at or took away personal records: an append-only log.

Entries are written by ``audit.services.audit_record`` and never changed: saving an existing
entry, deleting one, and bulk updates or deletes through the ORM all raise. Only the retention
purge (``AuditEntry.objects.purge``) removes entries, once they are older than the retention
period.
"""

from django.conf import settings
from django.db import connections, models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """An audit entry was about to be changed or deleted."""


class Action(models.TextChoices):
    STAFF_VIEWED = "staff.view", _("Viewed a staff record")
    STAFF_LISTED = "staff.list", _("Listed staff")
    STAFF_EXPORTED = "staff.export", _("Exported staff")
    EXPORT_DOWNLOADED = "export.download", _("Downloaded an export file")
    TOKEN_USED = "token.use", _("Used an API token")
    PASSWORD_RESET = "password.reset", _("Reset another user's password")


_INSERTS = {}  # database alias -> the INSERT of one entry


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted; they are purged after the retention period.")

    def append(self, **values):
        """Write one entry of ``values`` (the model's fields) with an INSERT whose text is built
        once per database: every listed page writes one, and building it through ``save()`` cost
        as much as the database takes to store it."""
        entry = self.model(**values)
        connection = connections[self.db]
        fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        sql = _INSERTS.get(connection.alias)
        if sql is None:
            qn = connection.ops.quote_name
            sql = _INSERTS[connection.alias] = (
                f"INSERT INTO {qn(self.model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
                f"VALUES ({', '.join(['%s'] * len(fields))})"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, [f.get_db_prep_save(f.pre_save(entry, True), connection) for f in fields])

    def purge(self, before):
        """Delete the entries written before ``before`` (the retention purge); return how many."""
        return self.filter(at__lt=before)._raw_delete(self.db)


class AuditEntry(models.Model):
    """One read or export of personal data, or one use of an API token.

    The user, person and province are kept as plain values beside their ids, so an entry
    still says who and whom after the user or the record is gone.
    """

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("user name"), max_length=150, blank=True)
    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The province whose data was read; its officials see the entry."),
    )
    staff_id = models.BigIntegerField(_("staff id"), null=True, blank=True, db_index=True)
    staff_code = models.CharField(_("staff code"), max_length=50, blank=True)
    staff_name = models.CharField(_("person"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=10, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    params = models.JSONField(_("filters"), default=dict, blank=True)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    token_name = models.CharField(_("token"), max_length=100, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["province", "-at"], name="audit_province_at_idx")]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted; they are purged after the retention period.")
