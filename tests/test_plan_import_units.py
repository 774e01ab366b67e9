"""Importing a district's or a commune's plan: the issuer is matched to its
unit at any level (thị xã, quận, thành phố of a province), a name several
provinces share is told apart by the province the text names, and the unit
chooser lists every unit the user may add plans for, without a cap."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from treem.accounts.access import editable_unit_scope
from treem.accounts.models import User
from treem.plans.models import Plan, PlanDraft
from treem.units.loading import load_legacy
from treem.units.models import Unit

from .conftest import SHARED_PLANS, client_for, make_user, unit

pytestmark = pytest.mark.django_db

HUONG_TRA = SHARED_PLANS / "huong-tra_2021-2025_kh2429.txt"

# Tỉnh Tiền Giang and Tỉnh An Giang both have a Huyện Châu Thành (and eight
# other provinces too); Tỉnh An Giang has a Huyện Chợ Mới like Tỉnh Bắc Kạn.
TIEN_GIANG, AN_GIANG, HUE = "82", "89", "46"


def district_plan(header, basis, *, place="Châu Thành", name="huyện Châu Thành", number="120/KH-UBND"):
    """A short district plan as these are written: the issuer block, number,
    place and date, title, the document it carries out, two indicators."""
    return f"""{header}

Số: {number}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
{place}, ngày 10 tháng 6 năm 2021

KẾ HOẠCH
Thực hiện Chương trình hành động vì trẻ em {name} giai đoạn 2021 - 2025

{basis}

I. MỤC TIÊU
1. Mục tiêu về chăm sóc sức khỏe trẻ em
- Chỉ tiêu 1: Tỷ lệ trẻ em dưới 1 tuổi được tiêm chủng đầy đủ 8 loại vắc xin đạt 98% vào năm 2025.
- Chỉ tiêu 2: Tỷ lệ trẻ em dưới 5 tuổi được đăng ký khai sinh đạt 99% vào năm 2025.
II. TỔ CHỨC THỰC HIỆN
1. Phòng Lao động - Thương binh và Xã hội chủ trì các chỉ tiêu 1, 2.
"""


def basis(province):
    return (f"Thực hiện Kế hoạch số 45/KH-UBND ngày 20/5/2021 của Ủy ban nhân dân {province} về thực hiện "
            "Chương trình hành động vì trẻ em giai đoạn 2021 - 2030;")


NO_PROVINCE = "Căn cứ Luật Trẻ em ngày 05/4/2016;"


@pytest.fixture
def ministry(db):
    """A national coordinator: may add plans for any unit of the country."""
    return make_user("ministry", User.Role.COORDINATOR, unit("national", "nation", "VN"), is_staff=True)


def upload_text(client, text, name="ke-hoach.txt"):
    response = client.post(reverse("plans:import"), {
        "document": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")})
    assert response.status_code == 302, response.content.decode()[:2000]
    return PlanDraft.objects.filter(status="draft").latest("pk")


def unit_select(page):
    """The options of the review page's unit chooser: [(optgroup, value, text, selected)]."""
    select = re.search(r'<select name="unit" id="unit-choice".*?</select>', page, re.S).group(0)
    options, group = [], None
    for m in re.finditer(r'<optgroup label="([^"]*)">|<option value="(\d*)"( selected)?>([^<]*)</option>', select):
        if m.group(1) is not None:
            group = m.group(1)
        elif m.group(2):  # not "— choose —"
            options.append((group, m.group(2), m.group(4), bool(m.group(3))))
    return options


def district(province_code, name):
    return Unit.objects.get(structure="legacy", level="district", name=name, parent__code=province_code,
                            parent__structure="legacy")


def vi(msgid):
    with translation.override("vi"):
        return gettext(msgid)


