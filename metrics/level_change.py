"""Where does each school sit on the 5×5 grid of current level against change since last year?

`level_change_grid` places every school by its district quintile this year (level
1–5, 5 = best) and by its change from the previous year measured against the
district's spread (change band 1–5, declined strongly … improved strongly), so a
school can read as «низкий уровень, улучшение» or «высокий уровень, ухудшение».
The input is any per-school table (school_id, year, value): one exam × subject's
school means (`metrics.measures.results_measure`) or one indicator's school facts.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metrics.format import num, signed
from metrics.settings import get

LEVEL_LABELS = {1: "очень низкий уровень", 2: "низкий уровень", 3: "средний уровень", 4: "высокий уровень",
                5: "очень высокий уровень"}
CHANGE_LABELS = {1: "значительное ухудшение", 2: "ухудшение", 3: "без существенных изменений", 4: "улучшение",
                 5: "значительное улучшение"}
NO_PREV = "нет данных за прошлый год"
EPS = 1e-9


def quintile_level(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """District quintile 1–5 (5 = best) of each value; ties share a level; NaN stays <NA>.

    Level = floor((r − 0,5) / n · 5) + 1, with r the average rank in the good direction and n
    the number of schools with a value: with 5 schools each gets its own level, with 10 two per level.
    """
    r = values.rank(method="average", ascending=higher_is_better)
    n = values.notna().sum()
    level = np.floor((r - 0.5) / max(n, 1) * 5) + 1
    return level.clip(1, 5).astype("Int64")


def level_change_grid(table: pd.DataFrame, year: int, value_col: str = "value", higher_is_better: bool = True,
                      settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """Level × change grid of the schools in `table` for `year` (change from year − 1).

    `table` has school_id, year and `value_col` (one row per school × year; extra columns such
    as participants are carried along). Returns one row per school with a value in `year`:
    school_id, value, prev_value, change (value − prev_value), level (1–5, district quintiles
    of `year`, 5 = best), change_band (1–5 in the good direction; <NA> without a previous value),
    level_label, change_label, cell_label («низкий уровень, улучшение»), sd (district SD of
    the school values in `year`, the unit of the bands), change_sd (change in the good
    direction ÷ sd), n_schools, participants (when given), reason (Russian).

    Bands (settings `level_change.stable_sd` 0.15, `level_change.strong_sd` 0.5):
    |change_sd| ≤ stable → 3; stable < change_sd < strong → 4, ≥ strong → 5; symmetric below.
    """
    stable = float(get(settings, "level_change.stable_sd", 0.15))
    strong = float(get(settings, "level_change.strong_sd", 0.5))
    t = table.copy()
    t["year"] = pd.to_numeric(t["year"], errors="coerce")
    t["_v"] = pd.to_numeric(t[value_col], errors="coerce").astype(float)
    t = t[t["school_id"].notna() & t["year"].notna()]
    cur = t[(t["year"] == int(year)) & t["_v"].notna()].drop_duplicates("school_id", keep="last")
    prev = t[(t["year"] == int(year) - 1) & t["_v"].notna()].drop_duplicates("school_id", keep="last")
    out = pd.DataFrame({"school_id": cur["school_id"].to_numpy(), "value": cur["_v"].to_numpy()})
    if "participants" in cur.columns:
        out["participants"] = pd.to_numeric(cur["participants"], errors="coerce").to_numpy()
    out = out.merge(prev[["school_id", "_v"]].rename(columns={"_v": "prev_value"}), on="school_id", how="left")
    out["change"] = out["value"] - out["prev_value"]
    out["level"] = quintile_level(out["value"], higher_is_better)
    n = len(out)
    sd = float(out["value"].std(ddof=1)) if n >= 2 else np.nan
    out["sd"] = sd
    out["n_schools"] = n
    good = out["change"] if higher_is_better else -out["change"]
    if np.isfinite(sd) and sd > 0:
        ratio = good / sd
    elif np.isfinite(sd):  # all schools equal this year: any change is large against a zero spread
        ratio = pd.Series(np.where(good.abs() <= EPS, 0.0, np.sign(good) * np.inf), index=out.index).where(good.notna())
    else:  # a single school: no district spread to judge the change by
        ratio = pd.Series(np.nan, index=out.index)
    out["change_sd"] = ratio.astype(float)
    band = np.select([ratio >= strong - EPS, ratio > stable + EPS, ratio >= -stable - EPS, ratio > -strong + EPS],
                     [5, 4, 3, 2], default=1)
    out["change_band"] = pd.Series(band, index=out.index).where(ratio.notna()).astype("Int64")
    out["level_label"] = out["level"].map(LEVEL_LABELS).astype(object)
    out["change_label"] = out["change_band"].map(CHANGE_LABELS).astype(object).where(out["change_band"].notna(), NO_PREV)
    out["cell_label"] = out["level_label"] + ", " + out["change_label"]
    out["reason"] = _reason(out, int(year), higher_is_better)
    cols = ["school_id", "value", "prev_value", "change", "level", "change_band", "level_label", "change_label",
            "cell_label", "sd", "change_sd", "n_schools"] + (["participants"] if "participants" in out else []) + ["reason"]
    return out.sort_values(["level", "value"], ascending=[False, not higher_is_better]).reset_index(drop=True)[cols]


def _reason(out: pd.DataFrame, year: int, higher_is_better: bool) -> pd.Series:
    if out.empty:
        return pd.Series([], index=out.index, dtype=object)
    small = out["value"].abs().max() < 10 if len(out) else False
    d = 2 if small else 1
    v = out["value"].map(lambda x: num(x, d))
    p = out["prev_value"].map(lambda x: num(x, d))
    ch = out["change"].map(lambda x: signed(x, d))
    csd = out["change_sd"].map(lambda x: signed(x, 2) if np.isfinite(x) else "")
    direction = "" if higher_is_better else " (меньше — лучше)"
    head = ("Значение " + v + " в " + str(year) + " г.: " + out["level_label"] + " (" + out["level"].astype(str)
            + "-й из 5 квинтилей района" + direction + ")")
    with_prev = head + "; в " + str(year - 1) + " г. — " + p + ", изменение " + ch + " (" + csd + " SD) — " + out[
        "change_label"]
    return pd.Series(np.where(out["prev_value"].notna(), with_prev, head + "; " + NO_PREV), index=out.index,
                     dtype=object)
