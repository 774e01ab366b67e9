"""Save, submit, approve, return, reopen; roll-up; who may do what."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone

from treem.core.models import AuditEntry
from treem.reporting import actions
from treem.reporting.models import DataElement, DataValue, DataValueChange, Period, Submission
from treem.reporting.rollup import rollup, rollup_form

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db

PL6_VALUES = {
    ("PL6_I_1", "total"): "1.234", ("PL6_I_1", "male"): "600", ("PL6_I_1", "female"): "634",
    ("PL6_I_1r", "total"): "24,5",
    ("PL6_II", "total"): "12",
    ("PL6_II_1", "total"): "3", ("PL6_II_1", "male"): "1", ("PL6_II_1", "female"): "2",
    ("PL6_II_1_3", "total"): "2",
    ("PL6_II_4", "total"): "5", ("PL6_II_4_4_1", "total"): "2", ("PL6_II_4_4_2", "total"): "1",
}


def entry_url(form, period, unit_):
    return reverse("reporting:entry", args=[form.code, period.code, unit_.pk])


def submitted_pl6(user, pl6, period, values=PL6_VALUES):
    submission = actions.open_submission(user, pl6, user.unit, period)
    assert [p for p in actions.save_values(user, submission, values) if p.is_error] == []
    return actions.submit(user, submission)


def test_commune_submits_province_approves_and_rolls_up(client, commune_officer, coordinator, pl6, y2023):
    commune = commune_officer.unit
    client_for(client, commune_officer)
    url = entry_url(pl6, y2023, commune)
    page = client.get(url)
    assert page.status_code == 200 and "Trẻ em mồ côi cả cha và mẹ" in page.content.decode()
    post = {f"v:{e}:{o}": v for (e, o), v in PL6_VALUES.items()}
    assert client.post(url, {**post, "action": "submit"}).status_code == 302
    submission = Submission.objects.get(form=pl6, unit=commune, period=y2023)
    assert submission.status == "submitted"
    assert DataValue.objects.get(submission=submission, element__code="PL6_I_1", option__code="total").value == 1234
    assert DataValue.objects.get(submission=submission, element__code="PL6_II_4_4", option__code="total").value == 3

    # The province coordinator sees it waiting and approves it on the page.
    client_for(client, coordinator)
    assert url in client.get(reverse("reporting:index")).content.decode()
    assert "Approve" in client.get(url).content.decode() or "Phê duyệt" in client.get(url).content.decode()
    assert client.post(url, {"action": "approve"}).status_code == 302
    submission.refresh_from_db()
    assert submission.status == "approved" and submission.decided_by == coordinator

    # A second commune of the same province, approved too: the province sums both.
    other = unit("legacy", "commune", "01837") if _exists("01837") else \
        commune.parent.children.exclude(pk=commune.pk).first()
    officer2 = make_user("commune2", "commune_officer", other)
    s2 = submitted_pl6(officer2, pl6, y2023, {("PL6_I_1", "total"): "766", ("PL6_I_1", "male"): "400",
                                              ("PL6_I_1", "female"): "366"})
    actions.approve(coordinator, s2)
    province = coordinator.unit
    element = DataElement.objects.get(code="PL6_I_1")
    assert rollup(element, y2023, province) == {"total": 2000, "male": 1000, "female": 1000}
    assert rollup(element, y2023, commune.parent)["total"] == (2000 if other.parent_id == commune.parent_id else 1234)
    # Percentages cannot be added: no roll-up rather than an average.
    assert rollup(DataElement.objects.get(code="PL6_I_1r"), y2023, province) == {}


def _exists(code):
    from treem.units.models import Unit

    return Unit.objects.filter(structure="legacy", level="commune", code=code).exists()


def test_rates_are_recomputed_from_summed_parts(forms, coordinator, y2023):
    pl7 = forms["PL7"]
    province = coordinator.unit
    communes = list(province.descendants().filter(level="commune").order_by("code")[:2])
    # 1 of 1 commune-level unit (100%) and 1 of 3 (33%): the province rate is 2/4 = 50%, not the 66,7% average.
    for i, (commune, num, den) in enumerate([(communes[0], "1", "1"), (communes[1], "1", "3")]):
        officer = make_user(f"c{i}", "commune_officer", commune)
        s = actions.open_submission(officer, pl7, commune, y2023)
        actions.save_values(officer, s, {("PL7_CT1", "actual"): num, ("PL7_CT1_d", "actual"): den})
        actions.submit(officer, s)
        actions.approve(coordinator, s)
    rate = rollup(DataElement.objects.get(code="PL7_CT1_r"), y2023, province)
    assert rate["actual"] == Decimal(50)
    assert rollup_form(pl7, y2023, province)[("PL7_CT1_r", "actual")] == Decimal(50)
    assert rollup_form(pl7, y2023, province)[("PL7_CT1", "actual")] == 2


def test_only_approved_values_roll_up(commune_officer, coordinator, pl6, y2023):
    submission = submitted_pl6(commune_officer, pl6, y2023)
    element = DataElement.objects.get(code="PL6_I_1")
    assert rollup(element, y2023, coordinator.unit) == {}
    actions.approve(coordinator, submission)
    assert rollup(element, y2023, coordinator.unit)["total"] == 1234


def test_outsider_gets_404_and_cannot_approve(client, commune_officer, outsider, pl6, y2023):
    submission = submitted_pl6(commune_officer, pl6, y2023)
    client_for(client, outsider)
    url = entry_url(pl6, y2023, commune_officer.unit)
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "approve"}).status_code == 404
    assert url not in client.get(reverse("reporting:index")).content.decode()
    with pytest.raises(PermissionDenied):
        actions.approve(outsider, submission)
    with pytest.raises(PermissionDenied):
        actions.save_values(outsider, submission, {("PL6_I_1", "total"): "1"})
    submission.refresh_from_db()
    assert submission.status == "submitted"


def test_a_commune_cannot_approve_itself_nor_edit_another(client, commune_officer, coordinator, pl6, y2023):
    submission = submitted_pl6(commune_officer, pl6, y2023)
    with pytest.raises(PermissionDenied):
        actions.approve(commune_officer, submission)
    client_for(client, commune_officer)
    assert client.post(entry_url(pl6, y2023, commune_officer.unit), {"action": "approve"}).status_code == 403
    other = commune_officer.unit.parent.children.exclude(pk=commune_officer.unit.pk).first()
    with pytest.raises(PermissionDenied):
        actions.open_submission(commune_officer, pl6, other, y2023)


def test_viewer_reads_but_cannot_save(client, viewer, commune_officer, pl6, y2023):
    submitted_pl6(commune_officer, pl6, y2023)
    client_for(client, viewer)
    url = entry_url(pl6, y2023, commune_officer.unit)
    page = client.get(url).content.decode()
    assert "1.234" in page and 'name="v:' not in page
    assert client.post(url, {"v:PL6_I_1:total": "5", "action": "save"}).status_code == 403


def test_every_change_leaves_a_change_row_and_one_audit_row(commune_officer, pl6, y2023):
    submission = actions.open_submission(commune_officer, pl6, commune_officer.unit, y2023)
    audits = AuditEntry.objects.filter(action="reporting.values_saved")
    actions.save_values(commune_officer, submission, {("PL6_I_1", "total"): "10"})
    actions.save_values(commune_officer, submission, {("PL6_I_1", "total"): "12"})
    actions.save_values(commune_officer, submission, {("PL6_I_1", "total"): "12"})  # nothing changes
    actions.save_values(commune_officer, submission, {("PL6_I_1", "total"): ""})
    changes = DataValueChange.objects.filter(data_value__element__code="PL6_I_1").order_by("pk")
    assert [(c.old, c.new, c.user) for c in changes] == [
        ("", "10", commune_officer), ("10", "12", commune_officer), ("12", "", commune_officer)]
    assert audits.count() == 3
    assert all(a.user == commune_officer and a.unit == commune_officer.unit for a in audits)


def test_a_reported_values_element_option_and_submission_cannot_be_deleted(commune_officer, pl6, y2023):
    """The database does not check a value's element and option row by row
    (see DataValue): Django's PROTECT keeps them, and the submission, from
    being deleted under reported figures."""
    submitted_pl6(commune_officer, pl6, y2023)
    value = DataValue.objects.select_related("element", "option", "submission").get(
        element__code="PL6_I_1", option__code="male")
    for referenced in (value.element, value.option, value.submission):
        with pytest.raises(ProtectedError):
            referenced.delete()
    assert DataValue.objects.filter(pk=value.pk, value=Decimal("600")).exists()


def test_unreadable_numbers_save_nothing(commune_officer, pl6, y2023):
    submission = actions.open_submission(commune_officer, pl6, commune_officer.unit, y2023)
    with pytest.raises(actions.ReportingError) as e:
        actions.save_values(commune_officer, submission, {("PL6_I_1", "total"): "10", ("PL6_I_2", "total"): "mười"})
    assert e.value.problems[0].kind == "not_a_number"
    assert not DataValue.objects.filter(submission=submission).exists()


def test_errors_block_submission_and_warnings_need_a_comment(commune_officer, coordinator, pl6, y2023):
    unit_ = commune_officer.unit
    y2022 = Period.objects.get(code="2022")
    before = submitted_pl6(commune_officer, pl6, y2022, {("PL6_II_2", "total"): "2"})
    actions.approve(coordinator, before)
    submission = actions.open_submission(commune_officer, pl6, unit_, y2023)
    actions.save_values(commune_officer, submission, {("PL6_II_1", "total"): "20", ("PL6_II_1", "male"): "12",
                                                      ("PL6_II_1", "female"): "10"})
    with pytest.raises(actions.ReportingError) as e:
        actions.submit(commune_officer, submission)
    assert "khác tổng số (20)" in e.value.problems[0].message
    problems = actions.save_values(commune_officer, submission, {("PL6_II_1", "total"): "22",
                                                                 ("PL6_II_2", "total"): "25"})
    assert [p.kind for p in problems] == ["tenfold"]
    with pytest.raises(actions.ReportingError):
        actions.submit(commune_officer, submission)
    actions.save_values(commune_officer, submission, {}, comments={("PL6_II_2", "total"): "Lũ quét tháng 9"})
    assert actions.submit(commune_officer, submission).status == "submitted"


def test_return_then_change_after_approval_makes_version_2(client, commune_officer, coordinator, pl6, y2023):
    submission = submitted_pl6(commune_officer, pl6, y2023)
    with pytest.raises(actions.ReportingError):
        actions.return_submission(coordinator, submission, "  ")
    actions.return_submission(coordinator, submission, "Kiểm tra lại số trẻ em khuyết tật")
    submission.refresh_from_db()
    assert submission.status == "returned"
    actions.save_values(commune_officer, submission, {("PL6_II_4", "total"): "6"})
    actions.submit(commune_officer, submission)
    actions.approve(coordinator, submission)
    with pytest.raises(actions.ReportingError):
        actions.save_values(commune_officer, submission, {("PL6_II_4", "total"): "7"})

    client_for(client, commune_officer)
    url = entry_url(pl6, y2023, commune_officer.unit)
    assert client.post(url, {"action": "reopen", "reason": "Bổ sung"}).status_code == 302
    submission.refresh_from_db()
    assert (submission.version, submission.status) == (2, "draft")
    actions.save_values(commune_officer, submission, {("PL6_II_4", "total"): "7"})
    change = DataValueChange.objects.filter(data_value__element__code="PL6_II_4").latest("pk")
    assert (change.version, change.old, change.new) == (2, "6", "7")
    events = list(submission.events.values_list("version", "action"))
    assert events == [(1, "created"), (1, "submitted"), (1, "returned"), (1, "submitted"), (1, "approved"),
                      (2, "reopened")]
    assert submission.events.get(action="approved").snapshot["PL6_II_4:total"] == "6"
    assert AuditEntry.objects.filter(action="reporting.reopened", user=commune_officer).count() == 1


def test_entry_page_shows_last_period_and_messages_next_to_rows(client, commune_officer, coordinator, pl6, y2023):
    y2022 = Period.objects.get(code="2022")
    actions.approve(coordinator, submitted_pl6(commune_officer, pl6, y2022, {("PL6_II_2", "total"): "4"}))
    client_for(client, commune_officer)
    url = entry_url(pl6, y2023, commune_officer.unit)
    page = client.post(url, {"v:PL6_II_2:total": "40", "v:PL6_II_1:total": "5", "v:PL6_II_1_1:total": "9",
                             "action": "save"}, follow=True).content.decode()
    assert 'class="previous"' in page and ">4<" in page
    assert "lớn hơn tổng số ở dòng II.1 (5)" in page
    assert 'name="c:PL6_II_2:total"' in page  # the warning asks for a comment
    # Enter presses the first submit button, which is disabled.
    first = page.index('type="submit"', page.index('class="entry"'))
    assert "disabled" in page[first:page.index(">", first)]
    # Text in a number cell: nothing saved, the typed text kept on the page.
    page = client.post(url, {"v:PL6_II_2:total": "bốn", "action": "save"}).content.decode()
    assert "không phải là số" in page and 'value="bốn"' in page


def test_the_province_page_shows_what_the_approved_communes_add_up_to(client, commune_officer, coordinator, pl6, y2023):
    actions.approve(coordinator, submitted_pl6(commune_officer, pl6, y2023))
    client_for(client, coordinator)
    province = commune_officer.unit.parent.parent  # commune → district (city) → Tỉnh Bắc Kạn
    page = client.get(entry_url(pl6, y2023, province)).content.decode()
    assert "Σ 1.234" in page and "Σ 600" in page
    # the commune's own page has no roll-up
    assert "Σ " not in client.get(entry_url(pl6, y2023, commune_officer.unit)).content.decode()


def test_no_report_for_a_period_not_begun_or_a_commune_already_merged(client, commune_officer, pl6, forms):
    future = Period.objects.filter(start__gt=timezone.localdate()).order_by("start").first()
    with pytest.raises(actions.ReportingError, match="chưa bắt đầu"):
        actions.open_submission(commune_officer, pl6, commune_officer.unit, future)
    after_merger = Period.objects.get(code="2026H1")  # the legacy commune ended on 30/06/2025
    with pytest.raises(actions.ReportingError) as refused:
        actions.open_submission(commune_officer, pl6, commune_officer.unit, after_merger)
    assert "sau ngày 30/06/2025" in refused.value.message and "Phường Đức Xuân" in refused.value.message
    client_for(client, commune_officer)
    page = client.get(entry_url(pl6, after_merger, commune_officer.unit)).content.decode()
    assert 'id="refusal"' in page and 'name="v:' not in page and 'id="excel"' not in page
    index = client.get(reverse("reporting:index")).content.decode()
    # The chooser offers only the periods the commune lived in.
    assert f'value="{future.code}"' not in index and 'value="2026H1"' not in index and 'value="2025H1"' in index
    assert not Submission.objects.exists()


def test_a_returned_report_waits_for_the_commune_with_its_reason_and_every_change_shows(
        client, commune_officer, coordinator, pl6, y2023):
    submission = submitted_pl6(commune_officer, pl6, y2023)
    actions.return_submission(coordinator, submission, "Số trẻ em nam chưa đúng")
    client_for(client, commune_officer)
    index = client.get(reverse("reporting:index")).content.decode()
    returned = index[index.index('id="returned"'):]
    assert "PL6" in returned and "Số trẻ em nam chưa đúng" in returned
    actions.save_values(commune_officer, submission, {("PL6_I_1", "male"): "601", ("PL6_I_1", "female"): "633"})
    page = client.get(entry_url(pl6, y2023, commune_officer.unit)).content.decode()
    changes = page[page.index('id="value-changes"'):]
    # every typed cell (computed totals too), then the two corrections with before and after
    assert changes.count("<tr>") > len(PL6_VALUES) + 2
    assert '<td class="n">600</td><td class="n">601</td>' in changes
    assert '<td class="n">634</td><td class="n">633</td>' in changes


def test_save_and_submit_keeps_the_figures_when_refused_then_submits_once_explained(
        client, commune_officer, coordinator, pl6, y2023):
    y2022 = Period.objects.get(code="2022")
    actions.approve(coordinator, submitted_pl6(commune_officer, pl6, y2022, {("PL6_II_2", "total"): "4"}))
    client_for(client, commune_officer)
    url = entry_url(pl6, y2023, commune_officer.unit)
    # Ten times last year's figure: a warning without a comment stops the submission, not the saving.
    page = client.post(url, {"v:PL6_II_2:total": "40", "v:PL6_II_1:total": "5", "action": "submit"})
    assert page.status_code == 200 and "Chưa gửi được báo cáo" in page.content.decode()
    submission = Submission.objects.get(form=pl6, unit=commune_officer.unit, period=y2023)
    assert submission.status == "draft"
    assert actions.stored_values(submission) == {("PL6_II_2", "total"): 40, ("PL6_II_1", "total"): 5}
    assert not AuditEntry.objects.filter(action="reporting.submitted", object_id=str(submission.pk)).exists()

    response = client.post(url, {"v:PL6_II_2:total": "40", "v:PL6_II_1:total": "5",
                                 "c:PL6_II_2:total": "Hai xã nhập vào", "action": "submit"})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "submitted" and submission.submitted_by == commune_officer
    comment = DataValue.objects.get(submission=submission, element__code="PL6_II_2").comment
    assert comment == "Hai xã nhập vào"
    audits = AuditEntry.objects.filter(object_id=str(submission.pk), user=commune_officer)
    assert audits.filter(action="reporting.submitted").count() == 1
    assert audits.filter(action="reporting.values_saved").count() == 2  # the figures, then the comment
    assert [e.action for e in submission.events.all()] == ["created", "submitted"]


def test_a_returned_report_refused_again_keeps_the_new_figures_as_a_draft(commune_officer, coordinator, pl6, y2023):
    submission = submitted_pl6(commune_officer, pl6, y2023, {("PL6_II", "total"): "10"})
    actions.return_submission(coordinator, submission, "Thiếu số trẻ em nam")
    with pytest.raises(actions.ReportingError):
        actions.save_and_submit(commune_officer, pl6, submission.unit, y2023, None,
                                {("PL6_II_1", "total"): "12"})  # above its total
    submission.refresh_from_db()
    assert submission.status == "draft" and submission.submitted_at is not None
    assert actions.stored_values(submission)[("PL6_II_1", "total")] == 12
    assert [e.action for e in submission.events.all()] == ["created", "submitted", "returned"]


def test_a_period_added_later_is_found_and_is_last_period_of_the_next(client, commune_officer, coordinator, pl6):
    # The entry pages keep periods in memory; adding one must show at once,
    # both as a page of its own and as the "last period" of the one after.
    client_for(client, commune_officer)
    y2021 = Period.objects.get(code="2021")
    page = client.get(entry_url(pl6, y2021, commune_officer.unit)).content.decode()
    assert 'class="previous"' not in page
    url_2020 = reverse("reporting:entry", args=[pl6.code, "2020", commune_officer.unit.pk])
    assert client.get(url_2020).status_code == 404

    Period.objects.create(code="2020", type=Period.Type.ANNUAL, start=date(2020, 1, 1), end=date(2020, 12, 31),
                          name="Năm 2020")
    assert client.get(url_2020).status_code == 200
    y2020 = Period.objects.get(code="2020")
    actions.approve(coordinator, submitted_pl6(commune_officer, pl6, y2020, {("PL6_II_2", "total"): "4"}))
    page = client.get(entry_url(pl6, y2021, commune_officer.unit)).content.decode()
    assert 'class="previous"' in page and ">4<" in page
    # Submitting 2021 checks it against 2020's figures: forty times as many asks why.
    answer = client.post(entry_url(pl6, y2021, commune_officer.unit),
                         {"v:PL6_II_2:total": "160", "action": "submit"}, follow=True).content.decode()
    assert 'name="c:PL6_II_2:total"' in answer
    assert Submission.objects.get(unit=commune_officer.unit, period=y2021).status == "draft"


def test_last_periods_figures_are_those_of_the_form_alone(commune_officer, coordinator, forms, pl6, y2023):
    y2022 = Period.objects.get(code="2022")
    submitted_pl6(commune_officer, pl6, y2022, {("PL6_II_2", "total"): "4"})
    # The same commune's figure of another form, that year.
    row = next(r for r in forms["PL1"].rows.select_related("element", "disaggregation")
               if r.element_id and r.disaggregation_id and r.element.value_type != DataElement.ValueType.TEXT)
    other = Submission.objects.create(form=forms["PL1"], unit=commune_officer.unit, period=y2022)
    DataValue.objects.create(element=row.element, option=row.disaggregation.options.first(), value=7,
                             unit=commune_officer.unit, period=y2022, submission=other)
    assert actions.previous_values(pl6, commune_officer.unit, y2023) == {("PL6_II_2", "total"): 4}


def test_the_index_shows_each_what_concerns_them_and_pages_the_area_reports(client, commune_officer, coordinator,
                                                                           forms):
    client_for(client, commune_officer)
    page = client.get(reverse("reporting:index")).content.decode()
    assert "Chờ bạn xem xét" not in page and reverse("workbooks:batch_new") not in page
    periods = list(Period.objects.order_by("start", "type")[:7])
    Submission.objects.bulk_create(Submission(form=f, unit=coordinator.unit, period=p)
                                   for f in forms.values() for p in periods)
    count = len(forms) * len(periods)
    assert count > 50
    client_for(client, coordinator)
    page = client.get(reverse("reporting:index")).content.decode()
    assert "Chờ bạn xem xét" in page and reverse("workbooks:batch_new") in page
    assert f"{count} báo cáo" in page and page.count('<td class="n">1</td>') == 50
    second = client.get(reverse("reporting:index"), {"page": 2}).content.decode()
    assert second.count('<td class="n">1</td>') == count - 50 and "Trang 2/2" in second
