"""The unit page's movements in and out are declared once (reports.tables.UNIT_MOVEMENTS_IN / _OUT)."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from secondments.models import Kind, Status
from tests import factories as f
from tests.tables import heads, table_html

pytestmark = pytest.mark.django_db


def test_unit_page_movement_tables_show_the_declared_columns_and_link_each_movement(client, login_as, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    today = timezone.localdate()
    commune, dept = f.unit("Xã Ea Tu", code="24100"), f.department("Sở Tài chính")
    land, finance = f.field("land", name_en="Land"), f.field("finance", name_en="Finance")
    plan = f.plan(name="Kế hoạch 2025", period_end=date(today.year + 2, 12, 31))
    coming = f.movement(
        f.staff(dept, finance, name="Phạm Thị Hoa"), commune, field=land, start=date(2025, 8, 1),
        end=date(today.year + 1, 6, 30), plan=plan,
    )  # fmt: skip
    going = f.movement(
        f.staff(commune, land, name="Võ Văn Tám"), dept, kind=Kind.TRANSFER, field=land, start=date(2025, 9, 15),
        end=None, status=Status.PROPOSED,
    )  # fmt: skip
    login_as(Role.COMMUNE_OFFICER, unit=commune)
    html = client.get(reverse("unit-detail", args=["24100"])).content.decode()

    incoming = table_html(html, "unit-movements-in")
    assert heads(incoming) == ["Person", "Kind", "From unit", "Field", "From", "To", "Status", "Plan"]
    link = reverse("secondments:movement-detail", args=[coming.pk])
    assert (
        f'<tr data-movement="{coming.pk}"><th scope="row" data-col="full_name"><a href="{link}">Phạm Thị Hoa</a></th>'
        '<td data-col="kind_label">Secondment</td><td data-col="name">Sở Tài chính</td>'
        '<td data-col="field">Land</td><td data-col="start_date">01/08/2025</td>'
        f'<td data-col="end_date">30/06/{today.year + 1}</td><td data-col="status_label">Approved</td>'
        '<td data-col="name">Kế hoạch 2025</td></tr>'
    ) in incoming

    outgoing = table_html(html, "unit-movements-out")
    assert heads(outgoing) == ["Person", "Kind", "To unit", "Field", "From", "To", "Status", "Plan"]
    link = reverse("secondments:movement-detail", args=[going.pk])
    assert (
        f'<tr data-movement="{going.pk}"><th scope="row" data-col="full_name"><a href="{link}">Võ Văn Tám</a></th>'
        '<td data-col="kind_label">Transfer</td><td data-col="name">Sở Tài chính</td>'
        '<td data-col="field">Land</td><td data-col="start_date">15/09/2025</td>'
        '<td data-col="end_date">—</td><td data-col="status_label">Proposed</td><td data-col="name">—</td></tr>'
    ) in outgoing
    assert client.get(link).status_code == 200


def test_unit_page_movement_tables_say_none_without_movements(client, login_as, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    commune = f.unit("Xã Ea Tu", code="24100")
    login_as(Role.COMMUNE_OFFICER, unit=commune)
    html = client.get(reverse("unit-detail", args=["24100"])).content.decode()
    assert '<tbody><tr><td colspan="8">None.</td></tr></tbody>' in table_html(html, "unit-movements-in")
    assert '<tbody><tr><td colspan="8">None.</td></tr></tbody>' in table_html(html, "unit-movements-out")
