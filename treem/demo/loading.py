"""Demo content: the real units, the national programme and the Bắc Kạn plan
read from their documents, and one user per role. Loading twice changes nothing and loses nothing."""

import json
from pathlib import Path

from django.contrib.auth.models import Permission
from django.db import transaction

from treem.accounts.models import User
from treem.agencies.loading import load_agencies, load_agency_changes
from treem.analytics.loading import load_indicator_sources
from treem.agencies.models import Agency
from treem.plans.drafts import read_plan_file, save_plan_file
from treem.plans.importing.units import complete_unit
from treem.plans.models import Plan
from treem.reporting.loading import load_forms
from treem.units.loading import load_units
from treem.units.models import Unit

from .reports import load_demo_reports

HERE = Path(__file__).parent
DATA = HERE / "data"
DOCUMENTS = HERE / "documents"

# Plans in the order they must load: a parent before its children. Each is
# read from its document through the parser, as `treem import-plan` reads it.
PLANS = ["national_2021-2030_qd23", "bac-kan_2021-2030_qd592"]

# What a reviewer types on the review screen because the document does not
# say it: this copy of Decision 23/QĐ-TTg begins at its preamble, without the
# header block (number, place and date) or the signature.
NOT_IN_DOCUMENT = {
    "national_2021-2030_qd23": {"number": "23/QĐ-TTg", "place": "Hà Nội", "date": "2021-01-07",
                                "signer": "Vũ Đức Đam"},
}

DEMO_PASSWORD = "treem-demo"

UNIT_COUNT_LABELS = {
    "nation": "quốc gia", "legacy_provinces": "tỉnh (hệ 63 tỉnh)", "legacy_districts": "huyện",
    "legacy_communes": "xã (trước 01/07/2025)", "2025_provinces": "tỉnh (hệ 34 tỉnh)",
    "2025_communes": "xã (từ 01/07/2025)", "successions_created": "liên kết kế thừa",
}

# (username, full name, role, unit (structure, level, code), agency name, is_staff)
USERS = [
    ("admin", "Quản trị hệ thống", User.Role.ADMIN, ("national", "nation", "VN"), None, True),
    ("bk.coordinator", "Điều phối viên Bắc Kạn", User.Role.COORDINATOR, ("legacy", "province", "06"), None, True),
    ("bk.health", "Báo cáo viên Sở Y tế Bắc Kạn", User.Role.REPORTER, ("legacy", "province", "06"), "Sở Y tế", False),
    ("bk.commune", "Cán bộ xã Bắc Kạn", User.Role.COMMUNE_OFFICER, ("legacy", "commune", "01834"), None, False),
    ("ministry.viewer", "Chuyên viên Bộ Y tế", User.Role.VIEWER, ("national", "nation", "VN"), None, False),
    # The level above a province: approves the provinces' own reports.
    ("ministry.coordinator", "Điều phối viên Bộ Y tế", User.Role.COORDINATOR, ("national", "nation", "VN"), None,
     False),
    ("tn.coordinator", "Điều phối viên Thái Nguyên (từ 2025)", User.Role.COORDINATOR, ("2025", "province", "19"), None, True),
    ("nb.coordinator", "Điều phối viên Ninh Bình", User.Role.COORDINATOR, ("2025", "province", "37"), None, True),
]

# Made-up contacts, so the reporting calendar's overdue list shows how to reach people.
CONTACTS = {
    "bk.coordinator": ("0209 3870 100", "bk.coordinator@demo.treem.invalid"),
    "bk.commune": ("0912 000 834", "bk.commune@demo.treem.invalid"),
    "bk.health": ("0209 3870 200", "bk.health@demo.treem.invalid"),
}

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("plan", "objective", "indicator", "subindicator", "target", "task", "reportingrequirement")
    for action in ("add", "change", "delete", "view")
] + ["view_unit", "view_agency", "add_agency", "change_agency"]


def read_json(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_demo(stdout=None):
    say = stdout.write if stdout else (lambda s: None)
    counts = load_units("both")
    say("Đơn vị hành chính, thêm mới: " + ", ".join(
        f"{counts.get(key, 0)} {label}" for key, label in UNIT_COUNT_LABELS.items()
    ))
    with transaction.atomic():
        created, skipped = load_agencies(read_json("agencies.json"))
        changes = load_agency_changes(read_json("agency_changes.json"))
        say(f"Cơ quan: thêm {created}, bỏ qua {skipped}; thay đổi lịch sử: thêm {changes}")
        load_plans(say)
        forms = load_forms()
        say("Biểu mẫu báo cáo: " + ", ".join(f.code for f in forms))
        say(f"Nguồn số liệu chỉ tiêu: {load_indicator_sources()}")
        ensure_demo_users(say)
        load_demo_reports(say)


def load_plans(say=lambda s: None):
    """Read the demo plans from their documents, as `treem import-plan` does;
    a plan already there is kept as it is."""
    for name in PLANS:
        filename = f"{name}.txt"
        loaded = Plan.objects.filter(source_name=filename).first()
        if loaded:  # read before: no need to parse it again to know
            say(f"Kế hoạch {loaded.number}: đã có, giữ nguyên")
            continue
        text, doc = read_plan_file((DOCUMENTS / filename).read_bytes(), filename)
        doc.update(NOT_IN_DOCUMENT.get(name, {}))
        unit = complete_unit(doc)
        if unit is None:
            say(f"Bỏ qua kế hoạch {doc['number']}: chưa có đơn vị {doc['unit'].get('name')}")
            continue
        if Plan.objects.filter(unit=unit, number=doc["number"]).exists():
            say(f"Kế hoạch {doc['number']}: đã có, giữ nguyên")
            continue
        plan = save_plan_file(text, doc, filename)
        say(f"Kế hoạch {plan.number}: {plan.indicators.count()} chỉ tiêu")


def ensure_demo_users(say):
    permissions = list(Permission.objects.filter(codename__in=EDITOR_PERMISSIONS))
    for username, full_name, role, unit_key, agency_name, is_staff in USERS:
        if User.objects.filter(username=username).exists():
            continue
        unit = Unit.objects.filter(structure=unit_key[0], level=unit_key[1], code=unit_key[2]).first()
        if unit is None:
            say(f"Bỏ qua người dùng {username}: chưa có đơn vị {unit_key}")
            continue
        first, _, last = full_name.rpartition(" ")
        user = User(
            username=username, first_name=full_name, role=role, unit=unit, is_staff=is_staff,
            is_superuser=role == User.Role.ADMIN,
            agency=Agency.objects.filter(unit=unit, name=agency_name).first() if agency_name else None,
        )
        user.phone, user.email = CONTACTS.get(username, ("", ""))
        user.set_password(DEMO_PASSWORD)
        user.save()
        if is_staff and role != User.Role.ADMIN:
            user.user_permissions.set(permissions)
