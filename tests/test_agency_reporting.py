"""Agencies as reporters: a province's departments (Sở Y tế, Sở Tư pháp…)
send their part of the report to the province's coordinator, who approves
or returns it and sees what they add up to beside the province's own
report; the calendar chases them like the communes."""

import re
from decimal import Decimal
from datetime import date, datetime, timezone

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone as django_timezone

from treem.agencies.models import Agency
from treem.core.models import AuditEntry
from treem.plans.models import ReportingRequirement
from treem.reporting import actions, calendar
from treem.reporting.models import DataValue, Period, Schedule, Submission, SubmissionEvent
from treem.reporting.rollup import rollup_agencies, rollup_form

from .conftest import client_for
from .reporting_helpers import forms, pl6, y2023  # noqa: F401

FIGURES = {("PL6_I_1", "total"): "10", ("PL6_I_1", "male"): "6", ("PL6_I_1", "female"): "4"}


def _report(user, form, agency, period, figures=FIGURES):
    submission = actions.open_submission(user, form, agency.unit, period, agency)
    actions.save_values(user, submission, figures)
    return submission


def test_an_agencys_reporter_reports_for_that_agency_only(health_reporter, health, justice, pl6, y2023,
                                                          commune_officer, coordinator, outsider):
    bac_kan = health.unit
    submission = _report(health_reporter, pl6, health, y2023)
    submission = actions.submit(health_reporter, submission)
    assert (submission.unit, submission.agency, submission.status) == (bac_kan, health, "submitted")
    assert DataValue.objects.filter(submission=submission, agency=health).count() == 3
    # Not for another agency, not for the province's own report.
    for who, agency in ((health_reporter, justice), (health_reporter, None), (commune_officer, health),
                        (outsider, health)):
        with pytest.raises(PermissionDenied):
            actions.open_submission(who, pl6, bac_kan, y2023, agency)
    # Its own report is not the agency's to decide; the province's coordinator decides.
    assert not actions.may_review(health_reporter, submission)
    assert not actions.may_review(outsider, submission)
    with pytest.raises(PermissionDenied):
        actions.approve(health_reporter, submission)
    actions.return_submission(coordinator, submission, "Thiếu số liệu nữ")
    actions.save_values(health_reporter, submission, {("PL6_I_1", "female"): "4"})
    actions.submit(health_reporter, submission)
    actions.approve(coordinator, submission)
    assert Submission.objects.get(pk=submission.pk).status == "approved"
    created = AuditEntry.objects.get(action="reporting.submission_created", object_id=str(submission.pk))
    assert created.user == health_reporter and created.detail["agency"] == "Sở Y tế"


def test_the_coordinator_may_type_in_a_report_sent_on_paper(coordinator, justice, pl6, y2023):
    submission = _report(coordinator, pl6, justice, y2023)
    assert submission.agency == justice and submission.unit == coordinator.unit


def test_agency_reports_sit_beside_the_units_roll_up_not_in_it(health_reporter, health, justice, pl6, y2023,
                                                                coordinator):
    bac_kan = health.unit
    before = rollup_form(pl6, y2023, bac_kan, level=None)
    for agency, total, male in ((health, "10", "6"), (justice, "7", "3")):
        reporter = health_reporter if agency == health else coordinator
        s = _report(reporter, pl6, agency, y2023, {("PL6_I_1", "total"): total, ("PL6_I_1", "male"): male,
                                                   ("PL6_I_1", "female"): str(int(total) - int(male))})
        actions.submit(reporter, s)
        actions.approve(coordinator, s)
    # Even adding every level, the agencies' reports are not units below.
    assert rollup_form(pl6, y2023, bac_kan, level=None) == before
    summed = rollup_agencies(pl6, y2023, bac_kan)
    assert (summed[("PL6_I_1", "total")], summed[("PL6_I_1", "male")], summed[("PL6_I_1", "female")]) == (17, 9, 8)


@pytest.fixture
def agency_line(coordinator, bac_kan_plan, pl6, health, justice):
    [line] = calendar.add_schedule(coordinator, bac_kan_plan, [pl6], Period.Type.ANNUAL, Schedule.Reporters.AGENCIES,
                                   30, 11, recipient="Sở LĐTBXH", agencies=[health, justice])
    return line


