"""Judging an actual against a target, progress and trajectory: the pure
functions of treem.analytics.judging and treem.analytics.trajectory, every
rule of their docstrings, for increase and decrease indicators."""

from decimal import Decimal as D

import pytest

from treem.analytics.judging import (
    EXCEEDED,
    MET,
    NO_DATA,
    NO_TARGET,
    NOT_COLLECTED,
    NOT_MET,
    effective_comparator,
    judge,
    progress,
)
from treem.analytics.trajectory import (
    AT_RISK,
    OFF_TRACK,
    ON_TRACK,
    UNKNOWN,
    compounded_reduction,
    linear_trend,
    reduction_trajectory,
    trajectory,
)


@pytest.mark.parametrize("actual, comparator, value, direction, expected", [
    # "< 5‰": any value below the bound is met; the bound itself is not; never exceeded.
    ("4", "<", "5", "decrease", MET),
    ("0,5", "<", "5", "decrease", MET),
    ("5", "<", "5", "decrease", NOT_MET),
    ("5,2", "<", "5", "decrease", NOT_MET),
    ("5", "<=", "5", "decrease", MET),
    ("5,01", "<=", "5", "decrease", NOT_MET),
    # "trên 97%" / "≥ 95%"
    ("97,5", ">", "97", "increase", MET),
    ("97", ">", "97", "increase", NOT_MET),
    ("95", ">=", "95", "increase", MET),
    ("99", ">=", "95", "increase", MET),
    ("94,99", ">=", "95", "increase", NOT_MET),
    # "duy trì 100%": 99,8% is not met; 100% is met.
    ("99,8", "=", "100", "maintain", NOT_MET),
    ("100", "=", "100", "maintain", MET),
    ("99,8", "", "100", "maintain", NOT_MET),
    ("100", "", "100", "maintain", MET),
    # No comparator follows the direction: at least for an increase...
    ("98,5", "", "98,5", "increase", MET),
    ("99", "", "98,5", "increase", EXCEEDED),
    ("98", "", "98,5", "increase", NOT_MET),
    # ...at most for a decrease, where lower is better and never judged backwards.
    ("16,5", "", "16,5", "decrease", MET),
    ("15", "", "16,5", "decrease", EXCEEDED),
    ("17", "", "16,5", "decrease", NOT_MET),
    ("0", "", "0", "eliminate", MET),
    ("0,3", "", "0", "eliminate", NOT_MET),
    # "=" for a decrease: below the figure is better.
    ("1,5", "=", "2", "decrease", EXCEEDED),
    ("2,5", "=", "2", "decrease", NOT_MET),
])
def test_judge_respects_comparator_and_direction(actual, comparator, value, direction, expected):
    def d(text):
        return D(text.replace(",", "."))

    assert judge(d(actual), comparator, d(value), direction=direction) == expected


@pytest.mark.parametrize("actual, direction, expected", [
    # a range 2%–3%: inside (ends included) is met, outside depends on the direction.
    ("2", "increase", MET), ("2,5", "increase", MET), ("3", "increase", MET),
    ("3,5", "increase", EXCEEDED), ("1,5", "increase", NOT_MET),
    ("2", "decrease", MET), ("3", "decrease", MET),
    ("1,5", "decrease", EXCEEDED), ("3,5", "decrease", NOT_MET),
])
def test_judge_a_range(actual, direction, expected):
    assert judge(D(actual.replace(",", ".")), "range", D(2), D(3), direction) == expected


def test_neither_met_nor_not_met_without_a_value_or_a_target():
    assert judge(None, "<", D(5), direction="decrease") == NO_DATA
    assert judge(D(3), "<", D(5), direction="decrease", not_collected=True) == NOT_COLLECTED
    assert judge(None, "", None, direction="increase", not_collected=True) == NOT_COLLECTED
    assert judge(D(3), "", None, direction="increase") == NO_TARGET
    assert judge(None, "", None, direction="increase") == NO_DATA


