"""The rules, one by one, with the messages in Vietnamese naming the row."""

from decimal import Decimal

import pytest

from treem.reporting import actions
from treem.reporting.models import Period, Submission
from treem.reporting.validation import ERROR, WARNING, explanation, parse_values, validate_form_values

from .reporting_helpers import forms, pl6, y2023  # noqa: F401

pytestmark = pytest.mark.django_db


def kinds(problems):
    return [(p.level, p.kind) for p in problems]


def test_male_plus_female_must_equal_total(pl6):
    problems = validate_form_values(pl6, {("PL6_II_1", "total"): "20", ("PL6_II_1", "male"): "12",
                                          ("PL6_II_1", "female"): "10"})
    assert kinds(problems) == [(ERROR, "columns")]
    assert problems[0].message == ("Dòng II.1 “Trẻ em mồ côi cả cha và mẹ”: nam (12) cộng nữ (10) "
                                   "khác tổng số (20).")


def test_sub_items_not_above_their_total(pl6):
    problems = validate_form_values(pl6, {("PL6_II_1", "total"): "5", ("PL6_II_1_1", "total"): "7"})
    assert kinds(problems) == [(ERROR, "sub_item")]
    assert problems[0].message.startswith("Dòng II.1.1 “Trẻ em mồ côi cả cha và mẹ không có người chăm sóc” (tổng số): 7 "
                                          "lớn hơn tổng số ở dòng II.1 (5)")


def test_counts_are_whole_and_not_negative(pl6):
    problems = validate_form_values(pl6, {("PL6_I_1", "total"): "1,5", ("PL6_I_2", "total"): "-3"})
    assert kinds(problems) == [(ERROR, "whole"), (ERROR, "negative")]
    assert "phải là số nguyên (1,5)" in problems[0].message
    assert "không được âm (-3)" in problems[1].message


def test_percentages_between_0_and_100(pl6):
    problems = validate_form_values(pl6, {("PL6_I_1r", "total"): "101,5", ("PL6_I_2r", "total"): "35,2"})
    assert kinds(problems) == [(ERROR, "percent")]
    assert "Dòng “Tỷ lệ trẻ em dưới 16 tuổi/tổng dân số”" in problems[0].message
    assert "từ 0 đến 100 (101,5)" in problems[0].message


def test_numbers_are_read_the_vietnamese_way(pl6, forms):
    # 1.234 is one thousand two hundred and thirty-four children: whole, no error.
    assert validate_form_values(pl6, {("PL6_I_1", "total"): "1.234"}) == []
    # "1,5" is one and a half: a percentage, fine; a count, not whole.
    assert validate_form_values(pl6, {("PL6_I_1r", "total"): "1,5"}) == []
    problems = validate_form_values(pl6, {("PL6_I_1", "total"): "abc"})
    assert kinds(problems) == [(ERROR, "not_a_number")]
    assert problems[0].message == "Dòng I.1 “Số trẻ em dưới 16 tuổi” (tổng số): “abc” không phải là số."
    money = validate_form_values(forms["PL4"], {("PL4_1_1_a", "actual"): "1.234,5", ("PL4_1_1", "actual"): "1.000"})
    assert kinds(money) == [(ERROR, "sub_item")]  # 1234,5 above 1000


def test_ten_times_last_period_is_a_warning(pl6):
    problems = validate_form_values(pl6, {("PL6_II_2", "total"): "50"}, previous={("PL6_II_2", "total"): Decimal(4)})
    assert kinds(problems) == [(WARNING, "tenfold")]
    assert "gấp mười lần" in problems[0].message and "(4)" in problems[0].message
    assert validate_form_values(pl6, {("PL6_II_2", "total"): "39"}, previous={("PL6_II_2", "total"): Decimal(4)}) == []


def test_computed_rows_add_their_sub_items(forms):
    from treem.reporting.validation import parse_values

    values = parse_values(forms["PL1"], {("PL1_I_1", "total"): "2", ("PL1_I_3", "total"): "3", ("PL1_IV_1", "total"): "1"})
    assert values[("PL1_I", "total")] == 5 and values[("PL1_T", "total")] == 6


