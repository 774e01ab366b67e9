"""Charts as SVG from matplotlib: large type for a projector, black-and-white
safe for an A4 printout (markers and line styles, not colour alone)."""

import io
from decimal import Decimal

import matplotlib

matplotlib.use("Agg")  # no display on a server

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter, MaxNLocator  # noqa: E402

from treem.core.numbers import format_number  # noqa: E402

INK, ACCENT, TARGET, TREND = "#1d2a36", "#0b5c8e", "#a04b00", "#5b6b7a"


def _num(value, _pos=None):
    return format_number(round(Decimal(str(value)), 2))


def trend_svg(result, labels):
    """The SVG of one sub-indicator's actuals by year with the baseline, the
    2025/2030 targets and the trend line projected to 2030.

    `result` is a SubIndicatorResult; `labels` the translated words
    {"actual", "baseline", "target", "trend"}."""
    fig = trend_figure(result, labels)
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def _above(values, i):
    """Whether the value label of point i goes above it. Labels alternate
    above and below, so neighbours one year apart never meet; the first
    goes above a peak and below a dip."""
    first = len(values) < 2 or values[0] >= values[1]
    return first if i % 2 == 0 else not first


def trend_figure(result, labels):
    """The matplotlib Figure trend_svg draws (the tests measure its labels)."""
    # constrained layout keeps the labels, ticks and legend inside the figure
    fig = Figure(figsize=(8, 4.4), layout="constrained")
    ax = fig.add_subplot()
    suffix = result.unit_suffix
    years = sorted(result.series)
    values = [float(result.series[y]) for y in years]
    label_box = {"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85}
    if years:
        ax.plot(years, values, marker="o", color=ACCENT, linewidth=2.5, markersize=8, label=labels["actual"],
                zorder=3)
        for i, y in enumerate(years):
            up = _above(values, i)
            ax.annotate(_num(result.series[y]) + suffix, (y, values[i]), textcoords="offset points",
                        xytext=(0, 10 if up else -12), ha="center", va="bottom" if up else "top", fontsize=11,
                        color=ACCENT, bbox=label_box, zorder=4)
    if result.baseline_value is not None and result.baseline_year:
        ax.plot([result.baseline_year], [float(result.baseline_value)], marker="s", markersize=10, color=INK,
                linestyle="none", label=f"{labels['baseline']} {result.baseline_year}", zorder=3)
    # The targets are named in the legend, not beside their markers, where
    # the name would cross the value labels.
    for target, marker, size in ((result.target_2025, "D", 10), (result.target_2030, "*", 17)):
        if target is None:
            continue
        low = float(target.value)
        high = float(target.value_max) if target.value_max is not None else low
        ax.plot([target.year, target.year], [low, high], marker=marker, markersize=size, color=TARGET,
                linestyle="-", linewidth=3, label=f"{labels['target']} {target.year}: {target.text}", zorder=3)
    projection = result.trajectory_2030
    if projection.projected is not None and projection.slope is not None and result.target_2030:
        # the fitted line itself, from the first result it is fitted through to the target year
        end, start = result.target_2030.year, projection.first_year
        at_start = projection.projected - projection.slope * (end - start)
        ax.plot([start, end], [float(at_start), float(projection.projected)], linestyle="--",
                color=TREND, linewidth=1.8, label=labels["trend"], zorder=2)
    first = min(years + [y for y in (result.baseline_year,) if y] + [2030])
    ax.set_xlim(first - 0.6, 2030.6)
    # room above and below for the value labels
    ax.margins(y=0.22)
    # a tick every year up to 12 years, every other year (ending on 2030) beyond
    step = 1 if 2030 - first <= 11 else 2
    ax.set_xticks(sorted(range(2030, first - 1, -step)), [str(y) for y in sorted(range(2030, first - 1, -step))])
    ax.yaxis.set_major_locator(MaxNLocator(nbins=5))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _num(v) + suffix))
    ax.tick_params(labelsize=11)
    ax.grid(axis="y", color="#d5dde5")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        # under the plot, never over the data
        fig.legend(fontsize=11, frameon=False, loc="outside lower center", ncols=3)
    return fig
