"""The indicator results as the report prints them: rows and sentences read
from `treem.analytics.results.indicator_results`, which does the judging."""

from dataclasses import dataclass, field

from treem.analytics import judging
from treem.analytics.judging import EMPTY_GROUP, EXCEEDED, MET, NO_DATA, NOT_COLLECTED, NOT_MET, rounded
from treem.analytics.results import indicator_results, status_counts, trajectory_counts
from treem.analytics.trajectory import AT_RISK, OFF_TRACK, ON_TRACK
from treem.core.numbers import format_number

# ĐVT as reports write it (the indicator's name says per what: "trên 1.000 trẻ đẻ sống").
MEASURE_UNITS = {"percent": "%", "per_mille": "‰", "per_1000_live_births": "‰", "per_1000_children": "1/1.000",
                 "per_100000_children": "1/100.000", "count": "Số lượng", "money": "Đồng"}


@dataclass
class Row:
    number: str
    name: str
    unit: str = ""
    target: str = ""
    actual: str = ""
    judgement: str = ""
    heading: bool = False
    baseline: str = ""
    actuals: list = field(default_factory=list)
    result: object = None
    judged_year: int | None = None  # the mid-term review: the earlier year judged when the last has no result


@dataclass
class Table:
    rows: list
    results: list
    year: int
    baseline_label: str = ""


def actual_text(value, suffix=""):
    """An actual as the report prints it: two decimals at most, 1.234,5, with
    the indicator's unit ("98,5%", "4,2‰") as its target is printed."""
    return f"{format_number(rounded(value), minus='−')}{suffix or ''}" if value is not None else ""


_ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]


def _objective_number(number):
    """An objective is numbered I, II… in the column where the indicators
    count 1 to 24, so "1" is never both an objective and an indicator."""
    return _ROMAN[int(number) - 1] if str(number).isdigit() and 0 < int(number) <= len(_ROMAN) else number


def _rows(results, line):
    """Rows in the plan's order, a heading row before each objective, the
    indicator's number on its first sub-indicator only."""
    rows, objective, indicator = [], None, None
    for r in results:
        if r.objective is not None and r.objective.pk != objective:
            rows.append(Row(_objective_number(r.objective.number),
                            f"Mục tiêu {r.objective.number}: {r.objective.title}", heading=True))
        objective = r.objective.pk if r.objective is not None else None
        row = line(r)
        row.number = r.indicator_number if r.indicator.pk != indicator else ""
        indicator = r.indicator.pk
        rows.append(row)
    return rows


# The result of a rate whose denominator the reports give as 0: no child in the group, nothing to judge.
EMPTY_GROUP_TEXT = "0/0"


# Marks the result of a rate the units below type directly, which cannot be added up; see typed_rate_note.
TYPED_RATE_MARK = "(*)"


def _typed_rate(r):
    return r.typed_rate and not r.not_collected


def typed_rate_note(table):
    """The note under a table whose results leave out rates typed directly
    by the units below (a mortality rate in ‰ without its numerator and
    denominator): the reader learns why the cell is empty. "" if none."""
    numbers = _numbers([r for r in table.results if _typed_rate(r)])
    if not numbers:
        return ""
    return (f"{TYPED_RATE_MARK} Chỉ tiêu {numbers}: chưa tổng hợp được, do cấp dưới báo cáo trực tiếp tỷ lệ, không "
            f"kèm tử số và mẫu số; kết quả lấy theo báo cáo Phụ lục 7 của chính đơn vị, khi đã được cấp trên "
            f"phê duyệt.")


def results_table(plan, unit, year):
    """The year's results table of `plan` for `unit`."""
    results = indicator_results(plan, unit, year)

    def line(r):
        actual = "Không thống kê" if r.not_collected else actual_text(r.actual, r.unit_suffix)
        if r.empty_group:
            actual = EMPTY_GROUP_TEXT
        if not actual and _typed_rate(r):
            actual = TYPED_RATE_MARK
        if r.rose_instead:
            actual = f"tăng {actual_text(r.rise, r.unit_suffix)} so với năm trước"
        return Row("", r.name, MEASURE_UNITS.get(r.measure_unit, r.measure_unit),
                   r.target.text if r.target else "", actual, r.judgement, result=r)

    return Table(_rows(results, line), results, year)


def _numbers(results):
    numbers = []
    for r in results:
        if r.indicator_number not in numbers:
            numbers.append(r.indicator_number)
    return ", ".join(numbers)


def counted(results):
    """What the counts count, said the same way everywhere: ("chỉ tiêu", "")
    when each indicator is one line; otherwise the lines are sub-indicators
    (or an indicator's rural and urban targets): ("chỉ tiêu thành phần",
    "kế hoạch có 24 chỉ tiêu, gồm 35 chỉ tiêu thành phần")."""
    indicators = len({r.indicator.pk for r in results})
    if indicators == len(results):
        return "chỉ tiêu", ""
    return "chỉ tiêu thành phần", f"kế hoạch có {indicators} chỉ tiêu, gồm {len(results)} chỉ tiêu thành phần"


