"""Personal fields (gender, birth date, qualification) reach only users granted them: officers
who keep rosters by their role, national viewers and API clients by ``personal_data_access`` —
on the record page, the roster, the API and the staff export. API clients never use the pages."""

import io
import json
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Role
from tests import factories as f
from tests.staffing import support

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

BIRTH = date(1984, 3, 7)
SHOWN = "07/03/1984"


@pytest.fixture
def person(world):
    return f.staff(world.commune, world.land, name="Nguyễn Văn Riêng", birth_date=BIRTH)


def api(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(user)}")
    return client


@pytest.mark.parametrize(
    "role, granted, sees",
    [
        (Role.PROVINCE_OFFICIAL, False, True),
        (Role.COMMUNE_OFFICER, False, True),
        (Role.NATIONAL_VIEWER, False, False),
        (Role.NATIONAL_VIEWER, True, True),
    ],
)
def test_record_page_and_roster_show_birth_dates_only_when_granted(client, world, person, role, granted, sees):
    user = support.officer(world, role)
    user.personal_data_access = granted
    user.save()
    client.force_login(user)
    html = client.get(reverse("staff-detail", args=[person.pk])).content.decode()
    assert (SHOWN in html) is sees
    assert ('data-value="birth_date"' in html) is sees and ('data-value="qualification"' in html) is sees
    assert "Nguyễn Văn Riêng" in html
    roster = client.get(reverse("unit-roster", args=["24001"])).content.decode()
    assert "Nguyễn Văn Riêng" in roster
    assert (SHOWN in roster) is sees and ("Date of birth" in roster) is sees


def test_roster_without_the_grant_ignores_sorting_by_birth_date(client, world, person):
    f.staff(world.commune, world.land, name="Lê Văn Trẻ", birth_date=date(2000, 1, 1))
    client.force_login(support.officer(world, Role.NATIONAL_VIEWER))
    html = client.get(reverse("unit-roster", args=["24001"]) + "?ordering=-birth_date").content.decode()
    # Sorted by given name as usual (Riêng before Trẻ), not youngest first.
    assert html.index("Nguyễn Văn Riêng") < html.index("Lê Văn Trẻ")


@pytest.mark.parametrize("granted", [False, True])
def test_api_client_sees_personal_fields_only_when_granted(world, person, granted):
    user = f.user(Role.API_CLIENT, prov=world.province, personal_data_access=granted)
    client = api(user)
    record = client.get(f"/api/v1/staff/{person.pk}/").json()
    assert record["full_name"] == "Nguyễn Văn Riêng"
    assert ("birth_date" in record) is granted and ("gender" in record) is granted
    assert ("qualification" in record) is granted
    rows = client.get(reverse("api-report-staff")).json()["results"]
    assert [r["full_name"] for r in rows] == ["Nguyễn Văn Riêng"]
    assert ("birth_date" in rows[0]) is granted
    if granted:
        assert record["birth_date"] == rows[0]["birth_date"] == "1984-03-07"


def export_header(response):
    data = b"".join(response.streaming_content) if response.streaming else response.content
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header = next(r for r in rows if "Full name" in r)
    return header, rows


@pytest.mark.parametrize("granted", [False, True])
def test_staff_export_leaves_out_personal_columns_without_the_grant(client, world, person, granted):
    client.cookies["django_language"] = "en"
    user = f.user(Role.NATIONAL_VIEWER, personal_data_access=granted)
    client.force_login(user)
    response = client.get(reverse("reports:export-staff"))
    assert response.status_code == 200
    header, rows = export_header(response)
    assert ("Date of birth" in header) is granted and ("Qualification" in header) is granted
    assert ("Gender" in header) is granted
    assert len(header) == (13 if granted else 10)  # STT and 12 columns, or 9 without the personal 3
    person_row = next(r for r in rows if "Nguyễn Văn Riêng" in r)
    assert any(getattr(v, "year", None) == 1984 for v in person_row) is granted


def test_api_client_is_refused_on_every_page(client, world):
    user = f.user(Role.API_CLIENT, prov=world.province)
    client.force_login(user)  # a session made past the sign-in form
    for url in (reverse("home"), reverse("unit-list"), reverse("account"), reverse("reports:export-staff")):
        response = client.get(url)
        assert response.status_code == 403
        assert "cannot sign in to the web pages" in response.content.decode()
    assert client.get("/api/v1/units/").status_code == 200
    response = client.post("/login/", {"username": user.username, "password": "pw-Test-12345"})
    assert "cannot sign in to the web pages" in response.content.decode()


def test_sign_in_refuses_api_clients(client, world):
    user = f.user(Role.API_CLIENT, prov=world.province)
    response = client.post(reverse("login"), {"username": user.username, "password": "pw-Test-12345"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert json.dumps(True)