def test_actual_is_rounded_to_two_decimals_as_printed():
    # 98,4999…% (a recomputed rate) prints 98,5% and is met.
    assert judge(D("98.49996"), "", D("98.5"), direction="increase") == MET
    assert judge(D("98.494"), "", D("98.5"), direction="increase") == NOT_MET
    assert judge(D("4.999"), "<", D(5), direction="decrease") == NOT_MET  # prints 5,00


def test_effective_comparator_follows_direction():
    assert effective_comparator("", "decrease") == "<="
    assert effective_comparator("", "eliminate") == "<="
    assert effective_comparator("", "increase") == ">="
    assert effective_comparator("", "maintain") == ">="
    assert effective_comparator("<", "increase") == "<"


def test_progress_from_baseline_toward_target():
    # increase: 90 → 98, now 94: half way.
    assert progress(D(90), D(94), "", D(98), direction="increase") == D(50)
    # decrease: 17,1 → 16,5 (no comparator: at most), now 16,8: half way.
    assert progress(D("17.1"), D("16.8"), "", D("16.5"), direction="decrease") == D(50)
    # moved the wrong way: 0; reached or passed: 100.
    assert progress(D("17.1"), D("17.5"), "", D("16.5"), direction="decrease") == D(0)
    assert progress(D("17.1"), D("16"), "", D("16.5"), direction="decrease") == D(100)
    assert progress(D(90), D(99), "", D(98), direction="increase") == D(100)
    # a strict bound not reached is never 100.
    assert progress(D(9), D(5), "<", D(5), direction="decrease") == D("99.9")
    # baseline already within the target: 100 while the actual stays within, 0 once it falls out.
    assert progress(D("2.3"), D(3), "<", D(5), direction="decrease") == D(100)
    assert progress(D("2.3"), D(6), "<", D(5), direction="decrease") == D(0)
    assert progress(D(100), D("99.8"), "=", D(100), direction="maintain") == D(0)
    # a range: measured toward the end reached first.
    assert progress(D(0), D(1), "range", D(2), D(3), "increase") == D(50)
    assert progress(None, D(1), "", D(2), direction="increase") is None
    assert progress(D(1), None, "", D(2), direction="increase") is None


def test_linear_trend_is_least_squares():
    slope, intercept = linear_trend([(2020, 10), (2021, 12), (2022, 14)])
    assert slope == 2 and intercept + slope * 2023 == 16
    assert linear_trend([(2020, 10)]) is None
    assert linear_trend([(2020, 10), (2020, 11)]) is None
    assert linear_trend([(2020, None), (2021, 3)]) is None


@pytest.mark.parametrize("points, target, expected", [
    # increase toward "đạt 98" in 2030 from 90 in 2020.
    ([(2020, 90), (2021, 91), (2022, 92)], 98, ON_TRACK),  # 2030 projection 100
    ([(2020, 90), (2021, 90.5), (2022, 91)], 98, AT_RISK),  # projects 95: 4 of the 7 still needed (≥ half)
    ([(2020, 90), (2021, 90.2), (2022, 90.4)], 98, OFF_TRACK),  # projects 92: 1,6 of 7,6 (< half)
    ([(2020, 90), (2021, 89), (2022, 88)], 98, OFF_TRACK),  # the wrong way
    ([(2020, 99), (2021, 98.5), (2022, 98.2)], 98, AT_RISK),  # met now, but the trend carries it out
    ([(2020, 90)], 98, UNKNOWN),  # no trend from one point
])
def test_trajectory_increase(points, target, expected):
    assert trajectory(points, 2030, "", D(target), direction="increase").status == expected


def test_trajectory_decrease_projection():
    # decrease toward "< 9,5" in 2025 from 15: the trend projects 10, which is
    # not below 9,5 but covers 3 of the 3,5 still needed: at risk.
    result = trajectory([(2020, 15), (2021, 14), (2022, 13)], 2025, "<", D("9.5"), direction="decrease")
    assert result.projected == D(10) and result.slope == D(-1)
    assert result.status == AT_RISK


