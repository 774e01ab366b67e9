"""The reporting calendar: lines made from a plan's regime or by hand, the
deadline of each period, and who has submitted, who is late, who has not
started — completeness and timeliness as a coordinator chases them."""

import re
from datetime import date, datetime, timezone

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone as django_timezone

from treem.core.models import AuditEntry
from treem.plans.models import Plan, ReportingRequirement
from treem.reporting import actions, calendar
from treem.reporting.models import Period, Schedule, Submission, SubmissionEvent
from treem.units.models import Unit

from .conftest import client_for, make_user, unit
from .reporting_helpers import forms, pl6, y2023  # noqa: F401


def _submit(user, form, commune, period, on):
    """A commune submits a filled PL6 report; its submission is dated `on`."""
    submission = actions.open_submission(user, form, commune, period)
    actions.save_values(user, submission, {("PL6_1", "total"): "10", ("PL6_1", "male"): "6",
                                           ("PL6_1", "female"): "4"})
    actions.submit(user, submission)
    SubmissionEvent.objects.filter(submission=submission, action="submitted").update(
        at=datetime(on.year, on.month, on.day, 3, tzinfo=timezone.utc))
    return submission


@pytest.fixture
def annual_pl6(coordinator, bac_kan_plan, pl6):
    [line] = calendar.add_schedule(coordinator, bac_kan_plan, [pl6], Period.Type.ANNUAL,
                                   Schedule.Reporters.COMMUNES, 15, 12, recipient="Sở LĐTBXH")
    return line


def test_deadline_falls_in_the_year_the_period_ends(annual_pl6, y2023):
    assert calendar.deadline(annual_pl6, y2023) == date(2023, 12, 15)
    # The plan runs to 2030, but Bắc Kạn ceased on 30/06/2025: its communes report 2025 under the new province.
    assert [p.code for p in calendar.periods_for(annual_pl6)] == [str(y) for y in range(2021, 2025)]
    semi = Schedule(plan=annual_pl6.plan, form=annual_pl6.form, period_type=Period.Type.SEMI_ANNUAL,
                    reporters="commune", deadline_day=10, deadline_month=5)
    # A semi-annual line covers the first half-year; the annual report covers the year.
    assert [p.code for p in calendar.periods_for(semi)][:2] == ["2021H1", "2022H1"]
    assert calendar.deadline(semi, Period.objects.get(code="2024H1")) == date(2024, 5, 10)
    feb = Schedule(plan=annual_pl6.plan, form=annual_pl6.form, period_type="annual", reporters="commune",
                   deadline_day=30, deadline_month=2)
    assert calendar.deadline(feb, Period.objects.get(code="2024")) == date(2024, 2, 29)


def test_tracking_counts_submitted_late_overdue_and_not_started(annual_pl6, y2023, pl6, commune_officer):
    communes = calendar.expected_units(annual_pl6, y2023)
    bac_kan = annual_pl6.plan.unit
    assert communes and all(u.level == "commune" and u.is_within(bac_kan) for u in communes)
    assert len(communes) == Unit.objects.filter(path__startswith=bac_kan.path, level="commune").count()

    own = commune_officer.unit  # on time
    _submit(commune_officer, pl6, own, y2023, date(2023, 12, 10))
    neighbour = next(u for u in communes if u.parent_id == own.parent_id and u != own)
    late_officer = make_user("late", "commune_officer", neighbour, email="late@xa.gov.vn", phone="0209 3870 123")
    late = _submit(late_officer, pl6, neighbour, y2023, date(2024, 1, 20))
    other_district = next(u for u in communes if u.parent_id != own.parent_id)
    actions.open_submission(make_user("draft", "commune_officer", other_district), pl6, other_district, y2023)

    t = calendar.tracking(annual_pl6, y2023, today=date(2024, 2, 1))
    assert t.deadline == date(2023, 12, 15)
    assert (t.total.expected, t.total.submitted, t.total.on_time) == (len(communes), 2, 1)
    assert t.total.overdue == len(communes) - 2
    assert t.total.not_started == len(communes) - 3
    assert t.total.completeness == pytest.approx(200 / len(communes))
    assert t.total.timeliness == pytest.approx(100 / len(communes))
    by_unit = {r.unit: r for r in t.reporters}
    assert by_unit[own].on_time and not by_unit[own].overdue
    assert by_unit[neighbour].has_submitted and not by_unit[neighbour].on_time
    assert by_unit[other_district].status == "draft" and by_unit[other_district].overdue
    assert [c.username for c in by_unit[own].contacts] == [commune_officer.username]
    # Every district gets its own tally, and they add up to the province's.
    groups = dict(t.groups)
    assert sum(g.expected for g in groups.values()) == len(communes)
    assert groups[own.parent].submitted == 2 and groups[own.parent].on_time == 1
    assert groups[other_district.parent].submitted == 0

    # Before the deadline nobody is overdue yet.
    assert calendar.tracking(annual_pl6, y2023, today=date(2023, 12, 1)).total.overdue == 0
    # Approval keeps the report counted, and on time by its first submission.
    actions.approve(make_user("boss", "coordinator", bac_kan), late)
    t = calendar.tracking(annual_pl6, y2023, today=date(2024, 2, 1))
    assert t.total.approved == 1 and t.total.submitted == 2


