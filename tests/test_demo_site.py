"""The README's first command, end to end: `treem demo` on a fresh data
directory, twice, then the site as a person sees it in Debian's chromium."""

import hashlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.demo

TREEM = [sys.executable, "-m", "treem"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


def run(args, env, **kw):
    result = subprocess.run(TREEM + args, env=env, capture_output=True, text=True, timeout=600, **kw)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def snapshot(env):
    dump = run(["dumpdata", "units", "agencies", "plans", "accounts", "core", "reporting", "--indent", "0"], env)
    return hashlib.sha256(dump.encode()).hexdigest()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_env(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["TREEM_DATA_DIR"] = str(tmp_path_factory.mktemp("treem-demo"))
    first = run(["demo", "--no-serve"], env)
    return env, first


def test_demo_creates_the_database_and_prints_the_logins(demo_env):
    env, output = demo_env
    assert (Path(env["TREEM_DATA_DIR"]) / "treem.sqlite3").exists()
    assert "bk.coordinator" in output and "treem-demo" in output
    assert "592/QĐ-UBND: 24 chỉ tiêu" in output


def test_running_the_demo_again_changes_nothing_and_loses_nothing(demo_env):
    env, _ = demo_env
    # A coordinator's edit between the runs must survive the second run.
    run(["shell", "--no-imports", "-c", "from treem.plans.models import Plan; "
                        "Plan.objects.filter(number='592/QĐ-UBND').update(signer='Sửa tay')"], env)
    before = snapshot(env)
    output = run(["demo", "--no-serve"], env)
    assert "đã có, giữ nguyên" in output
    assert snapshot(env) == before
    signer = run(["shell", "--no-imports", "-c", "from treem.plans.models import Plan; "
                                 "print(Plan.objects.get(number='592/QĐ-UBND').signer)"], env)
    assert signer.strip() == "Sửa tay"


def start_server(env, *options):
    """`treem serve` on a free port, answering; (its URL, its process)."""
    port = free_port()
    server = subprocess.Popen(TREEM + ["serve", "--port", str(port), *options], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/healthz", timeout=1)
            return url, server
        except OSError:
            time.sleep(0.2)
    server.kill()
    pytest.fail("the server did not start: " + server.stdout.read())


@pytest.fixture(scope="session")
def demo_server(demo_env):
    env, _ = demo_env
    url, server = start_server(env)
    yield url
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "browser tests need Debian's chromium: apt-get install -y chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.browser
def test_coordinator_logs_in_and_reads_the_bac_kan_table(demo_server, browser):
    page = browser.new_page()
    page.goto(demo_server + "/")
    assert "Đăng nhập" in page.title()
    page.fill("#id_username", "bk.coordinator")
    page.fill("#id_password", "treem-demo")
    page.keyboard.press("Enter")
    # A coordinator lands on the results of the province's plan.
    page.wait_for_url("**/results/**")
    page.click("text=592/QĐ-UBND")
    page.wait_for_selector("#summary")
    # The stylesheet is served (from the package, no CDN).
    assert page.eval_on_selector("header.top", "e => getComputedStyle(e).backgroundColor") == "rgb(11, 92, 142)"
    indicators = page.eval_on_selector_all("#summary tr[data-indicator]",
                                           "rows => [...new Set(rows.map(r => r.dataset.indicator))]")
    assert indicators == [str(n) for n in range(1, 25)]
    row = page.locator("#indicator-3")
    assert row.locator("td.baseline").inner_text().strip() == "2,3‰"
    assert row.locator("td.target[data-year='2025']").inner_text().strip() == "< 5‰"
    assert row.locator("td.national[data-year='2025']").inner_text().strip() == "< 9,5‰"
    assert "Sở Y tế" in row.locator("td.lead").inner_text()
    # The same page in English.
    page.click("button[value='en']")
    page.wait_for_selector("text=Lead agency")
    assert page.locator("#indicator-3 td.target[data-year='2030']").inner_text().strip() == "< 3‰"
    page.screenshot(path=str(Path(os.environ.get("TREEM_ARTIFACTS", "/tmp")) / "bac-kan-plan.png"), full_page=True)
    page.close()


@pytest.mark.browser
def test_another_province_cannot_open_the_bac_kan_plan(demo_env, demo_server, browser):
    env, _ = demo_env
    plan_id = run(["shell", "--no-imports", "-c", "from treem.plans.models import Plan; "
                                                   "print(Plan.objects.get(number='592/QĐ-UBND').pk)"], env).strip()
    page = browser.new_page()
    page.goto(demo_server + "/accounts/login/")
    page.fill("#id_username", "nb.coordinator")
    page.fill("#id_password", "treem-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/results/")  # no plan of its own yet: the results of the plans it sees
    page.goto(demo_server + "/plans/")
    assert page.locator("text=592/QĐ-UBND").count() == 0
    # Guessing the URL of a plan of another province shows "not found".
    response = page.goto(f"{demo_server}/plans/{plan_id}/")
    assert response.status == 404
    page.close()


@pytest.mark.browser
def test_coordinator_imports_a_plan_from_its_document(demo_server, browser):
    document = Path(__file__).resolve().parents[2] / "shared" / "docs" / "plans" / "ninh-binh_2025-2030_kh75.txt"
    page = browser.new_page()
    page.goto(demo_server + "/accounts/login/")
    page.fill("#id_username", "nb.coordinator")
    page.fill("#id_password", "treem-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/results/")
    page.goto(demo_server + "/plans/")
    page.click("text=Nhập kế hoạch từ văn bản")
    page.set_input_files("#document", str(document))
    page.click("text=Đọc văn bản")
    page.wait_for_selector(".review")
    assert page.input_value("input[name=number]") == "75/KH-UBND"
    assert page.input_value("input[name=date]") == "18/09/2025"
    # each value links to its line of the document, shown beside the form
    page.click("#draft-indicator-3 a.line >> nth=0")
    assert page.url.endswith("#L45")
    assert "Giảm tỷ suất tử vong trẻ sơ sinh" in page.inner_text("#L45")
    page.click("text=Xác nhận và lưu kế hoạch")
    page.wait_for_selector("#summary")
    indicators = page.eval_on_selector_all("#summary tr[data-indicator]",
                                           "rows => new Set(rows.map(r => r.dataset.indicator)).size")
    assert indicators == 24
    assert page.locator("#indicator-3 td.target[data-year='2026']").inner_text().strip() == "< 5‰"
    page.close()


def sign_in(browser, demo_server, username):
    page = browser.new_page()
    page.goto(demo_server + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "treem-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # each role lands on its own page
    return page


@pytest.mark.browser
def test_commune_submits_appendix_6_the_province_approves_and_sees_it_rolled_up(demo_env, demo_server, browser):
    env, _ = demo_env
    province = run(["shell", "--no-imports", "-c", "from treem.units.models import Unit; "
                    "print(Unit.objects.get(structure='legacy', level='province', code='06').pk)"], env).strip()
    commune = sign_in(browser, demo_server, "bk.commune")
    commune.click("text=Báo cáo định kỳ")
    commune.select_option("select[name=form]", "PL6")
    commune.select_option("select[name=period]", "2023")
    commune.click("text=Mở")
    commune.fill("input[name='v:PL6_I_1:total']", "1.234")
    commune.fill("input[name='v:PL6_I_1:male']", "600")
    commune.fill("input[name='v:PL6_I_1:female']", "630")  # does not add up
    questions = []  # three figures of a whole form: Treem asks before sending so little
    commune.on("dialog", lambda d: (questions.append(d.message), d.accept()))
    commune.click("button[value=submit]")
    assert questions and questions[0].startswith("Báo cáo mới điền 3 trên")
    assert "nam (600) cộng nữ (630) khác tổng số (1.234)" in commune.inner_text(".flags")
    commune.fill("input[name='v:PL6_I_1:female']", "634")
    commune.click("button[value=submit]")
    commune.wait_for_selector("text=đã gửi")
    report_url = commune.url
    commune.close()

    from treem.core.numbers import parse_number

    def province_sum(page):
        """The Σ under the province's cell: what the approved communes add up to
        (the demo's other communes have approved made-up reports for 2023)."""
        page.goto(f"{demo_server}/reporting/PL6/2023/{province}/")
        text = page.locator("input[name='v:PL6_I_1:total']").locator("xpath=..").locator(".rolled").inner_text()
        return parse_number(text.replace("Σ", "").strip())

    coordinator = sign_in(browser, demo_server, "bk.coordinator")
    before = province_sum(coordinator)
    coordinator.goto(report_url)
    coordinator.click("button[value=approve]")
    coordinator.wait_for_selector("text=đã phê duyệt")
    assert province_sum(coordinator) == before + 1234
    coordinator.close()


@pytest.mark.browser
def test_the_entry_form_saves_as_the_officer_types_and_checks_each_figure(demo_env, demo_server, browser):
    env, _ = demo_env
    commune_pk = run(["shell", "--no-imports", "-c", "from treem.units.models import Unit; "
                      "print(Unit.objects.get(structure='legacy', level='commune', code='01834').pk)"], env).strip()
    page = sign_in(browser, demo_server, "bk.commune")
    page.goto(f"{demo_server}/reporting/PL6/2024/{commune_pk}/")  # 2022 is the demo's, approved
    total = page.locator("input[name='v:PL6_I_1:total']")
    total.fill("1.500")
    # Enter moves down the column, as in a spreadsheet, and submits nothing.
    total.press("Enter")
    assert page.evaluate("document.activeElement.name") == "v:PL6_I_1r:total"
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.name") == "v:PL6_I_2:total"
    page.keyboard.type("-3")
    # Checked as typed: a count cannot be negative.
    page.wait_for_selector("td.typing-error input[name='v:PL6_I_2:total']")
    assert "âm" in page.get_attribute("input[name='v:PL6_I_2:total']", "title")
    page.fill("input[name='v:PL6_I_2:total']", "420")
    page.wait_for_selector("#autosave-status.ok")
    assert "Đã lưu lúc" in page.inner_text("#autosave-status")
    # Saved on the server: the page read again shows them, with no Save pressed.
    page.reload()
    assert page.input_value("input[name='v:PL6_I_1:total']") == "1.500"
    assert page.input_value("input[name='v:PL6_I_2:total']") == "420"
    # A sum that does not add up comes back from the server beside the row.
    page.fill("input[name='v:PL6_I_1:male']", "900")
    page.fill("input[name='v:PL6_I_1:female']", "700")
    page.wait_for_selector(".msg.live.error")
    assert "khác tổng số (1.500)" in page.inner_text(".msg.live.error")
    page.close()


@pytest.mark.browser
def test_coordinator_drills_into_an_off_track_indicator_and_downloads_the_report(demo_env, demo_server, browser,
                                                                                 tmp_path):
    """Issue 5's walk: the province overview, an indicator off track, the annual
    report; the DOCX and XLSX carry the figure the dashboard shows."""
    import docx
    import openpyxl

    from treem.core.numbers import parse_number

    page = sign_in(browser, demo_server, "bk.coordinator")
    page.click("text=592/QĐ-UBND")
    page.click("main a[href^='/results/']")
    page.wait_for_selector("tr[data-judgement]")
    assert "/2024/" in page.url  # the latest year with approved reports
    row = page.locator("tr[data-trajectory='off_track'], tr[data-judgement='not_met']").first
    shown = row.locator("td.n strong").first.inner_text().strip()  # "87,5%"
    number = row.locator("td.name strong").inner_text().split()[-1]  # "Chỉ tiêu 12" -> "12"
    row.locator("td.name a").click()
    chart = page.get_attribute("figure.chart img", "src")
    response = page.request.get(demo_server + chart)
    assert response.status == 200 and response.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in response.body()
    assert shown in page.inner_text("main")
    figure = parse_number(shown.rstrip("%‰"))

    plan_url = page.url.split("/results/")[1].split("/")
    plan_pk, unit_pk = plan_url[0], plan_url[1]
    page.goto(f"{demo_server}/reports/{plan_pk}/{unit_pk}/2024/")
    files = {}
    for kind in ("docx", "xlsx"):
        with page.expect_download() as download:
            page.click(f"button[formaction$='.{kind}']")
        files[kind] = tmp_path / download.value.suggested_filename
        download.value.save_as(files[kind])
    page.close()

    document = docx.Document(str(files["docx"]))
    rows = [[c.text.strip() for c in r.cells] for t in document.tables for r in t.rows]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in rows[0][-1]
    assert any(r[0] == number for r in rows), f"indicator {number} is in the report's table"
    assert any(shown.rstrip("%‰") in cell for r in rows for cell in r), shown

    workbook = openpyxl.load_workbook(files["xlsx"])
    sheet = workbook["PL7"] if "PL7" in workbook.sheetnames else workbook.worksheets[6]
    numbers = [c.value for r in sheet.iter_rows() for c in r if isinstance(c.value, (int, float))]
    assert any(abs(round(v, 2) - float(figure)) < 0.006 for v in numbers), (figure, numbers[:40])
