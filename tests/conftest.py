"""Shared test data: real units of three provinces, the national programme and
the Bắc Kạn plan read from their documents, loaded once per session through
the same code as the demo, and one persona per role (healthchecks-style:
owner, member, outsider)."""

import json
from pathlib import Path

import pytest

from treem.accounts.models import User
from treem.agencies.loading import load_agencies, load_agency_changes
from treem.demo.loading import DATA, load_plans
from treem.plans.models import Plan
from treem.units.loading import load_units
from treem.units.models import Unit

SHARED_PLANS = Path(__file__).resolve().parents[2] / "shared" / "docs" / "plans"

# Bắc Kạn (legacy 06) merged into Thái Nguyên (19) in 2025; Ninh Bình (37) is
# the outsider.
TEST_PROVINCES = ["06", "19", "37"]


def load_base_data():
    load_units("both", province_codes=TEST_PROVINCES)
    load_agencies(json.loads((DATA / "agencies.json").read_text(encoding="utf-8")))
    load_agency_changes(json.loads((DATA / "agency_changes.json").read_text(encoding="utf-8")))
    load_plans()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with empty caches (sign-in failure counters live there)."""
    from django.core.cache import caches

    for alias in ("default", "shared"):
        caches[alias].clear()
    yield
    for alias in ("default", "shared"):
        caches[alias].clear()


@pytest.fixture(autouse=True)
def vietnamese():
    """Each test starts in Vietnamese, the default: a page asked for in
    English by an earlier test leaves its language active in the thread, and
    a function called directly (validation) would then speak English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_base_data()


def unit(structure, level, code):
    return Unit.objects.get(structure=structure, level=level, code=code)


@pytest.fixture
def bac_kan(db):
    return unit("legacy", "province", "06")


@pytest.fixture
def bac_kan_plan(db):
    return Plan.objects.get(number="592/QĐ-UBND")


@pytest.fixture
def national_plan(db):
    return Plan.objects.get(number="23/QĐ-TTg")


def make_user(username, role, unit_, **extra):
    from django.contrib.auth.models import Permission

    from treem.demo.loading import EDITOR_PERMISSIONS

    user = User.objects.create_user(username=username, password="pw-for-tests-1", role=role, unit=unit_, **extra)
    if user.is_staff:
        # The same model permissions as the demo's coordinators: what they may
        # touch is then decided by their unit alone.
        user.user_permissions.set(Permission.objects.filter(codename__in=EDITOR_PERMISSIONS))
    return user


@pytest.fixture
def coordinator(db, bac_kan):
    """Owner: the Bắc Kạn provincial coordinator."""
    return make_user("coord", User.Role.COORDINATOR, bac_kan, is_staff=True)


@pytest.fixture
def outsider(db):
    """A coordinator of another province (Ninh Bình, 2025 structure)."""
    return make_user("outsider", User.Role.COORDINATOR, unit("2025", "province", "37"), is_staff=True)


@pytest.fixture
def successor_coordinator(db):
    """A coordinator of Thái Nguyên, which took over Bắc Kạn on 01/07/2025."""
    return make_user("tn", User.Role.COORDINATOR, unit("2025", "province", "19"), is_staff=True)


@pytest.fixture
def commune_officer(db):
    return make_user("commune", User.Role.COMMUNE_OFFICER, unit("legacy", "commune", "01834"))


@pytest.fixture
def viewer(db):
    return make_user("viewer", User.Role.VIEWER, unit("national", "nation", "VN"))


@pytest.fixture
def system_admin(db):
    return make_user("root", User.Role.ADMIN, unit("national", "nation", "VN"), is_staff=True, is_superuser=True)


def client_for(client, user):
    client.force_login(user)
    return client


# Agencies of Bắc Kạn reporting to its coordinator (tests/test_agency_reporting.py, test_workbooks_agency.py).
@pytest.fixture
def health(bac_kan):
    from treem.agencies.models import Agency

    return Agency.objects.get(unit=bac_kan, name="Sở Y tế")


@pytest.fixture
def justice(bac_kan):
    from treem.agencies.models import Agency

    return Agency.objects.get(unit=bac_kan, name="Sở Tư pháp")


@pytest.fixture
def health_reporter(bac_kan, health):
    return make_user("suyte", "reporter", bac_kan, agency=health, phone="0209 3870 200", email="syt@bk.gov.vn")
