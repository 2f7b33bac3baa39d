"""The person picker: search as you type (accents ignored), filters, availability, what each
result shows; the nomination page has no select of every person and a fixed number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from secondments.models import Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db
URL = reverse("secondments:person-pick")


@pytest.fixture
def w():
    return b.World()


def _options(response):
    html = response.content.decode()
    return html.count('class="form-check person-option"'), html


def test_search_ignores_accents_and_shows_unit_field_major(client, login_as, w):
    w.people[1].major_field = w.land
    w.people[1].save()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    n, html = _options(client.get(URL, {"person_q": "tran thi binh", "person_available": "1"}))
    assert n == 1
    assert "Trần Thị Bình" in html and "Sở Tài chính" in html and "Finance" in html
    assert "trained in" in html and "Land" in html


def test_filters_by_field_placed_or_trained_and_by_unit(client, login_as, w):
    w.people[2].major_field = w.land
    w.people[2].save()
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    n, html = _options(client.get(URL, {"person_field": w.land.pk, "person_available": "1"}))
    assert n == 1 and "Lê Văn Cường" in html
    n, _html = _options(client.get(URL, {"person_unit": w.dept.pk, "person_available": "1"}))
    assert n == 3
    n, _html = _options(client.get(URL, {"person_unit": w.commune.pk, "person_available": "1"}))
    assert n == 0


def test_availability_on_the_forms_dates_and_the_running_movement_shown(client, login_as, w):
    today = timezone.localdate()
    f.movement(w.people[0], w.other_commune, start=today, end=today + timedelta(days=30), status=Status.APPROVED)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    start, end = today + timedelta(days=10), today + timedelta(days=20)
    params = {"start_date": start.strftime("%d/%m/%Y"), "planned_end_date": end.strftime("%d/%m/%Y")}
    n, html = _options(client.get(URL, {**params, "person_available": "1"}))
    assert n == 2 and "Nguyễn Văn An" not in html
    # After the movement ends the person is free again.
    later = {
        "start_date": (today + timedelta(days=40)).strftime("%d/%m/%Y"),
        "planned_end_date": (today + timedelta(days=50)).strftime("%d/%m/%Y"),
    }
    n, _html = _options(client.get(URL, {**later, "person_available": "1"}))
    assert n == 3
    # Everyone, with the running movement shown.
    n, html = _options(client.get(URL, params))
    assert n == 3 and "movement to Xã Ea Tu" in html


def test_the_chosen_person_stays_first_and_checked(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    chosen = w.people[2]
    _n, html = _options(client.get(URL, {"person_q": "tran", "person": chosen.pk, "person_available": "1"}))
    assert html.index(chosen.full_name) < html.index("Trần Thị Bình")
    assert f'value="{chosen.pk}" id="person-{chosen.pk}" checked' in html


@pytest.mark.parametrize(
    "params", [{"start_date": "99/99/9999"}, {"person_field": "x"}, {"person": "abc"}, {"person_q": "%" * 500}]
)
def test_junk_parameters_do_not_break_the_search(client, login_as, w, params):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    assert client.get(URL, params).status_code == 200


def test_outside_the_scope_nobody_is_found(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    n, _html = _options(client.get(URL, {"person_q": "pham van xa"}))
    assert n == 0


@pytest.mark.parametrize(
    "role, expected",
    [
        (Role.COMMUNE_OFFICER, 403),
        (Role.NATIONAL_VIEWER, 403),
        (Role.DEPARTMENT_OFFICER, 200),
        (Role.PROVINCE_OFFICIAL, 200),
    ],
)
def test_who_may_search(client, w, role, expected):
    unit = {Role.COMMUNE_OFFICER: w.commune, Role.DEPARTMENT_OFFICER: w.dept}.get(role)
    client.force_login(
        f.user(role, unit=unit, prov=w.province if unit is None and role != Role.NATIONAL_VIEWER else None)
    )
    assert client.get(URL).status_code == expected


def test_nomination_page_has_no_select_of_people_and_fixed_queries(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    url = reverse("secondments:movement-create") + f"?field={w.land.pk}&to_unit={w.commune.pk}"
    with CaptureQueriesContext(connection) as small:
        html = client.get(url).content.decode()
    assert '<select name="person"' not in html
    assert 'name="person_q"' in html
    assert f'<option value="{w.land.pk}" selected>' in html  # pre-filled from the request's field
    for _ in range(40):
        f.staff(w.dept, w.finance)
    with CaptureQueriesContext(connection) as big:
        html = client.get(url).content.decode()
    assert len(big) == len(small)
    assert html.count('class="form-check person-option"') <= 20


def test_the_form_still_validates_the_person_on_the_server(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    today = timezone.localdate()
    data = {
        "person": w.far_person.pk,
        "kind": "secondment",
        "to_unit": w.commune.pk,
        "field": w.finance.pk,
        "start_date": today.strftime("%d/%m/%Y"),
        "planned_end_date": (today + timedelta(days=30)).strftime("%d/%m/%Y"),
    }
    r = client.post(reverse("secondments:movement-create"), data)
    assert r.status_code == 400
    assert "Select a valid choice" in r.content.decode()
    assert date.today()  # the page answered without creating anything
