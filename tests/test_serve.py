"""`treem serve` runs several processes: they answer together, stop
together, and agree on what must be the same everywhere (sign-in failures,
the versions that drop cached form structures)."""

import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

import pytest

from .test_demo_site import run, start_server

pytestmark = pytest.mark.demo  # a fresh SQLite data directory, as the demo's


@pytest.fixture(scope="module")
def data_env(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TREEM_DATA_DIR"] = str(tmp_path_factory.mktemp("treem-serve"))
    run(["migrate", "--verbosity", "0"], env)
    run(["shell", "--no-imports", "-c", "from treem.accounts.models import User; "
                                         "User.objects.create_user('officer', password='an-old-secret-42')"], env)
    return env


def _children(pid):
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except OSError:
                pass
    return found


@pytest.fixture(scope="module")
def two_processes(data_env):
    url, server = start_server(data_env, "--workers", "2")
    yield url, server
    if server.poll() is None:
        server.kill()


def _failed_sign_in(url):
    """One wrong password, on a new connection (either process may take it); the page's text."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(url + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "officer",
                                   "password": "wrong"}).encode()
    request = urllib.request.Request(url + "/accounts/login/", data=data, headers={"Referer": url + "/"})
    return opener.open(request).read().decode()


def test_two_processes_answer_and_count_the_same_wrong_passwords(two_processes):
    url, server = two_processes
    for _ in range(100):  # the first worker may answer before the second is forked
        if len(_children(server.pid)) == 2:
            break
        time.sleep(0.1)
    assert len(_children(server.pid)) == 2
    pages = [_failed_sign_in(url) for _ in range(6)]
    # Five wrong passwords lock the account, whichever process counted them.
    assert all("sai mật khẩu quá nhiều lần" not in p for p in pages[:5])
    assert "sai mật khẩu quá nhiều lần" in pages[5]


def test_a_version_renewed_in_one_process_is_seen_in_another(data_env):
    read = ["shell", "--no-imports", "-c", "from treem.core import versions; print(versions.current('t'))"]
    first = run(read, data_env).strip()
    assert run(read, data_env).strip() == first
    run(["shell", "--no-imports", "-c", "from treem.core import versions; versions.renew('t')"], data_env)
    assert run(read, data_env).strip() not in ("", first)


def test_the_processes_stop_with_the_server(two_processes):
    _url, server = two_processes
    workers = _children(server.pid)
    server.terminate()
    server.wait(timeout=30)
    time.sleep(0.5)
    assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")]
