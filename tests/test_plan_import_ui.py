"""Importing a plan through the web: upload, review with each value beside its
line, correct, confirm. Nothing is saved before the confirmation."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from treem.core.models import AuditEntry
from treem.plans.models import Plan, PlanDraft, Target

from .conftest import SHARED_PLANS, client_for

pytestmark = pytest.mark.django_db

NINH_BINH = SHARED_PLANS / "ninh-binh_2025-2030_kh75.txt"


def upload(client, path=NINH_BINH, name=None):
    return client.post(reverse("plans:import"), {
        "document": SimpleUploadedFile(name or path.name, path.read_bytes(), content_type="text/plain"),
    })


def test_upload_makes_a_draft_and_saves_no_plan(client, outsider):
    # the "outsider" persona is the Ninh Bình coordinator: this is their plan
    client_for(client, outsider)
    plans_before = Plan.objects.count()
    response = upload(client)
    assert response.status_code == 302
    draft = PlanDraft.objects.get(created_by=outsider)
    assert response["Location"] == reverse("plans:draft", args=[draft.pk])
    assert Plan.objects.count() == plans_before
    assert draft.data["number"] == "75/KH-UBND"
    assert draft.unit.name == "Tỉnh Ninh Bình" and draft.unit.structure == "2025"
    page = client.get(response["Location"]).content.decode()
    assert 'id="L1"' in page  # the source text beside the form
    assert "75/KH-UBND" in page


def test_reviewer_corrects_a_value_and_confirms(client, outsider):
    client_for(client, outsider)
    upload(client)
    draft = PlanDraft.objects.get(created_by=outsider)
    ind = next(i for i, x in enumerate(draft.data["indicators"]) if x["number"] == "3")
    # correct the 2026 target of the first sub-indicator of indicator 3 to 4,9‰
    t = next(k for k, x in enumerate(draft.data["indicators"][ind]["sub_indicators"][0]["targets"]) if x["year"] == 2026)
    response = client.post(reverse("plans:draft", args=[draft.pk]), {f"i{ind}s0t{t}-value": "4,9", "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    plan = Plan.objects.get(number="75/KH-UBND")
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    assert plan.indicators.count() == 24
    target = Target.objects.get(sub_indicator__indicator__plan=plan, sub_indicator__indicator__number="3",
                                sub_indicator__order=0, year=2026)
    assert str(target.value.normalize()) == "4.9"
    entry = AuditEntry.objects.get(action="plan.imported", object_id=str(plan.pk), user=outsider)
    # Ninh Bình's departments were not in Treem: the plan's lead agencies were added for it
    assert "Sở Y tế" in entry.detail["agencies_created"]
    lead = plan.indicators.get(number="1").lead_agency
    assert (lead.name, lead.unit) == ("Sở Y tế", plan.unit)
    # the corrected figure says so, with what the document wrote
    assert "sửa khi kiểm tra" in target.note and "văn bản ghi" in target.note
    assert plan.indicators.get(number="3").sub_indicators.get(order=0).targets.get(year=2030).note == ""
    draft.refresh_from_db()
    assert draft.status == PlanDraft.Status.IMPORTED and draft.plan == plan
    # importing it again does not duplicate it, and the review says so at once
    upload(client)
    second = PlanDraft.objects.filter(created_by=outsider, status="draft").get()
    review = client.get(reverse("plans:draft", args=[second.pk])).content.decode()
    assert 'id="save-problem"' in review and "đã có trong Treem" in review
    page = client.post(reverse("plans:draft", args=[second.pk]), {"confirm": "1"})
    assert page.status_code == 400
    assert "đã có trong Treem" in page.content.decode()
    assert Plan.objects.filter(number="75/KH-UBND").count() == 1


def test_a_bad_number_in_the_review_is_refused_with_a_message(client, outsider):
    client_for(client, outsider)
    upload(client)
    draft = PlanDraft.objects.get(created_by=outsider)
    response = client.post(reverse("plans:draft", args=[draft.pk]), {"i0s0t0-value": "mười", "confirm": "1"})
    assert response.status_code == 400
    assert "không phải là số" in response.content.decode()
    assert not Plan.objects.filter(number="75/KH-UBND").exists()


def test_a_coordinator_cannot_import_a_plan_for_another_province(client, coordinator):
    client_for(client, coordinator)  # Bắc Kạn
    upload(client)
    draft = PlanDraft.objects.get(created_by=coordinator)
    # said at once on the review screen, with the confirm button off
    page = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    assert 'id="save-problem"' in page and "Tỉnh Ninh Bình" in page and "Hủy bản nháp" in page
    assert 'name="confirm" class="primary" disabled' in page
    response = client.post(reverse("plans:draft", args=[draft.pk]), {"confirm": "1"})
    assert response.status_code == 400
    assert not Plan.objects.filter(number="75/KH-UBND").exists()


def test_another_provinces_document_cannot_be_saved_as_ones_own(client, outsider):
    """Đắk Nông's plan, uploaded by Ninh Bình, with Ninh Bình chosen as its unit."""
    client_for(client, outsider)
    upload(client, SHARED_PLANS / "dak-nong_2021-2030.txt")
    draft = PlanDraft.objects.get(created_by=outsider)
    plans_before = Plan.objects.count()
    response = client.post(reverse("plans:draft", args=[draft.pk]), {"unit": str(outsider.unit.pk), "confirm": "1"})
    assert response.status_code == 400
    assert "Đắk Nông" in response.content.decode() and "không phải" in response.content.decode()
    assert Plan.objects.count() == plans_before


