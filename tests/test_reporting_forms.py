"""The seven appendices of the Nghệ An plan and the report outline, as data."""

import pytest
from django.core.management import call_command

from treem.reporting.loading import load_forms
from treem.reporting.models import DataElement, Form, FormRow, Period

from .reporting_helpers import forms  # noqa: F401

pytestmark = pytest.mark.django_db

# Counted by reading the appendices (nghe-an_2023_annual-plan.txt, from line 248):
# PL1 Tổng cộng + 4 levels × (heading + 3 issuers) = 17.
# PL2 items 1-13 with 7.1-7.2, 11.1-11.2, 12.1-12.2 = 19.
# PL3 the totals row in its four kinds of column (classes, participants by sex,
#     budget, the list of trainings) = 4.
# PL4 1 (1.1-1.4 with a-c, a-c, a-b, a-b) 15 + 2 (2.1-2.3 with a-b, 2.4) 11 + 3 + Tổng cộng = 28.
# PL5 province, district, commune, Tổng cộng = 4.
# PL6 every printed row, headings and "Trong đó:" lines included = 108.
# PL7 61 printed rows (4 objectives, 34 indicators, their rate rows, 21.1-21.3)
#     + 19 denominator rows Treem adds so rates roll up, and the numerator and
#     denominator of 6 rates typed as such (vaccination, school toilets,
#     kindergarten, completion) = 92.
# BC the report outline A (I 1-5, II 1-4, III 1-3) and B 1-4 = 50 lines.
ROWS = {"PL1": 17, "PL2": 19, "PL3": 4, "PL4": 28, "PL5": 4, "PL6": 108, "PL7": 108, "BC": 50}


def test_every_form_loads_with_its_rows(forms):
    assert {code: form.rows.count() for code, form in forms.items()} == ROWS


def test_loading_twice_changes_nothing(forms):
    before = (FormRow.objects.count(), DataElement.objects.count(), Period.objects.count())
    call_command("load-forms", stdout=open("/dev/null", "w"))
    assert (FormRow.objects.count(), DataElement.objects.count(), Period.objects.count()) == before


def test_appendix_6_keeps_every_group_and_sub_group(forms):
    pl6 = forms["PL6"]
    groups = pl6.rows.filter(parent__code="II", element__isnull=False)
    assert [r.number for r in groups] == [str(n) for n in range(1, 15)]
    orphans = pl6.rows.get(code="II.1")
    assert orphans.label == "Trẻ em mồ côi cả cha và mẹ"
    assert [r.number for r in orphans.children.order_by("order")] == ["1.1", "1.2", "1.3", "1.4"]
    assert pl6.rows.get(code="II.3").children.count() == 15
    types = pl6.rows.get(code="II.4.4")
    assert types.computed and types.children.count() == 6  # six types; "of which: autism" is not one of them
    autism = pl6.rows.get(element__code="PL6_II_4_4_7")
    assert autism.parent == types.parent and not autism.computed  # an "of which" of the disabled children
    assert pl6.rows.get(code="IV.2.2.1").label.endswith("đuối nước")
    assert pl6.rows.get(code="I.1").disaggregation.code == "sex"
    assert pl6.rows.get(code="I.1r").element.value_type == "percent"


def test_appendix_7_rates_have_numerator_and_denominator(forms):
    rate = DataElement.objects.get(code="PL7_CT1_r")
    assert rate.numerator.code == "PL7_CT1" and rate.denominator.code == "PL7_CT1_d" and rate.factor == 100
    assert DataElement.objects.get(code="PL7_CT18_r").factor == 1000
    assert DataElement.objects.get(code="PL7_CT14_r").direction == "decrease"


def test_every_count_of_appendix_7_says_what_it_counts(forms):
    # The trial: CT16 ("Số trẻ em bị xâm hại") printed no unit in the web form and the appendix.
    counts = FormRow.objects.filter(form=forms["PL7"], element__value_type=DataElement.ValueType.COUNT)
    assert counts.count() > 20 and [r.element.code for r in counts if not r.element.unit_label] == []


def test_a_province_adds_a_row_without_a_programmer(forms):
    """A row is data: added here as the admin would, it shows on the entry page."""
    pl2 = forms["PL2"]
    element = DataElement.objects.create(code="NA_ZALO", name="Tin bài trên Zalo", value_type="count", unit_label="Tin")
    FormRow.objects.create(form=pl2, order=135, code="12.3", number="12.3", label="Tin bài trên Zalo",
                           element=element, disaggregation=pl2.rows.get(code="1").disaggregation)
    load_forms()  # a reload keeps it
    assert pl2.rows.filter(code="12.3").exists()
    assert Form.objects.get(code="PL2").rows.count() == ROWS["PL2"] + 1
