"""Fifty commune officers submit their Appendix 6 at once, over HTTP on
loopback, to Treem served by `treem serve` (gunicorn: one process per core,
8 threads each), started by the benchmark on a free port.

    python -m bench.concurrent_submit                 # SQLite in a temporary directory
    python -m bench.concurrent_submit --postgres postgres://postgres@127.0.0.1:5432/test
    python -m bench.concurrent_submit --users 50 --workers 2 --threads 8 --window 20

Every officer has the form open (GET, not timed). Two loads are measured:
- "at the same instant": all officers press "Save and submit" together;
- "within a window": other officers autosave their figures three times and
  then submit, each at a random moment within --window seconds.
The baseline is one officer alone doing the same, in the same run. Printed:
p50/p95/max of the answers, the ratio of p95 to the lone officer's, errors,
and whether every value arrived. The target: p95 under 300 ms, no error,
no value lost.
"""

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request

from bench.common import throwaway_database


def figures(i):
    """Figures that pass validation, different for every officer."""
    children, under6 = 1000 + i, 400 + i
    return {("PL6_I_1", "total"): children, ("PL6_I_1", "male"): 500, ("PL6_I_1", "female"): children - 500,
            ("PL6_I_2", "total"): under6, ("PL6_I_2", "male"): 200, ("PL6_I_2", "female"): under6 - 200}


class Officer:
    """One officer's browser, as lean as a client can be: the benchmark's
    threads run on the same cores as the server, so what they cost is taken
    from the server's share. Requests are plain http.client calls with the
    body encoded before the clock starts."""

    def __init__(self, base, session_key, commune_pk, i):
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.path = f"/reporting/PL6/2026/{commune_pk}/"
        self.url = base + self.path
        self.cookies = {"sessionid": session_key}
        self.i = i
        self.token = None
        self.timings, self.errors = [], []

    def _request(self, method, path, body=None, headers=None, expect=200, timed=True):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        start = time.perf_counter()
        try:
            connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
            try:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                status, answer = response.status, response.read().decode()
            finally:
                connection.close()
        except OSError as e:  # a refused or dropped connection is an error of the run
            self.errors.append(repr(e))
            return None
        finally:
            if timed:
                self.timings.append(time.perf_counter() - start)
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        if status != expect:
            self.errors.append(f"HTTP {status}")
        return answer

    def open_form(self):
        page = self._request("GET", self.path, timed=False)
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def _body(self, fields):
        return urllib.parse.urlencode({"csrfmiddlewaretoken": self.token, **fields}).encode()

    def _post(self, path, body, expect, headers=None):
        return self._request("POST", path, body, {"Referer": self.url, **(headers or {})}, expect)

    def submit(self, barrier=None):
        values = {f"v:{e}:{o}": str(v) for (e, o), v in figures(self.i).items()}
        body = self._body({"action": "submit", **values})
        if barrier:
            barrier.wait()
        self._post(self.path, body, 302)  # the answer is the redirect itself, not the page after it

    def type_and_submit(self, delay):
        time.sleep(delay)
        seen = {}
        items = list(figures(self.i).items())
        for chunk in (items[:2], items[2:4], items[4:]):  # three autosaves as the officer types
            fields = {}
            for (e, o), v in chunk:
                fields[f"v:{e}:{o}"] = str(v)
                fields[f"o:{e}:{o}"] = seen.get((e, o), "")
            body = self._post(self.path + "autosave/", self._body(fields), 200, {"X-CSRFToken": self.token})
            if body and not json.loads(body).get("ok"):
                self.errors.append("autosave refused")
            time.sleep(0.3)
        self._post(self.path, self._body({"action": "submit"}), 302)


