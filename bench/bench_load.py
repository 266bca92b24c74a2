"""Does a real `streamlit run` hold 20 people browsing while 2 upload, without errors or lost writes?

Issue 11 goal, on this machine (2 cores): 20 browsing sessions and 2 uploading sessions at once against one
server on a copy of the sample district — no errors, no lost or doubled writes, page latency under 3 s at
the 95th percentile.

How the sessions are driven (and why):
- browsing: 20 WebSocket clients that speak Streamlit's own protocol (the BackMsg a browser sends when a page
  is opened: page name and query string), arriving at random within the first 15 s, then each opening a random
  page every 5–15 s (a person reading; `--think`), 12 pages
  each. Latency = from the request to the server's «script finished»: the whole page computed and sent. No
  browser renders the pages, so the two cores measure the server, not 20 Chromium tabs; any exception
  element or failed run counts as an error.
- uploading: 2 headless Chromium pages (Debian's /usr/bin/chromium) that go through the real sidebar: pick a
  file, wait for the review dialog, press «Принять» (pressing again when the store changed under the preview,
  as a person would after reading the message), wait for the confirmation. Each upload adds one results row
  with a key of its own, so afterwards every intended row must be in the store exactly once and every upload
  in the history exactly once.

The baseline, in the same run and on the same server: one session alone opening the same pages. The report
prints p50/p95/max for both and their ratio.

    .venv/bin/python bench/bench_load.py [--browsers 20] [--uploaders 2] [--pages 12] [--uploads 4]
"""
from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.sync.client import connect  # noqa: E402

from loaders.model import TABLES  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
PAGES = [("", ""), ("indicators", ""), ("events", ""), ("ranking", ""), ("school", "school=sos1"),
         ("school", "school=kedr"), ("risk", ""), ("objectivity", ""), ("data", ""), ("", "school=sos2")]
