"""Judging an actual value against a target: met, not met or exceeded.

Pure functions on plain values (Decimal or numbers, comparator and direction
codes as stored on `Target` and `SubIndicator`); the tests call them directly.

The rules, as the page shows them:

* The actual is rounded to two decimals first, as reports print it, so a
  computed 98,4999…% reads and judges as 98,5%.
* A target written with no comparator ("16,5", "đạt 98,5%") follows the
  direction: at most the figure for a decrease (or eliminate), at least the
  figure for an increase (or maintain).
* **Met**: the actual satisfies the target: below a "< 5‰" bound (4‰ is met,
  5‰ is not), at or above "≥ 95%", exactly "= 100%" ("duy trì 100%": 99,8%
  is not met), inside a range "2%–3%" (both ends included), at the figure of a
  target written without comparator.
* **Exceeded** means strictly better than a figure the plan set to reach:
  strictly better than a target written without comparator or with "=", or
  strictly beyond the better end of a range ("better" follows the direction:
  lower for a decrease or eliminate, higher for an increase or maintain). A
  bound written with <, ≤, > or ≥ ("dưới 5‰", "trên 97%") is a limit to stay
  within: any value within it is met and it is never "exceeded".
* **Not met**: anything else — worse than the figure, outside the bound, or
  outside the range on the worse side. A "decrease" indicator is never judged
  backwards: a lower value is never "not met" for a reason of being low.
* **Not collected** (the unit says the figure is not collected), **no
  children in the group** (a rate whose denominator the reports give as 0:
  the urban obesity rate of a unit with no urban children, 0/0) and **no
  data** (no report gives it) are neither met nor not met; a sub-indicator
  with no target for the year is **no target**.
"""

from decimal import ROUND_HALF_UP, Decimal

MET, NOT_MET, EXCEEDED = "met", "not_met", "exceeded"
NO_DATA, NOT_COLLECTED, NO_TARGET = "no_data", "not_collected", "no_target"
EMPTY_GROUP = "empty_group"

JUDGEMENTS = (EXCEEDED, MET, NOT_MET, NOT_COLLECTED, EMPTY_GROUP, NO_DATA, NO_TARGET)

LOWER_IS_BETTER = ("decrease", "eliminate")
BOUNDS = ("<", "<=", ">", ">=")

_CENT = Decimal("0.01")


def as_decimal(value):
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def rounded(value):
    """The value as reports print it: two decimals, half up."""
    value = as_decimal(value)
    return None if value is None else value.quantize(_CENT, rounding=ROUND_HALF_UP)


def lower_is_better(direction):
    return direction in LOWER_IS_BETTER


def effective_comparator(comparator, direction):
    """The comparator a target means: one written without any follows the
    direction (at most for a decrease, at least for an increase)."""
    if comparator:
        return comparator
    return "<=" if lower_is_better(direction) else ">="


def _is_better(a, b, direction):
    """True when `a` is strictly better than `b` for this direction."""
    return a < b if lower_is_better(direction) else a > b


def judge(actual, comparator, value, value_max=None, direction="increase", not_collected=False,
          empty_group=False):
    """MET, NOT_MET or EXCEEDED for `actual` against a target (comparator,
    value, value_max); NOT_COLLECTED, EMPTY_GROUP, NO_DATA or NO_TARGET when
    it cannot be judged. See the module docstring for the rules."""
    if not_collected:
        return NOT_COLLECTED
    if empty_group and actual is None:
        return EMPTY_GROUP
    if actual is None:
        return NO_DATA
    if value is None:
        return NO_TARGET
    # Both as printed: a year's plan computed from a report (12/17 = 70,588…)
    # and a result of 70,59 read the same, and are judged the same.
    actual, value = rounded(actual), rounded(value)
    if comparator == "range":
        low, high = sorted([value, rounded(value_max if value_max is not None else value)])
        if low <= actual <= high:
            return MET
        better_end = low if lower_is_better(direction) else high
        return EXCEEDED if _is_better(actual, better_end, direction) else NOT_MET
    if comparator in BOUNDS:
        return MET if _satisfies(actual, comparator, value) else NOT_MET
    # A figure to reach: written alone, or with "=".
    if actual == value:
        return MET
    return EXCEEDED if _is_better(actual, value, direction) else NOT_MET


def _satisfies(actual, comparator, value):
    return {
        "<": actual < value, "<=": actual <= value, ">": actual > value, ">=": actual >= value, "=": actual == value,
    }[comparator]


def meets(actual, comparator, value, value_max=None, direction="increase"):
    """True when the actual is met or exceeded."""
    return judge(actual, comparator, value, value_max, direction) in (MET, EXCEEDED)


def target_edge(comparator, value, value_max, direction):
    """The figure progress is measured toward: the value, or for a range the
    end reached first coming from the worse side (the upper end for a
    decrease, the lower end for an increase)."""
    value = as_decimal(value)
    if comparator == "range" and value_max is not None:
        low, high = sorted([value, as_decimal(value_max)])
        return high if lower_is_better(direction) else low
    return value


def progress(baseline, actual, comparator, value, value_max=None, direction="increase"):
    """How far the actual has come from the baseline toward the target, in
    per cent, between 0 and 100; None without baseline, actual or target.

    (actual − baseline) / (target − baseline) × 100, clamped to 0–100: a
    move in the wrong direction is 0, reaching or passing the target is 100.
    An actual that meets the target is 100; one that does not is below 100.
    Where the baseline already met the target ("duy trì 100%", or 2,3‰
    against "< 5‰"), progress is 100 while the actual meets it and 0 once it
    does not.
    """
    if baseline is None or actual is None or value is None:
        return None
    baseline, actual = as_decimal(baseline), rounded(actual)
    edge = target_edge(comparator, value, value_max, direction)
    if meets(actual, comparator, value, value_max, direction):
        return Decimal(100)
    if not _is_better(edge, baseline, direction):
        # The baseline was already at or past the target and the actual has
        # fallen back out of it: no progress.
        return Decimal(0)
    share = (actual - baseline) / (edge - baseline) * 100
    # Not met is never 100 % (a strict bound: 5‰ against "< 5‰").
    return max(Decimal(0), min(Decimal("99.9"), share)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
