"""A bulk upload of filled workbooks and the result of each file, kept so
the progress page survives a reload (and the work resumes after a restart)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from treem.reporting.models import Submission
from treem.units.models import Unit


class WorkbookBatch(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        RUNNING = "running", _("importing")
        DONE = "done", _("finished")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("uploaded by"))
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    submit = models.BooleanField(_("submit after import"), default=False)
    language = models.CharField(max_length=10, default="vi")  # of the messages written by the worker

    class Meta:
        verbose_name = _("workbook upload")
        verbose_name_plural = _("workbook uploads")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"#{self.pk} {self.created_by} {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def is_done(self):
        return self.status == self.Status.DONE


class WorkbookFile(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        IMPORTED = "imported", _("imported")
        REFUSED = "refused", _("refused")

    batch = models.ForeignKey(WorkbookBatch, on_delete=models.CASCADE, related_name="files")
    order = models.PositiveIntegerField(default=0)
    name = models.CharField(_("file"), max_length=255)
    size = models.PositiveIntegerField(default=0)
    # The upload until it is imported; emptied then.
    data = models.BinaryField(default=b"")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.WAITING)
    message = models.TextField(_("result"), blank=True)
    problems = models.JSONField(default=list, blank=True)  # CellProblem.as_dict()
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    submission = models.ForeignKey(Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uploaded workbook")
        verbose_name_plural = _("uploaded workbooks")
        ordering = ["batch", "order"]

    def __str__(self):
        return self.name
