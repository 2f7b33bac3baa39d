"""The national page and the province dashboard, their API and their workbooks say where the
figures come from: today's summary (and when it was rebuilt) or the records, live."""

import io
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.models import Role
from headcount import summary
from headcount.models import SummaryState
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - timedelta(days=1)
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
# The summary rebuilt at 00:07 today, local time.
REBUILT = timezone.make_aware(datetime.combine(TODAY, time(0, 7)))
REBUILT_TEXT = f"{TODAY:%d/%m/%Y} 00:07"
SUMMARY_VI = (
    f"Số liệu hôm nay được đọc từ bảng tổng hợp ngày, dựng lại lúc {REBUILT_TEXT} "
    "và được cập nhật theo từng thay đổi kể từ đó."
)
NOT_REBUILT_VI = "Số liệu được tính trực tiếp từ hồ sơ: bảng tổng hợp hôm nay chưa được dựng lại."
PAST_VI = (
    f"Số liệu ngày {YESTERDAY:%d/%m/%Y} được tính trực tiếp từ hồ sơ (bảng tổng hợp chỉ lưu số liệu ngày hôm nay)."
)
SUMMARY_EN = (
    f"Today's figures are read from the daily summary, rebuilt at {REBUILT_TEXT} and updated with every change since."
)
PAST_EN = f"Figures for {YESTERDAY:%d/%m/%Y} computed live from the records (the daily summary holds today only)."


@pytest.fixture(autouse=True)
def vietnamese(client, settings):
    """Pages in Vietnamese, as officials see them (the language switch's cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "vi"


@pytest.fixture
def world():
    w = province_fixture()
    summary.rebuild(TODAY)
    SummaryState.objects.update(rebuilt_at=REBUILT)
    return w


def pages(world):
    return [reverse("reports:national"), reverse("reports:province", args=["66"])]


def source_line(html):
    """The text of the page's figure-source paragraph and its data attribute."""
    start = html.index('id="figure-source"')
    kind = html[html.index('data-figure-source="', start) + 20 :].split('"', 1)[0]
    text = html[html.index(">", start) + 1 : html.index("</p>", start)]
    return kind, text


def test_pages_say_today_comes_from_the_summary_and_when(client, world):
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    for url in pages(world):
        r = client.get(url)
        assert r.status_code == 200
        assert source_line(r.content.decode()) == ("summary", SUMMARY_VI)


def test_pages_say_past_dates_are_computed_live(client, world):
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    for url in pages(world):
        r = client.get(url, {"as_of": YESTERDAY.strftime("%d/%m/%Y")})
        assert source_line(r.content.decode()) == ("live", PAST_VI)


def test_pages_say_today_is_live_until_the_summary_is_rebuilt(client, world):
    summary.rebuild(YESTERDAY)  # the day changed and the scheduled run has not rebuilt it yet
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    for url in pages(world):
        assert source_line(client.get(url).content.decode()) == ("live", NOT_REBUILT_VI)


def api_client():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {f.api_key(f.user(Role.API_CLIENT))}")
    return client


@pytest.mark.parametrize("name, args", [("api-report-national", []), ("api-report-province", ["66"])])
def test_the_api_says_which(world, name, args):
    client = api_client()
    url = reverse(name, args=args)
    today = client.get(url, **EN).json()["source"]
    assert today["from_summary"] is True
    assert datetime.fromisoformat(today["summary_rebuilt_at"]) == REBUILT
    assert today["text"] == SUMMARY_EN
    past = client.get(url, {"as_of": YESTERDAY.isoformat()}, **EN).json()["source"]
    assert past == {"from_summary": False, "summary_rebuilt_at": None, "text": PAST_EN}


def test_the_openapi_schema_documents_the_source():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    for path in ("/api/v1/reports/national/", "/api/v1/reports/provinces/{code}/"):
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        body = components[ref.rsplit("/", 1)[1]]
        assert "source" in body["required"]
    source = components["FigureSource"]
    assert set(source["properties"]) == {"from_summary", "summary_rebuilt_at", "text"}
    assert source["properties"]["summary_rebuilt_at"]["nullable"] is True
    assert "daily summary" in source["properties"]["from_summary"]["description"]


def note(client, url, **params):
    response = client.get(url, {**params, "format": "xlsx"})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active["A8"].value


def test_the_workbooks_say_which(client, world):
    client.force_login(f.user(Role.NATIONAL_VIEWER))
    for url in pages(world):
        assert note(client, url).split("\n")[1] == SUMMARY_VI
        assert note(client, url, as_of=YESTERDAY.strftime("%d/%m/%Y")).split("\n")[1] == PAST_VI
    summary.rebuild(YESTERDAY)
    for url in pages(world):
        assert note(client, url).split("\n")[1] == NOT_REBUILT_VI
