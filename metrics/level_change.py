"""Where does each school sit on the 5×5 grid of current level against change since last year?

`level_change_grid` places every school by its level this year (which fifth of the district's
schools it is in: 1–5, 5 = best) and by its change from the previous year (change band 1–5,
declined strongly … improved strongly), so a school can read as «низкий уровень, улучшение» or
«высокий уровень, ухудшение».

A change is judged against its own standard error, not against the spread between schools:
se_change = √(se_this² + se_last²) from each year's sampling error (column `se` of the input).
The one rule of `metrics.uncertainty` applies: the changes of the grid's schools are one family,
kept by Benjamini–Hochberg at `significance.fdr`; a change that does not survive it is «без
существенных изменений»; a surviving one is «улучшение» / «ухудшение», and «значительное» when
even its 95 % interval's near end is at least `level_change.strong_sd` (0,5) times the spread
between schools away from 0. Without a standard error the change is not judged; a school with
fewer than `ranking.min_participants` participants in either year is not placed (no colour).

The input is any per-school table (school_id, year, value, and se, participants when known): one
exam × subject's school means, a ranking's values with their bootstrap error, one indicator's facts.
Each row carries an `explanation` (`metrics.explain.Explanation`).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, many, q
from metrics.settings import get
from metrics.stats import Z95, bh_significant, two_sided_p

LEVEL_LABELS = {1: "очень низкий уровень", 2: "низкий уровень", 3: "средний уровень", 4: "высокий уровень",
                5: "очень высокий уровень"}
LEVEL_WORDS = {1: "среди пятой части школ района с самыми низкими результатами",
               2: "ниже середины района", 3: "в середине района", 4: "выше середины района",
               5: "среди пятой части школ района с самыми высокими результатами"}
CHANGE_LABELS = {1: "значительное ухудшение", 2: "ухудшение", 3: "без существенных изменений", 4: "улучшение",
                 5: "значительное улучшение"}
NO_PREV = "нет данных за прошлый год"
NO_SE = "изменение не оценивается: неизвестна погрешность"
SMALL = "мало участников — не оценивается"
EPS = 1e-9


def quintile_level(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Which fifth of the district 1–5 (5 = best) each value is in; ties share a level; NaN stays <NA>.

    Level = floor((r − 0,5) / n · 5) + 1, with r the average rank in the good direction and n
    the number of schools with a value: with 5 schools each gets its own level, with 10 two per level.
    """
    r = values.rank(method="average", ascending=higher_is_better)
    n = values.notna().sum()
    level = np.floor((r - 0.5) / max(n, 1) * 5) + 1
    return level.clip(1, 5).astype("Int64")