def test_a_thi_xa_plan_is_matched_to_its_district_and_saved(client, ministry):
    """Hương Trà's real plan: "ỦY BAN NHÂN DÂN / THỊ XÃ HƯƠNG TRÀ"."""
    load_legacy([HUE])
    huong_tra = district(HUE, "Thị xã Hương Trà")
    client_for(client, ministry)
    draft = upload_text(client, HUONG_TRA.read_text(encoding="utf-8"), HUONG_TRA.name)
    assert draft.unit == huong_tra
    page = client.get(reverse("plans:draft", args=[draft.pk])).content.decode()
    options = unit_select(page)
    # the districts of the province, grouped under it, the chosen one selected
    assert ("Thành phố Huế", str(huong_tra.pk), "Thị xã Hương Trà", True) in options
    assert {text for _, _, text, _ in options} >= {"Quận Thuận Hóa", "Quận Phú Xuân", "Thị xã Hương Thủy"}
    assert 'id="save-problem"' not in page and 'id="unit-missing"' not in page
    assert "data-needs-unit" not in page and re.search(r'name="confirm" class="primary"\s*>', page)
    response = client.post(reverse("plans:draft", args=[draft.pk]), {"confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Plan.objects.get(number="2429/KH-UBND").unit == huong_tra


@pytest.mark.parametrize("header, expected", [
    ("UBND THỊ XÃ HƯƠNG TRÀ", (HUE, "Thị xã Hương Trà")),  # issuer on one line, abridged
    ("ỦY BAN NHÂN DÂN\nQUẬN THUẬN HÓA", (HUE, "Quận Thuận Hóa")),
    ("ỦY BAN NHÂN DÂN\nQUẬN THUẬN HOÁ", (HUE, "Quận Thuận Hóa")),  # the tone mark in its old place
    ("ỦY BAN NHÂN DÂN\nTHÀNH PHỐ BẮC KẠN", ("06", "Thành phố Bắc Kạn")),  # a province's city is a district
    ("UBND TỈNH BẮC KẠN\nUBND HUYỆN CHỢ ĐỒN", ("06", "Huyện Chợ Đồn")),  # the province above the issuer
    ("ỦY BAN NHÂN DÂN HUYỆN CHỢ ĐỒN\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", ("06", "Huyện Chợ Đồn")),
])
def test_district_level_issuers_are_matched(client, ministry, header, expected):
    load_legacy([HUE])
    client_for(client, ministry)
    draft = upload_text(client, district_plan(header, NO_PROVINCE, place="Huyện", name="trên địa bàn"))
    assert draft.unit == district(*expected)
    assert draft.data["unit"]["level"] == "district"


def test_a_district_name_several_provinces_share_is_told_apart_by_the_province_named(client, ministry):
    load_legacy([TIEN_GIANG, AN_GIANG])
    tien_giang, an_giang = district(TIEN_GIANG, "Huyện Châu Thành"), district(AN_GIANG, "Huyện Châu Thành")
    client_for(client, ministry)
    draft = upload_text(client, district_plan("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH", basis("tỉnh Tiền Giang")))
    assert draft.unit == tien_giang
    assert not [f for f in draft.flags if f["kind"].startswith("unit_")]
    options = unit_select(client.get(reverse("plans:draft", args=[draft.pk])).content.decode())
    # the list says which Châu Thành is which, each under its province
    assert ("Tỉnh Tiền Giang", str(tien_giang.pk), "Huyện Châu Thành — Tỉnh Tiền Giang", True) in options
    assert ("Tỉnh An Giang", str(an_giang.pk), "Huyện Châu Thành — Tỉnh An Giang", False) in options
    # a name found once is shown bare
    assert any(text == "Huyện Chợ Mới — Tỉnh An Giang" for _, _, text, _ in options)  # Bắc Kạn has one too
    assert any(text == "Thành phố Long Xuyên" for _, _, text, _ in options)

    # the province in the header block settles it as well
    draft = upload_text(client, district_plan("ỦY BAN NHÂN DÂN TỈNH AN GIANG\nỦY BAN NHÂN DÂN HUYỆN CHÂU THÀNH",
                                              NO_PROVINCE, number="121/KH-UBND"))
    assert draft.unit == an_giang


def test_a_name_the_text_does_not_settle_is_left_for_the_reviewer(client, ministry):
    load_legacy([TIEN_GIANG, AN_GIANG])
    client_for(client, ministry)
    draft = upload_text(client, district_plan("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH", NO_PROVINCE))
    assert draft.unit is None
    flag = next(f for f in draft.flags if f["kind"] == "unit_ambiguous")
    assert flag["params"]["places"] == "Tỉnh Tiền Giang; Tỉnh An Giang" or set(
        flag["params"]["places"].split("; ")) == {"Tỉnh Tiền Giang", "Tỉnh An Giang"}
    url = reverse("plans:draft", args=[draft.pk])
    page = client.get(url).content.decode()
    # said on the page, in the reader's language, with Confirm off
    assert 'id="unit-missing"' in page and 'id="save-problem"' in page
    assert vi("Choose the unit this plan belongs to.") in page
    assert vi("Several units are called %(name)s (%(places)s) and the document does not say which one: "
              "choose the plan's unit.") % flag["params"] in page.replace("&#x27;", "'")
    assert re.search(r'name="confirm" class="primary" disabled[^>]*data-needs-unit', page)
    assert not [o for o in unit_select(page) if o[3]]  # nothing selected
    # posted anyway: refused with the reason, nothing saved
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 400
    assert vi("Choose the unit this plan belongs to.") in response.content.decode()
    assert not Plan.objects.filter(number="120/KH-UBND").exists()
    # the reviewer chooses Tiền Giang's and confirms
    tien_giang = district(TIEN_GIANG, "Huyện Châu Thành")
    response = client.post(url, {"unit": str(tien_giang.pk), "confirm": "1"})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Plan.objects.get(number="120/KH-UBND").unit == tien_giang


def test_choosing_no_unit_over_the_found_one_is_refused_on_confirm(client, ministry):
    load_legacy([TIEN_GIANG])
    client_for(client, ministry)
    draft = upload_text(client, district_plan("ỦY BAN NHÂN DÂN\nHUYỆN CHÂU THÀNH", basis("tỉnh Tiền Giang")))
    assert draft.unit is not None
    response = client.post(reverse("plans:draft", args=[draft.pk]), {"unit": "", "confirm": "1"})
    assert response.status_code == 400
    assert vi("Choose the unit this plan belongs to.") in response.content.decode()
    assert not Plan.objects.filter(number="120/KH-UBND").exists()
    response = client.post(reverse("plans:draft", args=[draft.pk]), {"unit": "abc", "confirm": "1"})
    assert response.status_code == 400


def test_the_users_own_district_settles_a_shared_name(client, coordinator):
    """Bắc Kạn's coordinator imports "Huyện Chợ Mới" without the province
    named: of the two Chợ Mới, only Bắc Kạn's is theirs."""
    load_legacy([AN_GIANG])
    client_for(client, coordinator)
    draft = upload_text(client, district_plan("UBND HUYỆN CHỢ MỚI", NO_PROVINCE, place="Chợ Mới",
                                              name="huyện Chợ Mới"))
    assert draft.unit == district("06", "Huyện Chợ Mới")
    options = unit_select(client.get(reverse("plans:draft", args=[draft.pk])).content.decode())
    # their own province's districts only, the selected one among them
    assert {group for group, *_ in options} == {"Tỉnh Bắc Kạn"} and len(options) == 8
    assert [text for _, _, text, selected in options if selected] == ["Huyện Chợ Mới"]


def test_a_national_user_sees_every_district_without_a_cap(client, ministry):
    """The whole country's 696 districts in one list, grouped by province:
    Thị xã Hương Trà comes after the 500th by the old order and was missing."""
    load_legacy()
    client_for(client, ministry)
    draft = upload_text(client, HUONG_TRA.read_text(encoding="utf-8"), HUONG_TRA.name)
    huong_tra = district(HUE, "Thị xã Hương Trà")
    assert draft.unit == huong_tra
    old_order = list(Unit.objects.filter(editable_unit_scope(ministry, ""), level="district")
                     .order_by("structure", "search_key").values_list("pk", flat=True))
    assert old_order.index(huong_tra.pk) >= 500
    options = unit_select(client.get(reverse("plans:draft", args=[draft.pk])).content.decode())
    assert len(options) == Unit.objects.filter(structure="legacy", level="district").count() == 696
    assert ("Thành phố Huế", str(huong_tra.pk), "Thị xã Hương Trà", True) in options
    groups = {group for group, *_ in options}
    assert len(groups) == 63 and "Thành phố Hồ Chí Minh" in groups
    assert sum(1 for _, _, text, _ in options if text.startswith("Huyện Châu Thành — Tỉnh ")) == 10
    assert ("Thành phố Hồ Chí Minh", str(Unit.objects.get(structure="legacy", name="Quận 1").pk), "Quận 1",
            False) in options


def commune_plan(basis_line):
    return district_plan("ỦY BAN NHÂN DÂN\nXÃ NAM CƯỜNG", basis_line, place="Nam Cường", name="xã Nam Cường")


def test_a_commune_plan_lists_the_communes_of_the_province_it_names(client, ministry):
    load_legacy()
    client_for(client, ministry)
    draft = upload_text(client, commune_plan(
        "Thực hiện Kế hoạch số 45/KH-UBND ngày 20/5/2021 của Ủy ban nhân dân huyện Chợ Đồn, tỉnh Bắc Kạn về "
        "thực hiện Chương trình hành động vì trẻ em;"))
    nam_cuong = Unit.objects.get(structure="legacy", level="commune", name="Xã Nam Cường",
                                 parent__name="Huyện Chợ Đồn")
    assert draft.unit == nam_cuong
    options = unit_select(client.get(reverse("plans:draft", args=[draft.pk])).content.decode())
    assert len(options) == Unit.objects.filter(level="commune", path__startswith=unit("legacy", "province",
                                                                                     "06").path).count() == 108
    assert ("Huyện Chợ Đồn — Tỉnh Bắc Kạn", str(nam_cuong.pk), "Xã Nam Cường", True) in options


def test_a_commune_plan_naming_no_province_asks_for_part_of_the_name(client, ministry):
    """10,035 communes are too many for one list on a slow line: the page
    lists the communes of the document's name and finds others by name."""
    load_legacy()
    client_for(client, ministry)
    draft = upload_text(client, commune_plan(NO_PROVINCE))
    assert draft.unit is None
    url = reverse("plans:draft", args=[draft.pk])
    page = client.get(url).content.decode()
    called = Unit.objects.filter(structure="legacy", level="commune", name="Xã Nam Cường")
    assert called.count() > 1
    options = unit_select(page)
    assert sorted(int(pk) for _, pk, _, _ in options) == sorted(called.values_list("pk", flat=True))
    assert all(text.startswith("Xã Nam Cường — Huyện ") for _, _, text, _ in options)
    assert 'name="unit_q"' in page
    # searching keeps the corrections and lists what matches
    response = client.post(url, {"number": "7/KH-UBND", "unit_q": "phuong nguyen thi minh khai",
                                 "save": "find-unit"})
    assert response.status_code == 302 and "unit_q=phuong+nguyen+thi+minh+khai" in response["Location"]
    draft.refresh_from_db()
    assert draft.data["number"] == "7/KH-UBND"
    page = client.get(response["Location"]).content.decode()
    khai = unit("legacy", "commune", "01834")
    found = unit_select(page)
    assert (str(khai.pk), "Phường Nguyễn Thị Minh Khai") in [(pk, text) for _, pk, text, _ in found]
    response = client.post(url, {"unit": str(khai.pk), "save": "1"})
    draft.refresh_from_db()
    assert draft.unit is None and draft.data["unit"]["code"] == "01834"
    assert not [f for f in draft.flags if f["kind"].startswith("unit_")]