def test_a_rate_needs_both_its_numerator_and_its_denominator(forms):
    """Appendix 7: a commune's numerator alone would be summed into the
    province's numerator and not its denominator, lifting the rate."""
    pl7 = forms["PL7"]
    lone = validate_form_values(pl7, {("PL7_CT1", "plan"): "1", ("PL7_CT1", "actual"): "1",
                                      ("PL7_CT1_d", "actual"): "1"})
    assert [(p.level, p.cell, p.kind) for p in lone] == [(ERROR, ("PL7_CT1_d", "plan"), "rate_part")]
    assert lone[0].message == ("Dòng “Mẫu số: tổng số xã (P,TT)” (kế hoạch năm): trống, trong khi dòng Chỉ tiêu 1 "
                               "ghi 1; một tỷ lệ cần cả tử số và mẫu số.")
    only_denominator = validate_form_values(pl7, {("PL7_CT22_d", "actual"): "200"})
    assert [(p.cell, p.kind) for p in only_denominator] == [(("PL7_CT22", "actual"), "rate_part")]
    zero = validate_form_values(pl7, {("PL7_CT22", "actual"): "3", ("PL7_CT22_d", "actual"): "0"})
    assert [(p.cell, p.kind) for p in zero] == [(("PL7_CT22_d", "actual"), "rate_part")]
    assert "mẫu số bằng 0" in zero[0].message
    assert validate_form_values(pl7, {("PL7_CT22", "actual"): "0", ("PL7_CT22_d", "actual"): "0"}) == []
    assert validate_form_values(pl7, {("PL7_CT22_d", "actual"): "0"}) == []  # no child, none counted
    assert validate_form_values(pl7, {("PL7_CT22", "actual"): "95", ("PL7_CT22_d", "actual"): "100"}) == []


def test_a_shares_numerator_cannot_exceed_its_denominator(forms):
    """The trial: 5 communes with a plan among 1 was taken, "500 %", on the
    web and in Excel, and would have been summed into the province."""
    pl7 = forms["PL7"]
    over = validate_form_values(pl7, {("PL7_CT1", "actual"): "5", ("PL7_CT1_d", "actual"): "1"})
    assert [(p.level, p.cell, p.kind) for p in over] == [(ERROR, ("PL7_CT1", "actual"), "rate_part")]
    assert over[0].message.startswith("Dòng Chỉ tiêu 1 ")
    assert over[0].message.endswith(": 5 lớn hơn mẫu số ở dòng “Mẫu số: tổng số xã (P,TT)” (1): tỷ lệ sẽ là 500%.")
    # Per 1.000 children as well: 30 injury deaths among 20 children, written as the plans write it.
    deaths = validate_form_values(pl7, {("PL7_CT19", "actual"): "30", ("PL7_CT19_d", "actual"): "20"})
    assert [(p.cell, p.kind) for p in deaths] == [(("PL7_CT19", "actual"), "rate_part")]
    assert deaths[0].message.endswith("tỷ lệ sẽ là 1.500/1.000.")
    # All of them is a whole share.
    assert validate_form_values(pl7, {("PL7_CT1", "actual"): "7", ("PL7_CT1_d", "actual"): "7"}) == []


def test_autism_is_an_of_which_of_the_disabled_children_not_a_kind_added_up(pl6):
    """The trial: "Các dạng tật" added "Trong đó: Trẻ em tự kỷ" to the kinds of disability, counting it twice."""
    kinds = {(f"PL6_II_4_4_{i}", "total"): "10" for i in range(1, 7)}
    parsed = parse_values(pl6, {**kinds, ("PL6_II_4_4_7", "total"): "4", ("PL6_II_4", "total"): "60"})
    assert parsed[("PL6_II_4_4", "total")] == 60
    too_many = validate_form_values(pl6, {("PL6_II_4", "total"): "60", ("PL6_II_4_4_7", "total"): "61"})
    assert [(p.cell, p.kind) for p in too_many] == [(("PL6_II_4_4_7", "total"), "sub_item")]