def test_calendar_from_the_plans_regime(coordinator, pl6, forms):
    plan = Plan.objects.get(number="592/QĐ-UBND")
    # The regime as the Bắc Kạn plan writes it (line 298).
    plan.reporting.all().delete()
    for year in (2025, 2030):
        ReportingRequirement.objects.create(
            plan=plan, frequency="one_off", deadline_year=year, reporters_text="Ủy ban nhân dân các huyện, thành phố",
            recipient_text="Sở Lao động - Thương binh và Xã hội", text="sơ kết vào năm 2025 và tổng kết vào năm 2030")
    made, skipped = calendar.schedules_from_regime(coordinator, plan, [pl6, forms["PL7"]])
    # "sơ kết vào năm 2025 … Ủy ban nhân dân các huyện, thành phố": the
    # districts report the mid-term review; the 2030 final review has no period.
    assert {(s.form.code, s.period_type, s.reporters, s.deadline_year) for s in made} == {
        ("PL6", "one_off", "district", 2025), ("PL7", "one_off", "district", 2025)}
    assert len(skipped) == 1 and skipped[0][0].deadline_year == 2030
    line = made[0]
    assert [p.code for p in calendar.periods_for(line)] == ["2025MTR"]
    assert calendar.deadline(line, Period.objects.get(code="2025MTR")) == date(2025, 12, 31)
    assert AuditEntry.objects.filter(action="reporting.schedule_set", user=coordinator).count() == 1


def test_who_reports_is_read_from_the_regime_text(bac_kan):
    ninh_binh = unit("2025", "province", "37")
    req = ReportingRequirement(reporters_text="Các Sở, ban, ngành, đoàn thể của tỉnh và Ủy ban nhân dân các xã, phường")
    assert calendar.reporters_in(req, ninh_binh) == "commune"
    assert calendar.reporters_in(req, bac_kan) == "commune"
    req.reporters_text = "Ủy ban nhân dân các huyện, thành phố"
    assert calendar.reporters_in(req, bac_kan) == "district"
    req.reporters_text = "UBND các huyện, thị xã, thành phố"
    assert calendar.reporters_in(req, bac_kan) == "district"
    req.reporters_text = "UBND các xã, phường, thị trấn"
    assert calendar.reporters_in(req, bac_kan) == "commune"
    assert calendar.reporters_in(req, ninh_binh) == "commune"  # no districts after 2025


