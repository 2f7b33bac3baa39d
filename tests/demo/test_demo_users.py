"""demo_users: one known account per role, with an API token; running it again resets them; it
refuses to run under production settings."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts.models import ApiToken, Role, User
from communes.models import Province
from communes.services import official_divisions, units_load_official
from demo.builder import demo_seed
from demo.users import ADMIN_PASSWORD, DEMO_PASSWORD, commune_with_largest_shortage

pytestmark = pytest.mark.django_db


class WhoAmI(APIView):
    def get(self, request):
        return Response({"user": request.user.username, "role": request.user.role})


@pytest.fixture
def dak_lak():
    divisions = [dict(d) for d in official_divisions() if d["code"] == 66]
    divisions[0]["wards"] = divisions[0]["wards"][:10]
    units_load_official(divisions)
    province = Province.objects.get(code="66")
    demo_seed(provinces=[province], seed=1)
    return province


def run():
    out = StringIO()
    with translation.override("en"):
        call_command("demo_users", "--province", "66", stdout=out)
    return out.getvalue()


def test_one_user_per_role_each_can_sign_in(client, dak_lak):
    output = run()
    users = {u.username: u for u in User.objects.all()}
    assert sorted(users) == [
        "admin",
        "demo_api_66",
        "demo_commune_66",
        "demo_department_66",
        "demo_national",
        "demo_province_66",
    ]
    assert {u.role for name, u in users.items() if name != "admin"} == set(Role.values)
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert users["demo_province_66"].province == dak_lak
    assert users["demo_department_66"].unit.code == "66.SNV"
    commune = users["demo_commune_66"].unit
    assert commune == commune_with_largest_shortage(dak_lak)
    assert users["demo_national"].province is None
    for name in users:
        password = ADMIN_PASSWORD if name == "admin" else DEMO_PASSWORD
        assert client.login(username=name, password=password), name
        client.logout()
    token = output.splitlines()[-1].rsplit(" ", 1)[1]
    stored = ApiToken.objects.get(user=users["demo_api_66"])
    assert (stored.name, stored.prefix) == ("Demo", token[:8])
    assert token not in (stored.digest, stored.prefix)  # only a hash is kept
    lines = output.splitlines()
    assert lines[0].split() == ["User", "name", "Role", "Unit", "Password"]
    assert lines[5].split() == ["demo_commune_66", "Commune", "officer", *commune.name.split(), DEMO_PASSWORD]
    assert lines[-1] == f"API token of demo_api_66: {token}"


def token_of(output):
    return output.splitlines()[-1].rsplit(" ", 1)[1]


def test_the_token_authenticates_the_api_client(dak_lak):
    token = token_of(run())
    factory = APIRequestFactory()
    response = WhoAmI.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Token {token}"))
    assert response.status_code == 200
    assert response.data == {"user": "demo_api_66", "role": Role.API_CLIENT}
    assert WhoAmI.as_view()(factory.get("/", HTTP_AUTHORIZATION="Token wrong")).status_code == 401


def test_running_twice_resets_the_same_users(client, dak_lak):
    first = token_of(run())
    ids = dict(User.objects.values_list("username", "pk"))
    official = User.objects.get(username="demo_province_66")
    official.set_password("something-else-42")
    official.role = Role.NATIONAL_VIEWER
    official.province = None
    official.save()
    second = token_of(run())
    assert dict(User.objects.values_list("username", "pk")) == ids
    # The demo token is replaced: the first one is revoked, the second one works.
    factory = APIRequestFactory()
    assert WhoAmI.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Token {first}")).status_code == 401
    assert WhoAmI.as_view()(factory.get("/", HTTP_AUTHORIZATION=f"Token {second}")).status_code == 200
    assert ApiToken.objects.filter(user__username="demo_api_66", revoked_at__isnull=True).count() == 1
    official.refresh_from_db()
    assert (official.role, official.province) == (Role.PROVINCE_OFFICIAL, dak_lak)
    assert client.login(username="demo_province_66", password=DEMO_PASSWORD)


def test_a_province_without_demo_data_is_refused(dak_lak):
    units_load_official([d for d in official_divisions() if d["code"] == 4])
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("demo_users", "--province", "4", stdout=StringIO())
    assert str(exc.value) == "Tỉnh Cao Bằng has no demo data yet: run “python manage.py seed_demo --province 04” first."
    assert not User.objects.exists()


def test_refused_under_production_settings(settings, dak_lak):
    settings.ENVIRONMENT = "production"
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("demo_users", "--province", "66", stdout=StringIO())
    assert str(exc.value) == (
        "demo_users makes accounts with published passwords: it does not run under production settings."
    )
    assert not User.objects.exists() and not ApiToken.objects.exists()
