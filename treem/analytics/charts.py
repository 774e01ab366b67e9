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
    fig = Figure(figsize=(8, 4.2))
    ax = fig.add_subplot()
    suffix = result.unit_suffix
    years = sorted(result.series)
    if years:
        ax.plot(years, [float(result.series[y]) for y in years], marker="o", color=ACCENT, linewidth=2.5,
                markersize=8, label=labels["actual"])
        for y in years:
            ax.annotate(_num(result.series[y]) + suffix, (y, float(result.series[y])), textcoords="offset points",
                        xytext=(0, 9), ha="center", fontsize=11, color=ACCENT)
    if result.baseline_value is not None and result.baseline_year:
        ax.plot([result.baseline_year], [float(result.baseline_value)], marker="s", markersize=10, color=INK,
                linestyle="none", label=f"{labels['baseline']} {result.baseline_year}")
    for target in (result.target_2025, result.target_2030):
        if target is None:
            continue
        low = float(target.value)
        high = float(target.value_max) if target.value_max is not None else low
        ax.plot([target.year, target.year], [low, high] if high != low else [low, low], marker="*", markersize=16,
                color=TARGET, linestyle="-", linewidth=3)
        ax.annotate(f"{labels['target']} {target.year}: {target.text}", (target.year, high),
                    textcoords="offset points", xytext=(-6, 10), ha="right", fontsize=11, color=TARGET)
    projection = result.trajectory_2030
    if projection.projected is not None and projection.slope is not None and result.target_2030:
        # the fitted line itself, from the first year with a value to the target year
        end = result.target_2030.year
        start = min(years + [y for y in (result.baseline_year,) if y and result.baseline_value is not None])
        at_start = projection.projected - projection.slope * (end - start)
        ax.plot([start, end], [float(at_start), float(projection.projected)], linestyle="--",
                color=TREND, linewidth=1.8, label=labels["trend"])
    first = min(years + [y for y in (result.baseline_year,) if y] + [2030])
    ax.set_xlim(first - 0.5, 2030.7)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _num(v) + suffix))
    ax.tick_params(labelsize=12)
    ax.grid(axis="y", color="#d5dde5")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if ax.get_legend_handles_labels()[0]:
        ax.legend(fontsize=11, frameon=False, loc="best")
    fig.tight_layout()
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()