def test_bad_lines_are_refused_in_vietnamese(successor_coordinator, pl6):
    thai_nguyen = successor_coordinator.unit
    plan = Plan.objects.create(unit=thai_nguyen, title="Kế hoạch thử", issuer="UBND tỉnh Thái Nguyên",
                               period_start=2026, period_end=2030)
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(successor_coordinator, plan, [pl6], "annual", "district", 15, 11)
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(successor_coordinator, plan, [pl6], "annual", "commune", 31, 4)
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(successor_coordinator, plan, [], "annual", "commune", 15, 11)
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(successor_coordinator, plan, [pl6], "one_off", "commune", 15, 11)
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(successor_coordinator, plan, [pl6], "weekly", "commune", 15, 11)
    with pytest.raises(calendar.CalendarError):
        calendar.add_schedule(successor_coordinator, plan, [pl6], "annual", "village", 15, 11)
    assert not Schedule.objects.filter(plan=plan).exists()
    # Ninh Bình's plan: communes report to the province by 15/11, no districts.
    [line] = calendar.add_schedule(successor_coordinator, plan, [pl6], "annual", "commune", 15, 11)
    assert calendar.deadline(line, Period.objects.get(code="2026")) == date(2026, 11, 15)
    # Setting the same line again changes it instead of doubling it.
    calendar.add_schedule(successor_coordinator, plan, [pl6], "annual", "commune", 30, 11)
    assert Schedule.objects.get(plan=plan).deadline_day == 30


def test_only_the_plans_editors_change_the_calendar(annual_pl6, commune_officer, outsider, viewer):
    for user in (commune_officer, outsider, viewer):
        with pytest.raises(PermissionDenied):
            calendar.remove_schedule(user, annual_pl6)
    assert Schedule.objects.filter(pk=annual_pl6.pk).exists()


def test_late_submission_is_told_and_deadline_found_for_the_commune(annual_pl6, pl6, y2023, commune_officer,
                                                                   client):
    assert calendar.deadline_for(pl6, commune_officer.unit, y2023) == date(2023, 12, 15)
    assert calendar.deadline_for(pl6, commune_officer.unit.parent, y2023) is None  # districts are not asked
    url = reverse("reporting:entry", args=["PL6", "2023", commune_officer.unit.pk])
    response = client_for(client, commune_officer).post(url, {
        "action": "submit", "v:PL6_1:total": "10", "v:PL6_1:male": "6", "v:PL6_1:female": "4"}, follow=True)
    text = response.content.decode()
    assert "15/12/2023" in text and "muộn" in text


def test_the_entry_page_gives_the_deadline_and_says_who_is_overdue_or_late(annual_pl6, pl6, y2023, commune_officer,
                                                                          coordinator, client):
    url = reverse("reporting:entry", args=["PL6", "2023", commune_officer.unit.pk])
    officer = client_for(client, commune_officer)
    assert _deadline(officer.get(url)) == "15/12/2023 · quá hạn: chưa gửi"
    officer.post(url, {"action": "save", "v:PL6_1:total": "10", "v:PL6_1:male": "6", "v:PL6_1:female": "4"})
    assert "quá hạn: chưa gửi" in officer.get(url).content.decode()  # a draft is not a report sent
    officer.post(url, {"action": "submit"})
    sent = Submission.objects.get(unit=commune_officer.unit, period=y2023).submitted_at
    # The reviewer sees it came late, as the calendar counts it, not only the officer's passing message.
    assert _deadline(client_for(client, coordinator).get(url)) == (f"15/12/2023 · gửi ngày {django_timezone.localtime(sent):%d/%m/%Y}: "
                        "tính là nộp muộn trong lịch báo cáo")
    # Returned, then corrected: overdue again, and the reason stays in sight while the commune edits.
    client_for(client, coordinator).post(url, {"action": "return", "return_comment": "Bổ sung số trẻ em dưới 6 tuổi."})
    officer = client_for(client, commune_officer)
    officer.post(url, {"action": "save", "v:PL6_1:total": "12", "v:PL6_1:male": "6", "v:PL6_1:female": "6"})
    page = officer.get(url)
    assert _deadline(page) == "15/12/2023 · quá hạn: chưa gửi lại"
    meta = re.search(r'<dl class="meta">.*?</dl>', page.content.decode(), re.S).group(0)
    assert "Bổ sung số trẻ em dưới 6 tuổi." in meta
    # A unit no calendar asks for this form has no deadline to show.
    district = reverse("reporting:entry", args=["PL6", "2023", commune_officer.unit.parent_id])
    assert _deadline(client_for(client, coordinator).get(district)) is None


