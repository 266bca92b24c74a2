"""How long does accepting a 100,000-row results file take, against reading it with plain pandas?

Issue 6 goal: load + validate + diff + write of a 100,000-row results workbook
takes at most 2× `pandas.read_excel(engine="calamine")` of the same file.

The workbook is generated at run time (openpyxl write_only, canonical results
template headers) into a temp folder. Each step is run a few times in this same
process and the median is taken; every accept goes into a fresh temp store
(first load of a district). A second figure shows re-accepting the same file
into a store that already holds it (everything «unchanged»).

    .venv/bin/python bench/bench_upload.py [--rows 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from loaders.model import TABLES  # noqa: E402
from store import Store  # noqa: E402

SUBJECTS = ["Русский язык", "Математика (профильная)", "Математика (базовая)", "Физика", "Химия", "Биология",
            "История", "Обществознание", "Информатика", "География", "Литература", "Английский язык",
            "Немецкий язык", "Французский язык", "Испанский язык", "Китайский язык", "Математика", "Астрономия",
            "Экология", "Право"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    """A results workbook in the canonical template: years × subjects × schools, ЕГЭ, grade 11."""
    rng = np.random.default_rng(seed)
    years = [2022, 2023, 2024, 2025, 2026]
    schools = -(-rows // (len(years) * len(SUBJECTS)))
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Результаты ЕГЭ")
    header_cols = [c for c in TABLES["results"] if c.name in
                   ("year", "exam", "subject", "grade", "school_id", "participants", "mean", "below_min", "high_scorers")]
    ws.append([c.header for c in header_cols])
    participants = rng.integers(1, 120, rows)
    means = np.round(rng.uniform(30, 90, rows), 2)
    below = (participants * rng.uniform(0, 0.2, rows)).astype(int)
    high = (participants * rng.uniform(0, 0.3, rows)).astype(int)
    n = 0
    for y in years:
        for s in SUBJECTS:
            for k in range(schools):
                if n >= rows:
                    break
                ws.append([y, "ЕГЭ", s, 11, f"sch{k:04d}", int(participants[n]), float(means[n]), int(below[n]),
                           int(high[n])])
                n += 1
    wb.save(path)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    try:
        from loaders import load_files
        load_files.__call__  # noqa: B018
        have_loaders = True
    except ImportError:
        have_loaders = False

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "results_100k.xlsx"
        t = time.perf_counter()
        generate(path, args.rows)
        print(f"generated {args.rows:,} rows → {path.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t:.1f} s")
        data = path.read_bytes()

        t_read, frame = timed(lambda: pd.read_excel(path, engine="calamine"), args.repeat)
        assert len(frame) == args.rows

        def load():
            if have_loaders:
                lr = load_files([path])
                assert lr.ok, [p.text() for p in lr.errors[:3]]
                return lr
            raise SystemExit("loaders.load_files is not available")

        counter = iter(range(10_000))
        steps: dict[str, list[float]] = {"load+validate": [], "diff": [], "accept": []}
        total = []
        for _ in range(args.repeat):
            store = Store(tmp / f"store_{next(counter)}.sqlite")
            t0 = time.perf_counter()
            lr = load()
            t1 = time.perf_counter()
            d = store.diff(lr)
            t2 = time.perf_counter()
            store.accept(lr, path.name, data, user="bench")
            t3 = time.perf_counter()
            steps["load+validate"].append(t1 - t0)
            steps["diff"].append(t2 - t1)
            steps["accept"].append(t3 - t2)
            total.append(t3 - t0)
            assert len(d.tables["results"].added) == args.rows
        assert len(store.read("results")) == args.rows
        t_total = statistics.median(total)

        # Re-accepting the same file into a store that already holds it.
        t_again, _ = timed(lambda: (store.diff(lr), store.accept(lr, path.name, data, user="bench")), 1)

    print(f"pandas.read_excel(engine='calamine'): {t_read:.3f} s")
    for k, v in steps.items():
        print(f"  {k:>14}: {statistics.median(v):.3f} s")
    print(f"load+validate+diff+accept (fresh store): {t_total:.3f} s")
    ratio = t_total / t_read
    print(f"ratio = {ratio:.2f} (goal ≤ 2.0) {'OK' if ratio <= 2.0 else 'OVER GOAL'}")
    print(f"diff+accept of the same file again (all unchanged): {t_again:.3f} s "
          f"(ratio with load {(t_again + statistics.median(steps['load+validate'])) / t_read:.2f})")


if __name__ == "__main__":
    main()
