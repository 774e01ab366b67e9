from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from treem.core.search import fold


def existing_on(day):
    """The filter of the units (or agencies: the same fields) that existed
    on `day`: a commune merged on 01/07/2025 existed until 30/06/2025."""
    return (models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day)) & (
        models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))


# The 34-province structure without districts, from 01/07/2025.
REFORM_DATE = date(2025, 7, 1)


class Unit(models.Model):
    """An administrative unit: the nation, a province, a district or a commune.

    Vietnam has two structures: the 63-province structure with districts (until
    30/06/2025) and the 34-province structure without districts (from
    01/07/2025). Both are kept; Succession rows link old units to new ones so
    data reported under an old unit is never orphaned.
    """

    class Level(models.TextChoices):
        NATION = "nation", _("Nation")
        PROVINCE = "province", _("Province")
        DISTRICT = "district", _("District")
        COMMUNE = "commune", _("Commune")

    class Structure(models.TextChoices):
        NATIONAL = "national", _("National")
        LEGACY = "legacy", _("63 provinces (until 30/06/2025)")
        Y2025 = "2025", _("34 provinces (from 01/07/2025)")

    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    structure = models.CharField(_("structure"), max_length=10, choices=Structure.choices)
    code = models.CharField(_("official code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)  # "Tỉnh Bắc Kạn"
    short_name = models.CharField(_("short name"), max_length=200, blank=True)  # "Bắc Kạn"
    kind = models.CharField(_("kind"), max_length=30, blank=True)  # Tỉnh, Huyện, Phường…
    # The name without accents, lower-case, so "bac kan" finds "Bắc Kạn".
    search_key = models.CharField(max_length=200, db_index=True, editable=False, default="")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
        verbose_name=_("parent unit"),
    )
    # "/1/7/93/": the ids from the root down, so a subtree is one prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["structure", "code"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "level", "code"], name="unit_structure_level_code"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = fold(self.name)
        super().save(*args, **kwargs)
        path = (self.parent.path if self.parent_id else "/") + f"{self.pk}/"
        if path != self.path:
            self.path = path
            Unit.objects.filter(pk=self.pk).update(path=path)

    def ancestor_ids(self):
        return [int(x) for x in self.path.strip("/").split("/")[:-1] if x]

    def ancestors(self):
        """From the root down to the parent."""
        ids = self.ancestor_ids()
        by_id = Unit.objects.in_bulk(ids)
        return [by_id[i] for i in ids if i in by_id]

    def descendants(self):
        return Unit.objects.filter(path__startswith=self.path).exclude(pk=self.pk)

    def is_within(self, other):
        """True if this unit is `other` or lies under it."""
        return self.path.startswith(other.path)

    def has_districts_on(self, day):
        """Whether the unit's structure has districts on `day`: the 63
        provinces' had, the 34 provinces' have not, and the nation's had
        until the reform."""
        if self.structure == self.Structure.NATIONAL:
            return day < REFORM_DATE
        return self.structure == self.Structure.LEGACY

    def is_valid_on(self, day):
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


class Succession(models.Model):
    """An old unit continued, merged into or split between new units."""

    class Kind(models.TextChoices):
        CONTINUED = "continued", _("continued unchanged")
        MERGED = "merged", _("merged with others into")
        SPLIT = "split", _("split, part went to")
        ABSORBED = "absorbed", _("abolished, absorbed by")

    predecessor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions_out")
    successor = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="successions_in")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    date = models.DateField()
    # For a split: the unit the source package names as default. Roll-ups must
    # not quietly use it; it is a hint shown to the person who decides.
    is_default = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("succession")
        verbose_name_plural = _("successions")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_pair"),
        ]

    def __str__(self):
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"

    # The same change seen from the new unit: "merged into" reads "merged in".
    INCOMING_LABELS = {
        Kind.CONTINUED: _("continued unchanged"),
        Kind.MERGED: _("merged in"),
        Kind.SPLIT: _("part of it came here"),
        Kind.ABSORBED: _("abolished, its area came here"),
    }

    def incoming_label(self):
        return self.INCOMING_LABELS.get(self.kind, self.get_kind_display())