def test_the_calendar_chases_the_agencies(agency_line, health_reporter, health, justice, pl6, y2023):
    submission = _report(health_reporter, pl6, health, y2023)
    actions.submit(health_reporter, submission)
    SubmissionEvent.objects.filter(submission=submission, action="submitted").update(
        at=datetime(2023, 11, 20, 3, tzinfo=timezone.utc))
    t = calendar.tracking(agency_line, y2023, today=date(2023, 12, 5))
    assert t.deadline == date(2023, 11, 30)
    # In the order of their names: Sở Tư pháp, Sở Y tế.
    assert [(r.agency, r.status, r.on_time, r.overdue) for r in t.reporters] == [
        (justice, "not_started", False, True), (health, "submitted", True, False)]
    assert (t.total.expected, t.total.submitted, t.total.completeness) == (2, 1, 50)
    assert t.groups == []
    assert [c.username for c in t.reporters[1].contacts] == ["suyte"] and t.reporters[0].contacts == []
    assert t.reporters[1].url == reverse("reporting:agency_entry", args=["PL6", "2023", health.unit_id, health.pk])
    assert calendar.deadline_for(pl6, health.unit, y2023, health) == date(2023, 11, 30)
    assert calendar.deadline_for(pl6, health.unit, y2023) is None  # the province's own report has no line


def test_agency_lines_are_checked(coordinator, bac_kan_plan, pl6, outsider):
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(coordinator, bac_kan_plan, [pl6], "annual", "agency", 30, 11)
    other = Agency.objects.filter(unit=outsider.unit).first() or Agency.objects.create(unit=outsider.unit,
                                                                                        name="Sở Y tế")
    with pytest.raises(calendar.CalendarError) as refused:
        calendar.add_schedule(coordinator, bac_kan_plan, [pl6], "annual", "agency", 30, 11, agencies=[other])
    assert "Bắc Kạn" in refused.value.message


def test_the_regime_naming_the_departments_makes_an_agency_line(coordinator, bac_kan_plan, pl6):
    bac_kan_plan.reporting.all().delete()
    ReportingRequirement.objects.create(
        plan=bac_kan_plan, frequency="annual", deadline_day=15, deadline_month=11,
        reporters_text="Các Sở, ban, ngành, đoàn thể của tỉnh và Ủy ban nhân dân các huyện, thành phố",
        recipient_text="Sở Lao động - Thương binh và Xã hội")
    made, skipped = calendar.schedules_from_regime(coordinator, bac_kan_plan, [pl6])
    assert not skipped
    assert sorted(s.reporters for s in made) == ["agency", "district"]
    line = next(s for s in made if s.reporters == "agency")
    # The agencies of the province that lead or coordinate a part of the plan.
    names = {a.name for a in line.agencies.all()}
    assert {"Sở Y tế", "Sở Tư pháp", "Sở Giáo dục và Đào tạo"} <= names
    assert all(a.unit == bac_kan_plan.unit for a in line.agencies.all())


class TestPages:
    def test_reporter_fills_and_submits_and_the_coordinator_approves(self, client, health_reporter, health,
                                                                     coordinator, pl6, y2023, agency_line):
        c = client_for(client, health_reporter)
        index = c.get(reverse("reporting:index"))
        assert index.status_code == 200 and 'name="agency"' in index.content.decode()
        assert f'value="{health.pk}"' in index.content.decode()
        go = c.get(reverse("reporting:go"), {"form": "PL6", "period": "2023", "agency": health.pk})
        url = reverse("reporting:agency_entry", args=["PL6", "2023", health.unit_id, health.pk])
        assert go.status_code == 302 and go.url == url
        page = c.get(url)
        assert page.status_code == 200 and 'id="agency"' in page.content.decode()
        autosave = reverse("reporting:agency_autosave", args=["PL6", "2023", health.unit_id, health.pk])
        assert f'data-autosave="{autosave}"' in page.content.decode()
        saved = c.post(autosave, {"v:PL6_I_1:total": "12", "o:PL6_I_1:total": ""})
        assert saved.status_code == 200 and saved.json()["ok"]
        c.post(url, {"action": "submit", "v:PL6_I_1:male": "7", "v:PL6_I_1:female": "5"})
        s = Submission.objects.get(form=pl6, period=y2023, agency=health)
        assert s.status == "submitted" and s.unit == health.unit

        c = client_for(client, coordinator)
        waiting = c.get(reverse("reporting:index")).content.decode()
        assert url in waiting
        c.post(url, {"action": "approve"})
        assert Submission.objects.get(pk=s.pk).status == "approved"
        # The province's own page shows what its agencies add up to.
        own = c.get(reverse("reporting:entry", args=["PL6", "2023", health.unit_id])).content.decode()
        summed = re.findall(r'<span class="rolled agencies"[^>]*>([^<]*)</span>', own)
        assert summed and summed[0].split()[-1] == "12"
        # The coordinator takes the agencies' figures into the province's own report.
        province = reverse("reporting:entry", args=["PL6", "2023", health.unit_id])
        assert c.post(province, {"action": "from_agencies"}).status_code == 302
        own = Submission.objects.get(form=pl6, period=y2023, unit=health.unit, agency=None)
        assert actions.stored_values(own)[("PL6_I_1", "total")] == 12

    def test_nobody_else_gets_in(self, client, health, justice, outsider, commune_officer, health_reporter, pl6,
                                 y2023):
        url = reverse("reporting:agency_entry", args=["PL6", "2023", health.unit_id, health.pk])
        assert client_for(client, outsider).get(url).status_code == 404
        # An agency asked under another unit does not exist there.
        wrong = reverse("reporting:agency_entry", args=["PL6", "2023", commune_officer.unit_id, health.pk])
        assert client.get(wrong).status_code == 404
        # A commune reads the province's plan, not the reports the province and its agencies send up.
        assert client_for(client, commune_officer).get(url).status_code == 404
        province = reverse("reporting:entry", args=["PL6", "2023", health.unit_id])
        assert client.get(province).status_code == 404
        other = reverse("reporting:agency_autosave", args=["PL6", "2023", health.unit_id, justice.pk])
        assert client_for(client, health_reporter).post(other, {"v:PL6_I_1:total": "1"}).status_code == 403
        assert not Submission.objects.filter(agency=justice).exists()


