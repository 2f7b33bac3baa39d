from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    NATIONAL_VIEWER = "national_viewer", _("National viewer")
    PROVINCE_OFFICIAL = "province_official", _("Province official")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    API_CLIENT = "api_client", _("API client")


UNIT_ROLES = (Role.DEPARTMENT_OFFICER, Role.COMMUNE_OFFICER)


class User(AbstractUser):
    """A person or system signing in to Biên chế.

    The role says what kind of work they do; the province or unit says where. A commune officer
    (usually the commune chair) works on one commune, a department officer on one provincial
    department, a province official on a whole province (Sở Nội vụ), a national viewer reads
    everything. An API client reads one province, or everything when no province is set.
    """

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.NATIONAL_VIEWER)
    province = models.ForeignKey(
        "communes.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Province the user works for; set for province officials and unit officers."),
    )
    unit = models.ForeignKey(
        "communes.Unit",
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text=_("Commune or department the user works for; set for unit officers."),
    )
    personal_data_access = models.BooleanField(
        _("may see personal data"),
        default=False,
        help_text=_(
            "Birth dates, gender and qualifications are shown to province, department and commune officers; "
            "national viewers and API clients see them only when this is granted."
        ),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when someone else reset the password: the user chooses a new one at the next sign-in."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=UNIT_ROLES) | Q(unit__isnull=False),
                name="user_unit_role_has_unit",
                violation_error_message=_("Department and commune officers must have a unit."),
            ),
            models.CheckConstraint(
                condition=~Q(role=Role.PROVINCE_OFFICIAL) | Q(province__isnull=False),
                name="user_province_official_has_province",
                violation_error_message=_("Province officials must have a province."),
            ),
        ]

    def clean(self):
        super().clean()
        if self.unit_id and self.province_id and self.unit.province_id != self.province_id:
            raise ValidationError({"unit": _("The unit is not in the user's province.")})

    def get_full_name(self):
        """The name as Vietnamese write it: family and middle names (``last_name``), then the given name."""
        return " ".join(part for part in (self.last_name.strip(), self.first_name.strip()) if part)

    def save(self, *args, **kwargs):
        if self.unit_id and not self.province_id:
            self.province_id = self.unit.province_id
        super().save(*args, **kwargs)


class ApiTokenQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now)


class ApiToken(models.Model):
    """A named key with which another system reads the API (``Authorization: Token <key>``).

    Only a SHA-256 digest of the key is stored: the key is shown once, when the token is
    created. A token stops working when it expires or is revoked; its row stays as a record.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. the system using it."))
    prefix = models.CharField(
        _("prefix"), max_length=12, help_text=_("The first characters of the key, to recognise it.")
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now):
        return self.revoked_at is None and self.expires_at > now
