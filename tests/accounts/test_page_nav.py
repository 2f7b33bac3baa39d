"""The navigation bar is written once per language and signed-in user (accounts/templatetags/policy.py,
``page_nav``); each page still gets its own CSRF token and its own path in the language form."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Role, User
from tests import factories as f

pytestmark = pytest.mark.django_db


def nav(html):
    return html[html.index('id="nav-main"') : html.index('<main id="main"')]


def tokens(html):
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', nav(html))


def test_each_page_gets_its_own_token_and_path_and_the_token_works():
    client = Client(enforce_csrf_checks=True)
    user = f.user(Role.PROVINCE_OFFICIAL, prov=f.province(), first_name="Lan", last_name="Nguyễn Thị")
    client.force_login(user)
    first = client.get(reverse("unit-list"), {"q": "<b>"}).content.decode()
    second = client.get(reverse("account")).content.decode()
    assert len(tokens(first)) == len(tokens(second)) == 2  # the language form and the sign-out form
    assert tokens(first)[0] != tokens(second)[0]  # masked anew on each page
    assert 'name="next" type="hidden" value="/units/?q=%3Cb%3E"' in nav(first)
    assert 'name="next" type="hidden" value="/account/"' in nav(second)
    assert ">Nguyễn Thị Lan</a>" in nav(first)
    # The token written into the kept bar is accepted: switching the language from the page.
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/account/", "csrfmiddlewaretoken": tokens(second)[0]}
    )
    assert response.status_code == 302 and response["Location"] == "/account/"


def test_the_bar_follows_the_user_and_their_changes(client):
    province = f.province()
    official = f.user(Role.PROVINCE_OFFICIAL, prov=province, first_name="Lan", last_name="Nguyễn Thị")
    viewer = f.user(Role.NATIONAL_VIEWER, first_name="Minh", last_name="Trần Văn")
    client.force_login(official)
    assert ">Nguyễn Thị Lan</a>" in nav(client.get(reverse("unit-list")).content.decode())
    User.objects.filter(pk=official.pk).update(first_name="Hoa")
    assert ">Nguyễn Thị Hoa</a>" in nav(client.get(reverse("unit-list")).content.decode())
    client.force_login(viewer)
    bar = nav(client.get(reverse("unit-list")).content.decode())
    assert ">Trần Văn Minh</a>" in bar and "Nguyễn Thị" not in bar
    assert "National summary" in bar
    client.logout()
    signed_out = nav(client.get(reverse("login")).content.decode())
    assert "Sign out" not in signed_out and "National summary" not in signed_out
    assert 'name="csrfmiddlewaretoken"' in signed_out  # the language form still carries its token