def test_the_coordinator_fills_the_provinces_report_from_the_agencies(health_reporter, health, justice,
                                                                      coordinator, forms, y2023):
    pl7, bac_kan = forms["PL7"], health.unit
    for reporter, agency, figures in (
            (health_reporter, health, {("PL7_CT3", "actual"): "9,5", ("PL7_CT3", "plan"): "10",
                                       ("PL7_CT22", "actual"): "1.234", ("PL7_CT22_d", "actual"): "1.300"}),
            (coordinator, justice, {("PL7_CT3", "plan"): "12", ("PL7_CT22", "actual"): "100",
                                    ("PL7_CT22_d", "actual"): "100"})):
        s = _report(reporter, pl7, agency, y2023, figures)
        actions.submit(reporter, s)
        actions.approve(coordinator, s)
    summed = rollup_agencies(pl7, y2023, bac_kan)
    # Counts add up and the rate comes from their sums; a ‰ one agency alone
    # typed is given as it is, one that two agencies typed differently is not.
    assert summed[("PL7_CT22", "actual")] == 1334 and summed[("PL7_CT22_d", "actual")] == 1400
    assert round(summed[("PL7_CT22_r", "actual")], 2) == Decimal("95.29")
    assert summed[("PL7_CT3", "actual")] == Decimal("9.5") and ("PL7_CT3", "plan") not in summed

    own = actions.open_submission(coordinator, pl7, bac_kan, y2023)
    actions.save_values(coordinator, own, {("PL7_CT22", "actual"): "1.400"})
    assert actions.fill_from_agencies(coordinator, own) == 2
    stored = actions.stored_values(own)
    assert stored[("PL7_CT22", "actual")] == 1400  # the coordinator's own figure is kept
    assert (stored[("PL7_CT22_d", "actual")], stored[("PL7_CT3", "actual")]) == (1400, Decimal("9.5"))
    # The rate is not copied beside the counts: it follows from the report's own, 1.400 of 1.400,
    # and the report goes up without a rate that contradicts them.
    assert stored.get(("PL7_CT22_r", "actual")) is None
    assert not actions.check_before_submit(own)
    assert AuditEntry.objects.get(action="reporting.filled_from_agencies").detail["cells"] == 2
    assert actions.fill_from_agencies(coordinator, own) == 0  # nothing left empty
    with pytest.raises(PermissionDenied):
        actions.fill_from_agencies(health_reporter, own)


def test_each_lands_on_what_is_asked_of_them(client, agency_line, health_reporter, health, coordinator, pl6,
                                             y2023, bac_kan_plan):
    due, *earlier = calendar.due_reports(health_reporter, today=date(2023, 12, 5))
    url = reverse("reporting:agency_entry", args=["PL6", "2023", health.unit_id, health.pk])
    assert (due.form, due.period, due.deadline, due.url) == (pl6, y2023, date(2023, 11, 30), url)
    assert due.overdue and due.days_overdue == 5  # 30/11 has passed with nothing sent
    # The plan's earlier years, never sent, are listed after it as overdue too.
    assert [d.period.code for d in earlier] == ["2022", "2021"] and all(d.overdue for d in earlier)
    assert not calendar.due_reports(health_reporter, today=date(2023, 11, 30))[0].overdue
    c = client_for(client, health_reporter)
    assert c.get("/").url == reverse("reporting:index")
    owed = (django_timezone.localdate() - date(2023, 11, 30)).days
    assert f'<strong class="warn">quá hạn {owed} ngày</strong>' in c.get(reverse("reporting:index")).content.decode()
    submission = _report(health_reporter, pl6, health, y2023)
    actions.submit(health_reporter, submission)
    assert not calendar.due_reports(health_reporter, today=date(2023, 12, 5))[0].overdue  # late, but sent
    # The coordinator lands on the province's results, which say a report awaits them.
    c = client_for(client, coordinator)
    overview = reverse("analytics:overview", args=[bac_kan_plan.pk, health.unit_id, 2023])
    page = c.get(overview).content.decode()
    assert 'id="awaiting"' in page and reverse("reporting:index") in page
    assert list(actions.awaiting_review(coordinator)) == [submission]
    assert not actions.awaiting_review(health_reporter).exists()


