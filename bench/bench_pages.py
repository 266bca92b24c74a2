"""How fast do the pages render, cold and on a rerun after a filter change?

Measures with `streamlit.testing.v1.AppTest`, in one process:
- a plain baseline: an AppTest render of a one-line script (the fixed cost of a run);
- for each of the eight pages: the cold first render (all Streamlit caches cleared,
  store opened and read afresh, every metric computed) and the rerun after the
  year filter changes (a new year: metrics for that year computed) and back
  (everything from the cache);
on the sample district (a store seeded from `sample_data/`) and on the
region-scale set of `bench/region.py` (1,500 schools, ≈420,000 result rows)
written into a temporary store. Prints seconds and the ratio to the baseline.
Goals on the sample district: ≤ 1,5 s cold, ≤ 0,2 s per rerun.

    python bench/bench_pages.py              # sample district and region
    python bench/bench_pages.py --sample     # sample district only
    python bench/bench_pages.py --store S.sqlite --region-store R.sqlite   # ready stores, no seeding
"""
from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
logging.getLogger("streamlit").setLevel(logging.ERROR)

import streamlit as st  # noqa: E402
from streamlit.runtime.pages_manager import PagesManager  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402
from streamlit.testing.v1 import app_test as _app_test  # noqa: E402

PAGES = ["pages/overview.py", "pages/indicators.py", "pages/events.py", "pages/data.py",
         "pages/ranking.py", "pages/school.py", "pages/risk.py", "pages/objectivity.py"]
COLD_GOAL, RERUN_GOAL = 1.5, 0.2


class _NavigationPagesManager(PagesManager):
    """As in tests/pages/conftest.py: keep st.navigation mode across AppTest reruns (a real server does)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


_app_test.PagesManager = _NavigationPagesManager


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def baseline(n: int = 5) -> tuple[float, float]:
    """(first render, rerun) of a one-line script: AppTest's own fixed cost, measured the same way."""
    first, rerun = [], []
    for _ in range(n):
        at = AppTest.from_string("import streamlit as st\nst.write('x')")
        t = time.perf_counter()
        at.run()
        first.append(time.perf_counter() - t)
        t = time.perf_counter()
        at.run()
        rerun.append(time.perf_counter() - t)
    return statistics.median(first), statistics.median(rerun)


def timed_run(at: AppTest) -> float:
    t = time.perf_counter()
    at.run()
    elapsed = time.perf_counter() - t
    if at.exception:
        raise RuntimeError(f"exception on the page: {at.exception[0].value}")
    return elapsed


def bench_page(page: str, years: tuple[int, int], repeats: int = 3) -> tuple[float, float, float]:
    """(cold, rerun with a new year, rerun back to a cached year) in seconds.

    Cold: best of two first renders with every cache cleared. New year: the first rerun after the
    year changes (that year's metrics computed). Cached: median of `repeats` reruns that switch
    between the two years once both are cached (the machine is shared: medians, not single runs)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.query_params["year"] = str(years[0])
    at.run()  # the session starts on the default page
    at.switch_page(page)
    colds = []
    for _ in range(2):
        clear_caches()
        colds.append(timed_run(at))
    at.selectbox(key="w_year").select(years[1])
    new_year = timed_run(at)
    cached = []
    for i in range(repeats):
        at.selectbox(key="w_year").select(years[i % 2])
        cached.append(timed_run(at))
    return min(colds), new_year, statistics.median(cached)


def report(title: str, years: tuple[int, int], goals: bool) -> None:
    base_first, base_rerun = baseline()
    print(f"\n{title}")
    print(f"baseline, one-line script: first render {base_first:.3f} s, rerun {base_rerun:.3f} s "
          "(cold pages are compared with the first render, reruns with the rerun)")
    print(f"{'page':<26}{'cold, s':>9}{'×base':>8}{'new year, s':>13}{'×base':>8}{'cached, s':>11}{'×base':>8}")
    worst = [0.0, 0.0]
    for page in PAGES:
        try:
            cold, new_year, cached = bench_page(page, years)
        except Exception as exc:  # a page still in progress must not stop the benchmark
            print(f"{page:<26} failed: {exc}")
            continue
        worst = [max(worst[0], cold), max(worst[1], cached)]
        print(f"{page:<26}{cold:>9.3f}{cold / base_first:>8.1f}{new_year:>13.3f}{new_year / base_rerun:>8.1f}"
              f"{cached:>11.3f}{cached / base_rerun:>8.1f}")
    if goals:
        print(f"worst cold {worst[0]:.3f} s (goal ≤ {COLD_GOAL} s: {'ok' if worst[0] <= COLD_GOAL else 'MISSED'}); "
              f"worst cached rerun {worst[1]:.3f} s (goal ≤ {RERUN_GOAL} s: "
              f"{'ok' if worst[1] <= RERUN_GOAL else 'MISSED'})")


def two_years(results) -> tuple[int, int]:
    """The latest results year and the one before (the filter change measured)."""
    years = sorted({int(y) for y in results["year"].dropna()}) if len(results) else []
    if len(years) >= 2:
        return years[-1], years[-2]
    this = int(os.environ.get("DASHBOARD_TODAY", "2026-11-22")[:4])
    return (years[-1], years[-1]) if years else (this, this)


def use_store(path: Path, empty: Path) -> None:
    os.environ["DASHBOARD_STORE"] = str(path)
    os.environ["DASHBOARD_SEED_FOLDER"] = str(empty)
    os.environ.setdefault("DASHBOARD_TODAY", "2026-11-22")


def main() -> None:
    from store import open_store

    tmp = Path(tempfile.mkdtemp(prefix="bench_pages_"))
    empty = tmp / "empty"
    empty.mkdir()

    if "--store" in sys.argv:  # a ready seeded store file instead of seeding sample_data/
        sample = Path(sys.argv[sys.argv.index("--store") + 1])
        store = open_store(path=sample, seed_folder=empty)
        print(f"store {sample}")
    else:
        sample = tmp / "sample.sqlite"
        t = time.perf_counter()
        store = open_store(path=sample, seed_folder=ROOT / "sample_data")
        errors = [p for p in store.seed_problems if p.severity == "error"]
        print(f"sample district seeded in {time.perf_counter() - t:.1f} s"
              + (f" — {len(errors)} seeding errors: nothing was stored, pages show the empty hints" if errors else ""))
    use_store(sample, empty)
    report("Sample district (sample_data/)", two_years(store.read("results")), goals=True)

    if "--sample" in sys.argv:
        return
    if "--region-store" in sys.argv:  # a region store written by an earlier run
        use_store(Path(sys.argv[sys.argv.index("--region-store") + 1]), empty)
        sys.path.insert(0, str(ROOT / "bench"))
        from region import make_region

        report("Region scale (bench/region.py)", two_years(make_region()["results"]), goals=False)
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from region import make_region

    from loaders.report import LoadResult

    t = time.perf_counter()
    tables = make_region()
    region = tmp / "region.sqlite"
    rstore = open_store(path=region, seed_folder=empty)
    rstore.accept(LoadResult(tables=tables), "region.xlsx", b"region", user="bench", source="upload")
    print(f"\nregion set ({len(tables['results']):,} result rows) written in {time.perf_counter() - t:.1f} s")
    use_store(region, empty)
    report("Region scale (bench/region.py)", two_years(tables["results"]), goals=False)


if __name__ == "__main__":
    main()
