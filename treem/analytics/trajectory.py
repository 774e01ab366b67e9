"""On the present trend, will the target be reached? Pure functions.

The rule, as the page shows it:

1. The trend is the straight line fitted (least squares) through the yearly
   results up to the year looked at, the last five years with a value at
   most (see TREND_YEARS); the baseline is not one of its points.
2. The line is projected to the target year (2025, 2030).
3. **On track**: the projected value meets the target (met or exceeded, by
   the rules of `judging.judge`).
   **At risk**: the projection does not meet the target, but either the
   latest actual meets it already (the trend is carrying it back out), or the
   projection covers at least half of the distance still needed from the
   latest actual to the target.
   **Off track**: the projection covers less than half of that distance, or
   the trend runs the wrong way.
4. Once the target year has data, its actual decides: on track if it meets
   the target, off track if not.
5. **Unknown**: no target, or fewer than two years with a result (no trend).
6. **A yearly reduction** ("giảm tỷ lệ tảo hôn 2%–3% mỗi năm", an
   `IndicatorSource` of kind ANNUAL_REDUCTION) is judged on no line through
   the noisy yearly reductions themselves, but on the figure reduced (child
   marriages of each year): the average yearly reduction, compounded from
   the first to the latest of its last TREND_YEARS + 1 yearly values,
   r = 1 − (latest / first) ^ (1 / years between), in %. It is what "2%–3% a
   year" asks of the years together. **On track**: r meets the target.
   **At risk**: it does not, but the latest year's own reduction meets it,
   or r covers at least half of the target's edge (1% of "2%–3%"). **Off
   track**: otherwise, a rise (r below zero) included. Once the target year
   has data, its own reduction decides, as in 4 (against the latest year
   before it with a figure, per year across a gap). **Unknown**: no target,
   fewer than two yearly values, or a first value of 0 (nothing to reduce).
   `projected` is r, and the pages say it as the average yearly reduction
   over `first_year`–`last_year`, not as a value in the target year
   (`reduction_trajectory`). Reductions entered by hand where the reports
   give no figure are chained onto the figures (results._reduced_figures).

A trend runs through several years: it can meet the target while the latest
year moved the wrong way (child marriages 157, 146, 148: 2,91% fewer a year
on average, which meets "2%–3% a year", while the latest year rose by 1,37%).
The verdict stays the trend's; beside an on track or at risk the pages and
the report say that the latest year went the wrong way
(`SubIndicatorResult.setback`).
"""

from dataclasses import dataclass
from decimal import Decimal

from .judging import as_decimal, meets, target_edge

ON_TRACK, AT_RISK, OFF_TRACK, UNKNOWN = "on_track", "at_risk", "off_track", "unknown"
TRAJECTORIES = (ON_TRACK, AT_RISK, OFF_TRACK, UNKNOWN)

HALF = Decimal("0.5")
# The trend is fitted through the yearly results only, the last TREND_YEARS
# of them: they come from the same reports, year after year, while a
# baseline often comes from another source (a survey, the plan's document)
# and a line anchored on it, years back, can rise while every recent result
# falls. Five years: the present trend, not the one of a decade ago.
TREND_YEARS = 5


@dataclass(frozen=True)
class Projection:
    status: str
    projected: Decimal | None = None  # the trend's value in the target year (see average_reduction)
    slope: Decimal | None = None  # change per year (of the line; None for an average reduction)
    first_year: int | None = None  # the years of the results the trend is fitted through
    last_year: int | None = None
    # A yearly reduction's trend (rule 6): `projected` is the average yearly
    # reduction in % over first_year–last_year, not a value in the target year.
    average_reduction: bool = False

    @property
    def average_rise(self):
        """An average yearly reduction below zero, as the rise it is (positive):
        "tăng bình quân 1,2%/năm", not "giảm bình quân −1,2%/năm"."""
        if self.average_reduction and self.projected is not None and self.projected < 0:
            return -self.projected
        return None