def test_the_report_list_says_which_came_late_and_which_are_overdue(annual_pl6, pl6, y2023, commune_officer,
                                                                    coordinator, client):
    """Beside each status, the deadline, and how late a report was sent or is
    still owed: the coordinator sees whom to chase from the list."""
    commune = commune_officer.unit
    others = list(Unit.objects.filter(parent=commune.parent, level="commune").exclude(pk=commune.pk)
                  .order_by("code")[:2])
    late = _submit(commune_officer, pl6, commune, y2023, date(2023, 12, 18))
    on_time = _submit(make_user("on-time", "commune_officer", others[0]), pl6, others[0], y2023, date(2023, 12, 10))
    for submission, day in ((late, date(2023, 12, 18)), (on_time, date(2023, 12, 10))):
        Submission.objects.filter(pk=submission.pk).update(submitted_at=datetime(
            day.year, day.month, day.day, 3, tzinfo=timezone.utc))
    actions.open_submission(coordinator, pl6, others[1], y2023)  # a draft, never sent
    actions.open_submission(coordinator, pl6, commune.parent, y2023)  # a district: no calendar asks it
    page = client_for(client, coordinator).get(reverse("reporting:index")).content.decode()
    table = page.split('id="recent"')[1].split("</table>")[0]
    lines = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]
    rows = {cells[1]: " ".join(re.sub(r"<[^>]+>", " ", cells[4]).split()) for cells in lines if cells}
    owed = (django_timezone.localdate() - date(2023, 12, 15)).days
    assert rows == {commune.name: "15/12/2023 gửi muộn 3 ngày", others[0].name: "15/12/2023",
                    others[1].name: f"15/12/2023 quá hạn {owed} ngày", commune.parent.name: "—"}


def _deadline(response):
    """The text of the page's deadline, or None when it gives none."""
    found = re.search(r'<dd id="deadline">(.*?)</dd>', response.content.decode(), re.S)
    return found and " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split())


class TestPages:
    def test_coordinator_builds_the_calendar_and_chases_the_overdue(self, client, coordinator, bac_kan_plan,
                                                                   commune_officer, forms):
        commune_officer.phone = "0912 345 678"
        commune_officer.save()
        c = client_for(client, coordinator)
        url = reverse("reporting:calendar", args=[bac_kan_plan.pk])
        page = c.get(url).content.decode()
        assert "Lịch báo cáo" in page and "sơ kết vào năm 2025" in page
        response = c.post(url, {"action": "add", "forms": ["PL6"], "period_type": "annual",
                                "reporters": "commune", "day": "15", "month": "12", "recipient": "Sở Y tế"},
                          follow=True)
        assert response.status_code == 200
        line = Schedule.objects.get(plan=bac_kan_plan, form__code="PL6", period_type="annual")
        assert (line.deadline_day, line.deadline_month, line.recipient) == (15, 12, "Sở Y tế")
        page = response.content.decode()
        # The current period: the last year Bắc Kạn saw to its end, before the 2025 reform.
        assert "15/12/2024" in page
        assert calendar.expected_units(line, Period.objects.get(code="2025")) == []
        tracking = reverse("reporting:tracking", args=[bac_kan_plan.pk, line.pk, "2024"])
        page = c.get(tracking + "?show=overdue").content.decode()
        assert commune_officer.unit.name in page and "0912 345 678" in page
        assert c.get(reverse("reporting:tracking", args=[bac_kan_plan.pk, line.pk, "2031"])).status_code == 404
        # Nor a year after Bắc Kạn ceased: the calendar and the tracking offer the same years.
        assert c.get(reverse("reporting:tracking", args=[bac_kan_plan.pk, line.pk, "2025"])).status_code == 404
        # Removing a line asks first.
        assert "return confirm(&#x27;" not in page and "onsubmit=\"return confirm('Xóa dòng này" in c.get(
            url).content.decode()

        bad = c.post(url, {"action": "add", "forms": ["PL6"], "period_type": "annual", "reporters": "commune",
                           "day": "31", "month": "4"}, follow=True).content.decode()
        assert "không phải là ngày" in bad
        c.post(url, {"action": "remove", "line": line.pk})
        assert not Schedule.objects.filter(pk=line.pk).exists()

    def test_others_read_or_get_nothing(self, client, annual_pl6, outsider, viewer, commune_officer):
        url = reverse("reporting:calendar", args=[annual_pl6.plan.pk])
        assert client_for(client, outsider).get(url).status_code == 404
        tracking = reverse("reporting:tracking", args=[annual_pl6.plan.pk, annual_pl6.pk, "2023"])
        assert client.get(tracking).status_code == 404
        for user in (viewer, commune_officer):
            c = client_for(client, user)
            page = c.get(url).content.decode()
            assert "PL6" in page and 'value="remove"' not in page
            assert c.post(url, {"action": "remove", "line": annual_pl6.pk}).status_code == 403
        assert Schedule.objects.filter(pk=annual_pl6.pk).exists()


