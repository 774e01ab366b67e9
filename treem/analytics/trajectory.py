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

The line runs through several years: it can meet the target while the
latest year moved the wrong way (child marriages 157, 146, 148: the trend of
the yearly reductions still meets "2%–3% a year"). The verdict stays the
line's; beside an on track or at risk the pages and the report say that the
latest year went the wrong way (`SubIndicatorResult.setback`).
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
    projected: Decimal | None = None  # the trend's value in the target year
    slope: Decimal | None = None  # change per year
    first_year: int | None = None  # the years of the results the trend is fitted through
    last_year: int | None = None


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