def sentences(table):
    """A few sentences read from the table: how many indicators met their
    targets, which did not."""
    counts = status_counts(table.results)
    judged = counts[MET] + counts[EXCEEDED] + counts[NOT_MET]
    if not table.results:
        return ["Kế hoạch không đặt chỉ tiêu cụ thể."]
    word, whole = counted(table.results)
    out = []
    if judged:
        good = counts[MET] + counts[EXCEEDED]
        parts = [f"{n} {word} {verb}" for n, verb in ((counts[EXCEEDED], "vượt"), (counts[MET], "đạt")) if n]
        text = (f"Năm {table.year}, {whole + '; ' if whole else ''}trong {judged} {word} có kế hoạch và số liệu, "
                f"{good}/{judged} {word} đạt và vượt kế hoạch")
        if parts:
            text += f" ({', '.join(parts)})"
        text += f", {counts[NOT_MET]} {word} không đạt." if counts[NOT_MET] else "."
        out.append(text)
        missed = [r for r in table.results if r.judgement == NOT_MET]
        if missed:
            out.append(f"Các chỉ tiêu không đạt kế hoạch: chỉ tiêu {_numbers(missed)}.")
    missing = counts[NO_DATA] + counts[NOT_COLLECTED]
    if missing:
        out.append(f"{missing}/{len(table.results)} {word} chưa có số liệu hoặc không thống kê được "
                   f"trong năm {table.year}.")
    empty = [r for r in table.results if r.judgement == EMPTY_GROUP]
    if empty:
        # Not missing: the reports say there is no child to count (0/0).
        out.append(f"Chỉ tiêu {_numbers(empty)}, {_scoped_names(empty)}: không có trẻ thuộc diện trong năm "
                   f"{table.year} (số liệu báo cáo {EMPTY_GROUP_TEXT}), nên không đánh giá.")
    return out


def _scoped_names(results):
    """'tỷ lệ trẻ dưới 5 tuổi bị suy dinh dưỡng thể béo phì (thành thị)', joined with semicolons."""
    return "; ".join(r.name[:1].lower() + r.name[1:] for r in results)


def mid_term_table(plan, unit, first, last):
    """Baseline, each year's actual from `first` to `last`, the `last` year's
    target and the judgement, for every sub-indicator of `plan`."""
    results = indicator_results(plan, unit, last)
    years = range(first, last + 1)
    baseline_years = [r.baseline_year for r in results if r.baseline_year]
    common = max(set(baseline_years), key=baseline_years.count) if baseline_years else first - 1

    def line(r):
        target = r.target or r.target_2025
        row = Row("", r.name, MEASURE_UNITS.get(r.measure_unit, r.measure_unit), target.text if target else "",
                  EMPTY_GROUP_TEXT if r.empty_group else actual_text(r.actual, r.unit_suffix), r.judgement, result=r)
        row.baseline = r.baseline_text
        row.actuals = [EMPTY_GROUP_TEXT if y in r.empty_years else actual_text(r.series.get(y), r.unit_suffix)
                       for y in years]
        if r.judgement == NO_DATA and target is not None:
            # No result for the last year (a province merged on 01/07/2025
            # reports 2024 last): the target is judged against the latest
            # year of the period that has one, and the table says which.
            latest = max((y for y in years if r.series.get(y) is not None), default=None)
            if latest is not None:
                row.judgement = judging.judge(r.series[latest], target.comparator, target.value, target.value_max,
                                              r.direction)
                row.judged_year = latest
        return row

    return Table(_rows(results, line), results, last, f"Năm {common} (cơ sở)")


def judged_elsewhere(table):
    """The mid-term review's rows judged on an earlier year's result (see mid_term_table)."""
    return [r for r in table.rows if r.judged_year is not None and r.judgement in (MET, EXCEEDED, NOT_MET)]


def years_text(years):
    """'năm 2024', 'năm 2023, 2024'."""
    return "năm " + ", ".join(str(y) for y in sorted(set(years)))


def mid_term_sentences(table, last):
    # Counted on the rows as printed: a row judged on an earlier year counts with its judgement.
    counts = {j: 0 for j in (MET, EXCEEDED, NOT_MET)}
    for row in table.rows:
        if not row.heading and row.judgement in counts:
            counts[row.judgement] += 1
    judged = counts[MET] + counts[EXCEEDED] + counts[NOT_MET]
    word, whole = counted(table.results)
    earlier = judged_elsewhere(table)
    out = []
    if judged and len(earlier) == judged:
        out.append(f"Chưa có số liệu năm {last}; theo số liệu của năm gần nhất có số liệu "
                   f"({years_text(r.judged_year for r in earlier)}), {whole + '; ' if whole else ''}"
                   f"{counts[MET] + counts[EXCEEDED]}/{judged} {word} có mục tiêu và số liệu đạt và vượt mục tiêu "
                   f"năm {last}; {counts[NOT_MET]} {word} không đạt.")
    elif judged:
        out.append(f"Đến năm {last}, {whole + '; ' if whole else ''}{counts[MET] + counts[EXCEEDED]}/{judged} "
                   f"{word} có mục tiêu và số liệu đạt và vượt mục tiêu năm {last}; {counts[NOT_MET]} {word} "
                   f"không đạt.")
        if earlier:
            out.append(f"Trong đó, {len(earlier)} {word} chưa có số liệu năm {last} được đánh giá theo số liệu "
                       f"của năm gần nhất có số liệu ({years_text(r.judged_year for r in earlier)}).")
    ways = trajectory_counts(table.results)
    if ways[ON_TRACK] + ways[AT_RISK] + ways[OFF_TRACK]:
        out.append(f"Theo xu hướng giai đoạn vừa qua, {ways[ON_TRACK]} {word} có khả năng đạt mục tiêu năm 2030, "
                   f"{ways[AT_RISK]} {word} có nguy cơ không đạt và {ways[OFF_TRACK]} {word} khó đạt "
                   f"nếu không có giải pháp mạnh hơn.")
        # A trend fitted over the period can meet the target while the last year went the wrong way.
        setbacks = [r for r in table.results if r.setback_against(r.trajectory_2030)]
        if setbacks:
            out.append(f"Trong số các {word} có khả năng đạt hoặc có nguy cơ không đạt, kết quả năm gần nhất của "
                       f"chỉ tiêu {_numbers(setbacks)} diễn biến ngược chiều mục tiêu so với năm trước, cần tiếp tục "
                       f"theo dõi.")
    return out
