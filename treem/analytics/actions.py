"""Changes to analytics data: one function, one transaction, one audit row."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from treem.accounts.access import can_edit_unit
from treem.accounts.models import User
from treem.core.models import audit
from treem.core.numbers import format_number, parse_number
from treem.units.models import Unit

from .models import IndicatorValue, PublicResults


class EntryError(Exception):
    """An entered value refused, with a message for the user."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@transaction.atomic
def enter_value(user, sub_indicator, unit, year, value="", not_collected=False, note="", scope=""):
    """Save the actual of a sub-indicator for a unit and year, typed as
    officials write it ("98,5"), or mark it not collected. An empty value and
    not `not_collected` removes the entry. Returns the IndicatorValue or None."""
    if not can_edit_unit(user, unit):
        raise PermissionDenied
    text = (value or "").strip() if isinstance(value, str) else value
    parsed = None
    if not not_collected and text not in ("", None):
        try:
            parsed = parse_number(text)
        except (ValueError, InvalidOperation):
            raise EntryError(_("“%(value)s” is not a number.") % {"value": text}) from None
        if parsed < 0:
            raise EntryError(_("The value cannot be negative."))
    existing = IndicatorValue.objects.select_for_update().filter(
        sub_indicator=sub_indicator, unit=unit, year=year, scope=scope).first()
    old = _describe(existing)
    if not not_collected and parsed is None:
        if existing is not None:
            existing.delete()
            audit(user, "analytics.value_removed", sub_indicator, unit=unit, year=year, scope=scope, old=old)
        return None
    row = existing or IndicatorValue(sub_indicator=sub_indicator, unit=unit, year=year, scope=scope)
    row.status = IndicatorValue.Status.NOT_COLLECTED if not_collected else IndicatorValue.Status.VALUE
    row.value = None if not_collected else Decimal(parsed)
    row.note = (note or "").strip()
    row.updated_by = user
    row.save()
    audit(user, "analytics.value_entered", row, unit=unit, sub_indicator=sub_indicator.pk, year=year, scope=scope,
          old=old, new=_describe(row))
    return row


def _describe(row):
    if row is None:
        return ""
    if row.status == IndicatorValue.Status.NOT_COLLECTED:
        return "not collected"
    return format_number(row.value)


def can_publish(user, unit):
    """Only the system administrator or a coordinator of the province (or of
    a unit above it) turns its public page on or off."""
    if not user.is_authenticated or unit.level != Unit.Level.PROVINCE:
        return False
    if user.is_system_admin:
        return True
    return user.role == User.Role.COORDINATOR and user.unit_id is not None and unit.is_within(user.unit)


@transaction.atomic
def set_public(user, unit, enabled):
    """Turn the public results page of a province on or off."""
    if not can_publish(user, unit):
        raise PermissionDenied
    row, _created = PublicResults.objects.select_for_update().get_or_create(unit=unit)
    if row.enabled == bool(enabled) and not _created:
        return row
    row.enabled = bool(enabled)
    row.changed_by = user
    row.save()
    audit(user, "analytics.public_on" if row.enabled else "analytics.public_off", row, unit=unit)
    return row
