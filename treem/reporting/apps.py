from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "treem.reporting"
    label = "reporting"
    verbose_name = _("Periodic reporting")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import models
        from .validation import form_structure_changed

        # Periods too: the entry pages keep them in memory with their predecessor.
        for model in (models.Form, models.FormRow, models.DataElement, models.Disaggregation,
                      models.DisaggregationOption, models.Period):
            post_save.connect(form_structure_changed, sender=model, dispatch_uid=f"form-structure-{model.__name__}")
            post_delete.connect(form_structure_changed, sender=model, dispatch_uid=f"form-structure-del-{model.__name__}")
