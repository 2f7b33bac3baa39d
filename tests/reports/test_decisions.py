"""Movement decisions: rendered from the template, read back with python-docx; templates checked
on upload; the generate page stores the decision with its movements (province officials only)."""

import io
import zipfile
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from docx import Document

from accounts.models import Role
from communes.models import ReportLetterhead
from reports.decisions import DEFAULT_TEMPLATE, Signer, check_template, render_decision
from reports.models import DecisionDocument, DecisionTemplate
from secondments.models import Kind, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages checked below are the English msgids, whatever an earlier test left active."""
    with translation.override("en"):
        yield


SIGNER = Signer("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Lê Thị Hoa")


def text_of(data: bytes) -> list[str]:
    """Every paragraph of the document, tables included, in reading order."""
    doc = Document(io.BytesIO(data))
    lines = []

    def walk(container):
        for block in container.iter_inner_content():
            if hasattr(block, "rows"):
                for row in block.rows:
                    cells = []
                    for cell in row.cells:
                        if cell not in cells:
                            cells.append(cell)
                    for cell in cells:
                        walk(cell)
            elif block.text.strip():
                lines.append(block.text.strip())

    walk(doc)
    return lines


def table_rows(data: bytes, first_header: str):
    doc = Document(io.BytesIO(data))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == first_header)
    return [[c.text for c in row.cells] for row in table.rows]


@pytest.fixture
def w():
    w = b.World()
    an, binh, _cuong = w.people
    w.binh = binh
    w.an = an
    w.m_an = f.movement(
        an, w.commune, status=Status.PROPOSED, plan=w.plan, start=date(2025, 8, 1), end=date(2025, 12, 31)
    )
    w.m_binh = f.movement(binh, w.other_commune, status=Status.PROPOSED, plan=w.plan, start=date(2025, 9, 1))
    return w


def test_decision_for_one_person(w):
    data = render_decision([w.m_an], "125/QĐ-SNV", date(2025, 12, 5), SIGNER)
    lines = text_of(data)
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK",
        "SỞ NỘI VỤ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 125/QĐ-SNV",
        "Đắk Lắk, ngày 05 tháng 12 năm 2025",
    ]
    i = lines.index("QUYẾT ĐỊNH")
    assert lines[i + 1 : i + 3] == ["Về việc biệt phái công chức", "GIÁM ĐỐC SỞ NỘI VỤ"]
    grounds = lines[i + 3 : lines.index("QUYẾT ĐỊNH:")]
    assert grounds[0] == "Căn cứ Luật Cán bộ, công chức;"
    assert grounds[-1] == "Căn cứ Kế hoạch tăng cường cán bộ về xã số 12/KH-UBND ngày 20/06/2025;"
    assert (
        "Điều 1. Biệt phái ông Nguyễn Văn An, Sở Tài chính, đến công tác tại Xã Hòa Phú, lĩnh vực Tài chính, "
        "từ ngày 01/08/2025 đến hết ngày 31/12/2025." in lines
    )
    assert any(line.startswith("Điều 2. Trong thời gian biệt phái") for line in lines)
    assert any(line.startswith("Điều 3.") and "ông Nguyễn Văn An chịu trách nhiệm" in line for line in lines)
    assert lines[lines.index("Nơi nhận:") :] == [
        "Nơi nhận:",
        "- Như Điều 3;",
        "- Lưu: VT.",
        "KT. GIÁM ĐỐC",
        "PHÓ GIÁM ĐỐC",
        "Lê Thị Hoa",
    ]


def test_decision_for_a_batch_lists_each_person_in_a_table(w):
    w.binh.gender = "female"
    w.binh.save()
    ReportLetterhead.objects.create(
        province=w.province,
        issuing_body="Ủy ban nhân dân tỉnh Đắk Lắk",
        unit_name="Sở Nội vụ",
        symbol_suffix="SNV",
        place_name="Buôn Ma Thuột",
        signer_title="GIÁM ĐỐC",
    )
    m_binh = type(w.m_binh).objects.get(pk=w.m_binh.pk)
    data = render_decision([w.m_an, m_binh], "7/QĐ-SNV", date(2026, 3, 2), Signer("GIÁM ĐỐC", "Phạm Văn Tâm"))
    lines = text_of(data)
    assert lines[0] == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK" and "Buôn Ma Thuột, ngày 02 tháng 3 năm 2026" in lines
    assert (
        "Điều 1. Biệt phái 2 công chức có tên sau đến công tác tại các cơ quan, đơn vị, lĩnh vực và trong thời gian "
        "như sau:" in lines
    )
    rows = table_rows(data, "STT")
    assert rows[1:] == [
        ["1", "Nguyễn Văn An", "", "Sở Tài chính", "Xã Hòa Phú", "Tài chính", "01/08/2025 – 31/12/2025"],
        ["2", "Trần Thị Bình", "", "Sở Tài chính", "Xã Ea Tu", "Tài chính", "01/09/2025 – 31/12/2025"],
    ]
    assert any("các ông, bà có tên tại Điều 1 chịu trách nhiệm" in line for line in lines)
    assert lines[lines.index("Nơi nhận:") + 3 :] == ["GIÁM ĐỐC", "Phạm Văn Tâm"]


def test_one_decision_covers_one_kind(w):
    other = f.movement(w.people[2], w.commune, kind=Kind.TRANSFER, status=Status.PROPOSED)
    with pytest.raises(ValidationError) as exc:
        render_decision([w.m_an, other], "1/QĐ-SNV", date(2025, 12, 5), SIGNER)
    assert exc.value.messages == ["One decision covers movements of one kind only."]


def test_the_default_template_passes_its_own_check():
    check_template(DEFAULT_TEMPLATE.read_bytes())


def docx_with(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a zip", "The file is not a Word document (.docx)."),
        (docx_with("Số: {{ numbr }}"), "The template does not render with sample data: 'numbr' is undefined"),
        (docx_with("{% for p in people %}"), "The template does not render with sample data: "),
        (b"x" * (2 * 1024 * 1024 + 1), "The template is 2048 KB; the limit is 2048 KB."),
    ],
)
def test_bad_templates_are_refused_with_a_reason(data, message):
    with pytest.raises(ValidationError) as exc:
        check_template(data)
    assert exc.value.messages[0].startswith(message)


def test_a_zip_that_is_not_a_word_document_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ValidationError) as exc:
        check_template(out.getvalue())
    assert exc.value.messages == ["The file is not a Word document (.docx)."]


# --- Pages ----------------------------------------------------------------------------------------


def test_upload_page_refuses_a_bad_template_and_saves_nothing(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    upload = SimpleUploadedFile("mau.docx", docx_with("{{ unknown_name }}"))
    response = client.post(reverse("reports:decision-templates"), {"name": "Mẫu tỉnh", "file": upload})
    assert response.status_code == 400
    assert (
        "The template does not render with sample data: &#x27;unknown_name&#x27; is undefined"
        in response.content.decode()
    )
    assert not DecisionTemplate.objects.exists()


def test_upload_page_keeps_a_good_template_as_the_default(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    upload = SimpleUploadedFile("mau.docx", DEFAULT_TEMPLATE.read_bytes())
    response = client.post(
        reverse("reports:decision-templates"), {"name": "Mẫu tỉnh", "file": upload, "is_default": "on"}
    )
    assert response.status_code == 302
    template = DecisionTemplate.objects.get()
    assert (template.province, template.name, template.is_default) == (w.province, "Mẫu tỉnh", True)
    page = client.get(reverse("reports:decision-templates")).content.decode()
    assert "Mẫu tỉnh" in page and "<code>signer_name</code>" in page


def test_generate_page_stores_the_decision_with_its_movements(client, login_as, w):
    official = login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    url = reverse("reports:decision-create") + f"?plan={w.plan.pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial["movements"] == [w.m_binh.pk, w.m_an.pk]  # by receiving unit: Ea Tu first
    data = {
        "movements": [w.m_an.pk, w.m_binh.pk],
        "number": "125/QĐ-SNV",
        "date": "05/12/2025",
        "decider": "GIÁM ĐỐC SỞ NỘI VỤ",
        "signer_title": "GIÁM ĐỐC",
        "signer_name": "Phạm Văn Tâm",
        "grounds": "Căn cứ Luật Cán bộ, công chức;\n\nCăn cứ Quyết định số 9/QĐ-UBND;",
        "recipients": "Như Điều 3;\nLưu: VT.",
        "entitlements": "",
    }
    response = client.post(url, data)
    doc = DecisionDocument.objects.get()
    assert response.status_code == 302 and response["Location"] == doc.get_absolute_url()
    assert (doc.number, doc.date, doc.kind, doc.plan, doc.created_by) == (
        "125/QĐ-SNV",
        date(2025, 12, 5),
        "secondment",
        w.plan,
        official,
    )
    assert set(doc.movements.all()) == {w.m_an, w.m_binh}
    assert doc.filename == "quyet-dinh-biet-phai-125-qd-snv-2025-12-05.docx"
    # The decision's number and date become the movements' own: the proposals are approved with them.
    for m in (w.m_an, w.m_binh):
        m.refresh_from_db()
        assert (m.status, m.decision_number, m.decision_date) == (Status.APPROVED, "125/QĐ-SNV", date(2025, 12, 5))
    assert w.m_an.history.first().history_change_reason == "Approved: 125/QĐ-SNV"
    download = client.get(reverse("reports:decision-download", args=[doc.pk]))
    assert download.status_code == 200
    assert f'filename="{doc.filename}"' in download["Content-Disposition"]
    lines = text_of(b"".join(download.streaming_content))
    assert "Số: 125/QĐ-SNV" in lines and "Căn cứ Quyết định số 9/QĐ-UBND;" in lines
    # The same number again is refused, with the reason on the number field.
    again = client.post(url, data)
    assert again.status_code == 400
    assert again.context["form"].errors["number"] == ["A decision with this number already exists in the province."]
    assert DecisionDocument.objects.count() == 1


def test_document_pages_permissions(client, login_as, w):
    other = f.user(Role.PROVINCE_OFFICIAL, prov=w.far_province)
    far_doc = DecisionDocument.objects.create(
        province=w.far_province, number="1/QĐ-SNV", date=date(2025, 12, 1), kind="secondment", signer_title="GĐ",
        filename="x.docx", created_by=other,
    )  # fmt: skip
    login_as(Role.COMMUNE_OFFICER, unit=w.commune)
    for name in ("reports:letterhead", "reports:decision-templates", "reports:decision-list"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("reports:decision-create") + f"?movement={w.m_an.pk}").status_code == 403
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    for name in ("reports:letterhead", "reports:decision-templates", "reports:decision-list"):
        assert client.get(reverse(name)).status_code == 200
    assert client.get(reverse("reports:decision-create") + f"?movement={w.m_an.pk}").status_code == 200
    assert client.get(reverse("reports:decision-detail", args=[far_doc.pk])).status_code == 404
    assert client.get(reverse("reports:decision-create") + f"?movement={w.far_person.pk}").status_code == 404
    far_move = f.movement(w.far_person, w.far_commune, status=Status.PROPOSED)
    assert client.get(reverse("reports:decision-create") + f"?movement={far_move.pk}").status_code == 404


def test_letterhead_page_saves_the_provinces_letterhead(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    page = client.get(reverse("reports:letterhead"))
    assert page.context["form"].initial["issuing_body"] == "ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK"
    data = dict(page.context["form"].initial)
    data.update(signer_name="Phạm Văn Tâm", preparer_name="Nguyễn Thị Lan", place_name="Buôn Ma Thuột")
    data = {k: v for k, v in data.items() if k in page.context["form"].fields}
    assert client.post(reverse("reports:letterhead"), data).status_code == 302
    saved = ReportLetterhead.objects.get(province=w.province)
    assert (saved.signer_name, saved.preparer_name, saved.place_name) == (
        "Phạm Văn Tâm",
        "Nguyễn Thị Lan",
        "Buôn Ma Thuột",
    )


def test_an_approved_movement_takes_the_generated_decisions_number(w):
    from reports.services import decision_create
    from secondments.services import secondment_approve

    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    secondment_approve(secondment=w.m_binh, by=official, decision_number="1/tạm", decision_date=date(2025, 8, 20))
    w.m_binh.refresh_from_db()
    doc = decision_create(
        movements=[w.m_binh], number="130/QĐ-SNV", day=date(2025, 8, 25), signer=SIGNER, by=official,
        decider="GIÁM ĐỐC SỞ NỘI VỤ", grounds=["Căn cứ …;"], recipients=["Lưu: VT."], entitlements="",
    )  # fmt: skip
    w.m_binh.refresh_from_db()
    assert (w.m_binh.decision_number, w.m_binh.decision_date) == ("130/QĐ-SNV", date(2025, 8, 25))
    assert list(doc.movements.all()) == [w.m_binh]
    assert w.m_binh.history.first().history_change_reason == "Decision: 130/QĐ-SNV"


def test_a_decision_that_cannot_approve_stores_nothing(w):
    from reports.services import decision_create

    commune_officer = f.user(Role.COMMUNE_OFFICER, unit=w.commune)
    with pytest.raises(PermissionDenied):
        decision_create(
            movements=[w.m_an], number="131/QĐ-SNV", day=date(2025, 8, 25), signer=SIGNER, by=commune_officer,
            decider="GIÁM ĐỐC SỞ NỘI VỤ", grounds=["Căn cứ …;"], recipients=["Lưu: VT."], entitlements="",
        )  # fmt: skip
    assert DecisionDocument.objects.count() == 0
    w.m_an.refresh_from_db()
    assert (w.m_an.status, w.m_an.decision_number) == (Status.PROPOSED, "")
