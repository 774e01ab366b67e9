import re
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

from treem.units.models import Unit


def normalize_name(name):
    """A key to compare agency names as written: case, accents of đ, punctuation
    and spacing ignored ("Sở Lao động - TB&XH" ~ "sở lao động tb xh")."""
    s = unicodedata.normalize("NFC", name).casefold()
    s = re.sub(r"[^\w]+", " ", s)
    return " ".join(s.split())


class Agency(models.Model):
    """A department or body of a unit: Sở Y tế, Công an tỉnh, Phòng Tư pháp…"""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        OFFICE = "office", _("District office")
        POLICE = "police", _("Police")
        COMMITTEE = "committee", _("People's committee")
        UNION = "union", _("Mass organisation")
        CENTRE = "centre", _("Public service unit")
        OTHER = "other", _("Other")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="agencies", verbose_name=_("unit"))
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.DEPARTMENT)
    # Other ways plans write the name: "Sở LĐTBXH", "Sở Lao động - TB&XH"…
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)
    contact = models.CharField(_("contact"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["unit", "name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="agency_unit_name")]

    def __str__(self):
        return self.short_name or self.name

    def name_keys(self):
        return {normalize_name(n) for n in [self.name, self.short_name, *self.aliases] if n}

    def in_charge_on(self, day):
        """The agency doing this one's work for children on `day`: itself
        while it exists, else the one its children's duty went to (Sở Lao
        động's to Sở Y tế on 01/03/2025), else the one it merged into or was
        renamed, followed in turn."""
        agency, seen = self, set()
        while agency.valid_to and agency.valid_to < day and agency.pk not in seen:
            seen.add(agency.pk)
            changes = [c for c in agency.changes_out.select_related("to_agency") if c.date <= day and c.to_agency_id]
            duty = [c for c in changes if c.kind == AgencyChange.Kind.DUTY_TRANSFERRED
                    and normalize_name(c.duty) == normalize_name("Trẻ em")]
            moved = duty or [c for c in changes if c.kind in (AgencyChange.Kind.MERGED, AgencyChange.Kind.RENAMED)]
            if not moved:
                break
            agency = moved[0].to_agency
        return agency


class AgencyChange(models.Model):
    """A change in an agency's history: renamed, merged, split, dissolved, or a
    duty moved to another agency (child affairs moved from the labour sector to
    health in 2025)."""

    class Kind(models.TextChoices):
        ESTABLISHED = "established", _("established")
        RENAMED = "renamed", _("renamed")
        MERGED = "merged", _("merged into")
        SPLIT = "split", _("split into")
        DISSOLVED = "dissolved", _("dissolved")
        DUTY_TRANSFERRED = "duty_transferred", _("duty transferred")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    date = models.DateField(_("date"))
    from_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="changes_out",
        verbose_name=_("from agency"),
    )
    to_agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.CASCADE, related_name="changes_in",
        verbose_name=_("to agency"),
    )
    duty = models.CharField(_("duty"), max_length=255, blank=True)  # e.g. "Trẻ em"
    basis = models.CharField(_("legal basis"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("agency change")
        verbose_name_plural = _("agency changes")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.get_kind_display()}: {self.from_agency} → {self.to_agency}"
