"""The text of an uploaded plan document: DOCX, PDF with a text layer, or text.

Every upload is treated as hostile: the size is checked before anything is
parsed, a DOCX (a zip) is checked for zip bombs and XML entity declarations
before python-docx opens it, and every failure is a PlanImportError whose
message (in Vietnamese, for a commune officer) says what to do.
"""

import io
import re
import zipfile
from collections import Counter

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
# A real plan's DOCX unpacks to a few MB; 200 MB of XML is an attack.
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_ENTRY_BYTES = 100 * 1024 * 1024
# Word's own XML compresses about 10:1; 100:1 over the whole archive is a bomb.
MAX_RATIO = 100
MAX_ENTRIES = 2000
MAX_PDF_PAGES = 2000


class PlanImportError(ValueError):
    """The upload cannot be read as a plan; the message is for the user."""


# English: "The file is larger than 50 MB; upload a smaller file (DOCX or text)."
TOO_LARGE = "Tệp lớn hơn 50 MB. Hãy tải lên tệp nhỏ hơn (DOCX, PDF có chữ hoặc văn bản)."
# English: "The file is empty."
EMPTY = "Tệp rỗng, không có nội dung."
# English: "This DOCX file is damaged or is not a Word document; open it in Word and save it again."
BAD_DOCX = "Tệp DOCX bị hỏng hoặc không phải tài liệu Word. Hãy mở bằng Word, lưu lại rồi tải lên lần nữa."
# English: "This DOCX unpacks to an abnormal size (possibly a zip bomb); it was rejected."
ZIP_BOMB = "Tệp DOCX có dung lượng giải nén bất thường (có thể là tệp độc hại) nên bị từ chối."
# English: "This DOCX declares XML entities, which Word never writes; it was rejected."
XML_ENTITIES = "Tệp DOCX chứa khai báo thực thể XML (DOCTYPE/ENTITY) mà Word không bao giờ tạo ra nên bị từ chối."
# English: "This PDF is a scan with no text layer; upload the DOCX or a PDF with text."
SCANNED_PDF = "Tệp PDF này là bản quét, không có lớp chữ; hãy tải lên bản DOCX hoặc PDF có chữ."
# English: "This PDF is damaged or encrypted and cannot be read."
BAD_PDF = "Tệp PDF bị hỏng hoặc có mật khẩu nên không đọc được. Hãy tải lên bản DOCX hoặc PDF khác."
# English: "The text's encoding is not recognised (use UTF-8 or Windows-1258)."
BAD_ENCODING = (
    "Không nhận ra bảng mã của tệp văn bản. Hãy lưu tệp với bảng mã UTF-8 (Unicode) rồi tải lên lại."
)
# English: "This is not a DOCX, PDF or text file."
NOT_A_DOCUMENT = "Tệp không phải là văn bản DOCX, PDF hay tệp chữ. Hãy tải lên văn bản kế hoạch."
# English: "The old .doc format is not supported; save it as .docx."
OLD_DOC = "Định dạng .doc cũ không được hỗ trợ. Hãy mở bằng Word và lưu thành .docx."


def extract_text(data: bytes, filename: str) -> str:
    """The document's text, one line per paragraph or table row (cells tab-separated)."""
    if data is None or len(data) == 0:
        raise PlanImportError(EMPTY)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PlanImportError(TOO_LARGE)
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith(".docx"):
        text = _docx_text(data)
    elif data[:5] == b"%PDF-" or name.endswith(".pdf"):
        text = _pdf_text(data)
    elif data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise PlanImportError(OLD_DOC)
    else:
        text = decode_text(data)
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- DOCX -----------------------------------------------------------------

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _check_zip(data):
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise PlanImportError(BAD_DOCX) from None
    if len(infos) > MAX_ENTRIES:
        raise PlanImportError(ZIP_BOMB)
    total = 0
    for info in infos:
        # The sizes in the directory are what the archive claims; reading is
        # capped below too, so a lying header cannot get further.
        if info.file_size > MAX_ENTRY_BYTES or info.file_size < 0:
            raise PlanImportError(ZIP_BOMB)
        total += info.file_size
    if total > MAX_UNZIPPED_BYTES or total > MAX_RATIO * max(len(data), 1) + 10 * 1024 * 1024:
        raise PlanImportError(ZIP_BOMB)
    if "word/document.xml" not in archive.namelist():
        raise PlanImportError(BAD_DOCX)
    for info in infos:
        if not info.filename.endswith((".xml", ".rels")):
            continue
        try:
            with archive.open(info) as part:
                content = part.read(info.file_size + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError, RuntimeError):
            raise PlanImportError(BAD_DOCX) from None
        if len(content) > info.file_size:
            raise PlanImportError(ZIP_BOMB)
        # python-docx's parser does not resolve entities, but Word never
        # writes a DOCTYPE: refuse instead of trusting every XML path.
        if _DOCTYPE.search(content):
            raise PlanImportError(XML_ENTITIES)
    return archive


def _docx_text(data):
    _check_zip(data)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines = []
        body = document.element.body
        for child in body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                _table_lines(Table(child, document), lines)
    except PlanImportError:
        raise
    except Exception:  # python-docx raises many kinds on a broken package
        raise PlanImportError(BAD_DOCX) from None
    return "\n".join(lines)


def _table_lines(table, lines):
    for row in table.rows:
        cells = []
        previous = None
        for cell in row.cells:
            # Merged cells repeat the same cell object: keep one column per
            # grid column so the columns line up with the header, but empty.
            text = " ".join(p.text.strip() for p in cell.paragraphs).strip()
            cells.append("" if cell._tc is previous else text)
            previous = cell._tc
        lines.append("\t".join(c.replace("\t", " ").replace("\n", " ") for c in cells))


