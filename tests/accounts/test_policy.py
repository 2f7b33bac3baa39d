"""The policy over every role × action × scope: ``may`` and ``refusal`` agree, and each refusal
says why. Users: a superuser, the province official of Đắk Lắk and one of Gia Lai, the officer of
Sở Tài chính (with a public service unit under it), the officer of Xã Đắk Mil, a national viewer,
an API client of Đắk Lắk (and one granted personal data)."""

from types import SimpleNamespace

import pytest

from accounts.models import Role
from accounts.policy import RULES, is_province_official, may, refusal, require
from communes.models import UnitKind
from reports.models import ExportJob
from staffing.models import QuotaRequest
from tests import factories as f

pytestmark = pytest.mark.django_db

USERS = [
    "superuser",
    "official",
    "far_official",
    "department",
    "commune",
    "neighbour",
    "national",
    "api",
    "api_granted",
]


@pytest.fixture
def w(db):
    dak_lak, gia_lai = f.province("66"), f.province("64", "Tỉnh Gia Lai")
    dept = f.department("Sở Tài chính", code="S66-TC", prov=dak_lak)
    w = SimpleNamespace(
        commune=f.unit("Xã Đắk Mil", code="24001", prov=dak_lak),
        neighbour_commune=f.unit("Xã Cư Jút", code="24002", prov=dak_lak),
        dept=dept,
        service_unit=f.unit("Trung tâm Thử", kind=UnitKind.PUBLIC_SERVICE_UNIT, prov=dak_lak, parent=dept),
        far_commune=f.unit("Xã Ia Grai", code="23001", prov=gia_lai),
        dak_lak=dak_lak,
        gia_lai=gia_lai,
    )
    w.users = {
        "superuser": f.user(Role.NATIONAL_VIEWER, is_superuser=True),
        "official": f.user(Role.PROVINCE_OFFICIAL, prov=dak_lak),
        "far_official": f.user(Role.PROVINCE_OFFICIAL, prov=gia_lai),
        "department": f.user(Role.DEPARTMENT_OFFICER, unit=dept),
        "commune": f.user(Role.COMMUNE_OFFICER, unit=w.commune),
        "neighbour": f.user(Role.COMMUNE_OFFICER, unit=w.neighbour_commune),
        "national": f.user(Role.NATIONAL_VIEWER),
        "api": f.user(Role.API_CLIENT, prov=dak_lak),
        "api_granted": f.user(Role.API_CLIENT, prov=dak_lak, personal_data_access=True),
    }
    land = f.field("land")
    person = f.staff(w.commune, land, name="Nguyễn Văn A")
    person_in_dept = f.staff(w.dept, land, name="Lê Thị B")
    w.movement = f.movement(person, w.neighbour_commune, status="proposed")
    w.dept_movement = f.movement(person_in_dept, w.commune, status="proposed")
    w.quota_request = QuotaRequest.objects.create(
        unit=w.commune,
        field=land,
        category="civil_servant",
        count=2,
        justification="x",
        requested_by=w.users["commune"],
    )
    w.far_quota_request = QuotaRequest.objects.create(
        unit=w.far_commune,
        field=land,
        category="civil_servant",
        count=1,
        justification="x",
        requested_by=w.users["commune"],
    )
    return w


