"""Read the plan page's summary table back from its HTML, as a person reads it."""

import re
from html.parser import HTMLParser


class SummaryTable(HTMLParser):
    """rows[(indicator, sub)] = {"baseline": "2,3‰", "targets": {2025: "< 5‰"},
    "national": {2025: "< 9,5‰"}, "lead": "Sở Y tế"}"""

    def __init__(self, html):
        super().__init__()
        self.rows, self._row, self._cell, self._text = {}, None, None, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and "data-indicator" in a:
            self._row = self.rows.setdefault((a["data-indicator"], int(a["data-sub"])), {"targets": {}, "national": {}})
        elif tag == "td" and self._row is not None:
            classes = (a.get("class") or "").split()
            self._cell = (classes, a.get("data-year"))
            self._text = []
        elif tag == "br" and self._cell:
            self._text.append(" | ")

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            classes, year = self._cell
            text = re.sub(r"\s+", " ", "".join(self._text)).strip()
            if "baseline" in classes:
                self._row["baseline"] = text
            elif "target" in classes:
                self._row["targets"][int(year)] = text
            elif "national" in classes and year:
                self._row["national"][int(year)] = text
            elif "lead" in classes:
                self._row["lead"] = text
            self._cell = None
        elif tag == "tr":
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._text.append(data)
