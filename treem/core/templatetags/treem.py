from django import template

from treem.core.numbers import format_number

register = template.Library()


@register.filter
def num(value, decimals=None):
    """{{ value|num }} -> 1.234,5"""
    return format_number(value, decimals)
