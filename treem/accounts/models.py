from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person, bound to the unit (and for reporters, the agency) they work for.
    What they may see and change follows from role and unit: see access.py."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("System administrator")
        COORDINATOR = "coordinator", _("Coordinator")
        REPORTER = "reporter", _("Agency reporter")
        COMMUNE_OFFICER = "commune_officer", _("Commune officer")
        VIEWER = "viewer", _("Viewer")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VIEWER)
    unit = models.ForeignKey(
        "units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("unit"),
    )
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("agency"),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_system_admin(self):
        return self.is_superuser or self.role == self.Role.ADMIN