class TestYearPicker:
    """The calendar shows one year of the plan: this year's periods unless
    another year of the plan is chosen (a plain GET form)."""

    @staticmethod
    def _picker(page):
        """(the years offered, the years selected) of the page's year picker."""
        picker = re.search(r'<form method="get"[^>]*id="year-picker">(.*?)</form>', page, re.S)
        assert picker and '<button type="submit">' in picker.group(1), "no year picker"
        options = re.findall(r'<option value="(\d+)"( selected)?>', picker.group(1))
        return [int(y) for y, _s in options], [int(y) for y, s in options if s]

    def test_a_coordinator_looks_at_another_year(self, client, coordinator, annual_pl6):
        plan = annual_pl6.plan
        c = client_for(client, coordinator)
        url = reverse("reporting:calendar", args=[plan.pk])
        page = c.get(url).content.decode()
        # By default, as before: the last year Bắc Kạn saw to its end. Its
        # communes report 2025 under the new ones: the plan's later years are not offered.
        assert self._picker(page) == ([2021, 2022, 2023, 2024], [2024])
        assert "15/12/2024" in page

        page = c.get(url, {"year": "2022"}).content.decode()
        assert self._picker(page)[1] == [2022]
        assert "15/12/2022" in page and "15/12/2024" not in page
        assert reverse("reporting:tracking", args=[plan.pk, annual_pl6.pk, "2022"]) in page
        # A year outside the plan's, or not a year: the default, not an error.
        for wrong in ("2025", "2031", "abc", "2022.5", "", "-1", "9" * 30):
            response = c.get(url, {"year": wrong})
            assert response.status_code == 200, wrong
            assert self._picker(response.content.decode())[1] == [2024], wrong
            assert "15/12/2024" in response.content.decode(), wrong

        # The mid-term review (2021 to mid-2025) is the one report of 2025
        # Bắc Kạn still owed: 2025 is offered, and nothing else is due then.
        [review] = calendar.add_schedule(coordinator, plan, [annual_pl6.form], "one_off", "district", 31, 12,
                                         year=2025)
        lines, years, year = calendar.calendar_lines(plan, [annual_pl6, review], today=date(2025, 3, 1))
        assert (years, year) == ([2021, 2022, 2023, 2024, 2025], 2025)
        assert [p and p.code for _s, p in lines] == [None, "2025MTR"]
        page = c.get(url, {"year": "2023"}).content.decode()
        assert reverse("reporting:tracking", args=[plan.pk, review.pk, "2025MTR"]) not in page
        assert reverse("reporting:tracking", args=[plan.pk, annual_pl6.pk, "2023"]) in page
        page = c.get(url, {"year": "2025"}).content.decode()
        assert reverse("reporting:tracking", args=[plan.pk, review.pk, "2025MTR"]) in page
        assert "15/12/2025" not in page

    def test_a_running_plan_shows_this_year_and_offers_the_others(self, client, successor_coordinator, pl6):
        plan = Plan.objects.create(unit=successor_coordinator.unit, title="Kế hoạch thử",
                                   issuer="UBND tỉnh Thái Nguyên", period_start=2026, period_end=2030)
        [annual] = calendar.add_schedule(successor_coordinator, plan, [pl6], "annual", "commune", 15, 11)
        lines, years, year = calendar.calendar_lines(plan, [annual], today=date(2027, 3, 1))
        assert (years, year, lines[0][1].code) == ([2026, 2027, 2028, 2029, 2030], 2027, "2027")
        # A year to come: its period, not begun yet.
        assert calendar.calendar_lines(plan, [annual], 2029, today=date(2027, 3, 1))[0][0][1].code == "2029"
        # Before the plan's first year: its first year.
        assert calendar.calendar_lines(plan, [annual], today=date(2025, 8, 1))[2] == 2026

        c = client_for(client, successor_coordinator)
        url = reverse("reporting:calendar", args=[plan.pk])
        page = c.get(url).content.decode()
        assert self._picker(page)[1] == [min(max(django_timezone.localdate().year, 2026), 2030)]
        page = c.get(url, {"year": "2028"}).content.decode()
        assert self._picker(page) == ([2026, 2027, 2028, 2029, 2030], [2028]) and "15/11/2028" in page