def test_a_rate_typed_beside_its_parts_must_be_what_they_give(forms):
    """The third trial: 600 of 702 children with the rate typed as 50 % was
    saved, and the reports would silently recompute it to 85,47 %."""
    pl7 = forms["PL7"]
    parts = {("PL7_CT2", "actual"): "600", ("PL7_CT2_d", "actual"): "702"}
    wrong = validate_form_values(pl7, {**parts, ("PL7_CT2_r", "actual"): "50"})
    assert [(p.level, p.cell, p.kind) for p in wrong] == [(ERROR, ("PL7_CT2_r", "actual"), "rate_part")]
    assert wrong[0].message.endswith(": 50% không khớp với tử số (600) và mẫu số (702), tính ra 85,47%.")
    # Rounded as officials round it: to the unit, or to the decimals typed.
    for typed in ("85", "85,5", "85,47", "85,4701"):
        assert validate_form_values(pl7, {**parts, ("PL7_CT2_r", "actual"): typed}) == [], typed
    assert kinds(validate_form_values(pl7, {**parts, ("PL7_CT2_r", "actual"): "85,4"})) == [(ERROR, "rate_part")]
    # The stored figure carries four decimals: "85,0000" was typed "85".
    assert validate_form_values(pl7, {**parts, ("PL7_CT2_r", "actual"): Decimal("85.0000")}) == []
    # Per 1.000: 3 deaths among 2.000 children is 1,5 ‰.
    deaths = {("PL7_CT19", "actual"): "3", ("PL7_CT19_d", "actual"): "2.000"}
    assert validate_form_values(pl7, {**deaths, ("PL7_CT19_r", "actual"): "1,5"}) == []
    assert kinds(validate_form_values(pl7, {**deaths, ("PL7_CT19_r", "actual"): "0,15"})) == [(ERROR, "rate_part")]


def test_children_under_6_are_not_more_than_those_under_16(pl6):
    problems = validate_form_values(pl6, {("PL6_I_1", "total"): "1.214", ("PL6_I_2", "total"): "4.820"})
    assert [(p.level, p.cell, p.kind) for p in problems] == [(ERROR, ("PL6_I_2", "total"), "sub_item")]
    assert problems[0].message == ("Dòng I.2 “Số trẻ em dưới 6 tuổi” (tổng số): 4.820 lớn hơn dòng I.1 (1.214), "
                                   "vốn đã tính cả số này.")
    assert validate_form_values(pl6, {("PL6_I_1", "total"): "4.820", ("PL6_I_2", "total"): "1.214"}) == []


def test_a_tenth_of_last_period_is_a_warning_too(pl6):
    before = {("PL6_I_2", "total"): Decimal(4820), ("PL6_II_2", "total"): Decimal(3)}
    problems = validate_form_values(pl6, {("PL6_I_2", "total"): "482", ("PL6_II_2", "total"): "0"}, previous=before)
    assert [(p.level, p.cell, p.kind) for p in problems] == [(WARNING, ("PL6_I_2", "total"), "tenfold")]
    assert "bằng một phần mười" in problems[0].message and "(4.820)" in problems[0].message
    # 3 orphans last year and none this year is no slip: small counts move so.
    assert validate_form_values(pl6, {("PL6_I_2", "total"): "483"}, previous=before) == []


def test_one_comment_explains_a_rate_and_its_parts_jumping_together(forms, commune_officer, y2023):  # noqa: F811
    """The third trial: births registered ten times last year's, and so their
    rate; the officer explained the births and the rate's warning still
    stopped the report. A comment on any of the rate's three rows explains
    the warnings of all three."""
    pl7, commune = forms["PL7"], commune_officer.unit
    last_year = actions.open_submission(commune_officer, pl7, commune, Period.objects.get(code="2022"))
    actions.save_values(commune_officer, last_year, {("PL7_CT2", "actual"): "56", ("PL7_CT2_d", "actual"): "700",
                                                     ("PL7_CT2_r", "actual"): "8"})
    now = {("PL7_CT2", "actual"): "600", ("PL7_CT2_d", "actual"): "702", ("PL7_CT2_r", "actual"): "85,47"}
    problems = validate_form_values(pl7, now, previous=actions.previous_values(pl7, commune, y2023))
    assert [(p.cell, p.kind) for p in problems] == [(("PL7_CT2", "actual"), "tenfold"),
                                                   (("PL7_CT2_r", "actual"), "tenfold")]
    for row in ("PL7_CT2", "PL7_CT2_d", "PL7_CT2_r"):
        assert [explanation(p, {(row, "actual"): "Thêm 3 thôn sáp nhập."}) for p in problems] == [
            "Thêm 3 thôn sáp nhập."] * 2, row
    assert [explanation(p, {("PL7_CT19", "actual"): "Khác."}) for p in problems] == ["", ""]
    # Submitted with the one comment on the births.
    with pytest.raises(actions.ReportingError):
        actions.save_and_submit(commune_officer, pl7, commune, y2023, None, now)
    submission = actions.save_and_submit(commune_officer, pl7, commune, y2023, None, now,
                                         comments={("PL7_CT2", "actual"): "Thêm 3 thôn sáp nhập."})
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED


