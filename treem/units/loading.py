"""Load Vietnam's administrative units from the data files of `vietnamadminunits`.

The package (MIT) ships the official unit lists, but it requires Unidecode,
which is GPL. Treem is BSD-3, so it must NEVER import the package's Python
modules: it is installed with `pip install --no-deps vietnamadminunits==1.0.4`
and only its data files are read, found with importlib.util.find_spec (which
locates a top-level package without executing it).

Two structures are loaded side by side:

* legacy: 63 provinces → districts → communes, valid until 30/06/2025;
* 2025: 34 provinces → communes (no districts), valid from 01/07/2025;

and Succession rows dated 01/07/2025 link the old units to the new ones.

Every function here is idempotent: it looks up the (structure, level, code)
keys already in the database and bulk-creates only the missing rows; rows
that exist are left exactly as they are.
"""

import datetime
import functools
import importlib.metadata
import importlib.util
import json
import re
import sqlite3
import warnings
from collections import Counter, defaultdict
from pathlib import Path

from django.db import transaction
from django.db.models import CharField, OuterRef, Subquery, Value
from django.db.models.functions import Cast, Concat

from treem.core.search import fold

from .models import REFORM_DATE, Succession, Unit

PACKAGE = "vietnamadminunits"
PACKAGE_VERSION = "1.0.4"

LEGACY_VALID_TO = datetime.date(2025, 6, 30)

NATION_CODE = "VN"
NATION_NAME = "Việt Nam"

L = Unit.Level
S = Unit.Structure
K = Succession.Kind

# The designations a unit's name starts with (none is a prefix of another).
KINDS = ("Thành phố", "Thị xã", "Thị trấn", "Đặc khu", "Huyện", "Quận", "Phường", "Tỉnh", "Xã")
# The package disambiguates short names that repeat within a province by
# suffixing the kind, e.g. "Yên Viên (Thị trấn)" / "Yên Viên (Xã)".
_KIND_SUFFIX = re.compile(r"\s*\((?:%s)\)$" % "|".join(re.escape(k) for k in KINDS), re.IGNORECASE)


class UnitDataMissing(RuntimeError):
    """The data files of vietnamadminunits cannot be found."""


def _missing(detail):
    # English: "The administrative-unit data of the vietnamadminunits package
    # was not found. Install it WITHOUT its dependencies (Unidecode is GPL):
    # pip install --no-deps vietnamadminunits==1.0.4"
    return UnitDataMissing(
        f"Không tìm thấy dữ liệu đơn vị hành chính của gói {PACKAGE} ({detail}). "
        f"Hãy cài đặt gói này, KHÔNG kèm các gói phụ thuộc (Unidecode theo giấy phép GPL): "
        f"pip install --no-deps {PACKAGE}=={PACKAGE_VERSION}"
    )


