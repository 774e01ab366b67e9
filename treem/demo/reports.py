"""The demo's reporting: a calendar for the Bắc Kạn plan and approved
synthetic reports of its communes (Appendix 7 and Appendix 6 for 2021–2024,
as the calendar asks, most sent before the 15/12 deadline), so the calendar, roll-ups,
dashboards and official reports have figures to show. The demo commune
officer's own commune from 2023 on, and the provincial agencies' Appendix 7,
are left for the visitor to fill in."""

from django.urls import reverse

from treem.accounts.models import User
from treem.analytics.actions import set_public
from treem.analytics.models import PublicResults
from treem.plans.models import Plan
from treem.reporting import calendar
from treem.reporting.models import Form, Period, Schedule
from treem.units.models import Unit

from .synthetic import generate

DEMO_PLAN = "592/QĐ-UBND"
LEFT_FOR_THE_VISITOR = ["01834"]  # bk.commune's commune


def load_demo_reports(say=lambda s: None):
    plan = Plan.objects.filter(number=DEMO_PLAN).select_related("unit").first()
    coordinator = User.objects.filter(username="bk.coordinator").first()
    if plan is None or coordinator is None:
        say("Bỏ qua số liệu báo cáo mẫu: chưa có kế hoạch Bắc Kạn hoặc người dùng bk.coordinator")
        return
    forms = {code: Form.objects.filter(code=code, is_active=True).order_by("-version").first()
             for code in ("PL6", "PL7")}
    if not plan.schedules.exists():
        calendar.add_schedule(coordinator, plan, list(forms.values()), Period.Type.ANNUAL,
                              Schedule.Reporters.COMMUNES, 15, 12, recipient="Sở Lao động - Thương binh và Xã hội")
        # The provincial agencies (bk.health reports for Sở Y tế) send their
        # results on the indicators they lead; left for the visitor to fill in.
        calendar.add_schedule(coordinator, plan, [forms["PL7"]], Period.Type.ANNUAL, Schedule.Reporters.AGENCIES,
                              30, 11, recipient="Sở Lao động - Thương binh và Xã hội",
                              agencies=calendar.plan_agencies(plan))
    communes = list(Unit.objects.filter(path__startswith=plan.unit.path, level=Unit.Level.COMMUNE)
                    .exclude(code__in=LEFT_FOR_THE_VISITOR).order_by("code"))
    years = [Period.objects.get(code=str(y)) for y in range(2021, 2025)]
    line = plan.schedules.filter(period_type=Period.Type.ANNUAL, reporters=Schedule.Reporters.COMMUNES).first()

    def due(period):
        return calendar.deadline(line, period)

    written = generate(communes, [forms["PL7"]], years, approver=coordinator, due=due)
    written += generate(communes, [forms["PL6"]], years, approver=coordinator, due=due)
    # The visitor's own commune reported the years before 2023, so its forms
    # show last period's figures beside each cell and can warn of a jump.
    visitor = list(Unit.objects.filter(path__startswith=plan.unit.path, level=Unit.Level.COMMUNE,
                                       code__in=LEFT_FOR_THE_VISITOR))
    written += generate(visitor, [forms["PL7"]], years[:2], approver=coordinator, due=due)
    written += generate(visitor, [forms["PL6"]], years[:2], approver=coordinator, due=due)
    say(f"Báo cáo mẫu (số liệu mô phỏng) của {len(communes)} xã Bắc Kạn: thêm {written} số liệu")
    # Bắc Kạn shows its results publicly, as a province may choose to.
    if not PublicResults.objects.filter(unit=plan.unit).exists():
        set_public(coordinator, plan.unit, True)
    say("Trang kết quả công khai (không cần đăng nhập): "
        + reverse("public:province", args=[plan.unit.structure, plan.unit.code]))
