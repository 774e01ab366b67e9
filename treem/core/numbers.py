"""Numbers as Vietnamese officials write them: 1.234,5 and 99,54%."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


def format_number(value, decimals=None, minus="-"):
    """Format a number the Vietnamese way: 1234.5 -> '1.234,5'.

    Trailing zeros are dropped (99.540 -> '99,54') unless `decimals` is given.
    None gives ''. A figure printed for reading (a result, a change) takes
    `minus="−"`, the minus sign; one echoing what was typed keeps '-'.
    """
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    if decimals is not None:
        text = f"{value:,.{decimals}f}"
    else:
        text = f"{value.normalize():,f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return minus + text[1:] if text.startswith("-") else text


def format_change(value):
    """A change with its sign, as the pages and the report print it:
    '+1.234', '−0,5' (a minus sign, not a hyphen: Word never breaks a line
    after it), '0'. None gives ''."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    return ("+" if value > 0 else "") + format_number(value, minus="−")


def format_rate(value):
    """A rate as the pages print it: two decimals at most, or four when two
    would print a rate that is not 0 as 0 (18 children abused among 100.000
    is 0,018 %, not 0,0). None gives ''."""
    if value is None or value == "":
        return ""
    value = Decimal(str(value))
    shown = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if shown == 0 and value != 0:
        shown = value.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return format_number(shown)


_NUMBER = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$|^[+-]?\d*[.,]\d+$")


def parse_number(text):
    """Read a number as written in Vietnamese documents and forms.

    '1.234,5' -> 1234.5; '99,54' -> 99.54; '1.000' -> 1000; '0.5' -> 0.5.
    A single dot followed by exactly three digits is a thousands separator
    ('1.000'), as officials write it. Raises ValueError on anything else.
    """
    if isinstance(text, (int, float, Decimal)):
        return Decimal(str(text))
    s = str(text).strip().replace("\u00a0", "").replace(" ", "")
    if not s or not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r}")
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.match(r"^[+-]?\d{1,3}(\.\d{3})+$", s):
        s = s.replace(".", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        raise ValueError(f"not a number: {text!r}") from None
