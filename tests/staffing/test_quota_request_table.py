"""The quota requests' list is declared once (staffing.tables.QUOTA_REQUESTS) and its page renders it."""

import re
from datetime import UTC, datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from staffing import services, tables
from staffing.models import QuotaRequest
from tests.staffing import support
from tests.staffing.support import officer
from tests.tables import table_html

pytestmark = pytest.mark.django_db
english = support.english
world = support.world


def test_quota_request_list_shows_the_declared_columns_and_links_each_request(client, world):
    r = services.quota_request_create(
        by=officer(world, Role.COMMUNE_OFFICER),
        unit=world.commune,
        field=world.land,
        category="civil_servant",
        count=1250,
        justification="Thiếu cán bộ",
    )
    # 20:30 UTC on 14 October is 03:30 on 15 October in Vietnam: the page shows the local day.
    QuotaRequest.objects.filter(pk=r.pk).update(requested_at=datetime(2025, 10, 14, 20, 30, tzinfo=UTC))
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = table_html(client.get(reverse("quota-request-list")).content.decode(), "quota-requests")
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', html)
    assert heads == ["Unit", "Field", "Category", "Posts requested", "Requested at", "Status"]
    assert [c.label for c in tables.QUOTA_REQUESTS.columns] == heads
    assert '<th scope="col" class="num">Posts requested</th>' in html
    link = reverse("quota-request-detail", args=[r.pk])
    assert (
        f'<tr data-request="{r.pk}"><td data-col="name"><a href="{link}">Xã Đắk Mil</a></td>'
        '<td data-col="field">Land</td><td data-col="category_label">Civil servant</td>'
        '<td class="num" data-col="count">1,250</td><td data-col="requested_on">15/10/2025</td>'
        '<td data-col="status_label"><span data-status="open">Open</span></td></tr>'
    ) in html
    assert client.get(link).status_code == 200


def test_quota_request_list_without_requests_says_so(client, world):
    client.force_login(officer(world, Role.PROVINCE_OFFICIAL))
    html = table_html(client.get(reverse("quota-request-list")).content.decode(), "quota-requests")
    assert '<tbody><tr><td colspan="6">No requests.</td></tr></tbody>' in html
