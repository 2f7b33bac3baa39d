from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from communes.text import normalize_search, vietnamese_sort_key


class Province(models.Model):
    """One of the 34 provinces and centrally-run cities after the July 2025 reform.

    The code is the two-digit code of the General Statistics Office (e.g. "66" Đắk Lắk); the
    province's Home Affairs department (Sở Nội vụ) manages staffing for all units in it.
    """

    code = models.CharField(_("code"), max_length=2, unique=True, help_text=_("GSO province code, e.g. 66."))
    name = models.CharField(_("name"), max_length=100)
    division_type = models.CharField(_("division type"), max_length=40, blank=True)

    scope_paths = {"province": "pk", "unit": None}

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        for prefix in ("Thành phố ", "Tỉnh "):
            if self.name.startswith(prefix):
                return self.name[len(prefix) :]
        return self.name


class UnitKind(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    WARD = "ward", _("Ward")
    SPECIAL_ZONE = "special_zone", _("Special zone")
    DEPARTMENT = "department", _("Department")
    PUBLIC_SERVICE_UNIT = "public_service_unit", _("Public service unit")


COMMUNE_LEVEL_KINDS = (UnitKind.COMMUNE, UnitKind.WARD, UnitKind.SPECIAL_ZONE)
PROVINCIAL_KINDS = (UnitKind.DEPARTMENT, UnitKind.PUBLIC_SERVICE_UNIT)


class UnitQuerySet(models.QuerySet):
    def communes(self):
        return self.filter(kind__in=COMMUNE_LEVEL_KINDS)

    def provincial(self):
        return self.filter(kind__in=PROVINCIAL_KINDS)


class Unit(models.Model):
    """An organisation that holds staff and a quota.

    Commune-level units (xã, phường, đặc khu) carry their GSO five-digit code; provincial
    departments (sở, ban, ngành) and public service units (đơn vị sự nghiệp công lập) carry a
    code of the province's own. A public service unit may sit under a department (``parent``).
    """

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=32, choices=UnitKind.choices)
    province = models.ForeignKey(Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("Department a public service unit belongs to."),
    )
    is_disadvantaged = models.BooleanField(_("especially disadvantaged"), default=False)
    is_border = models.BooleanField(_("border"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.CharField(max_length=200, editable=False, db_index=True, default="")
    sort_key = models.CharField(
        max_length=600,
        editable=False,
        default="",
        help_text=_("The name's key in Vietnamese alphabetical order (communes.text.vietnamese_sort_key)."),
    )

    objects = UnitQuerySet.as_manager()

    scope_paths = {"province": "province", "unit": ["self"]}

    class Meta:
        ordering = ["province__code", "kind", "sort_key", "code"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [
            models.Index(fields=["province", "kind"], name="unit_province_kind_idx"),
            models.Index(fields=["province", "kind", "sort_key"], name="unit_province_kind_sort_idx"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A unit cannot be its own parent.")})
        if self.parent_id and self.parent.province_id != self.province_id:
            raise ValidationError({"parent": _("The parent unit is in another province.")})

    def save(self, *args, **kwargs):
        self.search_text = normalize_search(self.name)
        self.sort_key = vietnamese_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_text", "sort_key"}
        super().save(*args, **kwargs)

    @property
    def is_commune_level(self):
        return self.kind in COMMUNE_LEVEL_KINDS
