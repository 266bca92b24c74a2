"""How fast is loading + validating a big results workbook, against a plain pandas read of the same file?

Generates (at run time, in a temp folder) a 100,000-row exam-results workbook in
the canonical results template (openpyxl write-only), then times in the same
process: `loaders.load_files([path])` (read, detect, parse, match schools,
validate) and `pandas.read_excel(path, engine="calamine")`. Prints both times
and their ratio. Goal: ratio ≤ 1.5. Then the same for a generated regional form (two header rows, one
merged group per subject, blank groups, a total row), read without a registry (schools proposed).

    .venv/bin/python bench/bench_loaders.py [--rows 100000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from loaders.model import TABLES  # noqa: E402
from loaders.pipeline import load_files  # noqa: E402

SUBJECTS = ["Русский язык", "Математика", "Физика", "Химия", "Биология", "История", "Обществознание",
            "География", "Информатика", "Литература", "Английский язык", "Немецкий язык", "Французский язык",
            "Математика (профильная)", "Математика (базовая)"]
GOAL = 1.5


def combos():
    """(exam, subject, grade) combinations: ЕГЭ and ОГЭ by subject, ВПР by subject and grade 4–8."""
    out = [("ЕГЭ", s, 11) for s in SUBJECTS] + [("ОГЭ", s, 9) for s in SUBJECTS]
    out += [("ВПР", s, g) for g in range(4, 9) for s in SUBJECTS[:14]]
    return out


def registry(n_schools: int = 200) -> pd.DataFrame:
    return pd.DataFrame({"school_id": [f"s{i:03d}" for i in range(n_schools)],
                         "name": [f"МБОУ «Школа № {i}»" for i in range(n_schools)]})


def write_workbook(path: Path, rows: int, schools: pd.DataFrame, seed: int = 7) -> None:
    rnd = random.Random(seed)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Результаты оценочных процедур")
    ws.append([c.header for c in TABLES["results"]])
    written = 0
    cs = combos()
    for year in range(2015, 2031):
        for exam, subject, grade in cs:
            for sid in schools["school_id"]:
                if written >= rows:
                    break
                n = rnd.randint(3, 120)
                if exam == "ЕГЭ":
                    mean, below, high = round(rnd.uniform(40, 80), 1), rnd.randint(0, n // 10), rnd.randint(0, n // 5)
                    marks = [None] * 4
                    vpr = [None] * 3
                else:
                    m2 = rnd.randint(0, n // 10)
                    m5 = rnd.randint(0, n // 4)
                    m4 = rnd.randint(0, (n - m2 - m5) // 2)
                    m3 = n - m2 - m4 - m5
                    marks = [m2, m3, m4, m5]
                    mean = round((2 * m2 + 3 * m3 + 4 * m4 + 5 * m5) / n, 2)
                    below, high = m2, None
                    vpr = [rnd.randint(0, n // 5), None, rnd.randint(0, n // 5)] if exam == "ВПР" else [None] * 3
                    if exam == "ВПР":
                        vpr[1] = n - vpr[0] - vpr[2]
                # a third of the means written as Russian text with a decimal comma, as exports do
                mean_cell = str(mean).replace(".", ",") if written % 3 == 0 else mean
                ws.append([year, exam, subject, grade, sid, n, mean_cell, below, high, *marks, *vpr])
                written += 1
    wb.save(path)


REGIONAL_SUBJECTS = SUBJECTS[:12]
MEASURES = ["приняло участие", "не преодолен min порог", "высокобалльники (80-99 баллов)", "получили 100 баллов",
            "средний балл"]


def write_regional(path: Path, n_schools: int, seed: int = 11) -> None:
    """A regional ЕГЭ form as regions send it: title lines, municipality and school, then one merged group per
    subject over five measures, blank groups for subjects not sat, the region total last."""
    rnd = random.Random(seed)
    wb = Workbook()
    ws = wb.active
    ws.append(["Информация о результатах ЕГЭ выпускников школ в 2025 году"])
    ws.append([])
    ws.append(["Муниципальное образование", "Образовательная организация (школа)"]
              + [x for s in REGIONAL_SUBJECTS for x in (s, "", "", "", "")])
    ws.append(["", ""] + MEASURES * len(REGIONAL_SUBJECTS))
    for k, _ in enumerate(REGIONAL_SUBJECTS):
        ws.merge_cells(start_row=3, start_column=3 + 5 * k, end_row=3, end_column=7 + 5 * k)
    totals = [0] * (5 * len(REGIONAL_SUBJECTS))
    for i in range(n_schools):
        row: list = [f"Район {i % 30}", f"МБОУ «СОШ № {i + 1}»"]
        for k, _ in enumerate(REGIONAL_SUBJECTS):
            if rnd.random() < 0.2:
                row += [None] * 5  # not sat
                continue
            n = rnd.randint(1, 60)
            cells = [n, rnd.randint(0, n // 10), rnd.randint(0, n // 5), None, round(rnd.uniform(40, 80), 2)]
            for m in (0, 1, 2):
                totals[5 * k + m] += cells[m]
            row += cells
        ws.append(row)
    ws.append(["Итого по краю", ""] + [t if (j % 5) in (0, 1, 2) else None for j, t in enumerate(totals)])
    wb.save(path)


def timed(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=4)
    ap.add_argument("--schools", type=int, default=3000, help="schools in the generated regional form")
    args = ap.parse_args()
    # The generated workbook is kept in the system temp folder between runs (writing 100k rows takes a while).
    path = Path(tempfile.gettempdir()) / f"bench_loaders_results_{args.rows}_v1.xlsx"
    schools = registry()
    t0 = time.perf_counter()
    if not path.exists():
        tmp = path.with_suffix(".part.xlsx")
        write_workbook(tmp, args.rows, schools)
        tmp.replace(path)
    print(f"workbook: {args.rows} rows, {path.stat().st_size / 1e6:.1f} MB, ready in {time.perf_counter() - t0:.1f} s")

    result = load_files([path], registry=schools)
    assert result.ok, [p.text() for p in result.problems[:5]]
    assert len(result.tables["results"]) == args.rows, len(result.tables["results"])

    # Interleaved runs, best of each: a shared machine's load then hits both sides alike.
    t_pandas = t_loader = float("inf")
    for _ in range(args.repeat):
        t_pandas = min(t_pandas, timed(lambda: pd.read_excel(path, engine="calamine"), 1))
        t_loader = min(t_loader, timed(lambda: load_files([path], registry=schools), 1))
    ratio = t_loader / t_pandas
    print(f"pandas.read_excel(engine='calamine'): {t_pandas:.2f} s")
    print(f"loaders.load_files (load + validate):  {t_loader:.2f} s")
    print(f"ratio: {ratio:.2f} (goal ≤ {GOAL}) — {'met' if ratio <= GOAL else 'NOT met'}")

    # A regional form: two header rows, groups unfolded to school × subject, blank groups, the total checked.
    regional = Path(tempfile.gettempdir()) / f"bench_loaders_regional_{args.schools}_v1.xlsx"
    if not regional.exists():
        write_regional(regional.with_suffix(".part.xlsx"), args.schools)
        regional.with_suffix(".part.xlsx").replace(regional)
    check = load_files([regional])
    assert check.ok and not [w for w in check.warnings if "не сходятся" in w.message], [
        p.text() for p in check.problems[:5]]
    r_pandas = r_loader = float("inf")
    for _ in range(args.repeat):
        r_pandas = min(r_pandas, timed(lambda: pd.read_excel(regional, engine="calamine"), 1))
        r_loader = min(r_loader, timed(lambda: load_files([regional]), 1))
    r_ratio = r_loader / r_pandas
    print(f"regional form, {args.schools} schools × {len(REGIONAL_SUBJECTS)} subjects "
          f"({len(check.tables['results'])} result rows): pandas {r_pandas:.2f} s, loaders {r_loader:.2f} s, "
          f"ratio {r_ratio:.2f} (for information: every row in becomes ~10 rows out, and a small sheet pays the "
          f"fixed cost of recognising its layout)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