ALL = set(USERS)
NOBODY = set()
# (action, object key): the users who may. Objects: a commune, the department, a unit under it,
# a commune of another province, a movement from the commune to its neighbour, one from the
# department to the commune, quota requests of Xã Đắk Mil and of Xã Ia Grai, the provinces.
MATRIX = {
    ("web.use", None): ALL - {"api", "api_granted"},
    ("data.write", None): {"superuser", "official", "far_official", "department", "commune", "neighbour"},
    ("staff.edit", "commune"): {"superuser", "official", "commune"},
    ("staff.edit", "service_unit"): {"superuser", "official", "department"},
    ("staff.edit", "far_commune"): {"superuser", "far_official"},
    ("staff.view_personal", None): {"superuser", "official", "far_official", "department", "commune", "neighbour"}
    | {"api_granted"},
    ("placement.correct", "commune"): {"superuser", "official"},
    ("placement.change_unit", None): {"superuser", "official", "far_official"},
    ("catalogue.import", None): {"superuser", "official", "far_official"},
    ("quota.decide", "commune"): {"superuser", "official"},
    ("quota.decide", "dept"): {"superuser", "official"},
    ("quota.decide", "far_commune"): {"superuser", "far_official"},
    ("quota.request", "commune"): {"commune"},
    ("quota.request", "dept"): {"department"},
    ("quota.request", "service_unit"): {"department"},
    ("quota.request", "far_commune"): NOBODY,
    ("quota.request", None): {"department", "commune", "neighbour"},
    ("quota_request.decide", "quota_request"): {"superuser", "official"},
    ("quota_request.decide", "far_quota_request"): {"superuser", "far_official"},
    ("quota.pool", "dak_lak"): {"superuser", "official"},
    ("quota.pool", "gia_lai"): {"superuser", "far_official"},
    ("plan.manage", None): {"superuser", "official", "far_official"},
    ("plan.manage", "dak_lak"): {"superuser", "official"},
    ("movement.nominate", None): {"superuser", "official", "far_official", "department"},
    ("movement.nominate", "service_unit"): {"superuser", "official", "department"},
    ("movement.nominate", "commune"): {"superuser", "official"},
    ("movement.propose", "dept_movement"): {"superuser", "official", "department"},
    ("movement.propose", "movement"): {"superuser", "official"},
    ("movement.confirm_arrival", "movement"): {"superuser", "neighbour"},
    ("movement.confirm_arrival", "dept_movement"): {"superuser", "commune"},
    ("movement.approve", "movement"): {"superuser", "official"},
    ("movement.extend", "movement"): {"superuser", "official"},
    ("movement.end", "movement"): {"superuser", "official"},
    ("movement.cancel", "movement"): {"superuser", "official"},
    ("staff_request.fulfil", "gia_lai"): {"superuser", "far_official"},
    ("plan.sending_quota", "dak_lak"): {"superuser", "official"},
    ("staff_request.create", None): {"superuser", "commune", "neighbour"},
    ("staff_request.create", "commune"): {"superuser", "commune"},
    ("report.province", None): {"superuser", "official", "far_official", "national", "api", "api_granted"},
    ("report.national", None): {"superuser", "national", "api", "api_granted"},
    ("report.department", None): {"superuser", "official", "far_official", "department", "national", "api"}
    | {"api_granted"},
    ("audit.view", None): {"official", "far_official", "superuser"},
    ("user.manage", None): {"official", "far_official", "superuser"},
    ("user.reset_password", "commune_user"): {"official", "superuser"},
    ("user.reset_password", "official_user"): {"superuser"},
    ("token.create_for", "api_user"): {"official", "superuser"},
    ("token.create_for", "commune_user"): NOBODY,
    ("export.download", "commune_job"): {"commune"},
    ("document.manage", None): {"official", "far_official"},
    ("planner.run", "dak_lak"): {"superuser", "official"},
    ("planner.accept", "dak_lak"): {"superuser", "official"},
    ("planner.view", "dak_lak"): {"superuser", "official", "national", "api", "api_granted"},
    ("planner.view", "gia_lai"): {"superuser", "far_official", "national", "api", "api_granted"},
    ("alias.province", "dak_lak"): {"superuser", "official"},
    ("planner.accept", "dak_lak_run"): {"superuser", "official"},
}


def _obj(w, key):
    if key is None:
        return None
    users = {"commune_user": "commune", "official_user": "official", "api_user": "api"}
    if key in users:
        return w.users[users[key]]
    if key == "dak_lak_run":
        return SimpleNamespace(province_id=w.dak_lak.pk)
    if key == "commune_job":
        return ExportJob.objects.create(owner=w.users["commune"], name="staff", status="done")
    return getattr(w, key)


@pytest.mark.parametrize(("action", "key"), list(MATRIX))
def test_policy_matrix(w, action, key):
    obj = _obj(w, key)
    allowed = {name for name in USERS if may(w.users[name], action, obj)}
    assert allowed == MATRIX[(action, key)]
    for name in USERS:
        message = refusal(w.users[name], action, obj)
        assert (message is None) == (name in allowed)


def test_every_rule_is_in_the_matrix():
    assert {action for action, _key in MATRIX} == set(RULES)


def test_refusal_messages_say_who_decides(w):
    assert str(refusal(w.users["commune"], "quota.decide", w.commune)) == (
        "Only a province official records quota decisions; a unit submits a quota request."
    )
    with pytest.raises(Exception, match="Only a province official can approve movements."):
        require(w.users["department"], "movement.approve", w.movement)


def test_one_definition_of_province_official(w):
    official = w.users["official"]
    assert is_province_official(official) and is_province_official(official, w.commune)
    assert is_province_official(official, w.dak_lak.pk)
    assert not is_province_official(official, w.far_commune)
    assert not is_province_official(official, w.far_quota_request)
    official.is_active = False
    assert not is_province_official(official)


def test_anonymous_may_nothing_but_see_pages(w):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    allowed = {action for action in RULES if may(anonymous, action, None)}
    assert allowed == {"web.use"}


def test_templates_ask_the_policy(w):
    from django.template import Context, Template

    t = Template('{% load policy %}{% if user|may:"audit.view" %}audit{% endif %}')
    assert t.render(Context({"user": w.users["official"]})) == "audit"
    assert t.render(Context({"user": w.users["commune"]})) == ""
