"""Movement decisions (quyết định biệt phái / điều động / luân chuyển / tăng cường) as Word documents.

``render_decision`` fills a .docx template (docxtpl: Jinja tags inside the Word text) with one
movement or a batch of movements of the same kind: the issuing body, the number and symbol, the
place and date, the "Căn cứ" clauses, the articles naming each person with the sending and
receiving unit, field, period and entitlements, "Nơi nhận" and the signature block. The default
template ships in ``reports/docx/decision_default.docx`` (built by
``scripts/build_decision_template.py``); a province may upload its own, which must render with
``sample_context()`` before it is accepted (``check_template``). The placeholders are listed in
``PLACEHOLDERS`` and in the README.

The decision is a legal document in Vietnamese: its wording is Vietnamese whatever the interface
language.
"""

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from communes.models import ReportLetterhead

DEFAULT_TEMPLATE = Path(__file__).resolve().parent / "docx" / "decision_default.docx"
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 20 * 1024 * 1024

# What the decision says the movement is, by kind: the verb in the title and the articles.
KIND_VERBS = {
    "secondment": "biệt phái",
    "reinforcement": "tăng cường",
    "transfer": "điều động",
    "rotation": "luân chuyển",
}
CATEGORY_NOUNS = {
    "cadre": "cán bộ",
    "civil_servant": "công chức",
    "public_employee": "viên chức",
    "contract": "người lao động",
}
DEFAULT_ENTITLEMENTS = {
    "secondment": (
        "Trong thời gian biệt phái, người được biệt phái được hưởng tiền lương, phụ cấp và các chế độ, "
        "chính sách theo quy định; cơ quan cử người biệt phái tiếp tục quản lý và trả lương."
    ),
    "reinforcement": (
        "Trong thời gian tăng cường, người được tăng cường giữ nguyên biên chế tại cơ quan cử đi và được "
        "hưởng các chế độ, chính sách theo quy định."
    ),
    "transfer": (
        "Người được điều động được xếp lương và hưởng các chế độ, chính sách tại cơ quan, đơn vị mới theo "
        "quy định kể từ ngày Quyết định có hiệu lực."
    ),
    "rotation": (
        "Trong thời gian luân chuyển, người được luân chuyển được hưởng các chế độ, chính sách theo quy định "
        "về luân chuyển cán bộ."
    ),
}
DEFAULT_GROUNDS = [
    "Căn cứ Luật Cán bộ, công chức;",
    "Căn cứ Luật Tổ chức chính quyền địa phương;",
    "Căn cứ các quy định của Chính phủ về tuyển dụng, sử dụng và quản lý công chức;",
]
DEFAULT_RECIPIENTS = ["Như Điều 3;", "Lưu: VT."]

# Every name a template may use, with what it holds (the README lists the same).
PLACEHOLDERS = {
    "issuing_body": "Cơ quan chủ quản, chữ in hoa (ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK)",
    "unit_name": "Cơ quan ban hành, chữ in hoa (SỞ NỘI VỤ)",
    "number": "Số và ký hiệu (125/QĐ-SNV)",
    "place": "Địa danh (Đắk Lắk)",
    "date_line": "Địa danh và ngày tháng (Đắk Lắk, ngày 05 tháng 12 năm 2025)",
    "day, month, year": "Ngày, tháng, năm ban hành, đã thêm số 0 theo Nghị định 30",
    "date": "Ngày ban hành dd/mm/yyyy",
    "kind": "Hình thức: biệt phái, tăng cường, điều động hoặc luân chuyển",
    "kind_upper": "Hình thức, chữ in hoa",
    "category": "Đối tượng: công chức, viên chức, cán bộ (gộp nếu lẫn)",
    "subject": "Trích yếu: Về việc biệt phái công chức",
    "decider": "Chức danh người có thẩm quyền (GIÁM ĐỐC SỞ NỘI VỤ)",
    "grounds": "Danh sách các dòng “Căn cứ …”",
    "plan": "Kế hoạch (name, number, date) hoặc rỗng",
    "people": "Danh sách người; mỗi người: index, name, title (Ông/Bà), birth_date, position, "
    "from_unit, to_unit, field, start, end, period, staff_code",
    "person": "Người đầu tiên (khi quyết định cho một người)",
    "count": "Số người",
    "single": "Đúng nếu quyết định cho một người",
    "entitlements": "Chế độ, chính sách (Điều 2)",
    "recipients": "Danh sách các dòng “Nơi nhận”",
    "signer_authority": "Dòng thẩm quyền ký (KT. GIÁM ĐỐC) hoặc rỗng",
    "signer_title": "Chức danh người ký (PHÓ GIÁM ĐỐC)",
    "signer_name": "Họ và tên người ký",
}


