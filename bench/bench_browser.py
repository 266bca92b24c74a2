"""How fast are the pages as a person sees them: in a real browser, until the charts are drawn?

Starts the dashboard as `python3 dev.py run` does (`serve.py`: `streamlit run app.py` with what the pages use
imported before the server answers and the default view computed in the background; headless, no file watcher,
open access: a store with no accounts on localhost, as the browser tests do) and drives Debian's chromium (/usr/bin/chromium) through Playwright
at 1366×768. Measured, on the sample district (a store seeded from `sample_data/`) and at region scale
(`bench/region.py`: 1,500 schools, ≈420,000 result rows, written once into a store cached under
`bench/out/`):

- the first page after a server start: from `streamlit run` to the first page drawn, and separately
  from the health check answering to the first page drawn (a fresh browser context each time); a restart on the
  same store, whose long tables' Arrow snapshots were written by an earlier read, as they are in a district that
  has opened any page since its last upload;
- every page of the navigation opened by link in a new browser context (an empty browser cache and a
  new session: «cold-ish»; the server's caches are as earlier pages left them), the school card
  (`/school`) always with a school chosen by URL parameter (`?school=…`);
- the same page reloaded (warm);
- a year switch in the sidebar's «Учебный год» and a school switch in its «Школа», on every page;
- the server's memory after the run: VmRSS and the peak VmHWM of the streamlit process.

The floor, in the same session: a plain Streamlit page with one Plotly chart and a sidebar selectbox that
reruns it, written to a temporary file, started, opened, reloaded and switched the same way. Its server
runs beside the dashboard's, and every run on the dashboard is paired with a floor run just before it
(a server start with a floor server start), so that a machine whose load changes during the bench still
compares like with like. Every figure is printed in seconds and as a ratio to the matching floor figure
(link to link, reload to reload, a switch to the floor's rerun, the first page to the floor's first page):
the median of the per-pair ratios. Each measurement is repeated (`--repeat`, default 3) and the median is
reported; «1st link» is the first run's link (the server's caches as the earlier pages left them), and
«script» the median time from the link's navigation to the script's end, before the browser draws (the
part AppTest-style benchmarks see). The JSON in `bench/out/` keeps every run.

When is a page «done»? An init script in every page records, with `performance.now()`, every change of
Streamlit's script state (the `data-test-script-state` attribute of `[data-testid=stApp]`: initial,
running, notRunning, …) and the time of the last DOM change outside the header and status widget
(a MutationObserver), the arrival of every WebSocket message from the server, and the timestamp of the
last pointerdown/keydown. A measurement ends when
  1. a script run started after the start mark (state «running», or a message from the server, seen after
     it: a click on a selectbox leaves the state «notRunning» for a moment before the rerun starts, so
     «notRunning» alone would end the wait too early; a rerun so quick that React never shows «running»
     is still seen by its messages), and the state is now «notRunning»;
  2. no visible `stSkeleton` (Streamlit draws one while an element's code is still being fetched — Plotly's
     several megabytes on a first visit) and no visible `stSpinner` is left;
  3. every visible `stPlotlyChart` has its `.main-svg` drawn;
  4. and nothing in the page changed for `--quiet` ms (default 500: Plotly and the data grids draw
     after the script has finished).
The figure is the time of the last change (the script's end or the last DOM mutation, whichever is
later) minus the start mark: the navigation start for a link or a reload (`performance.now()` in the new
document), the pointerdown on the option for a selectbox switch. The quiet window is waited for but not
counted. A run must start: a server busy elsewhere (a full garbage collection of a large heap, say) may
take seconds before the rerun begins, and that wait is part of the figure; a switch whose rerun never
starts ends at the timeout, reported. Every wait has a timeout (`--timeout`, default 120 s); a page that does not get done is
reported with a clear message and a screenshot in `bench/out/`, and the bench goes on.

Goals (issue 13): every page within 1.3× the floor until its charts are drawn (link and reload); a filter
change within 0.3 s; the first page after a server start within 2.5 s (judged from the moment the server
answers its health check, when a person could first open it: the floor alone needs about 3 s from
`streamlit run` on a 2-core machine, Python and Streamlit's imports included; the figure from `streamlit run`
is printed beside it); the server under 600 MiB at region scale (judged on the peak, VmHWM).

    .venv/bin/python bench/bench_browser.py                 # sample district, then region scale
    .venv/bin/python bench/bench_browser.py --sample        # sample district only
    .venv/bin/python bench/bench_browser.py --region        # region scale only
    .venv/bin/python bench/bench_browser.py --repeat 5 --pages / /school   # more runs, some pages
    .venv/bin/python bench/bench_browser.py --region-store  # only write the cached region store, print its path

The machine's other load shows in every figure: compare ratios, not seconds, between runs.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
TODAY = "2026-11-22"
# the navigation's pages (app.py PAGES; the URL path is the file's stem, the default page is "/"),
# checked against the sidebar's links at run time
PAGES = ["/", "/indicators", "/events", "/ranking", "/school", "/risk", "/objectivity", "/commitments", "/data"]
YEAR_BOX, SCHOOL_BOX, FLOOR_BOX = "Учебный год", "Школа", "Вариант"
ALL_DISTRICT = "Весь район"

PAGE_RATIO_GOAL, SWITCH_GOAL, FIRST_PAGE_GOAL, MEMORY_GOAL_MIB = 1.3, 0.3, 2.5, 600

FLOOR_APP = '''"""The floor: a plain Streamlit page with one Plotly chart and a selectbox that reruns it."""
import plotly.graph_objects as go
import streamlit as st

st.set_page_config(page_title="floor", layout="wide")
choice = st.sidebar.selectbox("Вариант", ["первый", "второй", "третий"])
k = ["первый", "второй", "третий"].index(choice) + 1
st.title("Одна диаграмма")
st.plotly_chart(go.Figure(go.Bar(x=[f"Школа {i}" for i in range(1, 19)], y=[(i * k) % 7 + 1 for i in range(18)])))
'''

# Records the script state's changes, the last DOM change and the last user input, in the page's own clock.
PROBE = """(() => {
  if (window.__bench) return;
  const B = window.__bench = {states: [], lastMutation: 0, lastInput: -1, messages: [], lastWhere: null};
  const WS = window.WebSocket;  // every message from the server, timed (a rerun too quick to show «running»)
  window.WebSocket = class extends WS {
    constructor(...args) { super(...args); this.addEventListener('message', () => B.messages.push(performance.now())); }
  };
  const IGNORE = '[data-testid=stStatusWidget],[data-testid=stHeader],[data-testid=stToolbar],[data-testid=stDecoration]';
  const onInput = e => { B.lastInput = e.timeStamp; };
  document.addEventListener('pointerdown', onInput, true);
  document.addEventListener('keydown', onInput, true);
  let state = null;
  new MutationObserver(records => {
    const now = performance.now();
    const app = document.querySelector('[data-testid=stApp]');
    const s = app ? app.getAttribute('data-test-script-state') : null;
    if (s !== state) { state = s; B.states.push([s, now]); }
    for (const r of records) {
      const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      if (!el || el === app || el === document.documentElement || el.closest('head') || el.closest(IGNORE)) continue;
      B.lastMutation = now;
      B.lastWhere = (el.closest('[data-testid]') || el).getAttribute('data-testid') || el.tagName;
      break;
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
})();"""

# null while the page is not done (see the module docstring), else {ms, ...} measured from t0.
DONE = """([t0, quiet]) => {
  const B = window.__bench;
  if (!B) return null;
  const now = performance.now();
  const last = B.states[B.states.length - 1] || [null, 0];
  const ran = B.states.some(([s, t]) => s === 'running' && t >= t0) || B.messages.some(t => t >= t0);
  if (last[0] !== 'notRunning' || !ran) return null;
  const shown = el => el.getClientRects().length > 0;
  const all = sel => Array.from(document.querySelectorAll(sel)).filter(shown);
  if (all('[data-testid=stSkeleton]').length || all('[data-testid=stSpinner]').length) return null;
  const charts = all('[data-testid=stPlotlyChart]');
  if (charts.some(c => !c.querySelector('.main-svg'))) return null;
  const end = Math.max(last[1], B.lastMutation);
  if (now - end < quiet) return null;
  return {ms: Math.max(0, end - t0), script_ms: Math.max(0, last[1] - t0), charts: charts.length,
          exceptions: document.querySelectorAll('[data-testid=stException]').length};
}"""


class NotDone(RuntimeError):
    """A page that did not get done within the timeout (the message says which and where it stood)."""


# ---------------------------------------------------------------- stores

def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for p in paths:
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def checkpoint(path: Path) -> None:
    """Fold the WAL into the file so that a copy of the one file is the whole store."""
    with contextlib.closing(sqlite3.connect(path)) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def sample_store(out: Path, empty: Path) -> Path:
    """A store seeded from sample_data/ (as the app does on its first start), at `out`."""
    from store import open_store

    t = time.perf_counter()
    store = open_store(path=out, seed_folder=ROOT / "sample_data")
    errors = [p for p in store.seed_problems if p.severity == "error"]
    print(f"sample district seeded in {time.perf_counter() - t:.1f} s"
          + (f" — {len(errors)} seeding errors: nothing was stored, pages show the empty hints" if errors else ""))
    checkpoint(out)
    return out


def region_store(empty: Path) -> Path:
    """bench/region.py's region written into a store, cached in bench/out/ by the hash of region.py
    (and of the store's schema and the tidy model, which decide what is written)."""
    key = digest(ROOT / "bench" / "region.py", ROOT / "store" / "migrations.py", ROOT / "loaders" / "model.py")
    cached = OUT / f"region-{key}.sqlite"
    if cached.exists():
        print(f"region store: {cached.relative_to(ROOT)} (cached)")
        return cached
    sys.path.insert(0, str(ROOT / "bench"))
    from region import make_region

    from loaders.report import LoadResult
    from store import open_store

    t = time.perf_counter()
    tables = make_region()
    partial = cached.with_suffix(".partial")
    for f in OUT.glob(f"{partial.name}*"):
        f.unlink()
    store = open_store(path=partial, seed_folder=empty)
    store.accept(LoadResult(tables=tables), "region.xlsx", b"region", user="bench", source="upload")
    checkpoint(partial)
    for old in OUT.glob("region-*.sqlite"):
        old.unlink()
    partial.rename(cached)
    print(f"region set ({len(tables['results']):,} result rows) written in {time.perf_counter() - t:.1f} s "
          f"into {cached.relative_to(ROOT)}")
    return cached


def schools_of(store: Path) -> list[tuple[str, str]]:
    """(school_id, label in the sidebar) for schools with results, the richest first (the card shown)."""
    with contextlib.closing(sqlite3.connect(store)) as con:
        counts = con.execute("SELECT school_id, COUNT(*) FROM data_results GROUP BY school_id "
                             "ORDER BY 2 DESC, 1").fetchall()
        names = dict(con.execute("SELECT school_id, COALESCE(NULLIF(TRIM(short_name), ''), name) FROM data_schools "
                                 "ORDER BY year").fetchall())
    return [(sid, names.get(sid, sid)) for sid, _ in counts]


# ---------------------------------------------------------------- server

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run script` as the browser tests start it; started() → (url, seconds to health)."""

    def __init__(self, script: Path, log: Path, env: dict[str, str] | None = None):
        self.script, self.log, self.env = script, log, env or {}
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self, timeout: float = 180) -> str:
        port = free_port()
        env = {**os.environ, **self.env}
        for var in ("GOOGLE_SERVICE_ACCOUNT_JSON", "GOOGLE_APPLICATION_CREDENTIALS"):
            env.pop(var, None)
        self.url = f"http://127.0.0.1:{port}"
        log = open(self.log, "w")
        self.started_at = time.monotonic()
        # the dashboard as `dev.py run` starts it (serve.py: `streamlit run app.py`, warmed up); the floor plainly
        start = [sys.executable, str(ROOT / "serve.py")] if self.script == ROOT / "app.py" else \
            [sys.executable, "-m", "streamlit", "run", str(self.script)]
        self.proc = subprocess.Popen(
            [*start, "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        _RUNNING.add(self)
        deadline = self.started_at + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.proc.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        self.healthy_at = time.monotonic()
                        return self.url
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"streamlit did not answer its health check within {timeout:.0f} s; see {self.log}")

    def memory(self) -> dict[str, float]:
        """VmRSS and VmHWM of the server process, in MiB."""
        out = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    out[key] = int(value.split()[0]) / 1024
        return out

    def stop(self) -> None:
        _RUNNING.discard(self)
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)  # its own process group (start_new_session)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)


_RUNNING: set[Server] = set()


def _stop_all() -> None:
    for server in list(_RUNNING):
        server.stop()


atexit.register(_stop_all)


@contextlib.contextmanager
def serving(script: Path, log: Path, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = Server(script, log, env)
    try:
        server.start()
        yield server
    finally:
        server.stop()


# ---------------------------------------------------------------- browser

class Bench:
    """One browser; every measurement opens a fresh context (empty cache, new Streamlit session)."""

    def __init__(self, browser, quiet_ms: int, timeout_s: float, shots: Path | None = None):
        self.browser, self.quiet, self.timeout, self.shots = browser, quiet_ms, timeout_s, shots

    def context(self):
        ctx = self.browser.new_context(viewport=VIEWPORT, locale="ru-RU")
        ctx.add_init_script(PROBE)
        return ctx

    def done(self, page, t0: float, what: str) -> dict[str, Any]:
        try:
            handle = page.wait_for_function(DONE, arg=[t0, self.quiet], polling=50,
                                            timeout=self.timeout * 1000)
        except Exception as exc:
            if "Timeout" not in type(exc).__name__ and "Timeout" not in str(exc):
                raise
            state = page.evaluate("() => { const B = window.__bench; const a = document.querySelector("
                                  "'[data-testid=stApp]'); return [a && a.getAttribute('data-test-script-state'),"
                                  " document.querySelectorAll('[data-testid=stSkeleton]').length,"
                                  " document.querySelectorAll('[data-testid=stPlotlyChart]').length,"
                                  " document.querySelectorAll('.js-plotly-plot .main-svg').length,"
                                  " B && B.lastWhere] }")
            shot = OUT / f"timeout-{datetime.now():%H%M%S}.png"
            with contextlib.suppress(Exception):
                page.screenshot(path=str(shot))
            raise NotDone(f"{what}: not done within {self.timeout:.0f} s (script state {state[0]}, "
                          f"{state[1]} skeletons, {state[2]} charts / {state[3]} drawn svgs, last change in "
                          f"{state[4]}; screenshot {shot.name})")
        result = handle.json_value()
        result["s"] = result.pop("ms") / 1000
        result["script_s"] = result.pop("script_ms") / 1000
        return result

    def open(self, page, url: str, what: str) -> dict[str, Any]:
        """Load `url` in `page`; seconds from the navigation start to done."""
        page.goto(url, wait_until="commit", timeout=self.timeout * 1000)
        return self.done(page, 0, what)

    def reload(self, page, what: str) -> dict[str, Any]:
        page.reload(wait_until="commit", timeout=self.timeout * 1000)
        return self.done(page, 0, what)

    def switch(self, page, label: str, what: str, avoid: tuple[str, ...] = ()) -> dict[str, Any]:
        """Pick another option in the sidebar selectbox `label`; seconds from the pointerdown on it to done.

        The school list is virtual and scrolls to the chosen school as it opens: a click that lands while it
        scrolls selects nothing. So the list is let settle, and a click after which no run starts within 5 s
        is retried (the figure counts from the click that took)."""
        box = page.locator("[data-testid=stSidebar]").get_by_role("combobox", name=label)
        box.wait_for(timeout=self.timeout * 1000)
        current = box.input_value()
        options = page.get_by_role("option")
        for attempt in range(3):
            if attempt:
                page.keyboard.press("Escape")
            box.click()
            try:
                options.first.wait_for(timeout=5_000)
            except Exception:
                continue  # a click that lands while the widget is being replaced opens nothing
            page.wait_for_timeout(300)  # the virtual list scrolls to the current option
            texts = [t.strip() for t in options.all_inner_texts()]
            if label == SCHOOL_BOX:  # another school (only the options in view are in the DOM)
                targets = [t for t in texts if t != current and t not in avoid]
            else:  # the next option (years: the one before), or the previous when the current is the last
                i = texts.index(current) if current in texts else -1
                targets = texts[i + 1:] + texts[:i][::-1]
            if not targets:
                raise NotDone(f"{what}: no other option in «{label}» (options: {texts})")
            page.get_by_role("option", name=targets[0], exact=True).first.click()
            t0 = page.evaluate("() => window.__bench.lastInput")
            try:
                page.wait_for_function("t0 => window.__bench.messages.some(t => t >= t0)", arg=t0, polling=50,
                                       timeout=5_000)
            except Exception:
                if box.input_value() == current:
                    continue  # the click selected nothing: again
            result = self.done(page, t0, what)
            result["to"] = targets[0]
            return result
        raise NotDone(f"{what}: no option of «{label}» could be chosen in 3 attempts")


def measure_start(bench: Bench, server: Server, path: str) -> dict[str, Any]:
    """The first page after a server start: from `streamlit run` and from the health answer (server left running)."""
    url = server.start()
    ctx = bench.context()
    try:
        page = ctx.new_page()
        before = time.monotonic()
        first = bench.open(page, url + path, f"first page {path} after the server start")
    finally:
        ctx.close()
    return {"health": server.healthy_at - server.started_at, "after_health": first["s"],
            "from_start": before - server.started_at + first["s"], "exceptions": first["exceptions"]}


def median(values: list[float | None]) -> float | None:
    ok = [v for v in values if v is not None]
    return statistics.median(ok) if ok else None


KINDS = ("link", "reload", "year", "school")
FLOOR_OF = {"link": "link", "reload": "reload", "year": "rerun", "school": "rerun"}


def one_run(bench: Bench, url: str, name: str, target: str, switches: list[tuple[str, str, tuple[str, ...]]]
            ) -> tuple[dict[str, float | None], dict[str, float], list[str]]:
    """In a new browser context: open `url + target` by link, reload it, then each (kind, selectbox, avoid) switch.
    Returns {kind: seconds to done or None when not done}, {kind: seconds to the script's end} and notes."""
    got: dict[str, float | None] = {}
    script: dict[str, float] = {}
    notes: list[str] = []
    ctx = bench.context()
    try:
        page = ctx.new_page()
        steps = [("link", lambda: bench.open(page, url + target, f"{name} by link")),
                 ("reload", lambda: bench.reload(page, f"{name} reloaded"))]
        steps += [(kind, lambda box=box, avoid=avoid: bench.switch(page, box, f"{name}: «{box}» switch", avoid))
                  for kind, box, avoid in switches]
        for i, (kind, step) in enumerate(steps):
            try:
                res = step()
            except Exception as exc:  # a timeout or a browser error: reported, and the bench goes on
                text = str(exc) if isinstance(exc, NotDone) else \
                    f"{name} {kind}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                print(f"  ! {text}", flush=True)
                notes.append(text)
                got.update({later: None for later, _ in steps[i:]})
                break
            got[kind], script[kind] = res["s"], res["script_s"]
            if bench.shots:  # what «done» looked like (after the figure was taken)
                slug = "".join(c if c.isalnum() else "_" for c in f"{name}_{kind}").strip("_")
                page.screenshot(path=str(bench.shots / f"{slug}.png"))
            if res["exceptions"]:
                notes.append(f"{kind}: {res['exceptions']} exception element(s) on the page")
    finally:
        ctx.close()
    return got, script, notes


def dataset(bench: Bench, title: str, store: Path, tmp: Path, repeat: int, pages: list[str]) -> dict[str, Any]:
    """Every figure on one data set, each run paired with a floor run just before it (a fresh copy of `store`
    per server start)."""
    empty = tmp / "empty"
    empty.mkdir(exist_ok=True)
    schools = schools_of(store)
    if not schools:
        raise SystemExit(f"{store}: no results in the store — nothing to measure")
    card = schools[0]
    env = {"DASHBOARD_SEED_FOLDER": str(empty), "DASHBOARD_TODAY": TODAY}
    script = tmp / "floor_app.py"
    script.write_text(FLOOR_APP, encoding="utf-8")
    print(f"\n{title}: {len(schools)} schools with results; the card shows «{card[1]}» ({card[0]})", flush=True)

    copy = tmp / "store.sqlite"
    shutil.copyfile(store, copy)
    # a store as a running district has it: its long tables' snapshots written (store/snapshots.py) by the first
    # page shown after the last upload; every server start below is a restart on that same store
    from store import open_store

    primed = open_store(path=copy, seed_folder=empty)
    for table in ("schools", "indicators", "values", "events", "results"):
        primed.read(table)

    def app_server() -> Server:
        return Server(ROOT / "app.py", tmp / "app.log", {**env, "DASHBOARD_STORE": str(copy)})

    # 1. the first page after a server start, the floor's just before
    starts, floor_starts = [], []
    for _ in range(repeat):
        for servers, make in ((floor_starts, lambda: Server(script, tmp / "floor.log")), (starts, app_server)):
            server = make()
            try:
                servers.append(measure_start(bench, server, "/"))
            except Exception as exc:  # reported; counts as failing the goal
                print(f"  ! first page after a server start: {exc}", flush=True)
                servers.append({"health": None, "after_health": None, "from_start": None, "error": str(exc)})
            finally:
                server.stop()
        a, f = starts[-1], floor_starts[-1]
        print(f"  first page after a server start: health {secs(a['health'])}, page {secs(a['after_health'])}, "
              f"in all {secs(a['from_start'])} (floor: {secs(f['from_start'])})", flush=True)

    # 2. every page: by link, reloaded, a year switch, a school switch; the floor: link, reload, rerun
    fl_server, server = Server(script, tmp / "floor.log"), app_server()
    try:
        floor_url, url = fl_server.start(), server.start()
        nav = nav_paths(bench, url)
        if nav and set(nav) != set(PAGES):
            print(f"  note: the sidebar links {nav} differ from the pages listed here {PAGES}", flush=True)
        chosen = pages or (nav or PAGES)
        views = [(p if p != "/school" else "/school (card)", p if p != "/school" else f"/school?school={card[0]}")
                 for p in chosen]
        runs = {name: {"floor": [], "page": [], "script": [], "notes": []} for name, _ in views}
        switches = [("year", YEAR_BOX, ()), ("school", SCHOOL_BOX, (ALL_DISTRICT, card[1]))]
        for r in range(repeat):
            for name, target in views:
                fl, _, fl_notes = one_run(bench, floor_url, "floor", "/", [("rerun", FLOOR_BOX, ())])
                got, script, notes = one_run(bench, url, name, target, switches)
                runs[name]["floor"].append(fl)
                runs[name]["page"].append(got)
                runs[name]["script"].append(script)
                runs[name]["notes"] += [f"floor {n}" for n in fl_notes] + notes
                shown = "  ".join(f"{k} {v:.2f}" if v is not None else f"{k} —" for k, v in got.items())
                print(f"  run {r + 1}/{repeat}  {name:<18} {shown}   (floor: "
                      + "  ".join(f"{k} {v:.2f}" for k, v in fl.items() if v is not None) + ")", flush=True)
        memory, floor_memory = server.memory(), fl_server.memory()
    finally:
        server.stop()
        fl_server.stop()
    return {"title": title, "store": str(store), "card": card, "start": starts, "floor_start": floor_starts,
            "runs": runs, "memory": memory, "floor_memory": floor_memory}


def nav_paths(bench: Bench, url: str) -> list[str]:
    """The pages the sidebar's navigation links to, as URL paths."""
    ctx = bench.context()
    try:
        page = ctx.new_page()
        bench.open(page, url + "/", "the navigation")
        hrefs = page.locator("[data-testid=stSidebarNav] a").evaluate_all("as => as.map(a => a.href)")
    except NotDone:
        return []
    finally:
        ctx.close()
    return ["/" + h[len(url):].lstrip("/").split("?")[0] for h in hrefs]


# ---------------------------------------------------------------- report

def paired(pages: list[dict], floors: list[dict], kind: str) -> tuple[float | None, float | None, float | None]:
    """(median seconds, median of the per-run ratios to the floor run just before, the floor's median)."""
    secs = [p.get(kind) for p in pages]
    ratios = [p[kind] / f[FLOOR_OF[kind]] for p, f in zip(pages, floors)
              if p.get(kind) is not None and f.get(FLOOR_OF[kind])]
    return median(secs), median(ratios), median([f.get(FLOOR_OF[kind]) for f in floors])


def secs(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def times(v: float | None) -> str:
    return "—" if v is None else f"{v:.1f}×"


def cell(v: float | None, ratio: float | None = None, width: int = 15) -> str:
    if v is None:
        return f"{'—':>{width}}"
    return f"{v:.2f}" .rjust(width - 7) + (f"{ratio:>6.1f}×" if ratio is not None else " " * 7)


def summarize(data: dict[str, Any], region: bool) -> dict[str, Any]:
    """Print the table and the goals; returns the medians, ratios and verdicts (kept in the JSON)."""
    starts, fstarts = data["start"], data["floor_start"]
    first = {k: median([s[k] for s in starts]) for k in ("health", "after_health", "from_start")}
    first_ratio = {k: median([a[k] / f[k] for a, f in zip(starts, fstarts) if a[k] is not None and f[k]])
                   for k in ("after_health", "from_start")}
    floor_first = {k: median([f[k] for f in fstarts]) for k in ("after_health", "from_start")}
    print(f"\n=== {data['title']} — medians of {len(starts)} runs; seconds and × the floor run beside them ===")
    print(f"first page after a server start: {secs(first['from_start'])} from `streamlit run` "
          f"({times(first_ratio['from_start'])} the floor's {secs(floor_first['from_start'])}; health answered "
          f"after {secs(first['health'])}), {secs(first['after_health'])} after health "
          f"({times(first_ratio['after_health'])} the floor's {secs(floor_first['after_health'])})")
    print(f"\n{'page':<18}{'link':>15}{'reload':>15}{'year switch':>15}{'school switch':>15}{'1st link':>10}"
          f"{'script':>8}")
    table: dict[str, Any] = {}
    floor_all: dict[str, list] = {"link": [], "reload": [], "rerun": []}
    for name, rec in data["runs"].items():
        row = {kind: paired(rec["page"], rec["floor"], kind) for kind in KINDS}
        for f in rec["floor"]:
            for k in floor_all:
                floor_all[k].append(f.get(k))
        first_link = rec["page"][0].get("link") if rec["page"] else None
        script = median([sc.get("link") for sc in rec["script"]])
        table[name] = {kind: {"s": v[0], "x_floor": v[1]} for kind, v in row.items()} | {
            "first_link": first_link, "link_script_done": script,
            "script_done": {k: median([sc.get(k) for sc in rec["script"]]) for k in KINDS}}
        print(f"{name:<18}" + "".join(cell(row[k][0], row[k][1]) for k in KINDS)
              + (f"{first_link:>10.2f}" if first_link is not None else f"{'—':>10}")
              + (f"{script:>8.2f}" if script is not None else f"{'—':>8}"))
        for note in dict.fromkeys(rec["notes"]):
            print(f"{'':<18}note: {note}")
    fl = {k: median(v) for k, v in floor_all.items()}
    print(f"{'floor (median)':<18}" + cell(fl["link"]) + cell(fl["reload"]) + cell(fl["rerun"]) + cell(fl["rerun"]))
    mem, fmem = data["memory"], data["floor_memory"]
    print(f"\nserver after the run: VmRSS {mem.get('VmRSS', 0):.0f} MiB, peak VmHWM {mem.get('VmHWM', 0):.0f} MiB "
          f"(floor: {fmem.get('VmRSS', 0):.0f} MiB)")

    missing = [n for n, rec in data["runs"].items() if any(run.get(k) is None for run in rec["page"] for k in KINDS)]
    page_ratios = [row[k]["x_floor"] for row in table.values() for k in ("link", "reload") if row[k]["x_floor"]]
    switches = [row[k]["s"] for row in table.values() for k in ("year", "school") if row[k]["s"] is not None]
    worst_ratio, worst_switch = max(page_ratios, default=0), max(switches, default=0)
    goals = {
        f"every page within {PAGE_RATIO_GOAL}× the floor (link, reload)":
            (f"worst {worst_ratio:.1f}×", bool(page_ratios) and worst_ratio <= PAGE_RATIO_GOAL and not missing),
        f"a filter change within {SWITCH_GOAL} s":
            (f"worst {worst_switch:.2f} s", bool(switches) and worst_switch <= SWITCH_GOAL and not missing),
        f"the first page after a server start within {FIRST_PAGE_GOAL} s":
            (f"{secs(first['after_health'])} after health ({secs(first['from_start'])} from `streamlit run`)",
             first["after_health"] is not None and first["after_health"] <= FIRST_PAGE_GOAL
             and all(s["after_health"] is not None for s in starts)),
    }
    if region:
        peak = mem.get("VmHWM", 0)
        goals[f"the server under {MEMORY_GOAL_MIB} MiB"] = (f"peak {peak:.0f} MiB", 0 < peak < MEMORY_GOAL_MIB)
    print("goals:")
    for goal, (figure, ok) in goals.items():
        print(f"  {'PASS' if ok else 'FAIL'}  {goal}: {figure}")
    if missing:
        print(f"  (pages not measured in every run count as failing: {', '.join(missing)})")
    return {"first_page": first, "first_page_x_floor": first_ratio, "floor_first_page": floor_first,
            "floor": fl, "pages": table, "goals": {g: {"figure": f, "pass": ok} for g, (f, ok) in goals.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--sample", action="store_true", help="the sample district only (no region scale)")
    which.add_argument("--region", action="store_true", help="region scale only")
    ap.add_argument("--region-store", action="store_true",
                    help="only write (or find) the cached region store in bench/out/ and print its path")
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported")
    ap.add_argument("--pages", nargs="*", default=[], help="URL paths to measure (default: every page)")
    ap.add_argument("--quiet", type=int, default=500, help="ms without a DOM change that count as drawn")
    ap.add_argument("--shots", action="store_true", help="a screenshot of every page when done, in bench/out/shots/")
    ap.add_argument("--timeout", type=float, default=120, help="seconds a page may take before it is reported")
    args = ap.parse_args()
    if args.region_store:
        OUT.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as empty:
            print(region_store(Path(empty)))
        return
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"Debian's chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    # Ctrl-C (even when started with SIGINT ignored, as a background job) and SIGTERM stop the servers too
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    OUT.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench_browser_"))
    results: dict[str, Any] = {"at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "repeat": args.repeat,
                               "quiet_ms": args.quiet, "viewport": VIEWPORT, "sets": []}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            shots = OUT / "shots" if args.shots else None
            if shots:
                shots.mkdir(exist_ok=True)
            bench = Bench(browser, args.quiet, args.timeout, shots)
            sets = []
            if not args.region:
                sets.append(("Sample district (sample_data/)", lambda: sample_store(tmp / "sample.sqlite",
                                                                                    tmp / "empty"), False))
            if not args.sample:
                sets.append(("Region scale (bench/region.py, 1,500 schools)", lambda: region_store(tmp / "empty"),
                             True))
            (tmp / "empty").mkdir()
            for title, make, region in sets:
                data = dataset(bench, title, make(), tmp, args.repeat, args.pages)
                data["summary"] = summarize(data, region)
                results["sets"].append(data)
                write(results)
            browser.close()
    except KeyboardInterrupt:
        print("\ninterrupted: servers stopped", file=sys.stderr)
        write(results)
        raise SystemExit(130)
    finally:
        _stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def write(results: dict[str, Any]) -> None:
    if not results["sets"]:
        return
    path = OUT / f"bench_browser-{datetime.now():%Y%m%d-%H%M%S}.json"
    text = json.dumps(results, ensure_ascii=False, indent=1, default=str)
    path.write_text(text, encoding="utf-8")
    (OUT / "bench_browser.json").write_text(text, encoding="utf-8")
    print(f"results: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
