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


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall time and median CPU time of this process (the CPU figure is steadier on a busy machine)."""
    walls, cpus, out = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), out


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

        t_read, c_read, frame = timed(lambda: pd.read_excel(path, engine="calamine"), args.repeat)
        assert len(frame) == args.rows

        def load():
            if have_loaders:
                lr = load_files([path])
                assert lr.ok, [p.text() for p in lr.errors[:3]]
                return lr
            raise SystemExit("loaders.load_files is not available")

        counter = iter(range(10_000))
        steps: dict[str, list[tuple[float, float]]] = {"load+validate": [], "diff": [], "accept": []}
        total: list[tuple[float, float]] = []
        for _ in range(args.repeat):
            store = Store(tmp / f"store_{next(counter)}.sqlite")
            marks = [(time.perf_counter(), time.process_time())]
            lr = load()
            marks.append((time.perf_counter(), time.process_time()))
            d = store.diff(lr)
            marks.append((time.perf_counter(), time.process_time()))
            store.accept(lr, path.name, data, user="bench")
            marks.append((time.perf_counter(), time.process_time()))
            for (name, a, b) in zip(steps, marks, marks[1:]):
                steps[name].append((b[0] - a[0], b[1] - a[1]))
            total.append((marks[-1][0] - marks[0][0], marks[-1][1] - marks[0][1]))
            assert len(d.tables["results"].added) == args.rows
        assert len(store.read("results")) == args.rows

        # Re-accepting the same file into a store that already holds it (everything unchanged).
        t_again, c_again, _ = timed(lambda: (store.diff(lr), store.accept(lr, path.name, data, user="bench")), 1)

    med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
    print(f"loaders: {'loaders.load_files' if have_loaders else 'NOT AVAILABLE'}")
    print(f"{'':>34} {'wall, s':>8} {'cpu, s':>8}")
    print(f"{'pandas.read_excel(engine=calamine)':>34} {t_read:8.3f} {c_read:8.3f}")
    for k, v in steps.items():
        print(f"{k:>34} {med(v, 0):8.3f} {med(v, 1):8.3f}")
    print(f"{'load+validate+diff+accept':>34} {med(total, 0):8.3f} {med(total, 1):8.3f}")
    print(f"{'diff+accept again (all unchanged)':>34} {t_again:8.3f} {c_again:8.3f}")
    for label, i, base in (("wall", 0, t_read), ("cpu", 1, c_read)):
        ratio = med(total, i) / base
        store_part = (med(steps["diff"], i) + med(steps["accept"], i)) / base
        print(f"ratio ({label}) = {ratio:.2f} (goal ≤ 2.0) {'OK' if ratio <= 2.0 else 'OVER GOAL'}; "
              f"of which diff+accept = {store_part:.2f}")


if __name__ == "__main__":
    main()
