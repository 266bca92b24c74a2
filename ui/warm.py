"""Which results does the server compute before anyone asks for them?

At region scale three waits made pages slow: Python importing what the pages draw with (pandas' Styler alone pulls
in matplotlib: 0.3–0.6 s on a first page), the metrics of the default view (seconds at 1,500 schools), and the same
metrics again for the year a person switches to. So, when the server is started by `serve.py` (`dev.py run`):

- `preload()` imports what every page uses, and `first_page()` computes what Обзор (the page a link to the server
  opens) asks for, both before the server answers;
- `start()` turns on one background thread; `follow()`, called by `app.py` after every page run, hands it the rest
  of the default view's results (`default_view`: the latest year, the whole district) and the results that run
  asked for (`ui.data.asked`) for the year before and the year after: a year switch then finds them ready.

The thread starts a job only when no page has run for a second (`Pages`, `app.py` marks every run): it used to
compete with the first page for the interpreter and slowed even the serving of the app's own scripts. Every result
goes through `ui.data`'s caches, one per store version: a page that asks while the thread is computing waits for
that one result instead of computing it twice, and a job of a version that is no longer current is dropped. A job that fails is logged and forgotten: the page that asks computes it again and shows the error its
own way. Without `start()` (AppTest, `streamlit run app.py`) nothing runs in the background.
"""
from __future__ import annotations

import contextlib
import importlib
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from ui import data, filters

log = logging.getLogger(__name__)

# what the pages draw with; imported before the server answers (pandas' Styler imports matplotlib)
PRELOAD = ("pandas.io.formats.style", "plotly.graph_objects", "plotly.express", "metrics", "store",
           "metrics.objectivity", "metrics.ranking", "metrics.risk", "metrics.social", "metrics.uncertainty",
           "metrics.level_change", "metrics.concerns", "metrics.weights", "metrics.key_figures",
           "ui.first_screen", "ui.charts", "ui.cards", "ui.tables", "ui.reasons", "ui.indicator_view",
           "ui.ranking_view", "ui.risk_view", "ui.objectivity_view", "ui.school_view", "ui.school_charts",
           "ui.interview_view", "ui.upload", "ui.loaded", "ui.documents", "loaders.layouts", "loaders.proposals")

Job = tuple[str, tuple[tuple[str, Any], ...]]  # metric name, its keyword arguments (sorted items)


def _items(**kwargs: Any) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(kwargs.items()))


FIRST_PAGE = 6  # the first jobs of `default_view`: what Обзор (the page a link to the server opens) asks for


def default_view(year: int, today: date) -> list[Job]:
    """The results the pages ask for on their default view (whole district, `year`), the first page's first
    (`FIRST_PAGE` jobs: Обзор), then the shared lists of the school pages, then the programme pages."""
    return [
        ("key_figures", _items(year=year, on_date=today)),
        ("plan_vs_fact", _items(year=year)),
        ("risk_flags", _items(year=year)),
        ("objectivity_summary", _items(year=year)),
        ("roadmap_progress", _items(on_date=today)),
        ("events_due", _items(on_date=today, days=30)),
        ("risk_summary", _items(year=year)),
        ("rank_schools", _items(year=year, by="composite")),
        ("rank_schools", _items(year=year - 1, by="composite")),
        ("plan_vs_fact", _items(year=None)),
        ("forecast_to_target", ()),
        ("glide_path", ()),
        ("roadmap_year", _items(year=year, on_date=today, school_id=None, school_names=())),
    ]


def preload(modules: Iterable[str] = PRELOAD) -> None:
    """Import the modules the pages use (a module that fails to import is left to the page that needs it), and
    build one chart: Plotly imports its layout classes on first use."""
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:
            log.warning("preload: %s failed to import", name, exc_info=True)
    try:
        from ui import charts

        charts.status_bar({"achieved": 1, "missed": 1}, title="–").to_plotly_json()
    except Exception:
        log.warning("preload: a chart could not be built", exc_info=True)


QUIET_S = 1.0  # the thread starts a job only when no page has run for this long