def level_change_grid(table: pd.DataFrame, year: int, value_col: str = "value", higher_is_better: bool = True,
                      settings: dict[str, Any] | None = None, unit: str = "") -> pd.DataFrame:
    """Level × change grid of the schools in `table` for `year` (change from year − 1).

    `table` has school_id, year, `value_col`, optionally se (sampling error of the value) and participants (one row
    per school × year). Returns one row per school with a value in `year`: school_id, value, prev_value, change,
    se, prev_se, change_se, level (1–5 among the schools placed, 5 = best; <NA> for a small group), change_band
    (1–5 in the good direction; <NA> without last year, without a standard error or for a small group), p
    (two-sided p-value of the change), significant (after Benjamini–Hochberg over the grid), level_label,
    change_label, cell_label («низкий уровень, улучшение»), sd (spread of the placed schools' values this year),
    change_sd (change in the good direction ÷ sd), n_schools, participants (when given), small_n, explanation.
    `unit` is the explanation's unit code for the values ("score", "mark", "%", "index"…).
    """
    strong = float(get(settings, "level_change.strong_sd", 0.5))
    fdr = float(get(settings, "significance.fdr", 0.05))
    min_n = float(get(settings, "ranking.min_participants", 10))
    t = table.copy()
    t["year"] = pd.to_numeric(t["year"], errors="coerce")
    t["_v"] = pd.to_numeric(t[value_col], errors="coerce").astype(float)
    t["_se"] = pd.to_numeric(t["se"], errors="coerce").astype(float) if "se" in t else np.nan
    t["_n"] = pd.to_numeric(t["participants"], errors="coerce").astype(float) if "participants" in t else np.nan
    t = t[t["school_id"].notna() & t["year"].notna()]
    cur = t[(t["year"] == int(year)) & t["_v"].notna()].drop_duplicates("school_id", keep="last")
    prev = t[(t["year"] == int(year) - 1) & t["_v"].notna()].drop_duplicates("school_id", keep="last")
    out = pd.DataFrame({"school_id": cur["school_id"].to_numpy(), "value": cur["_v"].to_numpy(),
                        "se": cur["_se"].to_numpy()})
    has_n = "participants" in table.columns
    if has_n:
        out["participants"] = cur["_n"].to_numpy()
    out = out.merge(prev[["school_id", "_v", "_se", "_n"]].rename(
        columns={"_v": "prev_value", "_se": "prev_se", "_n": "prev_participants"}), on="school_id", how="left")
    out["small_n"] = (out["participants"] < min_n).fillna(False).astype(bool) if has_n else False
    placed = ~out["small_n"].astype(bool)
    out["change"] = out["value"] - out["prev_value"]
    lv = quintile_level(out["value"].where(placed), higher_is_better)
    out["level"] = lv
    sd = float(out.loc[placed, "value"].std(ddof=1)) if placed.sum() >= 2 else np.nan
    out["sd"] = sd
    out["n_schools"] = int(placed.sum())
    good = out["change"] if higher_is_better else -out["change"]
    out["change_sd"] = (good / sd).astype(float) if np.isfinite(sd) and sd > 0 else np.nan
    out["change_se"] = np.sqrt(out["se"] ** 2 + out["prev_se"] ** 2)
    prev_small = (out["prev_participants"] < min_n).fillna(False) if has_n else False
    judged = placed & ~prev_small & out["change"].notna() & (out["change_se"] > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["p"] = np.where(judged, two_sided_p(good / out["change_se"]), np.nan)
    sig = bh_significant(out["p"].to_numpy(), np.zeros(len(out), dtype=np.int64), fdr)
    out["significant"] = sig
    near = (good.abs() - Z95 * out["change_se"]) / sd if np.isfinite(sd) and sd > 0 else pd.Series(np.nan, out.index)
    big = sig & (near >= strong - EPS)
    band = np.select([sig & big & (good > 0), sig & (good > 0), sig & big & (good < 0), sig & (good < 0)],
                     [5, 4, 1, 2], default=3)
    out["change_band"] = pd.Series(band, index=out.index).where(judged).astype("Int64")
    out["level_label"] = out["level"].map(LEVEL_LABELS).astype(object).where(placed, SMALL)
    change_label = out["change_band"].map(CHANGE_LABELS).astype(object)
    change_label = change_label.where(out["change_band"].notna(),
                                      np.where(~placed | prev_small, SMALL,
                                               np.where(out["prev_value"].isna(), NO_PREV, NO_SE)))
    out["change_label"] = change_label
    out["cell_label"] = np.where(placed, out["level_label"] + ", " + out["change_label"], SMALL)
    with many():
        out["explanation"] = [_explanation(r, int(year), higher_is_better, unit) for r in out.to_dict("records")]
    cols = ["school_id", "value", "prev_value", "change", "se", "prev_se", "change_se", "level", "change_band", "p",
            "significant", "level_label", "change_label", "cell_label", "sd", "change_sd", "n_schools"] + (
        ["participants"] if has_n else []) + ["small_n", "explanation"]
    key = out["level"].astype("Float64").fillna(0)
    return (out.assign(_k=key).sort_values(["_k", "value"], ascending=[False, not higher_is_better])
            .reset_index(drop=True)[cols])


def _explanation(r: dict, year: int, higher: bool, unit: str) -> Explanation:
    n = r.get("participants")
    se, cse = r["se"], r["change_se"]
    value = q(r["value"], unit, n, r["value"] - Z95 * se, r["value"] + Z95 * se)
    if r["small_n"]:
        return Explanation(Point("{0} в {1} году: " + SMALL, (value, str(year))))
    level = r["level"]
    head = Point("{0} в {1} году" + ("" if pd.isna(level) else " — " + LEVEL_WORDS[int(level)]), (value, str(year)))
    pts, caveats = [], []
    if not pd.isna(r["prev_value"]):
        ch = q(r["change"], unit, signed=True, low=r["change"] - Z95 * cse, high=r["change"] + Z95 * cse)
        pts.append(Point("в {0} году — {1}, изменение {2}: {3}",
                         (str(year - 1), q(r["prev_value"], unit), ch, r["change_label"])))
        if pd.isna(r["change_band"]) or r["change_band"] == 3:
            caveats.append(Point("Изменение меньше, чем результат школы колеблется от случайности (от состава учеников "
                                 "конкретного года)"))
    else:
        pts.append(Point(NO_PREV))
    if not higher:
        caveats.append(Point("Меньше — лучше"))
    return Explanation(head, tuple(pts), tuple(caveats), extra={"level": r["level"], "change_band": r["change_band"]})
