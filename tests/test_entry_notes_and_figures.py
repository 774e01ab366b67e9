"""What a Vietnamese user reads on the entry forms: the notes beside the rows
(Appendix 7's denominator rows among them) are Vietnamese, and a figure
typed with decimals (a percentage 85,75) comes back as it was stored, so
saving the form again changes nothing; only the rates Treem computes itself
are shown with one decimal."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from treem.reporting.models import DataValue, DataValueChange, Form, FormRow, Submission

from .conftest import client_for
from .reporting_helpers import forms, y2023  # noqa: F401

pytestmark = pytest.mark.django_db

DENOMINATOR_NOTE = "Dòng do Treem thêm để tính lại tỷ lệ"
# Words of English sentences; none is a Vietnamese word written without marks.
ENGLISH = re.compile(r"\b(the|of|and|is|for|with|this|from|by|added|row|rows|rate|rates|recompute[ds]?|"
                     r"denominator|numerator|computed|sum|figures?)\b", re.I)


class Reader(HTMLParser):
    """The page as read: its text and the texts of its tooltips and labels, by
    table row (id "row-<pk>"), scripts left out."""

    def __init__(self):
        super().__init__()
        self.skip, self.row, self.texts = 0, None, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self.skip += 1
        if tag == "tr":
            self.row = attrs.get("id")
        for name in ("title", "aria-label", "placeholder"):
            if attrs.get(name):
                self.texts.setdefault(self.row, []).append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if tag == "tr":
            self.row = None

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.setdefault(self.row, []).append(" ".join(data.split()))


def read(page):
    reader = Reader()
    reader.feed(page)
    return reader.texts


def entry_url(form_code, unit, period="2023"):
    return reverse("reporting:entry", args=[form_code, period, unit.pk])


def test_appendix_7s_denominator_rows_explain_themselves_in_vietnamese(client, forms, coordinator,  # noqa: F811
                                                                        bac_kan, y2023):
    client_for(client, coordinator)
    texts = read(client.get(entry_url("PL7", bac_kan)).content.decode())
    denominators = FormRow.objects.filter(form=forms["PL7"], label__startswith="Mẫu số")
    numerators = FormRow.objects.filter(form=forms["PL7"], label__startswith="Tử số")
    assert (denominators.count(), numerators.count()) == (33, 14)
    for row in [*denominators, *numerators]:
        shown = " ".join(texts[f"row-{row.pk}"])
        assert row.label in shown and DENOMINATOR_NOTE in shown
        assert not ENGLISH.search(shown), shown
    # The form's own note says why those rows are there, in Vietnamese too.
    assert any("Các dòng “Tử số” và “Mẫu số” do Treem thêm" in t for t in texts[None])


@pytest.mark.parametrize("code", ["PL1", "PL2", "PL3", "PL4", "PL5", "PL6", "PL7", "BC"])
def test_no_form_shows_english_to_a_vietnamese_user(client, forms, coordinator, bac_kan, y2023, code):  # noqa: F811
    """Every row's note, every label and tooltip of each form, and the page
    around them, in Vietnamese (the language of the interface by default)."""
    client_for(client, coordinator)
    response = client.get(entry_url(code, bac_kan))
    assert response.status_code == 200
    texts = read(response.content.decode())
    english = [t for ts in texts.values() for t in ts if ENGLISH.search(t)]
    assert english == []
    for row in Form.objects.get(code=code).rows.exclude(note=""):
        assert row.note in " ".join(texts[f"row-{row.pk}"])


def inputs(page):
    """{input name: (value, data-saved)} of the entry form."""
    out = {}
    for tag in re.findall(r"<input [^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if name and name.group(1).startswith("v:"):
            value = re.search(r' value="([^"]*)"', tag)
            saved = re.search(r' data-saved="([^"]*)"', tag)
            out[name.group(1)] = (value.group(1) if value else "", saved.group(1) if saved else "")
    return out


TYPED = {
    "v:PL7_CT1_r:actual": ("85,75", "85,75"),  # a percentage with two decimals
    "v:PL7_CT1_r:plan": ("90,50", "90,5"),  # a trailing zero is trimmed, the value is the same
    "v:PL7_CT6:actual": ("12,345", "12,345"),  # a percentage typed directly, three decimals
    "v:PL7_CT3:actual": ("8,125", "8,125"),  # a ‰ rate
    "v:PL7_CT2:actual": ("1234", "1.234"),  # a count, with its thousands dot
    "v:PL7_CT2_d:actual": ("1500", "1.500"),
}


def test_a_typed_rate_comes_back_as_stored_and_saving_again_changes_nothing(client, forms, coordinator,  # noqa: F811
                                                                             bac_kan, y2023):
    client_for(client, coordinator)
    url = entry_url("PL7", bac_kan)
    autosave = reverse("reporting:autosave", args=["PL7", "2023", bac_kan.pk])
    body = {name: typed for name, (typed, _shown) in TYPED.items()}
    body.update({"o:" + name[2:]: "" for name in TYPED})
    saved = client.post(autosave, body).json()
    assert saved["ok"], saved
    # What the page is told was stored: the figure as typed, in the Vietnamese way.
    assert {name: saved["values"][name[2:]] for name in TYPED} == {n: shown for n, (_t, shown) in TYPED.items()}
    submission = Submission.objects.get(form=forms["PL7"], unit=bac_kan, period=y2023, agency=None)
    assert DataValue.objects.get(submission=submission, element__code="PL7_CT1_r", option__code="actual").value \
        == pytest.approx(85.75)

    page = client.get(url).content.decode()
    fields = inputs(page)
    for name, (_typed, shown) in TYPED.items():
        assert fields[name] == (shown, shown), name
    # The rate Treem computes from the report's own parts (1.234 of 1.500) is a
    # computed figure, shown with two decimals at most; the typed rate beside it is not.
    assert re.search(r'data-rate="PL7_CT2:actual PL7_CT2_d:actual 100"[^>]*>[^<]*<span class="rate">82,27</span>',
                     page)

    # Saving the page as it shows, autosave or the Save button, changes nothing and is no conflict.
    changes, version = DataValueChange.objects.count(), submission.version
    again = {name: shown for name, (_value, shown) in fields.items()}
    resaved = client.post(autosave, {**again, **{"o:" + name[2:]: shown for name, shown in again.items()}}).json()
    assert resaved["ok"], resaved
    assert client.post(url, {**again, "action": "save"}).status_code == 302
    submission.refresh_from_db()
    assert DataValueChange.objects.count() == changes and submission.version == version
    assert inputs(client.get(url).content.decode()) == fields