def _summary(label, officers, alone):
    timings = sorted(t for o in officers for t in o.timings)
    errors = [e for o in officers for e in o.errors]
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"{label}: {len(officers)} officers, {len(timings)} answers")
    print(f"  p50 {statistics.median(timings) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms;"
          f" p95 / one officer alone: {p95 / alone:.1f}x; errors: {len(errors)} {errors[:3] if errors else ''}")
    return p95, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", metavar="URL")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workers", type=int, help="server processes (default: as `treem serve`, one per core)")
    parser.add_argument("--threads", type=int, default=8, help="threads per process, as `treem serve` (default 8)")
    parser.add_argument("--window", type=float, default=20.0, help="seconds over which the second group arrives")
    args = parser.parse_args()

    os.environ["TREEM_ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    with throwaway_database(args.postgres):
        run(args)


def _cpu_seconds(pids):
    """{pid: user + system CPU seconds used so far} of these processes (Linux /proc)."""
    used = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return used


def _cpu_since(before, after):
    """CPU seconds used between two readings; a process started since (a
    database connection opened by a new thread) counts from its start."""
    return sum(t - before.get(pid, 0) for pid, t in after.items())


def _processes(master_pid, database_vendor):
    """The server's processes (gunicorn's master and workers) and, on
    PostgreSQL, the database's, to count what fifty submissions cost."""
    server, database = [master_pid], []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                stat = f.read()
            with open(f"/proc/{name}/comm") as f:
                comm = f.read().strip()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == master_pid:
            server.append(int(name))
        elif database_vendor == "postgresql" and comm.startswith("postgres"):
            database.append(int(name))
    return server, database


def _start_server(workers, threads):
    """`treem serve` on a free port, on the benchmark's database (the
    environment says which); its base URL and process."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = [sys.executable, "-m", "treem", "serve", "--port", str(port), "--threads", str(threads)]
    if workers:
        command += ["--workers", str(workers)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return base, server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("treem serve did not start: " + server.stdout.read())


def run(args):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, connections

    from treem.accounts.models import User
    from treem.core.management.commands.serve import default_workers
    from treem.reporting.loading import load_forms
    from treem.reporting.models import DataValue, Submission
    from treem.units.loading import load_units
    from treem.units.models import Unit

    server = None
    try:
        load_units("2025", province_codes=["19", "37", "01"])
        load_forms()
        communes = list(Unit.objects.filter(structure="2025", level="commune").order_by("code")[: 2 * args.users + 2])
        sessions = []
        for i, commune in enumerate(communes):
            user = User.objects.create_user(f"officer{i}", role="commune_officer", unit=commune)
            s = SessionStore()
            s[SESSION_KEY], s[BACKEND_SESSION_KEY] = str(user.pk), settings.AUTHENTICATION_BACKENDS[0]
            s[HASH_SESSION_KEY] = user.get_session_auth_hash()
            s.create()
            sessions.append((s.session_key, commune.pk))
        connections.close_all()

        base, server = _start_server(args.workers, args.threads)
        workers = args.workers or default_workers()
        officers = [Officer(base, key, pk, i) for i, (key, pk) in enumerate(sessions)]
        # The officers open their forms together, as they would before a
        # deadline: every server thread has then served a request and holds
        # its database connection, as on a server that has been up a while.
        opening = [threading.Thread(target=o.open_form) for o in officers]
        for t in opening:
            t.start()
        for t in opening:
            t.join()
        for o in officers[-1:]:
            o.submit()  # warm up: templates compiled, connections open
        alone, herd, window = officers[0], officers[1:args.users + 1], officers[args.users + 1:-1]
        alone.type_and_submit(0)
        alone_time = max(alone.timings)

        barrier = threading.Barrier(len(herd))
        threads = [threading.Thread(target=o.submit, args=(barrier,)) for o in herd]
        before = [_cpu_seconds(pids) for pids in _processes(server.pid, connection.vendor)], time.process_time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        after = [_cpu_seconds(pids) for pids in _processes(server.pid, connection.vendor)], time.process_time()
        cpu = [_cpu_since(b, a) / len(herd) for b, a in zip(before[0], after[0])]
        cpu.append((after[1] - before[1]) / len(herd))

        rng = random.Random(1)
        threads = [threading.Thread(target=o.type_and_submit, args=(rng.uniform(0, args.window),)) for o in window]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        lost = 0
        for o in officers[:-1]:
            stored = {(e, opt): v for e, opt, v in DataValue.objects.filter(
                unit_id=sessions[o.i][1], period__code="2026").values_list("element__code", "option__code", "value")}
            lost += sum(1 for k, v in figures(o.i).items() if stored.get(k) != v)
        submitted = Submission.objects.filter(status="submitted", unit_id__in=[pk for _k, pk in sessions]).count()
        print(f"database: {connection.vendor}; treem serve: {workers} processes x {args.threads} threads; "
              f"machine cores: {os.cpu_count()}")
        print(f"one officer alone: slowest answer {alone_time * 1000:.0f} ms (3 autosaves, then submit)")
        herd_p95, herd_errors = _summary("at the same instant (Save and submit)", herd, alone_time)
        # On n cores, fifty answers cannot all come sooner than 50 x (CPU each) / n.
        print(f"  CPU per submission in that burst: server {cpu[0] * 1000:.1f} ms, database server "
              f"{cpu[1] * 1000:.1f} ms, this benchmark's own clients {cpu[2] * 1000:.1f} ms; the last of "
              f"{len(herd)} cannot answer before {len(herd) * sum(cpu) / os.cpu_count() * 1000:.0f} ms "
              f"on {os.cpu_count()} cores")
        window_p95, window_errors = _summary(f"within {args.window:.0f} s (3 autosaves + submit each)", window,
                                             alone_time)
        print(f"reports submitted: {submitted} of {len(sessions)}; values lost or wrong: {lost}")
        for label, p95, errors in (("same instant", herd_p95, herd_errors),
                                   ("within a window", window_p95, window_errors)):
            ok = p95 < 0.3 and not errors and not lost
            print(f"{label}: {'OK' if ok else 'NOT MET'} (p95 under 300 ms, no error, nothing lost)")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
