"""Writes of the reports app: generated decisions, stored with the movements they cover."""

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from communes.models import ReportLetterhead
from core.excel import export_filename
from reports.decisions import KIND_VERBS, Signer, render_decision
from reports.models import DecisionDocument, DecisionTemplate


def decision_filename(kind: str, number: str, day: date) -> str:
    """ "quyet-dinh-biet-phai-125-qd-snv-2025-12-05.docx"."""
    return export_filename("quyet dinh", KIND_VERBS.get(kind, kind), number, day=day, ext="docx")


@transaction.atomic
def decision_create(
    *,
    movements,
    number: str,
    day: date,
    signer: Signer,
    by,
    template: DecisionTemplate | None = None,
    **texts,
) -> DecisionDocument:
    """Render the decision for ``movements`` and keep it (file, number, date, the movements covered).

    The movements must belong to one province and be of one kind; the number must be new in the
    province. Nothing is stored if rendering fails. Approving the movements with this number is
    the approval flow's business (it calls this function, then records the number on each one).
    """
    movements = list(movements)
    if not movements:
        raise ValidationError(_("Choose at least one movement."))
    provinces = {m.from_unit.province_id for m in movements}
    if len(provinces) > 1:
        raise ValidationError(_("One decision covers movements of one province only."))
    province = movements[0].from_unit.province
    if template is not None and template.province_id != province.pk:
        raise ValidationError(_("The template belongs to another province."))
    number = number.strip()
    if DecisionDocument.objects.filter(province=province, number=number).exists():
        raise ValidationError({"number": _("A decision with this number already exists in the province.")})
    data = render_decision(
        movements, number, day, signer, template, letterhead=ReportLetterhead.for_province(province), **texts
    )
    plans = {m.plan_id for m in movements}
    doc = DecisionDocument(
        province=province,
        number=number,
        date=day,
        kind=movements[0].kind,
        signer_title=signer.title,
        signer_name=signer.name,
        template=template,
        plan=movements[0].plan if len(plans) == 1 and None not in plans else None,
        filename=decision_filename(movements[0].kind, number, day),
        created_by=by,
    )
    doc.file.save(doc.filename, ContentFile(data), save=False)
    doc.save()
    doc.movements.set(movements)
    return doc


@transaction.atomic
def decision_template_upload(*, province, name: str, data: bytes, filename: str, is_default: bool, by):
    """Keep a province's checked template; making it the default unsets the previous default."""
    from reports.decisions import check_template

    check_template(data)
    if is_default:
        DecisionTemplate.objects.filter(province=province, is_default=True).update(is_default=False)
    template = DecisionTemplate(province=province, name=name, is_default=is_default, uploaded_by=by)
    template.file.save(filename, ContentFile(data), save=False)
    template.save()
    return template
