"""What a new user's trial found on the results pages and the report files:
where signing in lands, the icon, period names in English, chart labels,
the width of the results table, and the same figures in DOCX and XLSX."""

from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from docx import Document
from matplotlib.backends.backend_agg import FigureCanvasAgg
from openpyxl import load_workbook

from treem.analytics import actions
from treem.analytics.charts import trend_figure
from treem.analytics.loading import load_indicator_sources
from treem.analytics.results import indicator_results
from treem.core.numbers import format_number
from treem.reporting.models import Period
from treem.reports.appendices import build_appendices
from treem.reports.docx_report import build_report

from .conftest import client_for
from .reporting_helpers import forms  # noqa: F401
from .test_analytics_pages import approved_pl7, sub_of, two_communes_in_two_districts
from .test_demo_site import CHROMIUM, CHROMIUM_ARGS

pytestmark = pytest.mark.django_db


@pytest.fixture
def sources(forms):  # noqa: F811
    load_indicator_sources()
    return forms


def test_signing_in_lands_where_each_role_works(client, bac_kan_plan, bac_kan, coordinator, commune_officer,
                                                 successor_coordinator, viewer):
    home = reverse("home")
    # The coordinator: the results of the province's plan.
    response = client_for(client, coordinator).get(home, follow=True)
    assert response.redirect_chain[0][0] == reverse("analytics:plan", args=[bac_kan_plan.pk])
    assert response.redirect_chain[-1][0].startswith(reverse("analytics:unit", args=[bac_kan_plan.pk, bac_kan.pk]))
    # Thái Nguyên's coordinator: the plan of Bắc Kạn, which merged into it, not the national programme.
    response = client_for(client, successor_coordinator).get(home)
    assert response["Location"] == reverse("analytics:plan", args=[bac_kan_plan.pk])
    # The commune officer: the reporting forms.
    assert client_for(client, commune_officer).get(home)["Location"] == reverse("reporting:index")
    assert client_for(client, viewer).get(home)["Location"] == reverse("plans:list")
    # The login page sends everyone home.
    assert settings.LOGIN_REDIRECT_URL == "home"


def test_the_icon_is_served_to_anyone_and_linked_from_every_page(client, coordinator):
    response = Client().get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client_for(client, coordinator).get(reverse("plans:list")).content.decode()
    assert '<link rel="icon" href="/static/treem/favicon.svg"' in page
    svg = Client().get("/static/treem/favicon.svg")
    assert svg.status_code == 200 and b"<svg" in b"".join(svg.streaming_content)


def test_generated_period_names_follow_the_language(forms):  # noqa: F811
    with translation.override("en"):
        assert str(Period.objects.get(code="2026H1")) == "First half of 2026"
        assert str(Period.objects.get(code="2026H2")) == "Second half of 2026"
        assert str(Period.objects.get(code="2026")) == "Year 2026"
        assert str(Period.objects.get(code="2025MTR")) == "Mid-term review 2021–2025"
        # A name typed in the admin stays as typed.
        period = Period.objects.get(code="2024")
        period.name = "Năm 2024 (bổ sung)"
        assert str(period) == "Năm 2024 (bổ sung)"


def _overlap(a, b):
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_chart_labels_do_not_overlap(sources, coordinator, bac_kan, bac_kan_plan):
    # Primary drop-out (baseline 0,01 % in 2020; targets 0,1 % in 2025 and
    # 0,08 % in 2030): flat figures a year apart, close to the 2025 target,
    # where the labels collided in the trial.
    dropout = sub_of(bac_kan_plan, "17", 1)
    for year, value in ((2021, "0,09"), (2022, "0,11"), (2023, "0,1"), (2024, "0,1")):
        actions.enter_value(coordinator, dropout, bac_kan, year, value)
    result = indicator_results(bac_kan_plan, bac_kan, 2024, only=[dropout.pk])[0]
    assert len(result.series) == 4 and result.target_2025.value == Decimal("0.1")
    fig = trend_figure(result, {"actual": "Kết quả", "baseline": "Số liệu nền", "target": "Chỉ tiêu",
                                "trend": "Xu hướng"})
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax = fig.axes[0]
    texts = [t for t in ax.texts if t.get_text()]
    for axis in (ax.xaxis, ax.yaxis):  # the tick labels drawn: those inside the axis' range
        low, high = sorted(axis.get_view_interval())
        texts += [t.label1 for t in axis.get_major_ticks() if low <= t.get_loc() <= high and t.label1.get_text()]
    for legend in fig.legends + [ax.get_legend()]:
        texts += list(legend.get_texts()) if legend is not None else []
    assert len(ax.texts) >= 4  # a label per year
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    page = fig.bbox
    for i, (text, box) in enumerate(boxes):
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, text
        for other, other_box in boxes[i + 1:]:
            assert not _overlap(box, other_box), (text, other)


