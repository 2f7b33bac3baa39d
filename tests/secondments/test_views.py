"""Pages: every page renders, refusals carry their message, bad input writes nothing."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from secondments.models import Extension, Kind, Plan, QuotaRule, Secondment, SendingQuota, StaffRequest, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return b.World()


# A plan's page and the exports are reports (reports/plan_urls.py); the rest is secondments'.
REPORT_PAGES = {"plan-detail", "plan-export", "movement-export"}


def url(name, *args):
    return reverse(name if name in REPORT_PAGES else f"secondments:{name}", args=args)


def test_pages_render_for_a_province_official(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan, start=date(2025, 8, 1))
    quota = b.fixed_quota(w.plan, w.dept, 2)
    r = b.staff_request(w.commune, w.finance, 2, plan=w.plan)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    for path in [
        url("plan-list"),
        url("plan-create"),
        url("plan-detail", w.plan.pk),
        url("plan-update", w.plan.pk),
        url("quota-create", w.plan.pk),
        url("quota-update", w.plan.pk, quota.pk),
        url("quota-delete", w.plan.pk, quota.pk),
        url("movement-list"),
        url("movement-create"),
        url("movement-alerts"),
        url("movement-detail", m.pk),
        url("request-list"),
        url("request-detail", r.pk),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Nguyễn Văn An" in client.get(url("movement-list")).content.decode()


def test_request_form_renders_for_a_commune_officer(client, login_as, w):
    login_as(Role.COMMUNE_OFFICER, unit=w.commune)
    response = client.get(url("request-create"))
    assert response.status_code == 200
    assert "Xã Hòa Phú" in response.content.decode()


def test_plan_page_shows_progress_and_rounding_rule(client, login_as, w):
    f.staff_many(w.dept, w.finance, 137)  # 140 active staff with the 3 of the world
    b.percent_quota(w.plan, w.dept, 5, 7)
    w.plan.target_secondment = 10
    w.plan.save()
    f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan, end=date(2026, 12, 31))
    f.movement(w.people[1], w.commune, status=Status.PROPOSED, plan=w.plan, end=date(2026, 12, 31))
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)
    response = client.get(url("plan-detail", w.plan.pk))
    html = response.content.decode()
    dept = response.context["progress"].departments[0]
    # 5% × 140 = 7, 7% × 140 = 9.8 → 10
    assert (dept.active_staff, dept.required_min, dept.required_max) == (140, 7, 10)
    assert (dept.proposed, dept.approved, dept.sent) == (1, 1, 1)
    commune = response.context["progress"].communes[0]
    # quota 2 in finance; 1 approved in effect from 01/08/2025: shortage 1 today
    assert (commune.unit, commune.received, commune.proposed, commune.shortage) == (w.commune, 1, 1, 1)
    secondment = response.context["progress"].totals[0]
    assert (secondment.kind, secondment.target, secondment.proposed, secondment.sent) == ("secondment", 10, 1, 1)
    assert "halves up" in html
    assert "7–10" in html


def test_plan_page_query_count_does_not_grow(client, login_as, w, django_assert_num_queries):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    b.fixed_quota(w.plan, w.dept, 2)
    f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("plan-detail", w.plan.pk)).status_code == 200
        return len(ctx.captured_queries)

    first = count()
    for _ in range(3):
        d = f.department()
        b.fixed_quota(w.plan, d, 1)
        c = f.unit()
        f.quota(c, w.land, 1)
        w.plan.priority_communes.add(c)
        f.movement(f.staff(d, w.land), c, status=Status.ACTIVE, plan=w.plan)
    # session, user, plan, priority fields, 10 for plan_progress (every sender has a quota rule)
    with django_assert_num_queries(14):
        client.get(url("plan-detail", w.plan.pk))
    assert count() == first == 14


def test_movement_list_filters_and_query_count(client, login_as, w, django_assert_num_queries):
    f.movement(w.people[0], w.commune, status=Status.APPROVED, plan=w.plan)
    f.movement(w.people[1], w.other_commune, status=Status.PROPOSED, kind=Kind.REINFORCEMENT)
    f.movement(w.far_person, w.far_commune)  # other province
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.get(url("movement-list"), {"q": "tran thi", "status": "proposed"})
    assert [m.person.full_name for m in response.context["object_list"]] == ["Trần Thị Bình"]
    response = client.get(url("movement-list"), {"to_code": w.commune.code})
    assert [m.person.full_name for m in response.context["object_list"]] == ["Nguyễn Văn An"]
    assert len(client.get(url("movement-list")).context["object_list"]) == 2
    for _ in range(5):
        f.movement(f.staff(w.dept, w.finance), w.commune)
    # session, user, count, page rows, then the filter form's choices: plan, from unit, to unit, field
    with django_assert_num_queries(8):
        response = client.get(url("movement-list"))
    assert len(response.context["object_list"]) == 7


def test_movement_list_bad_date_shows_the_error(client, login_as, w):
    f.movement(w.people[0], w.commune)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.get(url("movement-list"), {"date_from": "31/02/2025"})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []
    assert response.context["filterset"].errors["date_from"] == ["Enter a valid date."]


def test_date_range_filter_uses_day_first_dates(client, login_as, w):
    f.movement(w.people[0], w.commune, start=date(2025, 8, 1), end=date(2025, 8, 31))
    f.movement(w.people[1], w.commune, start=date(2025, 10, 1), end=date(2025, 10, 31))
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.get(url("movement-list"), {"date_from": "01/09/2025", "date_to": "15/10/2025"})
    assert [m.person.full_name for m in response.context["object_list"]] == ["Trần Thị Bình"]


def test_nomination_offers_only_eligible_people(client, login_as, w):
    f.movement(w.people[0], w.commune, status=Status.APPROVED)
    retired = f.staff(w.dept, w.finance, name="Võ Văn Hưu", status="retired", end_date=date(2025, 1, 1))
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)
    people = list(client.get(url("movement-create")).context["form"].fields["person"].queryset)
    assert people == [w.people[1], w.people[2]]  # Trần Thị Bình, Lê Văn Cường (by given name)
    assert retired not in people and w.far_person not in people


def nomination_data(w, **changes):
    data = {
        "person": w.people[1].pk,
        "kind": Kind.SECONDMENT,
        "to_unit": w.commune.pk,
        "field": w.finance.pk,
        "plan": w.plan.pk,
        "start_date": "01/08/2025",
        "planned_end_date": "31/12/2025",
        "propose": "1",
    }
    data.update(changes)
    return data


def test_nomination_proposes_with_day_first_dates(client, login_as, w):
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)
    response = client.post(url("movement-create"), nomination_data(w))
    m = Secondment.objects.get()
    assert response.status_code == 302 and response["Location"] == url("movement-detail", m.pk)
    assert (m.status, m.start_date, m.planned_end_date, m.from_unit) == (
        Status.PROPOSED, date(2025, 8, 1), date(2025, 12, 31), w.dept
    )  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"start_date": "2025-13-01"}, "start_date", "Enter a valid date."),
        ({"planned_end_date": ""}, "planned_end_date", "A temporary movement needs a planned end date."),
        ({"to_unit": "dept"}, "__all__", "The receiving unit must differ from the sending unit."),
        ({"planned_end_date": "03/08/2025"}, "planned_end_date",
         "The duration (3 days) must be between 7 and 1096 days under this plan."),
        ({"person": "far"}, "person", "Select a valid choice. That choice is not one of the available choices."),
    ],
)  # fmt: skip
def test_nomination_bad_input(client, login_as, w, changes, field, message):
    if changes.get("to_unit") == "dept":
        changes["to_unit"] = w.dept.pk
    if changes.get("person") == "far":
        changes["person"] = w.far_person.pk
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)
    response = client.post(url("movement-create"), nomination_data(w, **changes))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert message in errors[field]
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Secondment.objects.exists()


def test_overlapping_nomination_names_the_other_movement(client, login_as, w):
    first = f.movement(
        w.people[1], w.other_commune, status=Status.COMPLETED, start=date(2025, 12, 1), end=date(2026, 1, 31)
    )  # a past movement: the person is offered, but the dates meet
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.post(url("movement-create"), nomination_data(w))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == [
        f"Trần Thị Bình already has a movement to Xã Ea Tu from 01/12/2025 to 31/01/2026 (no. {first.pk}); "
        "one person can have only one temporary movement at a time."
    ]
    assert Secondment.objects.count() == 1


API_ONLY = "This is an API client account: it reads the API with a token and cannot sign in to the web pages."


@pytest.mark.parametrize("role", [Role.COMMUNE_OFFICER, Role.NATIONAL_VIEWER, Role.API_CLIENT])
def test_nomination_page_refused_to_other_roles(client, login_as, w, role):
    login_as(role, unit=w.commune if role == Role.COMMUNE_OFFICER else None, prov=w.province)
    message = API_ONLY if role == Role.API_CLIENT else "Only department officers and province officials nominate staff."
    for response in (client.get(url("movement-create")), client.post(url("movement-create"), nomination_data(w))):
        assert response.status_code == 403
        assert message in response.content.decode()
    assert not Secondment.objects.exists()


# role × action over HTTP: allowed (302), refused (403 with message), outside scope (404)
MATRIX_STATE = {
    "propose": Status.DRAFT,
    "approve": Status.PROPOSED,
    "confirm_arrival": Status.APPROVED,
    "extend": Status.ACTIVE,
    "end": Status.ACTIVE,
    "cancel": Status.APPROVED,
}
TODAY = timezone.localdate()
# Extending and ending need a movement running today.
RUNNING = {"start": TODAY - timedelta(days=30), "end": TODAY + timedelta(days=30)}
MATRIX_DATA = {
    "approve": {"decision_number": "45/QĐ-UBND", "decision_date": "25/07/2025"},
    "confirm_arrival": {"arrival_date": "01/08/2025"},
    "extend": {
        "new_end_date": f"{TODAY + timedelta(days=120):%d/%m/%Y}",
        "decision_number": "9/QĐ",
        "decision_date": f"{TODAY:%d/%m/%Y}",
    },
    "end": {"actual_end_date": f"{TODAY - timedelta(days=1):%d/%m/%Y}"},
    "cancel": {"reason": "Không cần nữa"},
}
PROVINCE = {"approve", "extend", "end", "cancel"}
EXPECTED = {
    # role: {action: status}; anything missing is 403
    "province_official": {a: 302 for a in PROVINCE} | {"propose": 302},
    "department_officer": {"propose": 302},
    "commune_officer": {"confirm_arrival": 302},
    "other_province_official": dict.fromkeys(MATRIX_STATE, 404),
    "other_commune_officer": dict.fromkeys(MATRIX_STATE, 404),
    "national_viewer": {},
    "api_client": {},
}


def make_user(w, who):
    return {
        "province_official": lambda: f.user(Role.PROVINCE_OFFICIAL, prov=w.province),
        "department_officer": lambda: f.user(Role.DEPARTMENT_OFFICER, unit=w.dept),
        "commune_officer": lambda: f.user(Role.COMMUNE_OFFICER, unit=w.commune),
        "other_province_official": lambda: f.user(Role.PROVINCE_OFFICIAL, prov=w.far_province),
        "other_commune_officer": lambda: f.user(Role.COMMUNE_OFFICER, unit=w.far_commune),
        "national_viewer": lambda: f.user(Role.NATIONAL_VIEWER),
        "api_client": lambda: f.user(Role.API_CLIENT, prov=w.province),
    }[who]()


@pytest.mark.parametrize("who", list(EXPECTED))
@pytest.mark.parametrize("action", list(MATRIX_STATE))
def test_http_transition_matrix(client, w, who, action):
    window = RUNNING if action in ("extend", "end") else {"start": date(2025, 8, 1)}
    if action == "cancel":  # a movement not started yet (a started one is ended instead)
        window = {"start": TODAY + timedelta(days=10), "end": TODAY + timedelta(days=40)}
    m = f.movement(w.people[0], w.commune, status=MATRIX_STATE[action], plan=w.plan, **window)
    client.force_login(make_user(w, who))
    response = client.post(url("movement-action", m.pk, action), MATRIX_DATA.get(action, {}))
    expected = EXPECTED[who].get(action, 403)
    assert response.status_code == expected
    m.refresh_from_db()
    if expected == 302:
        assert m.status != MATRIX_STATE[action] or action == "extend"
    else:
        assert m.status == MATRIX_STATE[action] and m.history.count() == 1
    if expected == 403:
        assert (API_ONLY if who == "api_client" else "Only ") in response.content.decode()


def test_detail_page_shows_only_allowed_buttons(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    html = client.get(url("movement-detail", m.pk)).content.decode()
    assert 'data-action="approve"' in html and 'data-action="cancel"' in html
    assert 'data-action="confirm_arrival"' not in html
    login_as(Role.NATIONAL_VIEWER)
    assert 'data-action="' not in client.get(url("movement-detail", m.pk)).content.decode()


def test_approval_without_decision_number_writes_nothing(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.post(
        url("movement-action", m.pk, "approve"), {"decision_number": "", "decision_date": "32/01/2025"}
    )
    assert response.status_code == 400
    form = dict(response.context["actions"])["approve"]
    assert form.errors == {"decision_number": ["This field is required."], "decision_date": ["Enter a valid date."]}
    m.refresh_from_db()
    assert m.status == Status.PROPOSED and m.history.count() == 1


def test_approval_over_quota_needs_reason_over_http(client, login_as, w):
    b.fixed_quota(w.plan, w.dept, 1)
    f.movement(w.people[1], w.other_commune, status=Status.APPROVED, plan=w.plan)
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED, plan=w.plan)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    data = {"decision_number": "45/QĐ", "decision_date": "25/07/2025"}
    response = client.post(url("movement-action", m.pk, "approve"), data)
    assert response.status_code == 400
    assert dict(response.context["actions"])["approve"].errors["over_quota_reason"] == [
        "Sở Tài chính is to send at most 1 people under this plan and 1 are already approved; "
        "state a reason to approve beyond its quota."
    ]
    response = client.post(url("movement-action", m.pk, "approve"), {**data, "over_quota_reason": "Xã biên giới"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.status, m.decision_number, m.decision_date) == (Status.APPROVED, "45/QĐ", date(2025, 7, 25))


def test_wrong_state_answers_409_with_message(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.COMPLETED)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.post(url("movement-action", m.pk, "cancel"))
    assert response.status_code == 409
    assert "A movement that is completed cannot be cancelled." in response.content.decode()


def test_extension_over_http_keeps_history(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, **RUNNING)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.post(url("movement-action", m.pk, "extend"), MATRIX_DATA["extend"])
    assert response.status_code == 302
    html = client.get(url("movement-detail", m.pk)).content.decode()
    assert Extension.objects.get().new_end_date == TODAY + timedelta(days=120)
    assert MATRIX_DATA["extend"]["new_end_date"] in html and "9/QĐ" in html


def test_unknown_action_is_404(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED)
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    assert client.post(url("movement-action", m.pk, "teleport")).status_code == 404
    assert client.get(url("movement-action", m.pk, "approve")).status_code == 405


def test_alerts_page(client, login_as, w):
    from django.utils import timezone

    today = timezone.localdate()
    from datetime import timedelta

    soon = f.movement(w.people[0], w.commune, status=Status.ACTIVE, start=today - timedelta(days=60),
                      end=today + timedelta(days=10), arrival_date=today - timedelta(days=60))  # fmt: skip
    late = f.movement(w.people[1], w.commune, status=Status.ACTIVE, start=today - timedelta(days=60),
                      end=today - timedelta(days=2), arrival_date=today - timedelta(days=60))  # fmt: skip
    idle = f.movement(w.people[2], w.commune, status=Status.APPROVED, start=today - timedelta(days=3),
                      end=today + timedelta(days=90))  # fmt: skip
    login_as(Role.COMMUNE_OFFICER, unit=w.commune)
    groups = {key: rows for key, _label, rows in client.get(url("movement-alerts")).context["groups"]}
    assert groups == {"ending_soon": [soon], "overdue": [late], "not_started": [idle], "not_applied": []}


def test_plan_create_and_bad_input(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    data = {
        "name": "Đề án 36 xã", "decision_number": "7/QĐ-UBND", "decision_date": "15/07/2025",
        "period_start": "01/08/2025", "period_end": "31/07/2026", "allowed_kinds": ["secondment", "reinforcement"],
        "min_duration_days": "90", "max_duration_days": "180", "priority_communes": [w.commune.pk],
        "priority_fields": [w.finance.pk], "target_secondment": "50",
    }  # fmt: skip
    bad = {**data, "period_end": "01/07/2025", "max_duration_days": "30", "allowed_kinds": []}
    response = client.post(url("plan-create"), bad)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["allowed_kinds"] == ["This field is required."]
    assert Plan.objects.count() == 1
    bad.update(allowed_kinds=["secondment"])
    errors = client.post(url("plan-create"), bad).context["form"].errors
    assert errors["__all__"] == [
        "The plan's period must end after it starts.",
        "The maximum duration must not be shorter than the minimum.",
    ]
    response = client.post(url("plan-create"), data)
    plan = Plan.objects.get(name="Đề án 36 xã")
    assert response.status_code == 302
    assert (plan.province, plan.allowed_kinds, plan.target_secondment) == (
        w.province,
        ["secondment", "reinforcement"],
        50,
    )
    assert list(plan.priority_communes.all()) == [w.commune]


@pytest.mark.parametrize("role", [Role.DEPARTMENT_OFFICER, Role.COMMUNE_OFFICER, Role.NATIONAL_VIEWER])
def test_plan_writes_refused_to_other_roles(client, login_as, w, role):
    login_as(
        role, unit=w.dept if role == Role.DEPARTMENT_OFFICER else (w.commune if role == Role.COMMUNE_OFFICER else None)
    )
    for path in (url("plan-create"), url("plan-update", w.plan.pk), url("quota-create", w.plan.pk)):
        response = client.post(path, {"name": "X"})
        assert response.status_code == 403, path
        assert "Only a province official" in response.content.decode()


def test_plan_of_another_province_is_404(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.far_province)
    assert client.get(url("plan-detail", w.plan.pk)).status_code == 404
    assert client.get(url("plan-update", w.plan.pk)).status_code == 404
    assert client.get(url("plan-export", w.plan.pk)).status_code == 404


def test_sending_quota_form(client, login_as, w):
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.post(
        url("quota-create", w.plan.pk), {"unit": w.dept.pk, "rule": "percent", "min_percent": "7", "max_percent": "5"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["__all__"] == [
        "A percentage quota needs a minimum above 0 and a maximum between the minimum and 100."
    ]
    assert not SendingQuota.objects.exists()
    response = client.post(url("quota-create", w.plan.pk), {"unit": w.dept.pk, "rule": "fixed", "count": "10"})
    assert response.status_code == 302
    q = SendingQuota.objects.get()
    assert (q.plan, q.unit, q.rule, q.count) == (w.plan, w.dept, QuotaRule.FIXED, 10)
    response = client.post(url("quota-create", w.plan.pk), {"unit": w.dept.pk, "rule": "fixed", "count": "3"})
    assert response.context["form"].errors["__all__"] == ["This unit already has a sending quota in the plan."]
    assert client.post(url("quota-delete", w.plan.pk, q.pk)).status_code == 302
    assert not SendingQuota.objects.exists()


def test_staff_request_flow_and_bad_input(client, login_as, w):
    officer = login_as(Role.COMMUNE_OFFICER, unit=w.commune)
    response = client.post(url("request-create"), {"field": w.finance.pk, "count": "0"})
    assert response.status_code == 400
    assert response.context["form"].errors["__all__"] == ["Request at least one person."]
    assert not StaffRequest.objects.exists()
    response = client.post(url("request-create"), {"field": w.finance.pk, "count": "2", "plan": w.plan.pk})
    r = StaffRequest.objects.get()
    assert response.status_code == 302 and (r.commune, r.requested_by, r.count) == (w.commune, officer, 2)
    assert client.post(url("request-fulfil", r.pk), {}).status_code == 403
    login_as(Role.PROVINCE_OFFICIAL, prov=w.province)
    response = client.post(url("request-fulfil", r.pk), {})
    assert response.status_code == 400
    assert response.context["form"].errors["movements"] == ["This field is required."]
    m = f.movement(w.people[0], w.commune, field=w.finance)
    assert client.post(url("request-fulfil", r.pk), {"movements": [m.pk]}).status_code == 302
    r.refresh_from_db()
    assert r.status == "fulfilled"


def test_request_create_refused_to_non_commune_roles(client, login_as, w):
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)
    response = client.post(url("request-create"), {"field": w.finance.pk, "count": "2"})
    assert response.status_code == 403
    assert "Only the commune&#x27;s officer can request staff for it." in response.content.decode()
    assert not StaffRequest.objects.exists()


def test_edit_a_proposed_movement(client, login_as, w):
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED, plan=w.plan)
    login_as(Role.DEPARTMENT_OFFICER, unit=w.dept)
    response = client.get(url("movement-update", m.pk))
    assert response.status_code == 200
    assert w.people[0] in response.context["form"].fields["person"].queryset  # its own movement does not count
    # Without the version it was opened on, the post is refused and nothing is saved.
    no_version = nomination_data(w, person=w.people[0].pk, planned_end_date="31/01/2026")
    response = client.post(url("movement-update", m.pk), no_version)
    assert response.status_code == 400
    assert response.context["form"].errors["version"] == [
        "This form was sent without the version of the record it was opened on; reload the page and "
        "make your change again."
    ]
    data = nomination_data(w, person=w.people[0].pk, planned_end_date="31/07/2025", version=1)
    response = client.post(url("movement-update", m.pk), data)
    assert response.status_code == 400
    assert response.context["form"].non_field_errors() == ["The planned end date must not be before the start date."]
    m.refresh_from_db()
    assert (m.planned_end_date, m.version) == (date(2025, 12, 31), 1)
    data = nomination_data(w, person=w.people[0].pk, planned_end_date="31/01/2026", version=1)
    response = client.post(url("movement-update", m.pk), data)
    assert response.status_code == 302
    m.refresh_from_db()
    assert (m.planned_end_date, m.version, m.status) == (date(2026, 1, 31), 2, Status.PROPOSED)


@pytest.mark.parametrize(
    ("who", "status", "expected"),
    [
        ("commune_officer", Status.PROPOSED, 403),
        ("other_province_official", Status.PROPOSED, 404),
        ("province_official", Status.APPROVED, 409),
        ("province_official", Status.DRAFT, 200),
    ],
)
def test_edit_refusals(client, w, who, status, expected):
    m = f.movement(w.people[0], w.commune, status=status)
    client.force_login(make_user(w, who))
    assert client.get(url("movement-update", m.pk)).status_code == expected
