"""The header of a plan: number, date, place, issuer, title, period, the
documents it carries out, the signer."""

import datetime
import re

from .lines import capitalize, flat, upper_ratio
from .phrases import fold


class HeaderMixin:
    """Reads the header into self.out (a _Document mixin)."""

    def _header(self):
        out, lines = self.out, self.out["lines"]
        head = min(self.n, 80)
        for i in range(head):
            text = flat(self.lines[i])
            f = fold(text)
            m = re.match(r"^so\s*:?\s*(\d*)\s*/\s*([\w&.-]+(?:-[\w&.]+)*)", f)
            if m and not out["number"] and lines["number"] is None:
                start = m.start(2)
                suffix = re.match(r"[\wĐđ&.-]+", text[start:]).group(0)
                out["number"] = f"{m.group(1)}/{suffix}" if m.group(1) else ""
                lines["number"] = i + 1  # the line is there even when the number is left blank
                continue
            m = re.match(r"^(.{2,40}?),\s*ngay\s*(\d{0,2})\s*thang\s*(\d{0,2})\s*nam\s*(\d{4})", f)
            if m and lines["place"] is None:
                out["place"] = text[:m.end(1)].strip()
                lines["place"] = lines["date"] = i + 1
                if m.group(2) and m.group(3):
                    try:
                        out["date"] = datetime.date(int(m.group(4)), int(m.group(3)), int(m.group(2))).isoformat()
                        lines["date"] = i + 1
                    except ValueError:
                        pass
                self.year = int(m.group(4))
        self._title(head)
        self._issuer(head)

    def _issuer(self, head):
        out = self.out
        for i in range(min(head, 30)):
            f = fold(flat(self.lines[i]))
            if f.startswith("thu tuong chinh phu") and i < 10:
                out["issuer"], out["lines"]["issuer"] = "Thủ tướng Chính phủ", i + 1
                return
            found = self._issuer_at(i)
            if found:
                issuer, end = found
                # "UBND TỈNH BẮC KẠN" over "UBND HUYỆN CHỢ ĐỒN": the lower one issues.
                for k in range(end + 1, min(self.n, end + 4)):
                    below = self._issuer_at(k)
                    if below and _RANK.get(unit_of_issuer(below[0]).get("level"), 0) > _RANK.get(
                            unit_of_issuer(issuer).get("level"), 0):
                        issuer, i = below[0], k
                        break
                out["issuer"] = issuer
                out["lines"]["issuer"] = i + 1
                return
        # No issuer block in the copy: "Ủy ban nhân dân tỉnh ban hành Kế hoạch …"
        # in the opening paragraph; the place comes from the title or the text.
        for e in self.entries[:12]:
            m = re.search(r"(?:uy ban nhan dan|ubnd)\s+(tinh|thi xa|huyen|thanh pho|quan|xa|phuong)\s+ban hanh", fold(e.text))
            if not m:
                continue
            word = e.text[m.start(1):m.end(1)]
            name = ""
            for t in [out["title"]] + [x.text for x in self.entries[:6]]:
                pm = re.search(rf"\b{word}\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]*(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]*)*)", t, re.IGNORECASE)
                if pm:
                    words = []
                    for w in pm.group(1).split():
                        if fold(w) in ("nam", "giai", "den", "ve", "tren", "thuc", "ban") or not w[0].isupper():
                            break
                        words.append(w)
                    if words:
                        name = " ".join(words)
                        name = name.title() if name.isupper() else name
                        break
            name = name or out["place"]
            if name:
                out["issuer"] = f"Ủy ban nhân dân {word.lower()} {name}"
                out["lines"]["issuer"] = e.line
            return

    def _issuer_at(self, i):
        """("Ủy ban nhân dân thị xã Hương Trà", last line) when line i opens an
        issuer block: "ỦY BAN NHÂN DÂN" / "UBND" with the level and place on
        the same line or the next ones."""
        text = flat(self.lines[i])
        f = fold(text)
        m = re.match(r"^(?:uy ban nhan dan|ubnd)\b\s*", f)
        if not m or f.startswith("uy ban nhan dan tinh ban"):
            return None
        rest, j = text[m.end():].strip(), i + 1
        while not rest and j < min(self.n, i + 4):
            rest = flat(self.lines[j])
            j += 1
        if rest and upper_ratio(rest) > 0.85 and re.match(_LEVEL_WORDS, fold(rest)):
            return "Ủy ban nhân dân " + _level_name(rest), max(i, j - 1)
        return None

    def _places(self):
        """The places the document names after "tỉnh", "huyện", "thành phố"…:
        each folded, with up to five capitalised words after the word
        ("tien giang", "bac kan giai"), in the order they come. Telling apart
        units of one name (Huyện Châu Thành of Tiền Giang and of Long An) needs
        the province the plan names; the unit list, not the parser, knows
        where one name ends."""
        found = []
        for e in self.entries:
            text = e.text.title() if upper_ratio(e.text) > 0.85 else e.text
            for m in _PLACE_WORD.finditer(text):
                words = []
                for w in text[m.end():].split()[:5]:
                    if w[0] in "(“\"'":
                        break
                    bare = w.strip(",.;:)”\"'*")
                    if not bare or not (bare[0].isupper() or bare.isdigit()):
                        break
                    words.append(fold(bare))
                    if bare != w.rstrip("*"):  # "Bắc Kạn," ends the name
                        break
                place = " ".join(words)
                if place and place not in found:
                    found.append(place)
        self.out["_places"] = found[:200]

    def _title(self, head):
        out = self.out
        for i in range(head):
            text = flat(self.lines[i])
            f = fold(text)
            if re.fullmatch(r"(quyet dinh|ke hoach|chuong trinh)\s*:?", f) and not f.endswith(":"):
                out["kind"] = {"quyet dinh": "decision", "ke hoach": "plan"}.get(f.rstrip(": "), "programme")
                parts, first = [], None
                j = i + 1
                while j < self.n and len(parts) < 4:
                    t = flat(self.lines[j])
                    ft = fold(t)
                    if not t:
                        if parts:
                            break
                        j += 1
                        continue
                    # "Thực hiện Quyết định số …" opens the preamble; "Thực hiện
                    # Chương trình … giai đoạn …" may be the title itself.
                    preamble = re.match(r"^(thuc hien\s+(?:\S+\s+){1,3}so\s|can cu|\(kem theo|uy ban nhan dan|so\s*:)", ft)
                    if (preamble and upper_ratio(t) < 0.85) or _is_issuer_line(t):
                        break
                    parts.append(t)
                    first = first or j + 1
                    j += 1
                if parts:
                    out["title"] = " ".join(parts)
                    out["lines"]["title"] = first
                    return
        # A copy without its header: "Điều 1. Phê duyệt Chương trình … (sau đây …) với những nội dung sau:"
        for e in self.entries[:40]:
            m = re.match(r"^Điều 1\.\s*(Phê duyệt|Ban hành)\s+(.+)$", e.text)
            if m:
                title = re.split(r"\s*\(sau đây|\s+với (?:những|các) nội dung|\s+kèm theo", m.group(0)[len("Điều 1."):].strip())[0]
                out["title"] = title.strip().rstrip(":.")
                out["lines"]["title"] = e.line
                out["kind"] = "programme" if "chương trình hành động quốc gia" in title.lower() else "decision"
                if out["kind"] == "programme" and not out["issuer"]:
                    out["issuer"] = "Thủ tướng Chính phủ"
                return

    # -- period, implements, signer ----------------------------------------

    def _period(self):
        out = self.out
        title = out["title"]
        ft = fold(title)
        year = getattr(self, "year", None)
        start = end = None
        line = out["lines"]["title"]
        m = re.search(r"(?:giai doan|tu nam)\s*(\d{4})\s*(?:-|–|den|đến)\s*(?:nam\s*)?(\d{4})", ft)
        if m:
            start, end = int(m.group(1)), int(m.group(2))
        else:
            m = re.search(r"(?:den|toi)\s+nam\s+(\d{4})", ft)
            if m:
                end = int(m.group(1))
            else:
                m = re.search(r"\bnam\s+(\d{4})\b", ft)
                if m:
                    start = end = int(m.group(1))
        # "Thời gian thực hiện: Từ năm 2025 đến năm 2030" states it outright.
        for e in self.entries:
            f = fold(e.text)
            m = re.search(r"thoi gian thuc hien\s*:?\s*(?:tu\s+)?nam\s+(\d{4})\s*(?:den|-|–)\s*(?:het\s+)?nam\s+(\d{4})", f)
            if m:
                start, end = int(m.group(1)), int(m.group(2))
                line = e.line
                break
        if end and not start:
            start = year if year and year <= end else None
        if start is None and end is None and year:
            start = end = year
        if start and not end:
            end = start
        out["period"] = {"start": start, "end": end}
        out["lines"]["period"] = line if (start or end) else None

    def _implements(self):
        out = self.out
        doc_ref = re.compile(
            r"(Quyết định|Kế hoạch|Nghị quyết|Công văn|Chỉ thị|Chương trình|Thông tư|Nghị định|Hướng dẫn)"
            r"\s+(?:liên ngành\s+)?số\s+([\w./&-]+/[\w./&Đđ-]+)"
            r"(?:\s+ngày\s+(\d{1,2})(?:/|\s+tháng\s+)(\d{1,2})(?:/|\s+năm\s+)(\d{4}))?"
        )
        for e in self.entries[:40]:
            f = fold(e.text)
            if not re.match(r"^(thuc hien|can cu)\b", f):
                continue
            if self.out["lines"]["title"] and e.line < (self.out["lines"]["title"] or 0):
                continue
            is_basis = f.startswith("can cu")
            for k, m in enumerate(doc_ref.finditer(e.text)):
                kind = m.group(1)
                context = fold(e.text[m.end():m.end() + 200])
                if is_basis:
                    # A legal basis is carried out only if it approves a programme or plan.
                    if not re.match(r"^[^;]*?(phe duyet|ban hanh)\s+(chuong trinh|ke hoach|de an)", context):
                        continue
                elif k > 0:
                    continue  # "Thực hiện Kế hoạch số 208 … về thực hiện Nghị quyết số 07": 208 is carried out
                date = None
                if m.group(3):
                    date = f"{int(m.group(5)):04d}-{int(m.group(4)):02d}-{int(m.group(3)):02d}"
                if any(x["number"] == m.group(2) for x in out["implements"]):
                    continue
                out["implements"].append({"number": m.group(2), "date": date, "text": e.text, "line": e.line,
                                          "_kind": kind, "_approves": context})
        parent = None
        for item in out["implements"]:
            if item["_kind"] in ("Quyết định", "Kế hoạch", "Chương trình") or "chuong trinh hanh dong" in item["_approves"]:
                parent = {"number": item["number"]}
                break
        out["parent"] = parent
        for item in out["implements"]:
            item.pop("_kind")
            item.pop("_approves")

    def _signer(self):
        out = self.out
        for i in range(self.n):
            f = fold(flat(self.lines[i]))
            if re.match(r"^(tm\.|kt\.|q\.|tl\.)?\s*(pho )?chu tich$|^(kt\.\s*)?(pho )?thu tuong$|^(pho )?giam doc$", f):
                for j in range(i + 1, min(self.n, i + 8)):
                    t = flat(self.lines[j])
                    if not t:
                        continue
                    if re.fullmatch(r"[A-ZĐÀ-Ỹ][a-zđà-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][a-zđà-ỹ]+){1,4}", t):
                        out["signer"], out["lines"]["signer"] = t, j + 1
                        return
                    if re.match(r"^(tm\.|kt\.|pho chu tich|chu tich)", fold(t)):
                        continue
                    break


_MUNICIPALITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}
# The words that open an issuer's level and place ("THỊ XÃ HƯƠNG TRÀ", "TP. HẢI PHÒNG").
_LEVEL_WORDS = r"^(?:tinh|thanh pho|thi xa|thi tran|huyen|quan|xa|phuong|dac khu)\b|^tp\b"
_PLACE_WORD = re.compile(r"(?<!\w)(?:tỉnh|thành phố|tp\.?|huyện|quận|thị xã)\s+", re.IGNORECASE)
_RANK = {"nation": 0, "province": 1, "district": 2, "commune": 3}


def unit_of_issuer(issuer, kind=""):
    """{"level", "name"} of the unit whose plan this is, from its issuer.

    The code is left to whoever has the unit list (the import command);
    only the nation is certain from the text alone.
    """
    f = fold(issuer or "")
    if f.startswith(("thu tuong", "chinh phu")) or kind == "programme":
        return {"level": "nation", "structure": "national", "code": "VN", "name": "Việt Nam"}
    m = re.match(r"^(?:uy ban nhan dan|ubnd)\s+(thanh pho|thi xa|thi tran|tinh|huyen|quan|xa|phuong|dac khu)\s+(.+)$", f)
    if not m:
        return {}
    word, place = m.group(1), issuer[len(issuer) - len(m.group(2)):]
    # A city is a province only for the centrally-run ones; "Thành phố Bắc Kạn",
    # a "thị xã" and a "quận" are districts (one level with "huyện").
    if word == "tinh" or (word == "thanh pho" and m.group(2) in _MUNICIPALITIES):
        level = "province"
    elif word in ("thanh pho", "thi xa", "huyen", "quan"):
        level = "district"
    else:
        level = "commune"
    label = issuer[len(issuer) - len(m.group(2)) - len(word) - 1:len(issuer) - len(m.group(2))].strip()
    return {"level": level, "name": f"{capitalize(label)} {place}"}


def _is_issuer_line(text):
    return upper_ratio(text) > 0.85 and re.match(r"^(uy ban nhan dan|cong hoa|doc lap)", fold(text))


def _level_name(text):
    """'TỈNH BẮC KẠN' -> 'tỉnh Bắc Kạn'; 'THỊ XÃ HƯƠNG TRÀ' -> 'thị xã Hương Trà';
    'TP. HẢI PHÒNG' -> 'thành phố Hải Phòng'."""
    text = flat(text).strip()
    # Both columns of the header on one line: "HUYỆN CHỢ ĐỒN CỘNG HÒA XÃ HỘI …".
    cut = re.search(r"\s(?:cong hoa|doc lap|so\s*:)", fold(text))
    if cut:
        text = text[:cut.start()].strip()
    m = re.match(r"^tp\b\.?\s*", fold(text))
    if m:
        text = "thành phố " + text[m.end():]
    f = fold(text)
    for word in ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "quan", "xa", "phuong", "dac khu"):
        if f.startswith(word + " "):
            level = text[:len(word)].lower()
            rest = text[len(word):].strip()
            return f"{level} {rest.title() if rest.isupper() else rest}"
    return text