def _own_rate(page, cell):
    """The rate a page shows in a rate cell ("PL7_CT22_r:actual") from the
    report's own numerator and denominator: "" when hidden, None when absent."""
    td = re.search(r'<td class="cell[^"]*">((?:(?!</td>).)*?[:"]%s"(?:(?!</td>).)*)</td>' % re.escape(cell), page,
                   re.S)
    assert td, cell
    found = re.search(r'<span class="rolled own-rate" data-rate="[^"]*"[^>]*?( hidden)?>[^<]*'
                      r'<span class="rate">([^<]*)</span>', td.group(1))
    return None if found is None else ("" if found.group(1) else found.group(2))


def test_an_agency_sees_its_own_rate_as_its_coordinator_does(client, health_reporter, health, coordinator, forms,
                                                             y2023, commune_officer):
    """Sở Y tế types the children injured (numerator) and all children
    (denominator): its own page shows the ‰ they give, the figure the
    province's page shows as the agencies' sum once approved."""
    bac_kan = health.unit
    url = reverse("reporting:agency_entry", args=["PL7", "2023", bac_kan.pk, health.pk])
    c = client_for(client, health_reporter)
    page = c.get(url).content.decode()
    assert _own_rate(page, "PL7_CT22_r:actual") == ""  # nothing typed: nothing shown
    assert '"few_filled": ""' in page  # an agency fills its own rows: no question about the empty ones
    c.post(url, {"action": "save", "v:PL7_CT22:actual": "1.234", "v:PL7_CT22_d:actual": "1.300",
                 "v:PL7_CT18:actual": "45", "v:PL7_CT18_d:actual": "0"})
    page = c.get(url).content.decode()
    assert _own_rate(page, "PL7_CT22_r:actual") == "94,92"
    assert 'data-rate="PL7_CT22:actual PL7_CT22_d:actual 100"' in page
    assert _own_rate(page, "PL7_CT18_r:actual") == ""  # no rate of a zero denominator
    # The page recomputes it from the figures autosave answers with.
    saved = c.post(reverse("reporting:agency_autosave", args=["PL7", "2023", bac_kan.pk, health.pk]),
                   {"v:PL7_CT22_d:actual": "1.400", "o:PL7_CT22_d:actual": "1.300"}).json()
    assert saved["values"]["PL7_CT22:actual"] == "1.234" and saved["values"]["PL7_CT22_d:actual"] == "1.400"
    submission = Submission.objects.get(form__code="PL7", period=y2023, agency=health)
    with pytest.raises(actions.ReportingError):
        actions.submit(health_reporter, submission)  # 45 of 0 children cannot go up
    actions.save_values(health_reporter, submission, {("PL7_CT18", "actual"): "", ("PL7_CT18_d", "actual"): ""})
    actions.submit(health_reporter, submission)
    actions.approve(coordinator, submission)
    mine = _own_rate(c.get(url).content.decode(), "PL7_CT22_r:actual")
    province = client_for(client, coordinator).get(reverse("reporting:entry", args=["PL7", "2023", bac_kan.pk]))
    summed = re.findall(r'<span class="rolled agencies"[^>]*>([^<]*)</span>', province.content.decode())
    assert mine == "88,14" and any(s.split()[-1] == mine for s in summed)
    assert "tỷ lệ của các cơ quan 88,14" in summed  # a rate of the agencies' sums, not a "Σ" of rates

    # A commune's own page shows its own rate the same way.
    own = reverse("reporting:entry", args=["PL7", "2023", commune_officer.unit_id])
    c = client_for(client, commune_officer)
    c.post(own, {"action": "save", "v:PL7_CT1:actual": "1", "v:PL7_CT1_d:actual": "3"})
    assert _own_rate(c.get(own).content.decode(), "PL7_CT1_r:actual") == "33,33"