@dataclass
class Signer:
    """Who signs: ``title`` may hold two lines ("KT. GIÁM ĐỐC" then "PHÓ GIÁM ĐỐC")."""

    title: str
    name: str = ""

    @property
    def lines(self):
        lines = [line.strip() for line in self.title.splitlines() if line.strip()]
        return lines or [""]


def padded(day: date):
    """Day and month as Decree 30 writes them: days below 10 and months 1–2 with a leading 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def _category(people_categories):
    nouns = []
    for category in people_categories:
        noun = CATEGORY_NOUNS.get(category, "công chức")
        if noun not in nouns:
            nouns.append(noun)
    return ", ".join(nouns) or "công chức"


def _period(start, end):
    if end is None:
        return f"từ ngày {start:%d/%m/%Y}"
    return f"từ ngày {start:%d/%m/%Y} đến hết ngày {end:%d/%m/%Y}"


def placement_at_start(movement):
    """The person's placement on the movement's start date (their latest when not placed then)."""
    return movement.person.current_placement(movement.start_date)


def person_row(index, movement):
    """One person of the decision, with the post they hold at the sending unit when it starts."""
    person = movement.person
    placed = placement_at_start(movement)
    return {
        "index": index,
        "name": person.full_name,
        "title": "Bà" if person.gender == "female" else "Ông",
        "staff_code": person.staff_code,
        "birth_date": person.birth_date.strftime("%d/%m/%Y") if person.birth_date else "",
        "position": placed.position.name if placed is not None and placed.position_id else "",
        "from_unit": movement.from_unit.name,
        "to_unit": movement.to_unit.name,
        "field": movement.field.name_vi,
        "start": movement.start_date.strftime("%d/%m/%Y"),
        "end": movement.planned_end_date.strftime("%d/%m/%Y") if movement.planned_end_date else "",
        "period": _period(movement.start_date, movement.planned_end_date),
    }


def decision_context(
    movements: Sequence,
    *,
    number: str,
    day: date,
    signer: Signer,
    letterhead,
    decider: str = "",
    grounds: Sequence[str] | None = None,
    recipients: Sequence[str] | None = None,
    entitlements: str = "",
) -> dict:
    """The values a template is filled with (see ``PLACEHOLDERS``)."""
    movements = list(movements)
    if not movements:
        raise ValidationError(_("Choose at least one movement."))
    kinds = {m.kind for m in movements}
    if len(kinds) > 1:
        raise ValidationError(_("One decision covers movements of one kind only."))
    kind = kinds.pop()
    verb = KIND_VERBS[kind]
    category = _category(getattr(placement_at_start(m), "category", "") for m in movements)
    people = [person_row(i, m) for i, m in enumerate(movements, start=1)]
    plan = movements[0].plan if all(m.plan_id == movements[0].plan_id for m in movements) else None
    plan_ctx = None
    if plan is not None:
        plan_ctx = {
            "name": plan.name,
            "number": plan.decision_number,
            "date": plan.decision_date.strftime("%d/%m/%Y") if plan.decision_date else "",
        }
    grounds = list(grounds if grounds is not None else DEFAULT_GROUNDS)
    if plan_ctx and plan_ctx["number"] and not any(plan_ctx["number"] in g for g in grounds):
        grounds.append(f"Căn cứ {plan.name} số {plan_ctx['number']} ngày {plan_ctx['date']};".replace(" ngày ;", ";"))
    dd, mm, yyyy = padded(day)
    lines = signer.lines
    return {
        "issuing_body": letterhead.issuing_body.upper(),
        "unit_name": letterhead.unit_name.upper(),
        "number": number,
        "place": letterhead.place_name,
        "date_line": f"{letterhead.place_name}, ngày {dd} tháng {mm} năm {yyyy}",
        "day": dd,
        "month": mm,
        "year": yyyy,
        "date": day.strftime("%d/%m/%Y"),
        "kind": verb,
        "kind_upper": verb.upper(),
        "category": category,
        "subject": f"Về việc {verb} {category}",
        "decider": decider or f"GIÁM ĐỐC {letterhead.unit_name.upper()}",
        "grounds": grounds,
        "plan": plan_ctx,
        "people": people,
        "person": people[0],
        "count": len(people),
        "single": len(people) == 1,
        "entitlements": entitlements or DEFAULT_ENTITLEMENTS[kind],
        "recipients": list(recipients if recipients is not None else DEFAULT_RECIPIENTS),
        "signer_authority": lines[0] if len(lines) > 1 else "",
        "signer_title": lines[-1],
        "signer_name": signer.name,
    }


def _jinja_env():
    from jinja2 import StrictUndefined
    from jinja2.sandbox import SandboxedEnvironment

    # Sandboxed: a province's template is data, and may not reach Python objects' internals.
    return SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)


def _open_template(template):
    """A path, bytes, a file object or a stored DecisionTemplate (None: the default template)."""
    if template is None:
        return str(DEFAULT_TEMPLATE)
    if hasattr(template, "file") and hasattr(template, "province_id"):
        template.file.open("rb")
        try:
            return io.BytesIO(template.file.read())
        finally:
            template.file.close()
    if isinstance(template, (bytes, bytearray)):
        return io.BytesIO(template)
    return template


def render_context(template, context: dict) -> bytes:
    from docxtpl import DocxTemplate

    doc = DocxTemplate(_open_template(template))
    doc.render(context, _jinja_env(), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_decision(movements, number, date, signer, template=None, *, letterhead=None, **texts) -> bytes:
    """The decision for ``movements`` (one person or a batch of one kind) as .docx bytes.

    ``letterhead`` defaults to the province's ``ReportLetterhead`` (the sending province of the
    first movement); ``texts`` may set ``decider``, ``grounds``, ``recipients``, ``entitlements``.
    """
    movements = list(movements)
    if letterhead is None and movements:
        letterhead = ReportLetterhead.for_province(movements[0].from_unit.province)
    context = decision_context(movements, number=number, day=date, signer=signer, letterhead=letterhead, **texts)
    return render_context(template, context)


def sample_context() -> dict:
    """Two people of a made-up secondment: what an uploaded template must render with."""
    people = [
        {
            "index": i,
            "name": name,
            "title": title,
            "staff_code": f"NV{i:06d}",
            "birth_date": "20/05/1985",
            "position": "Chuyên viên",
            "from_unit": "Sở Tài chính",
            "to_unit": "Xã Hòa Phú",
            "field": "Tài chính",
            "start": "01/08/2025",
            "end": "31/12/2025",
            "period": "từ ngày 01/08/2025 đến hết ngày 31/12/2025",
        }
        for i, (name, title) in enumerate([("Nguyễn Văn An", "Ông"), ("Trần Thị Bình", "Bà")], start=1)
    ]
    return {
        "issuing_body": "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
        "unit_name": "SỞ NỘI VỤ",
        "number": "125/QĐ-SNV",
        "place": "Đắk Lắk",
        "date_line": "Đắk Lắk, ngày 05 tháng 12 năm 2025",
        "day": "05",
        "month": "12",
        "year": "2025",
        "date": "05/12/2025",
        "kind": "biệt phái",
        "kind_upper": "BIỆT PHÁI",
        "category": "công chức",
        "subject": "Về việc biệt phái công chức",
        "decider": "GIÁM ĐỐC SỞ NỘI VỤ",
        "grounds": list(DEFAULT_GROUNDS),
        "plan": {"name": "Kế hoạch tăng cường cán bộ về xã", "number": "12/KH-UBND", "date": "20/06/2025"},
        "people": people,
        "person": people[0],
        "count": len(people),
        "single": False,
        "entitlements": DEFAULT_ENTITLEMENTS["secondment"],
        "recipients": list(DEFAULT_RECIPIENTS),
        "signer_authority": "KT. GIÁM ĐỐC",
        "signer_title": "PHÓ GIÁM ĐỐC",
        "signer_name": "Lê Văn Cường",
    }


def check_template(data: bytes) -> None:
    """Refuse an uploaded template that is too large, not a Word document, or does not render.

    Raises ValidationError with a message in the user's language; returns None when accepted.
    """
    if len(data) > MAX_TEMPLATE_BYTES:
        raise ValidationError(
            _("The template is %(size)s KB; the limit is %(limit)s KB.")
            % {"size": len(data) // 1024, "limit": MAX_TEMPLATE_BYTES // 1024}
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(i.file_size for i in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise ValidationError(_("The template unpacks to more than %(limit)s MB.") % {"limit": 20})
            if "word/document.xml" not in archive.namelist():
                raise ValidationError(_("The file is not a Word document (.docx)."))
    except zipfile.BadZipFile:
        raise ValidationError(_("The file is not a Word document (.docx).")) from None
    from jinja2 import TemplateError

    try:
        render_context(data, sample_context())
    except TemplateError as exc:
        raise ValidationError(
            _("The template does not render with sample data: %(error)s") % {"error": exc.message or str(exc)}
        ) from None
    except Exception as exc:  # a damaged document: python-docx and lxml raise many kinds
        raise ValidationError(_("The template cannot be read: %(error)s") % {"error": str(exc)[:200]}) from None
