from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from treem.core.numbers import format_change, format_number, format_rate, parse_number


@pytest.mark.parametrize("value, text", [
    (Decimal("1234.5"), "1.234,5"),
    (Decimal("99.540000"), "99,54"),
    (Decimal("100000"), "100.000"),
    (Decimal("0.08"), "0,08"),
    (Decimal("-2.50"), "-2,5"),
    (0, "0"),
    (None, ""),
])
def test_format_number(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize("value,text", [(Decimal("94174"), "+94.174"), (Decimal("-2.88"), "−2,88"),
                                        (Decimal("0"), "0"), (None, "")])
def test_a_change_carries_its_sign_and_a_decrease_a_minus_sign(value, text):
    # A minus sign (U+2212), not a hyphen, in the pages and in the DOCX alike.
    assert format_change(value) == text
    # A result read as such too (a fall in child marriages measured as -2,88 %); what was typed is echoed as typed.
    assert format_number(Decimal("-2.88"), minus="−") == "−2,88" and format_number(Decimal("-3")) == "-3"


@pytest.mark.parametrize("value,text", [(Decimal("85.4701"), "85,47"), (Decimal("100"), "100"),
                                        (Decimal("0.0036"), "0,0036"), (Decimal("0.015"), "0,02"),
                                        (Decimal("0"), "0"), (None, "")])
def test_a_small_rate_is_not_printed_as_zero(value, text):
    # 18 children abused among 500.000 is 0,0036 %: "0,0" would read as none.
    assert format_rate(value) == text


def test_format_number_with_fixed_decimals():
    assert format_number(Decimal("1234.5"), 2) == "1.234,50"


@pytest.mark.parametrize("text, value", [
    ("1.234,5", "1234.5"),
    ("99,54", "99.54"),
    ("1.000", "1000"),
    ("100.000", "100000"),
    ("0.5", "0.5"),
    ("  2 ", "2"),
    ("-0,1", "-0.1"),
])
def test_parse_number_reads_what_officials_write(text, value):
    assert parse_number(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "1.23.4", "12%"])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text)


class DateForm(forms.Form):
    day = forms.DateField()


@pytest.mark.parametrize("language", ["vi", "en"])
def test_dates_are_typed_and_shown_dd_mm_yyyy(language):
    with translation.override(language):
        form = DateForm({"day": "05/05/2021"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"].isoformat() == "2021-05-05"
        from django.utils.formats import date_format
        assert date_format(form.cleaned_data["day"], "SHORT_DATE_FORMAT") == "05/05/2021"
