"""The report outline (form BC) is the province's: "Đối với Trung ương",
"Ngân sách cấp huyện". The ministry's report words it as a ministry, and a
unit without districts (from 01/07/2025) is not asked about them: on the
entry page and in the DOCX alike."""

import re
from io import BytesIO

import pytest
from docx import Document

from treem.accounts.models import User
from treem.reporting import actions
from treem.reporting.models import Period
from treem.reports.docx_report import ReportOptions, build_report

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms  # noqa: F401

pytestmark = pytest.mark.django_db

DISTRICT_ROWS = ("b) Cấp huyện", "- Ngân sách cấp huyện", "3. Đối với cấp huyện")


def paragraphs(docx_bytes):
    return [p.text.strip() for p in Document(BytesIO(docx_bytes)).paragraphs if p.text.strip()]


def page_labels(client, form, period, unit_):
    """The row labels of the entry page, as its first column shows them."""
    page = client.get(f"/reporting/{form.code}/{period.code}/{unit_.pk}/").content.decode()
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r'<th scope="row" class="label">(.*?)</th>', page, re.S)]


def test_a_province_without_districts_is_not_asked_about_them(client, forms, successor_coordinator,  # noqa: F811
                                                               national_plan):
    thai_nguyen, period = successor_coordinator.unit, Period.objects.get(code="2026H1")
    labels = page_labels(client_for(client, successor_coordinator), forms["BC"], period, thai_nguyen)
    assert "Ngân sách cấp tỉnh" in labels and labels.count("Ngân sách cấp xã") == 1
    assert "Cấp xã:" in labels and "Đối với cấp xã" in labels
    assert not any("huyện" in label for label in labels), [x for x in labels if "huyện" in x]

    actions.save_report_values(successor_coordinator, forms["BC"], thai_nguyen, period, None, {
        ("BC_A_I_4_b", "total"): "Các xã tổ chức 40 buổi truyền thông.",
        ("BC_A_III_3", "total"): "Bố trí công chức làm công tác trẻ em ở mọi xã."})
    texts = paragraphs(build_report(national_plan, thai_nguyen, period, ReportOptions()))
    at = texts.index("b) Cấp xã:")
    assert texts[at + 1] == "Các xã tổ chức 40 buổi truyền thông."
    assert texts[texts.index("3. Đối với cấp xã") + 1] == "Bố trí công chức làm công tác trẻ em ở mọi xã."
    assert "- Ngân sách cấp xã" in texts
    assert not any(row in texts for row in DISTRICT_ROWS) and "c) Cấp xã" not in texts


def test_text_already_typed_in_a_row_no_longer_asked_is_still_shown(client, forms,  # noqa: F811
                                                                     successor_coordinator, national_plan):
    thai_nguyen, period = successor_coordinator.unit, Period.objects.get(code="2026H1")
    actions.save_report_values(successor_coordinator, forms["BC"], thai_nguyen, period, None, {
        ("BC_A_I_6_3", "total"): "Ngân sách xã chi 120 triệu đồng."})
    page = client_for(client, successor_coordinator).get(
        f"/reporting/BC/{period.code}/{thai_nguyen.pk}/").content.decode()
    assert "Ngân sách xã chi 120 triệu đồng." in page
    texts = paragraphs(build_report(national_plan, thai_nguyen, period, ReportOptions()))
    assert "Ngân sách xã chi 120 triệu đồng." in texts


def test_the_ministrys_outline_is_worded_as_a_ministrys(client, forms, national_plan):  # noqa: F811
    nation = unit("national", "nation", "VN")
    ministry = make_user("bo", User.Role.COORDINATOR, nation, is_staff=True)
    for code, kept_districts in (("2024", True), ("2026", False)):
        period = Period.objects.get(code=code)
        labels = page_labels(client_for(client, ministry), forms["BC"], period, nation)
        texts = paragraphs(build_report(national_plan, nation, period, ReportOptions()))
        for wording in ("Đối với Quốc hội, Chính phủ", "Đối với các bộ, ngành", "Đối với các địa phương",
                        "Cấp trung ương:", "Các địa phương:", "Ngân sách trung ương", "Ngân sách địa phương"):
            assert wording in labels, (code, wording)
        assert "1. Đối với Quốc hội, Chính phủ" in texts and "a) Cấp trung ương:" in texts
        assert "- Ngân sách địa phương" in texts
        heading = next(t for t in texts if t.startswith("1. Công tác tham mưu lãnh đạo"))
        assert "Đảng, Quốc hội, Chính phủ" in heading
        # The choice of unit tells the 63 provinces from the 34 that share their names.
        choice = client_for(client, ministry).get(f"/reports/{national_plan.pk}/").content.decode()
        assert "Tỉnh Thái Nguyên (đến 30/06/2025)</option>" in choice and "Tỉnh Thái Nguyên</option>" in choice
        for provincial in ("Tỉnh ủy", "Đối với Trung ương", "Đối với cấp tỉnh", "Ngân sách cấp tỉnh", "Cấp xã",
                           "UBND cấp huyện"):
            assert not any(provincial in t for t in labels + texts), (code, provincial)


