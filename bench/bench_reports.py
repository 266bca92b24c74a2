"""How long does each document take on the sample district, and on the region?

Times, for the sample district (18 schools) and the generated region
(`bench/region.py`, 1,500 schools): gathering the content (`reports.content`,
which runs the metrics each document needs) and rendering it (PDF with fitting,
Word), for the meeting brief, one school's handout and the programme report.
The plain reference run in the same process is `metrics.plan_vs_fact` for the
year plus `metrics.risk_flags` for the year — the two metrics every document
starts from — so each line is also printed as a ratio (× ref). Goal: a document
in under 3 s on the sample district (a person waits for the download). Not a
timed test: it only prints.

    python bench/bench_reports.py [--repeat 3] [--region]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_S = 3.0
TODAY = date(2026, 11, 22)


def best(fn: Callable[[], Any], repeat: int) -> float:
    t = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - start)
    return t


def run(tables: dict, school: str, year: int, repeat: int, label: str) -> None:
    import metrics
    from metrics.periods import parse_period
    from reports import brief, handout, programme, word
    from reports.content import Inputs, brief_content, handout_content, programme_content

    inp = Inputs(tables=tables, today=TODAY)
    ref = best(lambda: (metrics.plan_vs_fact(tables["indicators"], tables["values"], year=year),
                        metrics.risk_flags(tables["results"], tables["schools"], year=year)), repeat)
    period = parse_period(f"{year}-H1")
    steps = {
        "brief: content": lambda: brief_content(inp, year),
        "brief: PDF (fitted to 1 page)": lambda: brief.make(brief_content(inp, year)),
        "handout: content": lambda: handout_content(inp, school, year),
        "handout: PDF (fitted to 2 pages)": lambda: handout.make(handout_content(inp, school, year)),
        "programme: content": lambda: programme_content(inp, period),
        "programme: PDF": lambda: programme.pdf_bytes(programme_content(inp, period)),
        "programme: Word": lambda: word.render(programme.build(programme_content(inp, period))),
    }
    print(f"\n{label}: reference (plan_vs_fact + risk_flags) {ref * 1000:.0f} ms")
    for name, fn in steps.items():
        t = best(fn, repeat)
        mark = "" if t <= GOAL_S else "  over the goal"
        print(f"  {name:<36} {t * 1000:8.0f} ms  {t / ref:6.1f} × ref{mark}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--region", action="store_true", help="also on the 1,500-school region (slow)")
    args = p.parse_args()
    from store import open_store

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(__file__).resolve().parent.parent
        tables = open_store(path=Path(tmp) / "s.sqlite", seed_folder=root / "sample_data").read_all()
    run(tables, "kedr", 2026, args.repeat, "sample district (18 schools)")
    if args.region:
        from bench.region import make_region

        region = make_region()
        school = str(region["schools"]["school_id"].iloc[0])
        year = int(region["results"]["year"].max())
        run(region, school, year, 1, "region (1,500 schools)")


if __name__ == "__main__":
    main()
