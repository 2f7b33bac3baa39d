"""Control characters (\\x00–\\x1f but tab, line feed and carriage return; and DEL) are refused
wherever text enters — model fields, forms, API — with a message and nothing written; text
already stored is cleaned; an export never fails on a stored one."""

import io
import json
from datetime import date

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework import serializers

from accounts.models import Role
from core.apps import project_text_fields
from core.checks import text_fields_refuse_control_characters
from core.cleaning import clean_stored_text
from core.validators import no_control_characters, strip_control_characters
from staffing.models import QuotaRequest, Staff
from tests import factories as f
from tests.staffing import support
from tests.staffing.support import counts, officer

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

MESSAGE = "This text holds an invisible control character"
HOSTILE = ["Nguyễn\x0bVăn", "Lê\x1fThị", "Trần\x7f", "Phạm\x00Văn", "Hồ\x08"]


@pytest.mark.parametrize("value", HOSTILE)
def test_the_validator_refuses_each_control_character(value):
    with pytest.raises(ValidationError, match=MESSAGE):
        no_control_characters(value)


@pytest.mark.parametrize("value", ["Nguyễn Văn A", "dòng 1\ndòng 2\r\n", "cột\tcột", ""])
def test_tab_newline_and_plain_text_pass(value):
    no_control_characters(value)


def test_every_model_text_field_of_the_project_refuses_them():
    fields = list(project_text_fields())
    assert len(fields) > 50
    assert text_fields_refuse_control_characters(None) == []
    assert all(no_control_characters in field.validators for _model, field in fields)
    assert (Staff, Staff._meta.get_field("full_name")) in fields


def test_hand_written_form_and_api_fields_refuse_them():
    form = forms.Form()
    form.fields["reply"] = forms.CharField()
    form.data, form.is_bound = {"reply": "không\x0bđồng ý"}, True
    assert MESSAGE in str(form.errors["reply"])
    api = serializers.Serializer()
    field = serializers.CharField()
    with pytest.raises(serializers.ValidationError, match=MESSAGE):
        field.run_validation("a\x1fb")
    assert api is not None


def staff_post(world, **extra):
    return {
        "staff_code": "NEW1",
        "full_name": "Nguyễn Văn Mới",
        "gender": "female",
        "birth_date": "15/01/1990",
        "category": "civil_servant",
        "field": world.land.pk,
        "qualification": "bachelor",
        **extra,
    }


@pytest.mark.parametrize("value", HOSTILE)
def test_staff_form_refuses_a_name_with_a_control_character(client, world, value):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    before = counts()
    response = client.post(reverse("staff-create", args=["24001"]), staff_post(world, full_name=value))
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert counts() == before


def test_staff_edit_refuses_a_control_character_and_keeps_the_record(client, world):
    person = f.staff(world.commune, world.land, name="Nguyễn Văn A")
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    before = counts()
    data = staff_post(world, staff_code=person.staff_code, full_name="Nguyễn\x0bVăn A", version=1)
    response = client.post(reverse("staff-update", args=[person.pk]), data)
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert counts() == before
    person.refresh_from_db()
    assert person.full_name == "Nguyễn Văn A"


@pytest.mark.parametrize(
    "payload",
    [
        {"full_name": "Nguyễn\x0bVăn"},
        {"staff_code": "NV\x1f1"},
        {"decision_number": "1\x07/QĐ"},
        {"reason": "sai\x7f"},
    ],
)
def test_api_refuses_control_characters_with_a_message(client, world, payload):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    before = counts()
    body = {**staff_post(world), "birth_date": "1990-01-15", "home_unit": world.commune.pk, **payload}
    response = client.post("/api/v1/staff/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    (name,) = payload
    assert MESSAGE in " ".join(response.json()[name])
    assert counts() == before


def test_quota_request_justification_and_reject_reply_refuse_them(client, world):
    client.force_login(officer(world, Role.COMMUNE_OFFICER))
    response = client.post(
        reverse("quota-request-create", args=["24001"]),
        {"field": world.land.pk, "category": "cadre", "count": "2", "justification": "Thiếu\x0bngười"},
    )
    assert response.status_code == 400 and MESSAGE in response.content.decode()
    assert not QuotaRequest.objects.exists()
    r = QuotaRequest.objects.create(
        unit=world.commune,
        field=world.land,
        category="cadre",
        count=1,
        justification="Dòng 1\nDòng 2",
        requested_by=f.user("commune_officer", unit=world.commune),
    )
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    response = client.post(
        f"/api/v1/quota-requests/{r.pk}/reject/",
        json.dumps({"reply": "không\x0bđồng ý"}),
        content_type="application/json",
    )
    assert response.status_code == 400 and MESSAGE in " ".join(response.json()["reply"])
    r.refresh_from_db()
    assert r.status == "open"


def test_a_stored_control_character_does_not_break_exports(client, world):
    """A name saved before the validator existed (written here past it) exports and lists fine."""
    person = f.staff(world.commune, world.land, name="Nguyễn Văn A")
    Staff.objects.filter(pk=person.pk).update(full_name="Nguyễn\x0bVăn A")
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    response = client.get(reverse("reports:export-staff"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [c.value for row in load_workbook(io.BytesIO(data)).active.iter_rows() for c in row]
    assert any(isinstance(v, str) and "Nguyễn" in v for v in cells)
    assert client.get(reverse("unit-roster", args=["24001"])).status_code == 200
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    assert client.get(reverse("reports:national")).status_code == 200


def test_stored_text_is_cleaned(world):
    person = f.staff(world.commune, world.land, name="Nguyễn Văn A")
    Staff.objects.filter(pk=person.pk).update(full_name="Nguyễn\x0bVăn\x1f A")
    world.commune.__class__.objects.filter(pk=world.commune.pk).update(name="Xã\x7f Đắk Mil")
    changed = clean_stored_text(apps, ["staffing", "communes"], vendor=connection.vendor)
    person.refresh_from_db()
    world.commune.refresh_from_db()
    assert (person.full_name, world.commune.name) == ("Nguyễn Văn A", "Xã Đắk Mil")
    assert changed == 2
    assert clean_stored_text(apps, ["staffing", "communes"], vendor=connection.vendor) == 0


def test_strip_keeps_tabs_and_new_lines():
    assert strip_control_characters("a\tb\nc\r\x00d\x0be") == "a\tb\nc\rd e"


def test_birth_dates_are_untouched_by_text_rules(world):
    person = f.staff(world.commune, world.land, name="Nguyễn Văn A", birth_date=date(1990, 1, 15))
    person.full_clean()
