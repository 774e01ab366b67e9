"""Loading Vietnam's administrative units from vietnamadminunits' data files (real data).

tests/conftest.py may already have loaded some provinces (06, 19, 37) for the
whole session, so these tests assert the state after loading and compare what
was created with what was missing before, rather than assume an empty table.
"""

import datetime
import io
import sqlite3
import sys

import pytest
from django.core.management import CommandError, call_command

from treem.units import loading
from treem.units.models import Succession, Unit

LEGACY_END = datetime.date(2025, 6, 30)
REFORM = datetime.date(2025, 7, 1)


def _db_rows(sql, *params):
    """Ask the package's SQLite file directly, independently of the loader."""
    con = sqlite3.connect((loading.data_dir() / "dataset.db").as_uri() + "?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _count(structure, level, **filters):
    return Unit.objects.filter(structure=structure, level=level, **filters).count()


def _absent(structure, province_code):
    """Precondition for tests that need a province nobody preloaded."""
    assert not Unit.objects.filter(structure=structure, level="province", code=province_code).exists(), (
        f"{structure} province {province_code} is preloaded; pick another province for this test"
    )


def _snapshot():
    units = list(Unit.objects.order_by("pk").values())
    successions = list(Succession.objects.order_by("pk").values())
    return units, successions


def _legacy(level, code):
    return Unit.objects.get(structure="legacy", level=level, code=code)


def _new(level, code):
    return Unit.objects.get(structure="2025", level=level, code=code)


def test_package_is_never_imported():
    # vietnamadminunits requires Unidecode (GPL): only its data files may be read.
    loading.dataset().succession_edges()
    assert "vietnamadminunits" not in sys.modules
    assert "unidecode" not in sys.modules


def test_missing_package_gives_install_instructions(monkeypatch):
    monkeypatch.setattr(loading.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(loading.UnitDataMissing) as exc:
        loading.load_units()
    assert "pip install --no-deps vietnamadminunits==1.0.4" in str(exc.value)


@pytest.mark.django_db
def test_nation_is_single():
    nation = loading.ensure_nation()
    assert loading.ensure_nation().pk == nation.pk
    assert (nation.level, nation.structure, nation.code, nation.name) == ("nation", "national", "VN", "Việt Nam")
    assert nation.parent is None and nation.path == f"/{nation.pk}/"
    assert Unit.objects.filter(level="nation").count() == 1


@pytest.mark.django_db
def test_load_legacy_bac_kan():
    had_nation = Unit.objects.filter(level="nation").exists()
    had_bac_kan = Unit.objects.filter(structure="legacy", level="province", code="06").exists()
    counts = loading.load_legacy(["06"])

    n_districts, n_communes = _db_rows(
        "SELECT count(DISTINCT districtCode), count(wardCode) FROM admin_units_legacy WHERE provinceCode = '06'"
    )[0]
    assert (n_districts, n_communes) == (8, 108)
    if had_bac_kan:  # preloaded by conftest
        assert counts == {"nation": 0, "provinces": 0, "districts": 0, "communes": 0}
    else:
        assert counts == {"nation": int(not had_nation), "provinces": 1, "districts": 8, "communes": 108}

    nation = Unit.objects.get(level="nation")
    province = _legacy("province", "06")
    assert (province.name, province.short_name, province.kind) == ("Tỉnh Bắc Kạn", "Bắc Kạn", "Tỉnh")
    assert province.parent == nation
    assert province.valid_from is None and province.valid_to == LEGACY_END
    assert province.path == f"/{nation.pk}/{province.pk}/"

    districts = province.children.order_by("code")
    assert [d.code for d in districts] == ["058", "060", "061", "062", "063", "064", "065", "066"]
    city = districts[0]
    # The package spells it "Thành Phố Bắc Kạn"; the designation is normalised.
    assert (city.name, city.short_name, city.kind, city.level) == (
        "Thành phố Bắc Kạn", "Bắc Kạn", "Thành phố", "district",
    )
    assert {d.kind for d in districts[1:]} == {"Huyện"}

    ward = _legacy("commune", "01834")
    assert (ward.name, ward.short_name, ward.kind) == ("Phường Nguyễn Thị Minh Khai", "Nguyễn Thị Minh Khai", "Phường")
    assert ward.parent == city
    assert ward.path == f"{city.path}{ward.pk}/"
    assert ward.ancestors() == [nation, province, city]
    assert ward.is_within(province) and not ward.is_valid_on(REFORM)

    communes = Unit.objects.filter(structure="legacy", level="commune", path__startswith=province.path)
    assert communes.count() == 108
    assert set(communes.values_list("kind", flat=True)) == {"Xã", "Phường", "Thị trấn"}
    assert sorted(communes.values_list("code", flat=True)) == sorted(
        code for (code,) in _db_rows("SELECT wardCode FROM admin_units_legacy WHERE provinceCode = '06'")
    )
    assert not province.descendants().exclude(valid_to=LEGACY_END).exists()
    assert not province.descendants().exclude(valid_from=None).exists()
    assert province.descendants().count() == 8 + 108


@pytest.mark.django_db
def test_names_are_cleaned():
    loading.load_legacy(["01", "38"])
    # Short names the package disambiguated with a suffix lose it (the kind is a field).
    yen_vien = _legacy("commune", "00526")
    assert (yen_vien.name, yen_vien.short_name, yen_vien.kind) == ("Thị trấn Yên Viên", "Yên Viên", "Thị trấn")
    # The package types it "Xã"; the name (and the official list) says Thị trấn.
    assert _legacy("commune", "15061").kind == "Thị trấn"


@pytest.mark.django_db
def test_load_2025_thai_nguyen():
    before = _count("2025", "commune", code__in=[c for (c,) in _db_rows(
        "SELECT wardCode FROM admin_units WHERE provinceCode = '19'")])
    counts = loading.load_2025(["19"])
    assert counts["communes"] == 92 - before
    province = _new("province", "19")
    assert (province.name, province.short_name, province.kind) == ("Tỉnh Thái Nguyên", "Thái Nguyên", "Tỉnh")
    assert province.valid_from == REFORM and province.valid_to is None
    communes = province.children.all()
    assert communes.count() == 92
    assert set(communes.values_list("level", flat=True)) == {"commune"}
    assert not communes.exclude(valid_from=REFORM).exists()
    assert all(c.path == f"{province.path}{c.pk}/" for c in communes)
    assert not Unit.objects.filter(structure="2025", level="district").exists()


@pytest.mark.django_db
def test_loading_again_changes_nothing():
    first = loading.load_units(province_codes=["06", "19", "02", "08"])
    assert _count("legacy", "province", code__in=["06", "19", "02", "08"]) == 4
    assert _count("2025", "province", code__in=["19", "08"]) == 2
    before = _snapshot()
    again = loading.load_units(province_codes=["06", "19", "02", "08"])
    assert again == {
        "nation": 0,
        "legacy_provinces": 0, "legacy_districts": 0, "legacy_communes": 0,
        "2025_provinces": 0, "2025_communes": 0,
        "successions_created": 0,
        "successions_existing": first["successions_created"] + first["successions_existing"],
        "successions_skipped": first["successions_skipped"],
    }
    assert _snapshot() == before
    # Loading a subset of what is there is also a no-op.
    assert loading.load_legacy(["06"]) == {"nation": 0, "provinces": 0, "districts": 0, "communes": 0}
    assert _snapshot() == before


@pytest.mark.django_db
def test_successions_bac_kan_into_thai_nguyen():
    loading.load_legacy(["06", "19"])
    loading.load_2025(["19"])
    counts = loading.load_successions()
    assert counts["created"] + counts["existing"] > 0 and counts["skipped"] > 0

    new_tn = _new("province", "19")
    bac_kan = _legacy("province", "06")
    out = list(bac_kan.successions_out.all())
    assert [(s.successor, s.kind, s.date) for s in out] == [(new_tn, "merged", REFORM)]
    assert _legacy("province", "19").successions_out.get().kind == "merged"

    # Every Bắc Kạn commune went to a Thái Nguyên commune.
    bk_communes = Unit.objects.filter(structure="legacy", level="commune", path__startswith=bac_kan.path)
    with_succ = bk_communes.filter(successions_out__isnull=False).distinct()
    assert with_succ.count() == bk_communes.count() == 108
    ward = _legacy("commune", "01840")  # Phường Đức Xuân, merged into the new Phường Đức Xuân
    succ = ward.successions_out.get()
    assert succ.successor == _new("commune", "01840") and succ.kind == "merged"
    assert succ.successor.parent == new_tn

    # Xã Thượng Đình (Phú Bình) was split between Xã Điềm Thụy (the default) and Xã Phú Bình.
    split = _legacy("commune", "05932").successions_out.order_by("successor__code")
    assert [(s.successor.code, s.kind, s.is_default) for s in split] == [
        ("05908", "split", False),
        ("05941", "split", True),
    ]

    # Districts were abolished and absorbed by the new province.
    old_tn = _legacy("province", "19")
    absorbed = Succession.objects.filter(predecessor__level="district", predecessor__parent__in=[bac_kan, old_tn])
    assert absorbed.count() == 8 + 9
    assert set(absorbed.values_list("kind", "successor")) == {("absorbed", new_tn.pk)}

    total = counts["created"] + counts["existing"]
    assert loading.load_successions() == {"created": 0, "existing": total, "skipped": counts["skipped"]}


@pytest.mark.django_db
def test_successions_need_both_ends():
    # Hà Giang (legacy 02) went into the new Tuyên Quang (2025 08).
    _absent("legacy", "02")
    _absent("2025", "08")
    loading.load_legacy(["02"])
    ha_giang = _legacy("province", "02")
    skipped = loading.load_successions()["skipped"]
    assert not Succession.objects.filter(predecessor__path__startswith=ha_giang.path).exists()

    # When the other end arrives, the links appear.
    loading.load_2025(["08"])
    counts = loading.load_successions()
    assert counts["created"] > 0 and counts["skipped"] == skipped - counts["created"]
    assert ha_giang.successions_out.get().successor == _new("province", "08")
    communes = Unit.objects.filter(structure="legacy", level="commune", path__startswith=ha_giang.path)
    assert communes.count() == 193
    assert not communes.filter(successions_out__isnull=True).exists()


@pytest.mark.django_db
def test_continued_province_and_island_district():
    loading.load_legacy(["04", "45"])  # Cao Bằng (unchanged), Quảng Trị (old)
    loading.load_2025(["04", "44"])  # Cao Bằng, Quảng Trị (with Quảng Bình)
    loading.load_successions()
    assert _legacy("province", "04").successions_out.get().kind == "continued"
    assert _legacy("province", "45").successions_out.get().kind == "merged"
    # Huyện Cồn Cỏ had no communes; it became Đặc khu Cồn Cỏ.
    con_co = _legacy("district", "471")
    assert not con_co.children.exists()
    succ = con_co.successions_out.get()
    assert (succ.successor.code, succ.successor.name, succ.successor.kind, succ.kind) == (
        "19742", "Đặc khu Cồn Cỏ", "Đặc khu", "continued",
    )


@pytest.mark.django_db
def test_failure_leaves_nothing(monkeypatch):
    def boom():
        raise RuntimeError("boom")

    _absent("legacy", "02")
    before = _snapshot()
    monkeypatch.setattr(loading, "load_successions", boom)
    with pytest.raises(RuntimeError):
        loading.load_units(province_codes=["02", "08"])
    assert _snapshot() == before


@pytest.mark.django_db
def test_command():
    _absent("legacy", "02")
    _absent("legacy", "08")
    _absent("2025", "08")
    out = io.StringIO()
    call_command("load-units", "--structure", "legacy", "--province", "02", stdout=out)
    text = out.getvalue()
    assert "provinces (63-province structure): 1 created" in text
    assert "districts (63-province structure): 11 created" in text
    assert "communes (63-province structure): 193 created" in text
    assert "34-province" not in text

    out = io.StringIO()
    call_command("load-units", "--province", "02", "08", stdout=out)
    text = out.getvalue()
    assert "provinces (63-province structure): 1 created" in text  # 08; 02 was there
    assert "districts (63-province structure): 7 created" in text
    assert "provinces (34-province structure): 1 created" in text  # 08; 02 is not a 2025 code
    assert "communes (34-province structure): 124 created" in text
    assert _legacy("province", "02").successions_out.get().successor == _new("province", "08")

    with pytest.raises(CommandError, match="99"):
        call_command("load-units", "--province", "99", stdout=io.StringIO())
    with pytest.raises(CommandError, match="06"):
        call_command("load-units", "--structure", "2025", "--province", "06", stdout=io.StringIO())


@pytest.mark.django_db
def test_whole_country():
    levels = [("legacy", "province"), ("legacy", "district"), ("legacy", "commune"),
              ("2025", "province"), ("2025", "commune")]
    before = {key: _count(*key) for key in levels}
    counts = loading.load_units()
    expected = {
        ("legacy", "province"): 63,
        # 10,040 rows in the package, 5 of them island districts without communes.
        ("legacy", "district"): 696,
        ("legacy", "commune"): 10035,
        ("2025", "province"): 34,
        ("2025", "commune"): 3321,
    }
    for (structure, level), total in expected.items():
        assert _count(structure, level) == total
        assert counts[f"{structure}_{level}s"] == total - before[(structure, level)]
    assert Unit.objects.count() == 1 + sum(expected.values())
    # 63 provinces + 10,602 commune (and island district) edges + 691 districts.
    assert counts["successions_created"] + counts["successions_existing"] == 11356
    assert counts["successions_skipped"] == 0
    assert Succession.objects.count() == 11356
    # Every legacy unit below the nation has a successor; every 2025 commune a predecessor.
    assert not Unit.objects.filter(structure="legacy", successions_out__isnull=True).exists()
    assert not Unit.objects.filter(structure="2025", successions_in__isnull=True).exists()
    # Each split commune names exactly one default.
    split_preds = Succession.objects.filter(kind="split").values_list("predecessor", flat=True).distinct()
    defaults = Succession.objects.filter(kind="split", is_default=True)
    assert defaults.count() == len(set(split_preds)) == 471
    assert loading.load_units()["successions_created"] == 0
