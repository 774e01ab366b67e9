from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One row per change to plans or reported data, and per read of a child's
    record: who, when, what, and the values before and after."""

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("user")
    )
    action = models.CharField(_("action"), max_length=60)  # "plan.imported"
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=40, blank=True)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user} {self.action} {self.object_type}#{self.object_id}"


def audit(user, action, obj=None, unit=None, **detail):
    """Write one audit row; call it inside the transaction of the change."""
    entry = audit_entry(user, action, obj, unit, **detail)
    entry.save()
    return entry


def audit_entry(user, action, obj=None, unit=None, **detail):
    """An audit row not yet written, for an action that writes several
    together (AuditEntry.objects.bulk_create) inside its transaction."""
    return AuditEntry(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        unit=unit,
        detail=detail,
    )