@pytest.mark.browser
def test_the_results_table_fits_1280_pixels_in_chromium(client, sources, coordinator, bac_kan, bac_kan_plan):
    from playwright.sync_api import sync_playwright

    a, _ = two_communes_in_two_districts(bac_kan)
    approved_pl7(coordinator, a, 2023, {("PL7_CT22", "actual"): "99", ("PL7_CT22_d", "actual"): "100",
                                        ("PL7_CT22", "plan"): "98", ("PL7_CT22_d", "plan"): "100"})
    html = client_for(client, coordinator).get(
        reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])).content.decode()
    base = Path(settings.BASE_DIR)
    css = "".join((base / p).read_text()
                  for p in ("static/treem/treem.css", "analytics/static/analytics/analytics.css"))
    html = html.replace("</head>", f"<style>{css}</style></head>")
    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.route("**/*", lambda route: route.abort())  # the page alone, as rendered
        page.set_content(html)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size({"width": 1280, "height": 768})
        right = page.evaluate("document.querySelector('table.results').getBoundingClientRect().right")
        at_1280 = page.evaluate("document.documentElement.scrollWidth")
        # Printed: A4 landscape less 12 mm margins is 273 mm, 1032 px.
        page.emulate_media(media="print")
        page.set_viewport_size({"width": 1032, "height": 768})
        printed = page.evaluate("document.documentElement.scrollWidth")
        browser.close()
    # No sideways scrolling: the table was 1.834 px wide on a 1.366 px screen.
    assert scroll <= 1366 and right <= 1280 and at_1280 <= 1280 and printed <= 1032


def test_appendix_7_and_the_report_print_the_same_figures(sources, coordinator, bac_kan, bac_kan_plan):
    a, b = two_communes_in_two_districts(bac_kan)
    # 379/400 = 94,75 % births registered: two decimals in both files.
    approved_pl7(coordinator, a, 2023, {("PL7_CT22", "actual"): "90", ("PL7_CT22_d", "actual"): "100"})
    approved_pl7(coordinator, b, 2023, {("PL7_CT22", "actual"): "289", ("PL7_CT22_d", "actual"): "300"})
    period = Period.objects.get(code="2023")
    ws = load_workbook(BytesIO(build_appendices(period, bac_kan, plan=bac_kan_plan)))["Phụ lục 7"]
    row = next(r for r in ws.iter_rows() if str(r[1].value or "").startswith("Tỷ lệ trẻ em dưới 5 tuổi được đăng ký"))
    cell = row[4]
    decimals = len(cell.number_format.split(".")[1]) if "." in cell.number_format else 0
    in_excel = format_number(Decimal(str(cell.value)), decimals)

    doc = Document(BytesIO(build_report(bac_kan_plan, bac_kan, period)))
    table = next(t for t in doc.tables if t.rows[0].cells[1].text == "Chỉ tiêu")
    birth = sub_of(bac_kan_plan, "14")
    in_docx = next(r.cells[4].text for r in table.rows if r.cells[1].text == birth.name)
    assert in_excel + "%" == in_docx == "94,75%"


def test_the_counts_say_what_they_count(client, sources, coordinator, bac_kan, bac_kan_plan):
    results = indicator_results(bac_kan_plan, bac_kan, 2023)
    indicators = len({r.indicator.pk for r in results})
    assert (indicators, len(results) > indicators) == (24, True)
    client_for(client, coordinator).cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("analytics:overview", args=[bac_kan_plan.pk, bac_kan.pk, 2023])).content.decode()
    assert f"{len(results)} sub-indicators of 24 indicators" in page
