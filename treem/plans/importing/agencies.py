"""Agency names as plans write them, and lists of indicator numbers."""

import re

AGENCY_START = re.compile(
    r"^(?:đề nghị\s+)?(?:sở|phòng|bộ|ban(?!\s+hành)|công an|ủy ban|uỷ ban|ubnd|ubmttq|tỉnh đoàn|huyện đoàn|"
    r"thị đoàn|đoàn thanh niên|hội (?:liên hiệp|nông dân|cựu chiến binh|chữ thập|bảo trợ|người cao tuổi|khuyến học|luật gia|bảo vệ)|"
    r"trung tâm|văn phòng|các sở|các bộ|các cơ quan|bảo hiểm xã hội|cục|chi cục|"
    r"báo(?!\s+cáo)|đài|viện kiểm sát|tòa án|toà án|liên đoàn|mặt trận|quỹ|bệnh viện|ngân hàng)\b",
    re.IGNORECASE,
)

_ABBREVIATIONS = [
    (r"\blđ\s*[-,&]?\s*tb\s*(?:&|và)?\s*xh\b|\blđtbxh\b", "lao động thương binh và xã hội"),
    (r"\blao động\s*[-,]?\s*tb\s*(?:&|và)?\s*xh\b", "lao động thương binh và xã hội"),
    (r"\bgd\s*(?:&|và)?\s*đt\b", "giáo dục và đào tạo"),
    (r"\bvh\s*,?\s*tt\s*(?:&|và)?\s*dl\b|\bvhttdl\b", "văn hóa thể thao và du lịch"),
    (r"\btt\s*(?:&|và)\s*tt\b", "thông tin và truyền thông"),
    (r"\bkh\s*(?:&|và)\s*đt\b", "kế hoạch và đầu tư"),
    (r"\bubnd\b", "ủy ban nhân dân"),
]


def agency_key(name):
    """A key under which different spellings of one agency agree."""
    s = (name or "").lower().replace("uỷ", "ủy").replace("hoá", "hóa").replace("xoá", "xóa")
    for pattern, full in _ABBREVIATIONS:
        s = re.sub(pattern, full, s)
    s = re.sub(r"[^\w]+", " ", s)
    s = re.sub(r"\b(và|các)\b", " ", s)
    return " ".join(s.split())


def split_agencies(text):
    """'Sở A; Sở B.' -> ['Sở A', 'Sở B'] (the documents separate agencies with ';')."""
    text = text.strip().rstrip(".;,")
    return [p.strip().rstrip(".") for p in re.split(r"\s*;\s*", text) if p.strip()]


# --- numbers lists ("các chỉ tiêu 1, 2, 8 và 11") ---------------------------

_INDICATOR_LIST = re.compile(
    r"chi tieu\s*(?:so\s*)?(?:\d+\s+chi tieu\s*)?(?:gom\s*:?\s*)?"
    r"(\d+(?:\s*(?:,|;|va|-|–)\s*(?:chi tieu\s*)?(?:so\s*)?\d+)*)"
)


def indicator_numbers(folded):
    out = []
    for m in re.finditer(r"(\d+)\s+chi tieu\s+gom\s*:?\s*(\d+(?:\s*(?:,|;|va)\s*\d+)*)", folded):
        out.append((m.start(), [str(int(n)) for n in re.findall(r"\d+", m.group(2))]))
    for m in _INDICATOR_LIST.finditer(folded):
        if any(abs(m.start() - s) < 30 for s, _ in out):
            continue
        out.append((m.start(), [str(int(n)) for n in re.findall(r"\d+", m.group(1))]))
    return out


def first_agency(text):
    text = re.sub(r"^đề nghị\s+", "", text.strip(), flags=re.IGNORECASE)
    parts = re.split(r",\s+(?=(?:Trung tâm|Sở|Phòng|Ban|Công an|Hội|Đoàn|Ủy ban|UBND|Tỉnh đoàn)\b)", text)
    return parts[0].strip().rstrip(".:")


def partner_agencies(text):
    """Agencies named after "Phối hợp (với)": "UBND huyện X và Làng trẻ em SOS Vinh"."""
    out = []
    for m in re.finditer(r"(?:^|[-,;]\s*|\s)[Pp]hối hợp(?:\s+với)?\s+(.+?)(?=\s+(?:tham mưu|tổ chức|triển khai|thực hiện|xây dựng|trong|để|kiểm tra|đánh giá)\b|[;.:]|$)", text):
        for part in re.split(r",\s*|\s+và\s+(?=(?:Sở|Phòng|Ban|Công an|Hội|Đoàn|Tỉnh đoàn|Ủy ban|UBND|Làng|Trung tâm|Bệnh viện)\b)", m.group(1)):
            part = part.strip()
            if part and part[0].isupper() and len(part) < 80 and not re.match(r"^(Các|các)\s+(cơ quan|đơn vị|ngành)", part):
                out.append(part)
    return out
