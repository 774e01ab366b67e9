from django import template
from django.utils.translation import gettext as _

from treem.analytics.judging import rounded
from treem.analytics.results import ceased_within
from treem.core.numbers import format_change, format_number

register = template.Library()


@register.filter
def figure(value, suffix=""):
    """{{ r.actual|figure:r.unit_suffix }} -> '98,5%'; '' for no value.
    Two decimals at most, as the results are judged."""
    if value is None or value == "":
        return ""
    return f"{format_number(rounded(value), minus='−')}{suffix or ''}"


@register.filter
def ceased_in(unit, year):
    """{% if c.unit|ceased_in:year %}: the unit ceased before the year's end."""
    return ceased_within(unit, int(year))


@register.filter
def signed(value, suffix=""):
    """A change: '+1,2 điểm %', '−0,5‰', '+120'. A rate in % changes by
    percentage points, not by per cent of itself."""
    if value is None:
        return ""
    if suffix == "%":
        suffix = " " + _("percentage points")
    return f"{format_change(rounded(value))}{suffix or ''}"


@register.filter
def bar(value):
    """A progress value as a CSS width: '42.5%'."""
    if value is None:
        return "0%"
    return f"{float(value):.1f}%"