# --- PDF ------------------------------------------------------------------


def _pdf_text(data):
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise PlanImportError(BAD_PDF)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise PlanImportError(TOO_LARGE)
        pages = [page.extract_text() or "" for page in reader.pages]
    except PlanImportError:
        raise
    except Exception:  # pypdf raises many kinds on a broken file
        raise PlanImportError(BAD_PDF) from None
    text = "\n".join(pages)
    if len(re.findall(r"\w", text)) < 20:
        raise PlanImportError(SCANNED_PDF)
    return reflow_pdf_pages(pages)


# A line that starts an item of its own: never the rest of the line above.
_ITEM_START = re.compile(
    r"^(?:[IVXLC]+\.\s|\d+(?:\.\d+)*[.)]\s|\d+(?:\.\d+)+\s|[a-zđ]\)\s|"
    r"(?:Chỉ tiêu|Chi tiêu|Mục tiêu|Điều|Căn cứ|Nơi nhận|Phụ lục|PHỤ LỤC)\b)"
)
_DASH_ITEM = re.compile(r"^[-+•*–]\s")


def _new_item(previous, line):
    """Whether `line` starts an item. A dash after a full line that does not
    end a clause is more likely a dash inside a sentence ("… Ninh Bình;
    1900571208 - Trung tâm …") broken before it."""
    if _DASH_ITEM.match(line):
        return bool(re.search(r"[.;:!?)]\W*$", previous) or _ITEM_START.match(line[2:].lstrip()))
    return bool(_ITEM_START.match(line))


_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(?:Trang\s+)?\d{1,3}(?:\s*/\s*\d{1,3})?(?:\s*-)?\s*$", re.IGNORECASE)


def _is_upper(line):
    letters = [c for c in line if c.isalpha()]
    return len(letters) > 3 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def reflow_pdf_pages(pages):
    """The text of a PDF's pages with its paragraphs whole again.

    A PDF holds lines as printed: page numbers and running headers on every
    page, paragraphs broken wherever the line was full. A plan's text file has
    one paragraph a line, and the parser reads it so. A printed line joins the
    next when it is nearly as wide as the page's text (it was full, so the
    paragraph goes on), does not end a sentence, and the next line does not
    start an item of its own ("- …", "a) …", "2. …", "Chỉ tiêu 3: …").
    """
    pages = [[line.rstrip() for line in (page or "").split("\n")] for page in pages]
    pages = [[line for line in page if line.strip()] for page in pages]
    # Running headers and footers: the same first or last line on many pages.
    edges = Counter()
    for page in pages:
        for line in set(page[:2] + page[-2:]):
            edges[re.sub(r"\d+", "#", line.strip())] += 1
    repeated = {key for key, n in edges.items() if n >= 3 and n * 2 >= len(pages)}
    lines = []
    for page in pages:
        for k, line in enumerate(page):
            at_edge = k < 2 or k >= len(page) - 2
            if at_edge and (_PAGE_NUMBER.match(line) or re.sub(r"\d+", "#", line.strip()) in repeated):
                continue
            lines.append(re.sub(r"\s{2,}", " ", line.strip()))  # justified lines print wider gaps
    lengths = sorted(len(line) for line in lines)
    if not lengths:
        return ""
    full = lengths[int(len(lengths) * 0.8)]  # most lines of prose are full lines
    out = []
    previous = ""  # the printed line above, not the paragraph it is part of
    for line in lines:
        if (previous and len(previous) >= 0.8 * full and not re.search(r"[.!?]\W*$", previous)
                and not _new_item(previous, line) and _is_upper(previous) == _is_upper(line)):
            if previous.endswith("\u00ad") or re.search(r"\w-$", previous):
                out[-1] = out[-1].rstrip("\u00ad") + line  # a word broken across the line
            else:
                out[-1] = out[-1] + " " + line
        else:
            out.append(line)
        previous = line
    return "\n".join(line.replace("\u00ad", "") for line in out)


# --- plain text -----------------------------------------------------------

# Letters only Vietnamese uses: if a decoding yields none of them in a long
# text, it is not Vietnamese (or not this encoding).
_VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]")


def _plausible(text):
    if not text.strip():
        return False
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > len(text) / 200 + 2:
        return False
    letters = sum(1 for ch in text if ch.isalpha())
    if letters < len(text.strip()) / 3:
        return False
    return bool(_VIETNAMESE.search(text)) or len(text) < 200


def decode_text(data: bytes) -> str:
    """Text from UTF-8 (with or without BOM), UTF-16 or Windows-1258 bytes."""
    import unicodedata

    if data.startswith(b"\xef\xbb\xbf"):
        candidates = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8"]
        # UTF-16 without BOM: every other byte is zero in Vietnamese text.
        if data[1:200:2].count(0) > 50:
            candidates.append("utf-16-le")
        elif data[0:200:2].count(0) > 50:
            candidates.append("utf-16-be")
        candidates.append("cp1258")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, ValueError):
            continue
        # cp1258 writes tones as combining marks: compose them.
        text = unicodedata.normalize("NFC", text)
        if _plausible(text):
            return text.lstrip("\ufeff")
    if any(b == 0 for b in data[:1000]):
        raise PlanImportError(NOT_A_DOCUMENT)
    raise PlanImportError(BAD_ENCODING)

# English: "This file does not look like a plan: no title, indicators or tasks were found."
NOT_A_PLAN = "Tệp này không giống văn bản kế hoạch: không tìm thấy tiêu đề, chỉ tiêu hay nhiệm vụ nào."
