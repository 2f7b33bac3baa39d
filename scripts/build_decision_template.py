"""Build the default decision template, reports/docx/decision_default.docx, with python-docx.

The template is a Word document whose text holds docxtpl tags ({{ … }}, {%p … %}, {%tr … %});
reports/decisions.py fills it. The layout follows Decree 30/2020/NĐ-CP: issuing body and number
top left, national motto and date top right, the title and subject, the grounds ("Căn cứ"), the
articles, "Nơi nhận" bottom left and the signature bottom right; Times New Roman 13–14, A4.

    .venv/bin/python scripts/build_decision_template.py
"""

from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

OUT = Path(__file__).resolve().parent.parent / "reports" / "docx" / "decision_default.docx"
FONT = "Times New Roman"


def para(container, text="", *, bold=False, italic=False, size=13, align=None, space_after=0, indent=False):
    p = container.add_paragraph()
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "justify":
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt = p.paragraph_format
    fmt.space_after = Pt(space_after)
    fmt.space_before = Pt(0)
    if indent:
        fmt.first_line_indent = Cm(1)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        run.font.size = Pt(size)
        run.font.name = FONT
    return p


def widths(table, cms):
    table.autofit = False
    for col, cm in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), cms, strict=True):
        col.set(qn("w:w"), str(int(Cm(cm).twips)))
    for row in table.rows:
        for cell, cm in zip(row.cells, cms, strict=True):
            cell.width = Cm(cm)


def short_rule(container, indent):
    """A short line under a centred heading: a tiny paragraph, indented on both sides, with a top border."""
    paragraph = para(container, "", size=2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = Cm(indent)
    fmt.right_indent = Cm(indent)
    fmt.line_spacing = Pt(2)
    p_pr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    p_pr.append(borders)


def no_borders(table):
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def cell_para(cell, text="", **kwargs):
    """Write into the cell's first paragraph while it is empty, else add one."""
    first = cell.paragraphs[0]
    p = first if len(cell.paragraphs) == 1 and not first.runs else None
    if p is None:
        return para(cell, text, **kwargs)
    if kwargs.get("align") == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_after = Pt(0)
    if text:
        run = p.add_run(text)
        run.bold, run.italic = kwargs.get("bold", False), kwargs.get("italic", False)
        run.font.size = Pt(kwargs.get("size", 13))
        run.font.name = FONT
    return p


def build():
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)

    head = doc.add_table(rows=2, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(head)
    widths(head, [6.5, 9.5])
    left, right = head.rows[0].cells
    cell_para(left, "{{ issuing_body }}", align="center", size=12)
    cell_para(left, "{{ unit_name }}", bold=True, align="center", size=12)
    short_rule(left, 2.2)
    cell_para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align="center", size=12)
    cell_para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align="center", size=13)
    short_rule(right, 2.2)
    left, right = head.rows[1].cells
    cell_para(left, "Số: {{ number }}", align="center")
    cell_para(right, "{{ date_line }}", italic=True, align="center", size=14)

    para(doc, "", space_after=6)
    para(doc, "QUYẾT ĐỊNH", bold=True, size=14, align="center")
    para(doc, "{{ subject }}", bold=True, size=14, align="center")
    short_rule(doc, 6)
    para(doc, "{{ decider }}", bold=True, size=14, align="center", space_after=6)

    para(doc, "{%p for ground in grounds %}")
    para(doc, "{{ ground }}", italic=True, size=14, align="justify", indent=True, space_after=3)
    para(doc, "{%p endfor %}")
    para(doc, "QUYẾT ĐỊNH:", bold=True, size=14, align="center", space_after=6)

    para(doc, "{%p if single %}")
    p = para(doc, "", size=14, align="justify", indent=True, space_after=6)
    run = p.add_run("Điều 1. ")
    run.bold = True
    run.font.size = Pt(14)
    run = p.add_run(
        "{{ kind|capitalize }} {{ person.title|lower }} {{ person.name }}, "
        "{% if person.position %}{{ person.position }}, {% endif %}{{ person.from_unit }}, "
        "đến công tác tại {{ person.to_unit }}, lĩnh vực {{ person.field }}, {{ person.period }}."
    )
    run.font.size = Pt(14)
    para(doc, "{%p else %}")
    p = para(doc, "", size=14, align="justify", indent=True, space_after=6)
    run = p.add_run("Điều 1. ")
    run.bold = True
    run.font.size = Pt(14)
    run = p.add_run(
        "{{ kind|capitalize }} {{ count }} {{ category }} có tên sau đến công tác tại các cơ quan, đơn vị, "
        "lĩnh vực và trong thời gian như sau:"
    )
    run.font.size = Pt(14)
    table = doc.add_table(rows=3, cols=7)
    table.style = "Table Grid"
    headers = ["STT", "Họ và tên", "Vị trí việc làm", "Cơ quan, đơn vị công tác", "Nơi đến", "Lĩnh vực", "Thời gian"]
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell_para(cell, text, bold=True, align="center", size=11)
    cells = table.rows[1].cells
    cell_para(cells[0], "{%tr for p in people %}", size=11)
    values = ["{{ p.index }}", "{{ p.name }}", "{{ p.position }}", "{{ p.from_unit }}", "{{ p.to_unit }}"]
    values += ["{{ p.field }}"]
    row = table.rows[2].cells
    for cell, text in zip(row, values + ["{{ p.start }} – {{ p.end }}"], strict=True):
        cell_para(cell, text, size=11, align="center" if text == "{{ p.index }}" else None)
    end = table.add_row().cells
    cell_para(end[0], "{%tr endfor %}", size=11)
    widths(table, [1.1, 3, 2.4, 2.8, 2.4, 2.1, 2.2])
    para(doc, "{%p endif %}")

    p = para(doc, "", size=14, align="justify", indent=True, space_after=6)
    run = p.add_run("Điều 2. ")
    run.bold = True
    run.font.size = Pt(14)
    run = p.add_run("{{ entitlements }}")
    run.font.size = Pt(14)
    p = para(doc, "", size=14, align="justify", indent=True, space_after=12)
    run = p.add_run("Điều 3. ")
    run.bold = True
    run.font.size = Pt(14)
    run = p.add_run(
        "Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ trưởng các cơ quan, đơn vị có liên quan "
        "và {% if single %}{{ person.title|lower }} {{ person.name }}{% else %}các ông, bà có tên tại Điều 1"
        "{% endif %} chịu trách nhiệm thi hành Quyết định này."
    )
    run.font.size = Pt(14)

    foot = doc.add_table(rows=1, cols=2)
    no_borders(foot)
    widths(foot, [7.5, 8.5])
    left, right = foot.rows[0].cells
    cell_para(left, "Nơi nhận:", bold=True, italic=True, size=12)
    para(left, "{%p for r in recipients %}", size=11)
    para(left, "- {{ r }}", size=11)
    para(left, "{%p endfor %}", size=11)
    cell_para(right, "{{ signer_authority }}", bold=True, align="center", size=14)
    para(right, "{{ signer_title }}", bold=True, align="center", size=14)
    for _ in range(4):
        para(right, "", size=14)
    para(right, "{{ signer_name }}", bold=True, align="center", size=14)

    OUT.parent.mkdir(parents=True, exist_ok=True)
    doc.save(OUT)
    return OUT


if __name__ == "__main__":
    print(build())