class Pages:
    """Whether a page is running now, and when the last one ended (`app.py` wraps every page run in `running()`)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.active = 0
        self.last_end = 0.0

    @contextlib.contextmanager
    def running(self) -> Iterator[None]:
        with self._lock:
            self.active += 1
        try:
            yield
        finally:
            with self._lock:
                self.active -= 1
                self.last_end = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the last page run ended (0 while one runs)."""
        with self._lock:
            return 0.0 if self.active else time.monotonic() - self.last_end


PAGES = Pages()


class Warmer:
    """One background thread computing queued results through `ui.data`, one at a time, each once per version, and
    only while no page is running or has just run: a page (and the browser fetching the app's scripts, which the
    same process serves) never waits for the warm-up."""

    def __init__(self, compute: Callable[[str, dict[str, Any]], Any] = data.precompute, pages: Pages = PAGES,
                 quiet_s: float = QUIET_S):
        self._compute = compute
        self._pages, self._quiet_s = pages, quiet_s
        self._jobs: queue.Queue[tuple[int, Job]] = queue.Queue()
        self._seen: set[tuple[int, Job]] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self.done = 0

    def put(self, jobs: Iterable[Job], ver: int) -> int:
        """Queue the jobs not queued before for data version `ver`; returns how many were new."""
        new = 0
        with self._lock:
            for job in jobs:
                if (ver, job) not in self._seen:
                    self._seen.add((ver, job))
                    self._jobs.put((ver, job))
                    new += 1
            if new and (self._thread is None or not self._thread.is_alive()):
                self._thread = threading.Thread(target=self._work, name="dashboard-warm", daemon=True)
                self._thread.start()
        return new

    def _work(self) -> None:
        while True:
            try:
                ver, (name, items) = self._jobs.get(timeout=60)
            except queue.Empty:
                return  # idle: the next put() starts a new thread
            while (quiet := self._pages.quiet_for()) < self._quiet_s:
                time.sleep(self._quiet_s - quiet if quiet else 0.1)
            try:
                if ver == data.version():  # a job of an older version would compute what nobody reads
                    self._compute(name, dict(items))
                    self.done += 1
            except Exception:
                log.warning("warm-up of %s %s failed", name, items, exc_info=True)
            finally:
                self._jobs.task_done()

    def wait(self) -> None:
        """Block until every queued job is done (tests)."""
        self._jobs.join()


_WARMER: Warmer | None = None


def first_page() -> None:
    """Compute what the first page asks for, now (`serve.py`, before the server answers: a page opened as soon as
    the server answers finds it ready, and the warm-up thread never competes with it)."""
    ver = data.version()
    if ver < 0:
        return
    for name, items in default_view(filters.default_year(), filters.today())[:FIRST_PAGE]:
        try:
            data.precompute(name, dict(items))
        except Exception:
            log.warning("warm-up of %s %s failed", name, items, exc_info=True)


def start() -> Warmer:
    """Turn the background warm-up on (once per process). It is handed its first jobs by `follow()` after the first
    page: until then the browser is still fetching the app's scripts from this process, and a thread computing
    the ranking beside it made that first page a second slower at region scale."""
    global _WARMER
    if _WARMER is None:
        _WARMER = Warmer()
    return _WARMER


def neighbours(asked: Iterable[Job], year: int, years: Iterable[int]) -> list[Job]:
    """What a page showing `year` asked for, as it will ask when the year before or after (those in `years`) is
    chosen: the jobs of `asked` that named `year` or the year before it (a page compares with last year: the ranking
    asks for `year − 1` too), each moved by the same step."""
    have = set(years)
    out = []
    for step in (-1, +1):
        if year + step not in have:
            continue
        for name, items in asked:
            kw = dict(items)
            if kw.get("year") in (year, year - 1):
                out.append((name, _items(**{**kw, "year": kw["year"] + step})))
    return list(dict.fromkeys(out))


def follow() -> None:
    """After a page run: queue what it asked for, for the years next to the one shown (only once `start()` has
    run; never raises: it runs after every page, also after one that failed)."""
    if _WARMER is None:
        return
    try:
        ver = data.version()
        if ver < 0:
            return
        _WARMER.put(default_view(filters.default_year(), filters.today()), ver)  # after an upload: the new version's
        _WARMER.put(neighbours(data.asked(), filters.current_year(), filters.year_options()), ver)
    except Exception:
        log.warning("warm-up could not follow the page", exc_info=True)