def test_drafts_are_private_and_viewers_cannot_import(client, outsider, coordinator, viewer):
    client_for(client, outsider)
    upload(client)
    draft = PlanDraft.objects.get(created_by=outsider)
    client_for(client, coordinator)
    assert client.get(reverse("plans:draft", args=[draft.pk])).status_code == 404
    client_for(client, viewer)
    assert client.get(reverse("plans:import")).status_code == 404


def test_a_file_that_is_not_a_plan_document_is_refused(client, outsider):
    client_for(client, outsider)
    response = client.post(reverse("plans:import"), {
        "document": SimpleUploadedFile("anh.docx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40),
    })
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert not PlanDraft.objects.exists()


def test_the_review_shows_what_a_careful_reader_flags_and_keeps_it_after_corrections(client, coordinator):
    client_for(client, coordinator)
    upload(client, SHARED_PLANS / "bac-kan_2021-2030_qd592.txt")
    draft = PlanDraft.objects.get(created_by=coordinator)
    kinds = {f["kind"] for f in draft.flags}
    # the narrative and the table disagree (e.g. indicator 5), the lead of
    # indicator 11 differs between the list and the table, and some provincial
    # targets are weaker than the national ones
    assert {"narrative_table_disagree", "lead_disagreement", "weaker_than_national"} <= kinds
    page = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    assert "phần mục tiêu và bảng tổng hợp ghi khác nhau" in page
    client.post(reverse("plans:draft", args=[draft.pk]), {"number": "592/QĐ-UBND", "save": "1"})
    draft.refresh_from_db()
    assert {f["kind"] for f in draft.flags} == kinds


def test_the_reviewer_adds_the_targets_and_sub_indicator_the_parser_missed(client, outsider, tmp_path):
    """A copy of the Ninh Bình plan where indicator 2 gives its figures in words
    the parser does not read, and indicator 8 lost its second clause: the
    reviewer adds them on the review screen, in Vietnamese numbers."""
    text = NINH_BINH.read_text(encoding="utf-8")
    changed = text.replace("toàn diện đạt 90% vào năm 2026 và 95% vào năm 2030.",
                           "toàn diện đạt chín mươi phần trăm trong giai đoạn tới.")
    changed = changed.replace("; phấn đấu 90% trẻ em có hoàn cảnh đặc biệt được chăm sóc, nuôi dưỡng, trợ giúp "
                              "vào năm 2026 và 95% vào năm 2030.", ".")
    assert changed.count("chín mươi") == 1 and "phấn đấu 90% trẻ em có hoàn cảnh" not in changed
    path = tmp_path / "ninh-binh.txt"
    path.write_text(changed, encoding="utf-8")
    client_for(client, outsider)
    upload(client, path)
    draft = PlanDraft.objects.get(created_by=outsider)
    i2 = next(i for i, x in enumerate(draft.data["indicators"]) if x["number"] == "2")
    i8 = next(i for i, x in enumerate(draft.data["indicators"]) if x["number"] == "8")
    assert draft.data["indicators"][i2]["sub_indicators"][0]["targets"] == []
    assert len(draft.data["indicators"][i8]["sub_indicators"]) == 1
    assert any(f["kind"] == "no_target" and f["message"].startswith("Chỉ tiêu 2") for f in draft.flags)
    page = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    assert f'name="i{i2}s0tnew-value"' in page and f'name="i{i8}snew-name"' in page

    url = reverse("plans:draft", args=[draft.pk])
    # a year without a value is refused and changes nothing
    response = client.post(url, {f"i{i2}s0tnew-year": "2026", "save": "1"})
    with translation.override("vi"):
        added_note, refused = gettext("added on review"), gettext("%(label)s: a new target needs a year and a value.")
    assert response.status_code == 400 and refused % {"label": "Chỉ tiêu 2"} in response.content.decode()
    draft.refresh_from_db()
    assert draft.data["indicators"][i2]["sub_indicators"][0]["targets"] == []

    client.post(url, {f"i{i2}s0tnew-year": "2026", f"i{i2}s0tnew-value": "90", "save": "1"})
    client.post(url, {f"i{i2}s0tnew-year": "2030", f"i{i2}s0tnew-comparator": ">=", f"i{i2}s0tnew-value": "95,5",
                      "save": "1"})
    client.post(url, {
        f"i{i8}snew-name": "Tỷ lệ trẻ em có hoàn cảnh đặc biệt được chăm sóc, nuôi dưỡng, trợ giúp",
        f"i{i8}snew-unit": "percent", f"i{i8}snew-direction": "increase",
        f"i{i8}snew-t-year": "2026", f"i{i8}snew-t-value": "90", "save": "1"})
    response = client.post(url, {f"i{i8}s1tnew-year": "2030", f"i{i8}s1tnew-value": "95", "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    draft.refresh_from_db()
    assert not any(f["kind"] == "no_target" and f["message"].startswith("Chỉ tiêu 2") for f in draft.flags)

    plan = Plan.objects.get(number="75/KH-UBND")
    targets = {t.year: t for t in Target.objects.filter(sub_indicator__indicator__plan=plan,
                                                        sub_indicator__indicator__number="2")}
    assert (targets[2026].comparator, targets[2026].value) == ("", 90)
    assert (targets[2030].comparator, str(targets[2030].value.normalize())) == (">=", "95.5")
    assert all(t.note == added_note and t.source_line is None for t in targets.values())
    added = plan.indicators.get(number="8").sub_indicators.get(order=1)
    assert added.name.startswith("Tỷ lệ trẻ em có hoàn cảnh đặc biệt") and added.note == added_note
    assert sorted((t.year, int(t.value)) for t in added.targets.all()) == [(2026, 90), (2030, 95)]
    edits = AuditEntry.objects.filter(action="plan_draft.edited", object_id=str(draft.pk)).order_by("pk")
    assert [e.detail["added"] for e in edits] == [["2.1 2026"], ["2.1 2030"], ["8.2"], ["8.2 2030"]]


def test_points_to_check_read_in_the_reader_s_language(client, outsider):
    """A flag keeps its kind and figures, so the review page words it in the
    language the reader chose, and a draft flagged before flags kept their
    figures still shows its Vietnamese wording."""
    client_for(client, outsider)
    weakened = NINH_BINH.read_text(encoding="utf-8").replace("75/KH-UBND", "")
    response = client.post(reverse("plans:import"), {
        "document": SimpleUploadedFile(NINH_BINH.name, weakened.encode(), content_type="text/plain")})
    assert response.status_code == 302
    draft = PlanDraft.objects.get(created_by=outsider)
    missing = next(f for f in draft.flags if f["kind"] == "missing_number")
    assert missing["message"].startswith("Văn bản không có số hiệu")
    url = reverse("plans:draft", args=[draft.pk])
    assert "Văn bản không có số hiệu" in client.get(url).content.decode()

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(url).content.decode()
    assert "The document has no number" in page and "Văn bản không có số hiệu" not in page

    draft.flags = [{"kind": "no_target", "message": "Chỉ tiêu 9: chưa có mức chỉ tiêu.", "lines": [3]}]
    draft.save(update_fields=["flags"])
    assert "Chỉ tiêu 9: chưa có mức chỉ tiêu." in client.get(url).content.decode()


def test_a_weaker_target_is_worded_with_its_figures_in_either_language():
    from treem.plans.importing.checks import flag_message

    flag = {"kind": "weaker_than_national", "lines": [359], "params": {
        "number": "15", "position": 2, "year": 2025, "national_year": 2025, "must_fall": True,
        "mine": {"comparator": "<=", "value": "7", "value_max": None, "sign": "‰"},
        "theirs": {"comparator": "range", "value": "5", "value_max": "6,5", "sign": "‰"}}}
    with translation.override("vi"):
        assert flag_message(flag) == (
            "Chỉ tiêu 15 (ý 2): chỉ tiêu năm 2025 của địa phương (tối đa 7‰) cao hơn mức Chương trình quốc gia "
            "đặt ra cho năm 2025 (từ 5 đến 6,5‰), trong khi chỉ tiêu cần giảm.")
    with translation.override("en"):
        assert flag_message(flag) == (
            "Indicator 15 (item 2): the local target for 2025 (at most 7‰) is above the level the National "
            "Programme sets for 2025 (from 5 to 6,5‰), while the indicator must fall.")
