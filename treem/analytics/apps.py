from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "treem.analytics"
    label = "analytics"
    verbose_name = _("Results and dashboards")