def data_dir():
    """The package's data directory, located without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)  # top-level: nothing is executed
    if spec is None or not spec.submodule_search_locations:
        raise _missing("chưa cài đặt gói")  # English: "package not installed"
    path = Path(list(spec.submodule_search_locations)[0]) / "data"
    for name in ("dataset.db", "converter_2025.json"):
        if not (path / name).is_file():
            raise _missing(f"thiếu tệp {path / name}")  # English: "file missing"
    try:
        version = importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        version = None
    if version and version != PACKAGE_VERSION:
        warnings.warn(
            f"{PACKAGE} {version} is installed; Treem's loader was written for {PACKAGE_VERSION}.",
            stacklevel=2,
        )
    return path


def _kind_and_name(name, fallback_kind):
    """The designation the name starts with, and the name with it in canonical case.

    The name is trusted over the package's type columns, which disagree with it
    for a few units (e.g. "Thị trấn Ngọc Lặc" typed "Xã"); a few names also
    capitalise the designation ("Thành Phố Bắc Kạn", "Thị Trấn Ái Tử").
    """
    lowered = name.lower()
    for kind in KINDS:
        if lowered.startswith(kind.lower() + " "):
            return kind, kind + name[len(kind):]
    return fallback_kind or "", name


def _short(short_name):
    return _KIND_SUFFIX.sub("", short_name or "").strip()


class Dataset:
    """The package's data, read once into plain dicts."""

    def __init__(self, path):
        uri = (path / "dataset.db").resolve().as_uri() + "?mode=ro"
        con = sqlite3.connect(uri, uri=True)
        try:
            con.row_factory = sqlite3.Row
            legacy = con.execute(
                "SELECT province, provinceShort, provinceCode, provinceKey,"
                " district, districtShort, districtType, districtCode, districtKey,"
                " ward, wardShort, wardType, wardCode, wardKey"
                " FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode"
            ).fetchall()
            new = con.execute(
                "SELECT province, provinceShort, provinceCode, provinceKey,"
                " ward, wardShort, wardType, wardCode, wardKey"
                " FROM admin_units ORDER BY provinceCode, wardCode"
            ).fetchall()
        finally:
            con.close()
        with open(path / "converter_2025.json", encoding="utf-8") as f:
            converter = json.load(f)

        # Legacy structure. code → dict of fields (+ parent code).
        self.legacy_provinces, self.legacy_districts, self.legacy_communes = {}, {}, {}
        self.legacy_province_key = {}  # provinceKey → code
        self.legacy_composite = {}  # "provkey_distkey_wardkey" → (level, code)
        for r in legacy:
            pc, dc, wc = r["provinceCode"], r["districtCode"], r["wardCode"]
            if pc not in self.legacy_provinces:
                kind, name = _kind_and_name(r["province"], "")
                self.legacy_provinces[pc] = dict(name=name, short_name=_short(r["provinceShort"]), kind=kind)
                self.legacy_province_key[r["provinceKey"]] = pc
            if dc not in self.legacy_districts:
                kind, name = _kind_and_name(r["district"], r["districtType"])
                self.legacy_districts[dc] = dict(
                    name=name, short_name=_short(r["districtShort"]), kind=kind, parent=pc
                )
            if not wc:
                # Island districts without communes (Bạch Long Vĩ, Cồn Cỏ,
                # Hoàng Sa, Lý Sơn, Côn Đảo) appear as one row with no ward;
                # the converter maps "prov_dist_" straight to a 2025 special zone.
                self.legacy_composite[f"{r['provinceKey']}_{r['districtKey']}_"] = (L.DISTRICT, dc)
                continue
            kind, name = _kind_and_name(r["ward"], r["wardType"])
            self.legacy_communes[wc] = dict(name=name, short_name=_short(r["wardShort"]), kind=kind, parent=dc)
            self.legacy_composite[f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey']}"] = (L.COMMUNE, wc)

        # 2025 structure.
        self.new_provinces, self.new_communes = {}, {}
        self.new_province_key = {}  # provinceKey → code
        self.new_commune_key = {}  # (provinceKey, wardKey) → code
        for r in new:
            pc, wc = r["provinceCode"], r["wardCode"]
            if pc not in self.new_provinces:
                kind, name = _kind_and_name(r["province"], "")
                self.new_provinces[pc] = dict(name=name, short_name=_short(r["provinceShort"]), kind=kind)
                self.new_province_key[r["provinceKey"]] = pc
            kind, name = _kind_and_name(r["ward"], r["wardType"])
            self.new_communes[wc] = dict(name=name, short_name=_short(r["wardShort"]), kind=kind, parent=pc)
            self.new_commune_key[(r["provinceKey"], r["wardKey"])] = wc

        self.province_map = converter["DICT_PROVINCE"]  # new key → [old keys]
        self.ward_no_divided = converter["DICT_PROVINCE_WARD_NO_DIVIDED"]
        self.ward_divided = converter["DICT_PROVINCE_WARD_DIVIDED"]

    def succession_edges(self):
        """All edges of the reform as ((structure, level, code), (structure, level, code), kind, is_default).

        Kinds are computed from the whole data set, so they do not depend on
        which provinces happen to be loaded.
        """
        edges = []

        # Provinces.
        for new_key, old_keys in self.province_map.items():
            new_code = self.new_province_key[new_key]
            continued = len(old_keys) == 1 and old_keys[0] == new_key
            for old_key in old_keys:
                edges.append((
                    (S.LEGACY, L.PROVINCE, self.legacy_province_key[old_key]),
                    (S.Y2025, L.PROVINCE, new_code),
                    K.CONTINUED if continued else K.MERGED,
                    False,
                ))

        # Communes (and the wardless island districts). old composite key →
        # [(new commune code, is_default or None)].
        successors = defaultdict(list)
        for new_prov, wards in self.ward_no_divided.items():
            for new_ward, olds in wards.items():
                code = self.new_commune_key[(new_prov, new_ward)]
                for old in olds:
                    successors[old].append((code, None))
        for new_prov, olds in self.ward_divided.items():
            for old, targets in olds.items():
                for t in targets:
                    code = self.new_commune_key[(new_prov, t["newWardKey"])]
                    successors[old].append((code, bool(t["isDefaultNewWard"])))
        predecessors = Counter(code for targets in successors.values() for code, _ in targets)

        district_votes = defaultdict(Counter)  # legacy district code → Counter(new province code)
        for old, targets in successors.items():
            level, old_code = self.legacy_composite[old]
            for code, default in targets:
                if len(targets) > 1:
                    kind, is_default = K.SPLIT, bool(default)
                elif predecessors[code] > 1:
                    kind, is_default = K.MERGED, False
                else:
                    kind, is_default = K.CONTINUED, False
                edges.append(((S.LEGACY, level, old_code), (S.Y2025, L.COMMUNE, code), kind, is_default))
            if level == L.COMMUNE:
                # Vote with the default (or only) successor of each commune.
                main = next((c for c, d in targets if d), targets[0][0])
                district_votes[self.legacy_communes[old_code]["parent"]][self.new_communes[main]["parent"]] += 1

        # Districts with communes were abolished: absorbed by the new province
        # that took most of their communes. (Island districts without communes
        # already have their own edge to the special zone they became.)
        for district_code, votes in sorted(district_votes.items()):
            new_province = votes.most_common(1)[0][0]
            edges.append((
                (S.LEGACY, L.DISTRICT, district_code),
                (S.Y2025, L.PROVINCE, new_province),
                K.ABSORBED,
                False,
            ))
        return edges


@functools.lru_cache(maxsize=4)
def _dataset_at(path):
    return Dataset(path)


def dataset():
    return _dataset_at(data_dir())


# --- Creating units -------------------------------------------------------


def _check_codes(province_codes, known, structure_label):
    if province_codes is None:
        return None
    codes = {str(c).strip() for c in province_codes}
    unknown = sorted(codes - set(known))
    if unknown:
        # English: "Unknown province code(s) in the <structure> structure: …"
        raise ValueError(f"Mã tỉnh không có trong cơ cấu {structure_label}: {', '.join(unknown)}")
    return codes


def _create_level(structure, level, rows, parents, valid_from=None, valid_to=None):
    """Bulk-create the missing units of one level; return ({code: pk}, created count).

    rows: {code: dict(name, short_name, kind[, parent])}; parents: {parent code: pk}
    (or {None: nation pk} when rows have no "parent").
    """
    existing = dict(
        Unit.objects.filter(structure=structure, level=level, code__in=list(rows)).values_list("code", "pk")
    )
    new = [
        Unit(
            structure=structure,
            level=level,
            code=code,
            name=row["name"],
            search_key=fold(row["name"]),
            short_name=row["short_name"],
            kind=row["kind"],
            parent_id=parents[row.get("parent")],
            path="",
            valid_from=valid_from,
            valid_to=valid_to,
        )
        for code, row in rows.items()
        if code not in existing
    ]
    if new:
        Unit.objects.bulk_create(new, batch_size=1000)
        # path = parent's path + own id: one UPDATE for the whole level, only
        # on the rows just created (their path is still empty).
        Unit.objects.filter(structure=structure, level=level, path="").update(
            path=Concat(
                Subquery(Unit.objects.filter(pk=OuterRef("parent_id")).values("path")[:1]),
                Cast("pk", output_field=CharField()),
                Value("/"),
                output_field=CharField(),
            )
        )
        existing = dict(
            Unit.objects.filter(structure=structure, level=level, code__in=list(rows)).values_list("code", "pk")
        )
    return existing, len(new)


def ensure_nation():
    """The single nation unit, created if missing."""
    with transaction.atomic():
        nation = Unit.objects.filter(structure=S.NATIONAL, level=L.NATION, code=NATION_CODE).first()
        if nation is None:
            nation = Unit(structure=S.NATIONAL, level=L.NATION, code=NATION_CODE, name=NATION_NAME,
                          short_name=NATION_NAME, kind="")
            nation.save()  # save() sets the path
        return nation


def _nation_and_created():
    exists = Unit.objects.filter(structure=S.NATIONAL, level=L.NATION, code=NATION_CODE).exists()
    return ensure_nation(), 0 if exists else 1


def load_legacy(province_codes=None):
    """The 63-province structure (provinces, districts, communes), valid until 30/06/2025.

    Returns {"nation", "provinces", "districts", "communes"}: how many were created.
    """
    data = dataset()
    codes = _check_codes(province_codes, data.legacy_provinces, "63 tỉnh")
    provinces = {c: r for c, r in data.legacy_provinces.items() if codes is None or c in codes}
    districts = {c: r for c, r in data.legacy_districts.items() if r["parent"] in provinces}
    communes = {c: r for c, r in data.legacy_communes.items() if r["parent"] in districts}
    with transaction.atomic():
        nation, nation_created = _nation_and_created()
        province_pks, n_prov = _create_level(S.LEGACY, L.PROVINCE, provinces, {None: nation.pk},
                                             valid_to=LEGACY_VALID_TO)
        district_pks, n_dist = _create_level(S.LEGACY, L.DISTRICT, districts, province_pks,
                                             valid_to=LEGACY_VALID_TO)
        _, n_comm = _create_level(S.LEGACY, L.COMMUNE, communes, district_pks, valid_to=LEGACY_VALID_TO)
    return {"nation": nation_created, "provinces": n_prov, "districts": n_dist, "communes": n_comm}


def load_2025(province_codes=None):
    """The 34-province structure (provinces, communes), valid from 01/07/2025.

    Returns {"nation", "provinces", "communes"}: how many were created.
    """
    data = dataset()
    codes = _check_codes(province_codes, data.new_provinces, "34 tỉnh")
    provinces = {c: r for c, r in data.new_provinces.items() if codes is None or c in codes}
    communes = {c: r for c, r in data.new_communes.items() if r["parent"] in provinces}
    with transaction.atomic():
        nation, nation_created = _nation_and_created()
        province_pks, n_prov = _create_level(S.Y2025, L.PROVINCE, provinces, {None: nation.pk},
                                             valid_from=REFORM_DATE)
        _, n_comm = _create_level(S.Y2025, L.COMMUNE, communes, province_pks, valid_from=REFORM_DATE)
    return {"nation": nation_created, "provinces": n_prov, "communes": n_comm}


def load_successions():
    """Succession rows (01/07/2025) between the legacy and 2025 units present in the database.

    Returns {"created", "existing", "skipped"}: edges created, already there,
    and left out because one of their ends is not loaded.
    """
    edges = dataset().succession_edges()
    with transaction.atomic():
        pks = {
            (s, lv, c): pk
            for s, lv, c, pk in Unit.objects.filter(structure__in=[S.LEGACY, S.Y2025]).values_list(
                "structure", "level", "code", "pk"
            )
        }
        # All pairs, unfiltered: the unique constraint is on the pair, and a
        # join on units makes SQLite's planner scan legacy × 2025 units.
        existing = set(Succession.objects.values_list("predecessor_id", "successor_id"))
        new, skipped, already = [], 0, 0
        for old, nw, kind, is_default in edges:
            pred, succ = pks.get(old), pks.get(nw)
            if pred is None or succ is None:
                skipped += 1
            elif (pred, succ) in existing:
                already += 1
            else:
                existing.add((pred, succ))
                new.append(Succession(predecessor_id=pred, successor_id=succ, kind=kind,
                                      date=REFORM_DATE, is_default=is_default))
        Succession.objects.bulk_create(new, batch_size=1000)
    return {"created": len(new), "existing": already, "skipped": skipped}


def load_units(structure="both", province_codes=None):
    """Load one or both structures, then the successions between what is loaded.

    province_codes filters provinces by code in each structure loaded (a code
    absent from one structure is an error only if it is absent from all).
    Returns a flat dict of counts.
    """
    if structure not in ("legacy", "2025", "both"):
        raise ValueError(f"structure must be 'legacy', '2025' or 'both', not {structure!r}")
    data = dataset()
    legacy_codes = new_codes = None
    if province_codes is not None:
        codes = {str(c).strip() for c in province_codes}
        known = set()
        if structure in ("legacy", "both"):
            known |= set(data.legacy_provinces)
        if structure in ("2025", "both"):
            known |= set(data.new_provinces)
        if codes - known:
            _check_codes(codes, known, "đã chọn")  # raises; English: "selected"
        legacy_codes = codes & set(data.legacy_provinces)
        new_codes = codes & set(data.new_provinces)

    counts = {"nation": 0}
    with transaction.atomic():
        if structure in ("legacy", "both"):
            c = load_legacy(legacy_codes)
            counts["nation"] += c.pop("nation")
            counts.update({f"legacy_{k}": v for k, v in c.items()})
        if structure in ("2025", "both"):
            c = load_2025(new_codes)
            counts["nation"] += c.pop("nation")
            counts.update({f"2025_{k}": v for k, v in c.items()})
        c = load_successions()
        counts.update({f"successions_{k}": v for k, v in c.items()})
    return counts
