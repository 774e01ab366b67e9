"""treem import-plan FILE [--dry-run] [--json] [--unit-code CODE]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from treem.plans.drafts import national_document, read_plan_file, save_plan_file
from treem.plans.importing.checks import review_flags
from treem.plans.importing.parser import public_document
from treem.plans.importing.text import MAX_UPLOAD_BYTES, TOO_LARGE, PlanImportError
from treem.plans.plan_format import PlanExists, PlanFormatError, import_plan


class Command(BaseCommand):
    help = (
        "Read a plan from its official document (DOCX, PDF with text, or text), show what was "
        "found and what a careful reader would flag, and save it unless --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="Show the draft; save nothing.")
        parser.add_argument("--json", action="store_true", help="Print the plan in the treem-plan/1 format.")
        parser.add_argument("--unit-code", help="Official code of the plan's unit when its name is not enough.")

    def handle(self, *args, file, dry_run, json, unit_code, **options):
        path = Path(file)
        if path.suffix.lower() == ".json" and path.is_file():
            return self._import_plan_format(path, dry_run, json)
        try:
            if not path.is_file():
                # English: "File not found"
                raise PlanImportError(f"Không tìm thấy tệp {file}.")
            if path.stat().st_size > MAX_UPLOAD_BYTES:
                raise PlanImportError(TOO_LARGE)
            text, doc = read_plan_file(path.read_bytes(), path.name, unit_code=unit_code)
        except PlanImportError as e:
            raise CommandError(str(e)) from None
        flags = review_flags(doc, national_document(doc))
        public = public_document(doc)
        public["source"] = {"file": path.name}
        if json:
            self.stdout.write(_json_dumps(public))
        else:
            self._summary(public, flags)
        if dry_run:
            return
        if not public["unit"].get("code"):
            # English: "The unit could not be identified; give --unit-code."
            raise CommandError(
                f"Không xác định được đơn vị của kế hoạch ({public['unit'].get('name') or 'không rõ'}). "
                "Hãy nạp danh mục đơn vị hành chính hoặc dùng --unit-code MÃ."
            )
        try:
            plan = save_plan_file(text, doc, path.name)
        except PlanExists as e:
            # English: "This plan is already in Treem; nothing was changed."
            raise CommandError(f"Kế hoạch {e.plan.number} của {e.plan.unit} đã có trong Treem; không lưu lại lần nữa.") from None
        except PlanFormatError as e:
            raise CommandError(str(e)) from None
        if not json:
            self.stdout.write(f"Đã lưu kế hoạch {plan.number or plan.title} ({plan.unit}).")

    def _import_plan_format(self, path, dry_run, as_json):
        """A plan exported by another Treem installation (docs/plan-format.md)."""
        import json as json_module

        try:
            data = json_module.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError):
            # English: "This JSON file cannot be read."
            raise CommandError(f"Không đọc được tệp JSON {path.name}.") from None
        if as_json:
            self.stdout.write(_json_dumps(data))
        if dry_run:
            return
        try:
            plan = import_plan(data, source_name=(data.get("source") or {}).get("file") or path.name)
        except PlanExists as e:
            raise CommandError(f"Kế hoạch {e.plan.number} của {e.plan.unit} đã có trong Treem; không lưu lại lần nữa.") from None
        except PlanFormatError as e:
            raise CommandError(str(e)) from None
        if not as_json:
            self.stdout.write(f"Đã lưu kế hoạch {plan.number or plan.title} ({plan.unit}).")

    def _summary(self, doc, flags):
        w = self.stdout.write
        period = doc["period"]
        w(f"Văn bản: {doc['number'] or '(không số)'} — {doc['title']}")
        w(f"Cơ quan ban hành: {doc['issuer'] or '(không rõ)'}; ngày: {doc['date'] or '(không rõ)'}; "
          f"đơn vị: {doc['unit'].get('name', '(không rõ)')}")
        w(f"Thời kỳ: {period.get('start')}–{period.get('end')}; thực hiện: "
          + (", ".join(i["number"] for i in doc["implements"]) or "(không)"))
        subs = sum(len(i["sub_indicators"]) for i in doc["indicators"])
        targets = sum(len(s["targets"]) for i in doc["indicators"] for s in i["sub_indicators"])
        w(f"Mục tiêu: {len(doc['objectives'])}; chỉ tiêu: {len(doc['indicators'])} ({subs} ý, {targets} mức chỉ tiêu); "
          f"nhiệm vụ: {_count(doc['tasks'])}; chế độ báo cáo: {len(doc['reporting'])}")
        for ind in doc["indicators"]:
            w(f"  Chỉ tiêu {ind['number']} (dòng {ind['line']}): chủ trì {ind['lead_agency'] or '—'}")
        if flags:
            w(f"Cần xem lại ({len(flags)}):")
            for f in flags:
                w(f"  - {f['message']} (dòng {', '.join(map(str, f['lines'])) or '—'})")
        else:
            w("Không có điểm nào cần xem lại.")


def _count(tasks):
    return sum(1 + _count(t["tasks"]) for t in tasks)


def _json_dumps(data):
    return json.dumps(data, ensure_ascii=False, indent=2)