@pytest.mark.parametrize("points, expected", [
    ([(2020, 15), (2021, 13), (2022, 11)], ON_TRACK),  # projects 5
    ([(2020, 15), (2021, 14.8), (2022, 14.6)], OFF_TRACK),  # projects 14: 0,6 of 5,1 needed
    ([(2020, 15), (2021, 16), (2022, 17)], OFF_TRACK),  # rising: the wrong way for a decrease
    ([(2020, 8), (2021, 9), (2022, 9.2)], AT_RISK),  # below the bound now, rising through it
])
def test_trajectory_decrease(points, expected):
    assert trajectory(points, 2025, "<", D("9.5"), direction="decrease").status == expected


def test_trajectory_once_the_target_year_has_data_its_actual_decides():
    assert trajectory([(2020, 15), (2025, 9)], 2025, "<", D("9.5"), direction="decrease").status == ON_TRACK
    assert trajectory([(2020, 15), (2025, 10)], 2025, "<", D("9.5"), direction="decrease").status == OFF_TRACK
    # a later year stands for the target year when that one has no data
    assert trajectory([(2020, 15), (2026, 9)], 2025, "<", D("9.5"), direction="decrease").status == ON_TRACK


def test_trajectory_range_and_no_target():
    # yearly reduction of child marriages, 2%–3%: rising from 1 toward the range.
    assert trajectory([(2021, 1), (2022, 1.5), (2023, 2)], 2025, "range", D(2), D(3), "increase").status == ON_TRACK
    assert trajectory([(2021, 1), (2022, 2)], 2030, "", None, direction="increase").status == UNKNOWN
    assert trajectory([], 2030, "", D(5), direction="increase").status == UNKNOWN


def test_a_projection_stays_between_0_and_the_whole():
    # The trial: 97,2 %, 98,5 %, 99,6 % a year projected 2030 at 101,4 %, more than every child.
    rising = trajectory([(2022, 97.2), (2023, 98.5), (2024, 99.6)], 2030, ">=", D(97), bounds=(0, 100))
    assert rising.status == ON_TRACK and rising.projected == 100
    assert trajectory([(2022, 97.2), (2023, 98.5), (2024, 99.6)], 2030, ">=", D(97)).projected > 100
    falling = trajectory([(2022, 3), (2023, 2), (2024, 1)], 2030, "<", D(1), direction="decrease", bounds=(0, 100))
    assert falling.status == ON_TRACK and falling.projected == 0
    # A yearly reduction may be negative (child marriage rose): not bounded, its line goes on.
    assert trajectory([(2022, 3), (2023, 1), (2024, -1)], 2030, "range", D(2), D(3)).projected == -13


# A yearly reduction ("giảm tỷ lệ tảo hôn 2%–3% mỗi năm"): the average yearly reduction of the figure
# reduced, compounded from the first to the latest yearly figure (trajectory.py, rule 6).

def reduce_2_to_3(values, target_year=2030):
    return reduction_trajectory(values, target_year, "range", D(2), D(3))


def test_the_average_yearly_reduction_is_compounded():
    # 157 → 148 couples in 2 years: 1 − (148/157)^(1/2) = 1 − 0,97091 = 2,91 % a year.
    assert compounded_reduction(2022, 157, 2024, 148).quantize(D("0.01")) == D("2.91")
    # 200 → 180 in 3 years: 1 − 0,9^(1/3) = 1 − 0,96549 = 3,45 % a year, not 10 % / 3 = 3,33 %.
    assert compounded_reduction(2021, 200, 2024, 180).quantize(D("0.01")) == D("3.45")
    # 100 → 110 in one year: −10 %, a rise. 5 → 0: all gone, 100 %.
    assert compounded_reduction(2023, 100, 2024, 110) == -10
    assert compounded_reduction(2023, 5, 2024, 0) == 100
    # Nothing to reduce from 0; no year between.
    assert compounded_reduction(2023, 0, 2024, 3) is None and compounded_reduction(2024, 5, 2024, 4) is None


def test_child_marriages_157_146_148_are_on_track_for_2_to_3_percent_a_year():
    # The yearly reductions are 7,01 % and −1,37 %; on average 2,91 % fewer a year (2022–2024), inside 2%–3%.
    p = reduce_2_to_3([(2022, 157), (2023, 146), (2024, 148)])
    assert p.status == ON_TRACK and p.average_reduction and p.slope is None
    assert p.projected.quantize(D("0.01")) == D("2.91") and (p.first_year, p.last_year) == (2022, 2024)
    assert p.average_rise is None