def test_whether_a_line_asks_for_a_period_agrees_with_its_periods(coordinator, successor_coordinator, bac_kan_plan,
                                                                    pl6):
    # The deadline of a submission is found without a query per line
    # (asks_for); it must say what periods_for lists, for a plan of a
    # province that ceased (Bắc Kạn, 2024) and one of the new structure.
    new_plan = Plan.objects.create(unit=successor_coordinator.unit, number="1/KH-UBND", title="Kế hoạch",
                                   issuer="Ủy ban nhân dân tỉnh Thái Nguyên", period_start=2025, period_end=2030)
    lines = []
    for plan, user in ((bac_kan_plan, coordinator), (new_plan, successor_coordinator)):
        for period_type in (Period.Type.ANNUAL, Period.Type.SEMI_ANNUAL):
            lines += calendar.add_schedule(user, plan, [pl6], period_type, Schedule.Reporters.COMMUNES, 15, 12)
        lines += calendar.add_schedule(user, plan, [pl6], Period.Type.ONE_OFF, Schedule.Reporters.COMMUNES, 31, 12,
                                       year=2025)
    periods = list(Period.objects.all())
    assert len(periods) > 10
    asked = 0
    for line in lines:
        listed = set(calendar.periods_for(line))
        assert {p for p in periods if calendar.asks_for(line, p)} == listed, (line.plan, line.period_type)
        asked += len(listed)
    assert asked > 0


def test_the_officer_finds_every_report_still_owed_not_only_the_latest(client, annual_pl6, pl6, commune_officer):
    """Called about 2022, the officer finds it on the home page: the line's
    latest period, and every earlier one past its deadline and not sent."""
    commune = commune_officer.unit
    _submit(commune_officer, pl6, commune, Period.objects.get(code="2021"), date(2021, 12, 10))
    today = date(2025, 3, 1)  # Bắc Kạn's last period is 2024
    due = calendar.due_reports(commune_officer, today=today)
    assert [(d.period.code, d.overdue) for d in due] == [("2024", True), ("2023", True), ("2022", True)]
    # Sent late, an earlier year is off the list; the latest stays, as sent.
    _submit(commune_officer, pl6, commune, Period.objects.get(code="2023"), date(2025, 2, 1))
    _submit(commune_officer, pl6, commune, Period.objects.get(code="2024"), date(2025, 2, 1))
    due = calendar.due_reports(commune_officer, today=today)
    assert [(d.period.code, d.overdue) for d in due] == [("2024", False), ("2022", True)]
    page = client_for(client, commune_officer).get(reverse("reporting:index")).content.decode()
    table = page.split('<table id="due">')[1].split("</table>")[0]
    assert reverse("reporting:entry", args=["PL6", "2022", commune.pk]) in table
