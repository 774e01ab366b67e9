"""The outline of the official report (form BC, taken from the report outline
at the end of the Nghệ An 2023 plan) is numbered as a reader expects: the
source numbers part A.I "1, 2, 3, 4, 3, 4, 5" (with 3.1–3.5 under the second
"3") and writes "địa phương/cơ quan/.đơn vị"; the report does neither. Read
back from the .docx the report builds, as a person reads it."""

import re
from io import BytesIO

import pytest
from docx import Document

from treem.reporting.models import Period
from treem.reporting.validation import form_rows
from treem.reports.docx_report import build_mid_term_review, build_report

from .reporting_helpers import forms, y2023  # noqa: F401

pytestmark = pytest.mark.django_db

# The order of Vietnamese list letters: "đ" follows "d"; there is no "f" or "j".
VIETNAMESE_LETTERS = "a b c d đ e g h i k l m n o p q r s t u v x y".split()
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
HEADING = re.compile(r"^(?:(?P<letter>[A-H])\.|(?P<roman>[IVX]+)\.|(?P<decimal>\d+\.\d+)\.?|(?P<arabic>\d+)\.|"
                     r"(?P<alpha>[a-zđ])\)) ")


def outline_headings(doc):
    """The numbered headings of the outline, in order: (level, number, text).
    A heading is a paragraph set in bold or italics whose text starts with a
    number; the unit's own text under a heading is neither."""
    out = []
    for p in doc.paragraphs:
        runs = [r for r in p.runs if r.text.strip()]
        if not runs or not (runs[0].bold or runs[0].italic):
            continue
        m = HEADING.match(p.text)
        if m:
            level = next(k for k, v in m.groupdict().items() if v)
            out.append((level, m.group(level), p.text))
    return out


def numbering_problems(headings):
    """Each level counts 1, 2, 3 … (A, B …; I, II …; a, b, c, d, đ …) under
    its parent and starts again under a new parent; "5.1" belongs under "5"."""
    problems = []
    last = {}  # level -> the last number seen under the current parent
    order = ["letter", "roman", "arabic", "decimal", "alpha"]
    for level, number, text in headings:
        previous = last.get(level)
        if level == "letter":
            expected = chr(ord(previous) + 1) if previous else "A"
        elif level == "roman":
            expected = ROMAN[ROMAN.index(previous) + 1] if previous else "I"
        elif level == "arabic":
            expected = str(int(previous) + 1) if previous else "1"
        elif level == "decimal":
            parent = last.get("arabic")
            second = int(previous.split(".")[1]) + 1 if previous else 1
            expected = f"{parent}.{second}"
        else:
            expected = VIETNAMESE_LETTERS[VIETNAMESE_LETTERS.index(previous) + 1] if previous else "a"
        if number != expected:
            problems.append(f"{text[:60]!r}: numbered {number}, expected {expected}")
        last[level] = number
        # A heading starts its children's count again.
        for deeper in order[order.index(level) + 1:]:
            last.pop(deeper, None)
    return problems


def report_document(plan, unit_, period):
    builder = build_mid_term_review if period.code == "2025MTR" else build_report
    return Document(BytesIO(builder(plan, unit_, period)))


@pytest.mark.parametrize("period_code", ["2023", "2023H1", "2025MTR"])
def test_the_outline_is_numbered_consecutively_at_each_level(forms, bac_kan, bac_kan_plan,  # noqa: F811
                                                             period_code):
    doc = report_document(bac_kan_plan, bac_kan, Period.objects.get(code=period_code))
    headings = outline_headings(doc)
    assert numbering_problems(headings) == []
    # Part A.I, as the source meant it: seven sections, the fifth with 5.1–5.5.
    numbers = [number for _level, number, _text in headings]
    part_i = numbers[numbers.index("I") + 1:numbers.index("II")]
    assert [n for n in part_i if n.isdigit()] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [n for n in part_i if "." in n] == ["2.1", "2.2", "2.3", "2.4", "5.1", "5.2", "5.3", "5.4", "5.5"]
    texts = [text for _level, _number, text in headings]
    assert "5. Kết quả thực hiện các mục tiêu, chỉ tiêu về trẻ em" in texts
    assert "5.1. Công tác bảo vệ trẻ em" in texts
    assert any(t.startswith("6. Nguồn lực của ngân sách Nhà nước") for t in texts)
    assert any(t.startswith("7. Công tác thanh tra, kiểm tra, giám sát") for t in texts)


def test_the_outline_has_no_typo_from_the_source(forms, y2023, bac_kan, bac_kan_plan):  # noqa: F811
    body = "\n".join(p.text for p in report_document(bac_kan_plan, bac_kan, y2023).paragraphs)
    assert "/." not in body and "cơ quan/" not in body
    assert "4. Các hoạt động của các ban, ngành, đoàn thể các cấp tại địa phương, cơ quan, đơn vị" in body
    # The form itself, as the reporting screens show it, reads the same.
    labels = [r.label for r in form_rows(forms["BC"])]
    assert not [label for label in labels if "/." in label or "cơ quan/" in label]


def test_the_check_finds_the_sources_numbering():
    # Part A.I as the Nghệ An plan numbers it fails the check above; so does a skipped letter.
    source = [("letter", "A", "A."), ("roman", "I", "I."), ("arabic", "1", "1."), ("arabic", "2", "2."),
              ("decimal", "2.1", "2.1"), ("arabic", "3", "3."), ("arabic", "4", "4."), ("alpha", "a", "a)"),
              ("alpha", "b", "b)"), ("arabic", "3", "3. Kết quả"), ("decimal", "3.1", "3.1."),
              ("alpha", "a", "a)"), ("alpha", "c", "c)"), ("arabic", "4", "4. Nguồn lực")]
    assert numbering_problems(source) == ["'3. Kết quả': numbered 3, expected 5", "'c)': numbered c, expected b"]