@pytest.mark.parametrize("values, expected, average", [
    # 148, 157, 146, 148 (2021–2024): as many in 2024 as in 2021, 0 % a year; 2024 itself rose (−1,37 %).
    ([(2021, 148), (2022, 157), (2023, 146), (2024, 148)], OFF_TRACK, "0.00"),
    # 100 → 98,5: 1,5 % a year, short of 2 % but at least half of it (1 %): at risk.
    ([(2023, 100), (2024, 98.5)], AT_RISK, "1.50"),
    # 100, 102, 99,45: 0,28 % a year on average (1 − 0,9945^(1/2)), but 2024 alone fell by
    # 2,55/102 = 2,5 %, inside the target: at risk.
    ([(2022, 100), (2023, 102), (2024, 99.45)], AT_RISK, "0.28"),
    # 100 → 99,5: 0,5 % a year, less than half of 2 %: off track.
    ([(2023, 100), (2024, 99.5)], OFF_TRACK, "0.50"),
    # 100 → 110: a rise of 10 %, the wrong way.
    ([(2023, 100), (2024, 110)], OFF_TRACK, "-10.00"),
    # 200 → 180 in three years (2022, 2023 without a figure): 3,45 % a year, beyond 3 %: exceeded, on track.
    ([(2021, 200), (2022, None), (2024, 180)], ON_TRACK, "3.45"),
    # 5 → 0 couples: 100 % fewer.
    ([(2023, 5), (2024, 0)], ON_TRACK, "100.00"),
    # Only the last six figures count (five yearly reductions): 100 each year from 2019, 0 % a year;
    # from 2018's 200 it would be 10,9 % a year.
    ([(2018, 200)] + [(y, 100) for y in range(2019, 2025)], OFF_TRACK, "0.00"),
])
def test_a_yearly_reduction_is_judged_on_its_average(values, expected, average):
    p = reduce_2_to_3(values)
    assert (p.status, p.projected.quantize(D("0.01"))) == (expected, D(average))


def test_a_yearly_reduction_unknown_or_decided_by_the_target_year():
    assert reduce_2_to_3([(2024, 148)]).status == UNKNOWN  # one figure: no reduction yet
    assert reduce_2_to_3([(2023, 0), (2024, 3)]).status == UNKNOWN  # nothing to reduce from
    assert reduction_trajectory([(2023, 150), (2024, 146)], 2030, "", None).status == UNKNOWN  # no target
    # An average below zero reads as the rise it is.
    assert reduce_2_to_3([(2023, 100), (2024, 110)]).average_rise == 10
    # 2025 has a figure: its own reduction decides, 40 → 39 = 2,5 %, met; 40 → 41, a rise, not.
    decided = reduce_2_to_3([(2022, 50), (2024, 40), (2025, 39)], 2025)
    assert (decided.status, decided.projected, decided.average_reduction) == (ON_TRACK, D("2.5"), False)
    assert reduce_2_to_3([(2022, 50), (2024, 40), (2025, 41)], 2025).status == OFF_TRACK
    # Past the target year without a figure for it, the latest year's reduction stands for it.
    assert reduce_2_to_3([(2024, 40), (2026, 39), (2027, 38)], 2025).status == ON_TRACK  # 39 → 38: 2,56 %
    assert reduce_2_to_3([(2025, 40)], 2025).status == UNKNOWN  # no year before it


def test_a_plan_equal_to_the_result_as_printed_is_met():
    # The trial: a district planned 12 of 17 communes and reached 12 of 17; the plan came
    # from its report unrounded (70,588…%), the result as printed (70,59%): "exceeded".
    plan = D(12) * 100 / D(17)
    assert judge(plan, "", plan) == MET
    assert judge(D("70.59"), "", plan) == MET and judge(D("70.6"), "", plan) == EXCEEDED
    assert judge(D("57.14"), "", D(4) * 100 / D(7)) == MET