def linear_trend(points):
    """(slope, intercept) of the least-squares line through [(year, value)],
    or None when fewer than two distinct years have a value."""
    pts = [(Decimal(y), as_decimal(v)) for y, v in points if v is not None]
    if len({y for y, _ in pts}) < 2:
        return None
    n = Decimal(len(pts))
    mean_x = sum(x for x, _ in pts) / n
    mean_y = sum(y for _, y in pts) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in pts)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pts)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def trajectory(points, target_year, comparator, value, value_max=None, direction="increase", bounds=None):
    """The Projection toward a target in `target_year` from `points`,
    [(year, value)] the yearly results (not the baseline). See the module
    docstring for the rule. `bounds` (low, high) keeps the line within what
    the measure can be: (0, 100) for a share in %."""
    pts = sorted((y, as_decimal(v)) for y, v in points if v is not None)
    if value is None or not pts:
        return Projection(UNKNOWN)
    at_target = [v for y, v in pts if y == target_year]
    if at_target or pts[-1][0] > target_year:
        actual = at_target[-1] if at_target else pts[-1][1]
        status = ON_TRACK if meets(actual, comparator, value, value_max, direction) else OFF_TRACK
        return Projection(status, actual)
    pts = pts[-TREND_YEARS:]
    trend = linear_trend(pts)
    if trend is None:
        return Projection(UNKNOWN)
    slope, intercept = trend
    projected = intercept + slope * Decimal(target_year)
    if bounds is not None:
        projected = min(max(projected, Decimal(bounds[0])), Decimal(bounds[1]))
    fitted = {"projected": projected, "slope": slope, "first_year": pts[0][0], "last_year": pts[-1][0]}
    if meets(projected, comparator, value, value_max, direction):
        return Projection(ON_TRACK, **fitted)
    latest = pts[-1][1]
    if meets(latest, comparator, value, value_max, direction):
        return Projection(AT_RISK, **fitted)
    needed = target_edge(comparator, value, value_max, direction) - latest
    if needed != 0 and (projected - latest) / needed >= HALF:
        return Projection(AT_RISK, **fitted)
    return Projection(OFF_TRACK, **fitted)


def compounded_reduction(first_year, first, last_year, last):
    """The average yearly reduction in % from `first` (in `first_year`) to
    `last`: 1 − (last / first) ^ (1 / years between), × 100; below zero for a
    rise. None when it cannot be computed: a first value of 0 or below, a
    last below 0, or no year between."""
    first, last = as_decimal(first), as_decimal(last)
    if first is None or last is None or first <= 0 or last < 0 or last_year <= first_year:
        return None
    kept = (last / first) ** (Decimal(1) / Decimal(last_year - first_year))
    return (1 - kept) * 100


def reduction_trajectory(values, target_year, comparator, value, value_max=None):
    """The Projection toward a yearly reduction target ("2%–3% a year") in
    `target_year`, from `values`, [(year, figure)] the figure reduced (child
    marriages of each year), not the yearly reductions. See rule 6 of the
    module docstring; `projected` is the average yearly reduction in %. The
    more reduction the better: judged as an increase."""
    pts = sorted((y, as_decimal(v)) for y, v in values if v is not None)
    if value is None or len(pts) < 2:
        return Projection(UNKNOWN)
    if pts[-1][0] >= target_year:
        # The target year's own reduction decides (or the latest year's, past it with no figure for it).
        at = next((i for i, (y, _) in enumerate(pts) if y == target_year), len(pts) - 1)
        actual = compounded_reduction(*pts[at - 1], *pts[at]) if at > 0 else None
        if actual is None:
            return Projection(UNKNOWN)
        return Projection(ON_TRACK if meets(actual, comparator, value, value_max) else OFF_TRACK, actual)
    window = pts[-(TREND_YEARS + 1):]  # TREND_YEARS yearly reductions
    average = compounded_reduction(*window[0], *window[-1])
    if average is None:
        return Projection(UNKNOWN)
    fitted = {"projected": average, "first_year": window[0][0], "last_year": window[-1][0],
              "average_reduction": True}
    if meets(average, comparator, value, value_max):
        return Projection(ON_TRACK, **fitted)
    latest = compounded_reduction(*window[-2], *window[-1])
    if latest is not None and meets(latest, comparator, value, value_max):
        return Projection(AT_RISK, **fitted)
    edge = target_edge(comparator, value, value_max, "increase")
    if edge > 0 and average >= edge * HALF:
        return Projection(AT_RISK, **fitted)
    return Projection(OFF_TRACK, **fitted)