def test_girls_and_boys_married_as_children_add_up_to_the_people(forms):
    """Appendix 7's Chỉ tiêu 21: "Số người tảo hôn, trong đó: Nữ / Nam" splits
    the people by sex, so both given must make the total, and one alone
    cannot pass it. Each column (plan, actual) on its own."""
    pl7 = forms["PL7"]
    problems = validate_form_values(pl7, {("PL7_CT21", "actual"): "3", ("PL7_CT21_1", "actual"): "1",
                                          ("PL7_CT21_2", "actual"): "1"})
    assert [(p.level, p.cell, p.kind) for p in problems] == [(ERROR, ("PL7_CT21", "actual"), "sub_item")]
    assert problems[0].message == ("Dòng Chỉ tiêu 21 “21.1 Số người tảo hôn, trong đó:” (kết quả thực hiện): nữ (1) "
                                   "cộng nam (1) khác tổng số (3).")
    assert validate_form_values(pl7, {("PL7_CT21", "actual"): "3", ("PL7_CT21_1", "actual"): "2",
                                      ("PL7_CT21_2", "actual"): "1", ("PL7_CT21", "plan"): "5",
                                      ("PL7_CT21_1", "plan"): "4"}) == []
    too_many = validate_form_values(pl7, {("PL7_CT21", "plan"): "5", ("PL7_CT21_1", "plan"): "4",
                                          ("PL7_CT21_2", "plan"): "2"})
    assert [(p.cell, p.kind) for p in too_many] == [(("PL7_CT21", "plan"), "sub_item")]
    # Girls and boys given, the total left empty (tenth trial: a workbook imported so counted none of them).
    no_total = validate_form_values(pl7, {("PL7_CT21_1", "actual"): "10", ("PL7_CT21_2", "actual"): "0"})
    assert [(p.level, p.cell) for p in no_total] == [(ERROR, ("PL7_CT21", "actual"))]
    assert no_total[0].message.endswith("tổng số để trống trong khi đã có nữ (10) cộng nam (0): hãy nhập tổng số (10).")
    girls_only = validate_form_values(pl7, {("PL7_CT21_1", "plan"): "4"})
    assert [(p.level, p.cell) for p in girls_only] == [(ERROR, ("PL7_CT21", "plan"))]
    assert girls_only[0].message.endswith("tổng số để trống trong khi đã có nữ (4): hãy nhập tổng số.")


def test_couples_married_as_children_are_not_more_than_the_people(forms):
    """21.2 "Số cặp tảo hôn": each couple has one child married at least,
    so there are never more couples than people in 21.1 (eighth trial)."""
    pl7 = forms["PL7"]
    problems = validate_form_values(pl7, {("PL7_CT21", "actual"): "3", ("PL7_CT21_3", "actual"): "4"})
    assert [(p.level, p.cell, p.kind) for p in problems] == [(ERROR, ("PL7_CT21_3", "actual"), "sub_item")]
    assert problems[0].message.endswith(": 4 lớn hơn dòng Chỉ tiêu 21 (3): mỗi cặp có ít nhất một trẻ em được tính "
                                        "ở dòng đó.")
    # Two children in each of two couples and one in a third: 5 people, 3 couples.
    assert validate_form_values(pl7, {("PL7_CT21", "actual"): "5", ("PL7_CT21_3", "actual"): "3"}) == []
