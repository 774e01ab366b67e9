from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "treem.analytics"
    label = "analytics"
    verbose_name = _("Results and dashboards")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from treem.reporting.models import DataValue, Submission
        from treem.units.models import Succession, Unit

        from .sums import reported_data_changed

        # The cached roll-ups (sums.cached_below_sums) also carry a
        # fingerprint of the approved reports, which every approval, return
        # or reopening changes; these catch what saves no report: a value
        # changed directly, a report deleted, a unit moved or merged.
        for model in (DataValue, Unit, Succession):
            post_save.connect(reported_data_changed, sender=model, dispatch_uid=f"results-data-{model.__name__}")
        for model in (DataValue, Submission, Unit, Succession):
            post_delete.connect(reported_data_changed, sender=model, dispatch_uid=f"results-data-del-{model.__name__}")
