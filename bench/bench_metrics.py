"""How fast are all the metrics on a region-scale data set?

Generates the region (`bench/region.py`: 1,500 schools, 6 years, ~420,000 result
rows), then runs every public metric of `metrics/` and prints its time and its
ratio to a plain pandas reference run in the same process:
`results.groupby(["year", "exam", "subject"])["mean"].mean()`.

The metrics share one prepared per-row table (`metrics.measures.prepare`, memoised
per input table): it is timed on its own, cold, and each metric is then timed with
it warm (the memoised social index / context tables of `metrics.social` are cleared
before every run, so each line pays for its own); TOTAL = prepare + every metric. A second figure runs the whole sequence
once from a cold cache (what a fresh page load costs). Goal: all metrics together
under 2 s, at region scale and at 5,000 schools (`--schools 5000`). On a busy machine read the ratios (× ref) and the CPU seconds: both are
steadier than wall time. A metric that is not written yet (or fails) is skipped
with a printed note. Not a timed test: it only prints.

    python bench/bench_metrics.py [--repeat 3] [--schools 5000] [--profile out.prof]
"""
from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.region import make_region  # noqa: E402

GOAL_S = 2.0


def best_time(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None) -> tuple[float, Any]:
    """Best wall time of `repeat` runs (each after `before()`, untimed) and the last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def cpu_time(fn: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None) -> float:
    """Best process CPU time of `repeat` runs (less sensitive to other load than wall time)."""
    best = float("inf")
    for _ in range(repeat):
        if before is not None:
            before()
        t0 = time.process_time()
        fn()
        best = min(best, time.process_time() - t0)
    return best


def lookup(module: str, name: str) -> Callable[..., Any] | None:
    try:
        return getattr(importlib.import_module(f"metrics.{module}"), name, None)
    except ImportError:
        return None


def metric_calls(t: dict[str, Any], year: int, on_date: str) -> list[tuple[str, str, str, Callable[..., Any]]]:
    """(label, module, function, call) for every public metric; `call(fn, done)` gets earlier outputs in `done`."""
    res, sch, ind, val, ev = t["results"], t["schools"], t["indicators"], t["values"], t["events"]
    return [
        # --- M1
        ("plan_vs_fact (all years)", "plan_fact", "plan_vs_fact", lambda f, d: f(ind, val)),
        ("forecast_to_target", "forecast", "forecast_to_target", lambda f, d: f(ind, val)),
        ("glide_path", "forecast", "glide_path", lambda f, d: f(ind, val)),
        ("roadmap_progress", "roadmap", "roadmap_progress", lambda f, d: f(ev, on_date)),
        ("roadmap_summary (section)", "roadmap", "roadmap_summary", lambda f, d: f(d["roadmap_progress"], "section")),
        ("roadmap_summary (responsible)", "roadmap", "roadmap_summary",
         lambda f, d: f(d["roadmap_progress"], "responsible")),
        ("events_due", "roadmap", "events_due", lambda f, d: f(d["roadmap_progress"], on_date, 30)),
        ("results_measure (ЕГЭ рус.)", "measures", "results_measure", lambda f, d: f(res, "ЕГЭ", "Русский язык")),
        ("level_change_grid", "level_change", "level_change_grid",
         lambda f, d: f(d["results_measure (ЕГЭ рус.)"], year)),
        ("key_figures", "key_figures", "key_figures", lambda f, d: f(res, val, ind, ev, year, on_date)),
        # --- M2
        ("intervals", "uncertainty", "intervals", lambda f, d: f(res, year)),
        ("funnel (ЕГЭ рус.)", "uncertainty", "funnel", lambda f, d: f(res, "ЕГЭ", "Русский язык", year)),
        ("rank_schools (composite)", "ranking", "rank_schools",
         lambda f, d: f(res, year, "composite", values=val, indicators=ind)),
        ("rank_schools (ЕГЭ рус.)", "ranking", "rank_schools",
         lambda f, d: f(res, year, "exam", exam="ЕГЭ", subject="Русский язык")),
        ("rank_schools (indicator)", "ranking", "rank_schools",
         lambda f, d: f(res, year, "indicator", indicator_id="I01", values=val, indicators=ind)),
        ("social_index", "social", "social_index", lambda f, d: f(sch, year)),
        ("context_adjusted", "social", "context_adjusted", lambda f, d: f(res, sch, year)),
        ("risk_flags", "risk", "risk_flags", lambda f, d: f(res, sch, year, values=val, indicators=ind)),
        ("risk_summary", "risk", "risk_summary", lambda f, d: f(d["risk_flags"])),
        ("objectivity_flags", "objectivity", "objectivity_flags", lambda f, d: f(res, year)),
        ("objectivity_summary", "objectivity", "objectivity_summary", lambda f, d: f(d["objectivity_flags"], year)),
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs per metric; the best time is kept")
    ap.add_argument("--seed", type=int, default=20240901)
    ap.add_argument("--schools", type=int, default=1500, help="schools in the region (5000 ≈ 1.4 million result rows)")
    ap.add_argument("--profile", metavar="FILE", help="also write a cProfile of one cold pass to FILE")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    t = make_region(seed=args.seed, n_schools=args.schools)
    gen = time.perf_counter() - t0
    res = t["results"]
    year = int(res["year"].max())
    on_date = f"{year}-05-15"
    print(f"Region: {len(res):,} result rows, {t['schools']['school_id'].nunique():,} schools, "
          f"{len(t['values']):,} indicator values, {len(t['events']):,} events (generated in {gen:.1f} s)")

    ref, _ = best_time(lambda: res.groupby(["year", "exam", "subject"])["mean"].mean(), args.repeat)
    print(f"Reference: results.groupby(['year','exam','subject'])['mean'].mean() = {ref * 1000:.1f} ms\n")
    print(f"{'metric':<34}{'ms':>9}{'× ref':>9}  rows")

    from metrics import measures
    clear = getattr(measures, "clear_cache", None) or (lambda: None)
    social = importlib.import_module("metrics.social")
    clear_shared = getattr(social, "clear_cache", None) or (lambda: None)
    prep_s, _ = best_time(lambda: measures.prepare(res), args.repeat, before=clear)
    measures.prepare(res)  # warm for the per-metric lines
    print(f"{'prepare (shared, memoised)':<34}{prep_s * 1000:>9.1f}{prep_s / ref:>9.1f}  {len(res):,}")

    calls = metric_calls(t, year, on_date)
    done: dict[str, Any] = {}
    total, skipped, ran = prep_s, [], []
    for label, module, name, call in calls:
        fn = lookup(module, name)
        if fn is None:
            skipped.append(f"{label}: metrics.{module}.{name} is not present yet")
            continue
        try:  # each metric computes its own social / context tables (their memo is cleared; prepare stays warm)
            secs, out = best_time(lambda: call(fn, done), args.repeat, before=clear_shared)
        except KeyError as exc:
            skipped.append(f"{label}: needs an earlier metric that was skipped ({exc})")
            continue
        except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
            skipped.append(f"{label}: failed — {type(exc).__name__}: {exc}")
            continue
        done[label] = out
        ran.append((label, fn, call))
        total += secs
        rows = len(out[0]) if isinstance(out, tuple) else len(out)
        print(f"{label:<34}{secs * 1000:>9.1f}{secs / ref:>9.1f}  {rows:,}")

    def one_pass():
        seq: dict[str, Any] = {}
        for label, fn, call in ran:
            seq[label] = call(fn, seq)

    cold, _ = best_time(one_pass, args.repeat, before=clear)
    if args.profile:
        import cProfile

        clear()
        cProfile.runctx("one_pass()", globals(), {"one_pass": one_pass}, args.profile)
    cold_cpu = cpu_time(one_pass, args.repeat, before=clear)
    print(f"\n{'TOTAL (prepare + every metric)':<34}{total * 1000:>9.1f}{total / ref:>9.1f}")
    print(f"{'one pass from a cold cache':<34}{cold * 1000:>9.1f}{cold / ref:>9.1f}   CPU {cold_cpu:.2f} s")
    worst = max(total, cold)
    print(f"goal: all metrics together < {GOAL_S:.1f} s — {'met' if worst < GOAL_S else 'NOT met'} "
          f"({worst:.2f} s wall; {cold_cpu:.2f} s CPU; {worst / ref:.0f}× the reference groupby)")
    for note in skipped:
        print(f"skipped — {note}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