FINISHED_OK = (0, 3)  # FINISHED_SUCCESSFULLY, FINISHED_FRAGMENT_RUN_SUCCESSFULLY; 2 = ended early for a rerun


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(store: Path, tmp: Path) -> tuple[subprocess.Popen, str]:
    import urllib.request

    port = free_port()
    env = {**os.environ, "DASHBOARD_STORE": str(store), "DASHBOARD_SEED_FOLDER": str(tmp / "no_seed"),
           "DASHBOARD_TODAY": "2026-11-22"}
    log = open(tmp / "server.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
                             "--server.headless", "true", "--server.fileWatcherType", "none",
                             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise RuntimeError("server did not start")


class Browser(threading.Thread):
    """One person browsing through a WebSocket session."""

    def __init__(self, url: str, pages: int, think: tuple[float, float], seed: int):
        super().__init__(daemon=True)
        self.url, self.pages, self.think = url, pages, think
        self.rng = random.Random(seed)
        self.latencies: list[float] = []
        self.slow: list[tuple[float, float, str]] = []  # (latency, when it started, page)
        self.errors: list[str] = []

    def open(self, ws, page: str, query: str) -> None:
        msg = BackMsg()
        msg.rerun_script.page_name = page
        msg.rerun_script.query_string = query
        started = time.monotonic()
        ws.send(msg.SerializeToString())
        while True:
            fm = ForwardMsg()
            fm.ParseFromString(ws.recv(timeout=120))
            kind = fm.WhichOneof("type")
            if kind == "delta" and fm.delta.WhichOneof("type") == "new_element" \
                    and fm.delta.new_element.WhichOneof("type") == "exception":
                self.errors.append(f"{page}?{query}: {fm.delta.new_element.exception.message[:200]}")
            if kind == "script_finished" and fm.script_finished in FINISHED_OK:
                self.latencies.append(time.monotonic() - started)
                self.slow.append((self.latencies[-1], started, f"{page or 'overview'}?{query}"))
                return
            if kind == "script_finished" and fm.script_finished == 1:
                self.errors.append(f"{page}: compile error")
                return

    def run(self) -> None:
        time.sleep(self.rng.uniform(0, self.think[1]))  # people arrive over a while, not in the same 100 ms
        try:
            with connect(self.url.replace("http", "ws") + "/_stcore/stream", subprotocols=["streamlit"],
                         origin=self.url, max_size=None, open_timeout=60) as ws:
                self.open(ws, "", "")  # the landing page, as a browser's first request (counted too)
                for _ in range(self.pages):
                    time.sleep(self.rng.uniform(*self.think))
                    self.open(ws, *self.rng.choice(PAGES))
        except Exception as exc:  # a refused connection or a timeout is an error of the run
            self.errors.append(f"{type(exc).__name__}: {exc}")


def results_file(subject: str) -> bytes:
    """One ЕГЭ 2026 result of СОШ № 1 in a subject of its own: a row no other upload writes."""
    wanted = ("year", "exam", "subject", "grade", "school_id", "participants", "mean")
    cols = [c for c in TABLES["results"] if c.name in wanted]
    wb = Workbook()
    ws = wb.active
    ws.title = "Результаты ЕГЭ"
    ws.append([c.header for c in cols])
    values = {"year": 2026, "exam": "ЕГЭ", "subject": subject, "grade": 11, "school_id": "sos1", "participants": 10,
              "mean": 61.5}
    ws.append([values[c.name] for c in cols])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


class Uploader(threading.Thread):
    """One editor uploading files through the sidebar of a real browser page."""

    def __init__(self, url: str, tmp: Path, store: Path, who: int, uploads: int, think: tuple[float, float]):
        super().__init__(daemon=True)
        self.url, self.tmp, self.store, self.who, self.uploads, self.think = url, tmp, store, who, uploads, think
        self.subjects: list[str] = []
        self.errors: list[str] = []
        self.retries = 0
        self.seconds: list[float] = []
        self.accepted_at: list[float] = []

    def accepted(self, name: str) -> bool:
        """The store is the judge: is there an upload of this file?"""
        import sqlite3

        con = sqlite3.connect(f"file:{self.store}?mode=ro", uri=True, timeout=30)
        try:
            return con.execute("SELECT COUNT(*) FROM uploads WHERE file_name = ?", (name,)).fetchone()[0] > 0
        finally:
            con.close()

    def outcome(self, page, name: str) -> str:
        """«ok» once the store holds the upload; «stale» when, seconds after the click and with the script idle,
        the dialog shows that the store changed under the preview (then «Принять» is pressed again)."""
        clicked = time.monotonic()
        while time.monotonic() - clicked < 120:
            if self.accepted(name):
                return "ok"
            idle = page.locator("[data-testid=stApp][data-test-script-state=notRunning]").count() > 0
            stale = page.locator("[role=dialog] [data-testid=stAlertContentError]").filter(has_text="изменились")
            if idle and time.monotonic() - clicked > 3 and stale.count() and not self.accepted(name):
                return "stale"
            time.sleep(0.3)
        raise TimeoutError(f"{name}: neither accepted nor refused in 120 s")

    def run(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1366, "height": 900}, locale="ru-RU")
                page.goto(self.url)
                page.wait_for_selector("[data-testid=stApp][data-test-script-state=notRunning]", timeout=120_000)
                for k in range(self.uploads):
                    time.sleep(random.uniform(*self.think))
                    subject = f"Нагрузочный предмет {self.who}-{k}"
                    path = self.tmp / f"нагрузка_{self.who}_{k}.xlsx"
                    path.write_bytes(results_file(subject))
                    started = time.monotonic()
                    page.locator("[data-testid=stSidebar] input[type=file]").last.set_input_files(str(path))  # a rerun may still show the old one
                    dialog = page.get_by_role("dialog")
                    accept = dialog.get_by_role("button", name="Принять")
                    accept.wait_for(timeout=120_000)
                    page.wait_for_function("() => { const b = [...document.querySelectorAll('[role=dialog] button')]"
                                           ".find(b => b.innerText.includes('Принять')); return b && !b.disabled; }",
                                           timeout=120_000)
                    for attempt in range(5):
                        accept.click(timeout=120_000)
                        outcome = self.outcome(page, path.name)
                        if outcome == "ok":
                            break
                        self.retries += 1
                    else:
                        self.errors.append(f"{path.name}: not accepted after 5 attempts")
                        continue
                    self.seconds.append(time.monotonic() - started)
                    self.accepted_at.append(time.monotonic())
                    self.subjects.append(subject)
                browser.close()
        except Exception as exc:
            self.errors.append(f"uploader {self.who}: {type(exc).__name__}: {str(exc)[:1500]}")
            try:
                page.screenshot(path=str(self.tmp / f"uploader_{self.who}.png"), full_page=True)
            except Exception:
                pass


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))] if s else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--browsers", type=int, default=20)
    ap.add_argument("--uploaders", type=int, default=2)
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--uploads", type=int, default=4)
    ap.add_argument("--think", type=float, nargs=2, default=(5.0, 15.0))
    args = ap.parse_args()

    from tests.pages.conftest import seed_sample_store
    from store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench_load_"))
    (tmp / "no_seed").mkdir()
    store_path = seed_sample_store(tmp / "store.sqlite")
    proc, url = start_server(store_path, tmp)
    try:
        warm = Browser(url, len(PAGES), (0, 0), seed=0)  # fills the server's caches once
        warm.run()
        alone = Browser(url, 2 * len(PAGES), (0.2, 0.5), seed=1)  # the baseline: one person, same pages
        alone.run()
        store = open_store(store_path, seed_folder=tmp / "no_seed")
        before = store.history()
        browsers = [Browser(url, args.pages, tuple(args.think), seed=100 + i) for i in range(args.browsers)]
        uploaders = [Uploader(url, tmp, store_path, i, args.uploads, (3.0, 8.0)) for i in range(args.uploaders)]
        started = time.monotonic()
        for t in [*uploaders, *browsers]:
            t.start()
        for t in [*uploaders, *browsers]:
            t.join(900)
        wall = time.monotonic() - started
        alive = proc.poll() is None
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()

    lat = [x for b in browsers for x in b.latencies]
    errors = [e for t in [warm, alone, *browsers, *uploaders] for e in t.errors]
    intended = [s for u in uploaders for s in u.subjects]
    after = store.history()
    new = after[~after["upload_id"].isin(before["upload_id"])]
    res = store.read("results")
    stored = res[res["subject"].str.startswith("Нагрузочный предмет")]["subject"].tolist()
    lost = sorted(set(intended) - set(stored))
    doubled = sorted({s for s in stored if stored.count(s) > 1})
    files = new["file_name"].tolist()
    doubled_uploads = sorted({f for f in files if files.count(f) > 1})
    print(f"server alive at the end: {alive}; wall time {wall:.0f} s; server log {tmp / 'server.log'}")
    print(f"baseline, one session alone: {len(alone.latencies)} pages, p50 {statistics.median(alone.latencies):.2f} s, "
          f"p95 {pct(alone.latencies, 0.95):.2f} s, max {max(alone.latencies):.2f} s")
    print(f"under load, {args.browsers} browsing + {args.uploaders} uploading: {len(lat)} pages, "
          f"p50 {statistics.median(lat):.2f} s, p95 {pct(lat, 0.95):.2f} s, max {max(lat):.2f} s")
    print(f"ratio p95 under load / p95 alone: {pct(lat, 0.95) / pct(alone.latencies, 0.95):.1f}×")
    up = [x for u in uploaders for x in u.seconds]
    print(f"uploads: {len(intended)} accepted of {args.uploaders * args.uploads} intended, "
          f"{sum(u.retries for u in uploaders)} «Принять» pressed again after a concurrent change; "
          f"file → accepted p50 {statistics.median(up) if up else float('nan'):.1f} s, max {max(up, default=float('nan')):.1f} s")
    print(f"writes: {len(new)} new uploads in the history, rows lost {lost or 0}, rows doubled {doubled or 0}, "
          f"uploads doubled {doubled_uploads or 0}")
    accepts = sorted(x for u in uploaders for x in u.accepted_at)
    slowest = sorted((x for b in browsers for x in b.slow), reverse=True)[:8]
    print("slowest pages (latency, seconds since the last accept before them):")
    for lat_s, at, name in slowest:
        since = min((at - a for a in accepts if a <= at), default=float("nan"))
        print(f"  {lat_s:.2f} s  {name}  (+{since:.1f} s after an accept)")
    print(f"errors: {len(errors)}" + ("".join(f"\n  {e}" for e in errors[:20]) if errors else ""))
    ok = alive and not errors and not lost and not doubled and not doubled_uploads \
        and len(new) == len(intended) == args.uploaders * args.uploads and pct(lat, 0.95) < 3.0
    print("GOAL MET" if ok else "GOAL NOT MET")
    shutil.rmtree(tmp, ignore_errors=True) if ok else None
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