def test_a_province_with_districts_keeps_the_outline_as_written(client, forms, coordinator, bac_kan,  # noqa: F811
                                                                 bac_kan_plan):
    period = Period.objects.get(code="2024")
    labels = page_labels(client_for(client, coordinator), forms["BC"], period, bac_kan)
    assert {"Cấp tỉnh:", "Cấp huyện", "Cấp xã", "Ngân sách cấp huyện", "Đối với Trung ương",
            "Đối với cấp huyện"} <= set(labels)
    texts = paragraphs(build_report(bac_kan_plan, bac_kan, period, ReportOptions()))
    assert all(row in texts for row in DISTRICT_ROWS) and "1. Đối với Trung ương" in texts


def test_a_communes_outline_is_worded_as_a_communes(client, forms, commune_officer, bac_kan_plan):  # noqa: F811
    """The trial: a ward's report asked for "Ngân sách cấp tỉnh", "Cấp huyện" and "Đối với Trung ương"."""
    ward, period = commune_officer.unit, Period.objects.get(code="2024")
    labels = page_labels(client_for(client, commune_officer), forms["BC"], period, ward)
    texts = paragraphs(build_report(bac_kan_plan, ward, period, ReportOptions()))
    for wording in ("Cấp xã:", "Ngân sách cấp xã", "Đối với cấp huyện", "Đối với cấp xã"):
        assert wording in labels, wording
    for heading in ("a) Cấp xã:", "- Ngân sách cấp xã", "1. Đối với cấp huyện", "2. Đối với cấp xã"):
        assert heading in texts, heading
    assert labels.count("Ngân sách cấp xã") == 1 and "b) Cấp huyện" not in texts
    heading = next(t for t in texts if t.startswith("1. Công tác tham mưu lãnh đạo"))
    assert "cấp ủy, UBND cấp xã" in heading
    for above in ("Tỉnh ủy", "Cấp tỉnh", "Ngân sách cấp tỉnh", "Ngân sách cấp huyện", "Đối với Trung ương",
                  "Đối với cấp tỉnh", "UBND cấp huyện"):
        assert not any(above in t for t in labels + texts), above

    # A ward of a province without districts (from 01/07/2025) reports to the province.
    thai_nguyen = unit("2025", "province", "19")
    ward = thai_nguyen.children.filter(level="commune").order_by("code").first()
    officer = make_user("ward-2025", User.Role.COMMUNE_OFFICER, ward)
    period = Period.objects.get(code="2026H1")
    labels = page_labels(client_for(client, officer), forms["BC"], period, ward)
    texts = paragraphs(build_report(None, ward, period, ReportOptions()))
    assert "1. Đối với cấp tỉnh" in texts and "2. Đối với cấp xã" in texts and "- Ngân sách cấp xã" in texts
    assert "Đối với cấp tỉnh" in labels and labels.count("Ngân sách cấp xã") == 1
    assert not any("huyện" in t or "Ngân sách cấp tỉnh" in t for t in labels + texts)


def test_a_districts_outline_is_worded_as_a_districts(client, forms, coordinator, commune_officer,  # noqa: F811
                                                      bac_kan_plan):
    district, period = commune_officer.unit.parent, Period.objects.get(code="2024")
    labels = page_labels(client_for(client, coordinator), forms["BC"], period, district)
    texts = paragraphs(build_report(bac_kan_plan, district, period, ReportOptions()))
    for wording in ("Cấp huyện:", "Cấp xã:", "Ngân sách cấp huyện", "Ngân sách cấp xã", "Đối với cấp tỉnh",
                    "Đối với cấp huyện", "Đối với cấp xã"):
        assert wording in labels, wording
    for heading in ("a) Cấp huyện:", "b) Cấp xã:", "- Ngân sách cấp huyện", "- Ngân sách cấp xã",
                    "1. Đối với cấp tỉnh", "2. Đối với cấp huyện", "3. Đối với cấp xã"):
        assert heading in texts, heading
    heading = next(t for t in texts if t.startswith("1. Công tác tham mưu lãnh đạo"))
    assert "cấp ủy, UBND cấp huyện" in heading
    for above in ("Tỉnh ủy", "Cấp tỉnh:", "Ngân sách cấp tỉnh", "Đối với Trung ương", "c) Cấp xã"):
        assert not any(above in t for t in labels + texts), above
