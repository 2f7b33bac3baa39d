"""Vietnamese formats: day-first dates, '.' thousands; English available."""

from datetime import date

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation


class DayForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_dates_are_read_day_first(lang):
    with translation.override(lang):
        form = DayForm({"day": "01/07/2025"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == date(2025, 7, 1)


def test_dates_and_numbers_are_shown_the_vietnamese_way():
    tpl = Template('{{ d|date:"SHORT_DATE_FORMAT" }} {{ n }}')
    with translation.override("vi"):
        assert tpl.render(Context({"d": date(2025, 7, 1), "n": 1234567})) == "01/07/2025 1.234.567"


def test_an_impossible_date_is_refused_with_a_message():
    with translation.override("vi"):
        form = DayForm({"day": "31/02/2025"})
        assert not form.is_valid()
        assert form.errors["day"] == ["Nhập một ngày hợp lệ."]


@pytest.mark.django_db
def test_language_switch_serves_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    page = client.get("/login/")
    assert "Sign in" in page.content.decode()
    assert 'lang="en"' in page.content.decode()


@pytest.mark.django_db
def test_pages_stay_vietnamese_whatever_the_browser_asks(client, settings):
    settings.LANGUAGE_CODE = "vi"
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "Đăng nhập" in page.content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Sign in" in client.get("/login/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()


@pytest.mark.django_db
def test_api_clients_may_ask_for_a_language(client, settings):
    settings.LANGUAGE_CODE = "vi"
    en = client.get("/api/v1/staff/", HTTP_ACCEPT_LANGUAGE="en")
    vi = client.get("/api/v1/staff/")
    assert en.status_code == vi.status_code == 401
    assert (en["Content-Language"], vi["Content-Language"]) == ("en", "vi")
