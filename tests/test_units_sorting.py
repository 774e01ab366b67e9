"""Unit names in Vietnamese alphabetical order (a ă â b c d đ e ê … with the
tones deciding only between names spelt alike), wherever units are listed
by name: the unit browser, the report chooser, the public page."""

import re

from django.urls import reverse

from treem.units.models import Unit
from treem.units.sorting import by_name, vietnamese_key

from .conftest import client_for, unit
from .reporting_helpers import forms  # noqa: F401  (the reporting periods)


def _sorted(*names):
    return sorted(names, key=vietnamese_key)


def test_letters_of_the_vietnamese_alphabet():
    assert _sorted("Chợ Mới", "Chợ Đồn") == ["Chợ Đồn", "Chợ Mới"]  # đ before m, not after every letter
    assert _sorted("Đà Nẵng", "Duy Xuyên") == ["Duy Xuyên", "Đà Nẵng"]  # d, then đ
    assert _sorted("Ân Thi", "An Giang") == ["An Giang", "Ân Thi"]
    assert _sorted("Ân", "Ăn", "An") == ["An", "Ăn", "Ân"]  # a < ă < â
    assert _sorted("Ơ", "Ô", "O") == ["O", "Ô", "Ơ"] and _sorted("Ư", "U") == ["U", "Ư"]
    assert _sorted("Ê", "E") == ["E", "Ê"]
    # Yên Thành and Yên Thắng (Nghệ An): a before ă, whatever comes after.
    assert _sorted("Yên Thắng", "Yên Thành") == ["Yên Thành", "Yên Thắng"]
    assert _sorted("Ea Súp", "Đắk Song", "Cư Jút", "Ia Grai", "Krông Pắc") == [
        "Cư Jút", "Đắk Song", "Ea Súp", "Ia Grai", "Krông Pắc"]


def test_tones_only_part_names_spelt_alike():
    # Unaccented, huyền, hỏi, ngã, sắc, nặng, as Vietnamese dictionaries order them.
    assert _sorted("Hạ", "Há", "Hã", "Hả", "Hà", "Ha") == ["Ha", "Hà", "Hả", "Hã", "Há", "Hạ"]
    assert _sorted("Hà Giang", "Ha Long") == ["Hà Giang", "Ha Long"]  # letters first: g before l
    # ô is a letter after o, not a tone: Phú Long (Nho Quan) before Phú Lộc.
    assert _sorted("Phú Lộc", "Phú Long") == ["Phú Long", "Phú Lộc"]
    assert vietnamese_key("Hà") != vietnamese_key("Ha")


def test_numbers_capitals_and_spacing():
    assert _sorted("Phường 10", "Phường 2", "Phường 1") == ["Phường 1", "Phường 2", "Phường 10"]
    assert _sorted("Quận 1", "Quận Ba Đình") == ["Quận 1", "Quận Ba Đình"]
    # Decomposed input (as some files give it) and extra spaces sort as the composed name.
    decomposed = "Chợ  \u0110o\u0302\u0300n"
    assert vietnamese_key(decomposed)[:3] == vietnamese_key("Chợ Đồn")[:3]
    assert _sorted("An Giang", "An") == ["An", "An Giang"]
    assert _sorted("an giang", "An Giang") == ["an giang", "An Giang"]
    assert vietnamese_key("") < vietnamese_key("A") and vietnamese_key(None) == vietnamese_key("")


def test_units_sort_by_their_names(bac_kan):
    districts = by_name(bac_kan.children.all())
    names = [u.name for u in districts]
    assert names.index("Huyện Chợ Đồn") < names.index("Huyện Chợ Mới")
    assert names == sorted(names, key=vietnamese_key) and len(names) == bac_kan.children.count()


def _names_in(html, names):
    """The `names` in the order the page shows them (a unit that ceased
    followed by "(đến 30/06/2025)")."""
    return sorted(names, key=lambda n: re.search(rf">{re.escape(n)}( \(đến [\d/]+\))?<", html).start())


class TestPages:
    def test_the_unit_browser_lists_the_units_below_in_vietnamese_order(self, client, coordinator):
        client_for(client, coordinator)
        bach_thong = unit("legacy", "district", Unit.objects.get(structure="legacy", name="Huyện Bạch Thông").code)
        page = client.get(reverse("units:detail", args=[bach_thong.pk])).content.decode()
        assert _names_in(page, ["Xã Cẩm Giàng", "Xã Cao Sơn", "Xã Đôn Phong", "Xã Dương Phong"]) == [
            "Xã Cao Sơn", "Xã Cẩm Giàng", "Xã Dương Phong", "Xã Đôn Phong"]
        ninh_binh = unit("2025", "province", "37")
        page = client.get(reverse("units:detail", args=[ninh_binh.pk])).content.decode()
        assert _names_in(page, ["Phường Đông A", "Phường Duy Hà"]) == ["Phường Duy Hà", "Phường Đông A"]

    def test_the_unit_search_sorts_all_pages_alike(self, client, coordinator):
        client_for(client, coordinator)
        page = client.get(reverse("units:list"), {"q": "yen th", "level": "commune"}).content.decode()
        assert _names_in(page, ["Xã Yên Thắng", "Xã Yên Thành"]) == ["Xã Yên Thành", "Xã Yên Thắng"]
        # Every commune, 50 a page: the pages follow one another in Vietnamese order.
        shown, number = [], 1
        while True:
            response = client.get(reverse("units:list"), {"level": "commune", "structure": "2025", "page": number})
            shown += re.findall(r'<tr><td>\d+</td><td><a href="/units/\d+/">([^<]+)</a>', response.content.decode())
            if f"page={number + 1}" not in response.content.decode():
                break
            number += 1
        communes = Unit.objects.filter(level="commune", structure="2025")
        assert number > 1 and len(shown) == communes.count()
        assert shown == [u.name for u in by_name(communes)]

    def test_the_report_chooser_lists_the_districts_in_vietnamese_order(self, client, coordinator, bac_kan_plan,
                                                                        forms):  # noqa: F811
        page = client_for(client, coordinator).get(reverse("reports:choose", args=[bac_kan_plan.pk])).content.decode()
        assert _names_in(page, ["Huyện Chợ Mới", "Huyện Chợ Đồn"]) == ["Huyện Chợ Đồn", "Huyện Chợ Mới"]


def test_the_public_page_lists_the_provinces_in_vietnamese_order(client, db):
    from treem.analytics.models import PublicResults

    names = ["Tỉnh Gia Lai", "Tỉnh Đồng Nai", "Tỉnh Điện Biên", "Tỉnh Đắk Lắk", "Tỉnh Dak Test"]
    for i, name in enumerate(names):
        province = Unit.objects.create(structure="2025", level="province", code=f"9{i}", name=name,
                                       parent=unit("national", "nation", "VN"))
        PublicResults.objects.create(unit=province, enabled=True)
    page = client.get(reverse("public:index")).content.decode()
    assert _names_in(page, names) == ["Tỉnh Dak Test", "Tỉnh Đắk Lắk", "Tỉnh Điện Biên", "Tỉnh Đồng Nai",
                                      "Tỉnh Gia Lai"]
