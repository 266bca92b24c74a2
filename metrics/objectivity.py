"""Are a school's ВПР results objective, or are there signs of inflated marks?

For every ВПР school × grade × subject × year («работа»), `objectivity_flags()` gives the
shares of pupils whose ВПР mark was lower than, equal to and higher than their journal mark
(«понизили / подтвердили / повысили» in ФИС ОКО) and tests the signs of biased results that
Рособнадзор / ФИОКО describe (settings `objectivity.*`). Each sign is a one-sided test, so a
threshold is never compared with a point estimate as if a share of 20 pupils were exact:

* `low_confirmation` — fewer than 70 % confirmed the journal mark (`min_confirmed_pct`):
  score test of the confirmed share against 70 %;
* `high_raised` — more than 15 % got a higher ВПР mark than in the journal (`max_raised_pct`):
  score test against 15 %;
* `above_district_vs_oge` — the ВПР mean is above the mean of the district's other schools by more
  than `above_district_sd` (1,0) times the spread between school means, beyond chance (t test
  with the school's own and the reference's sampling errors), while the same school's ОГЭ of the
  same year (`compare_exams`: participant-weighted standardised score) is at or below the district;
* `jump` — the mean rose from last year (same grade and subject) by more than `jump_sd` (2,0) times
  this year's spread between school means, beyond chance (both years' sampling errors);
* `cut_spike` — not an accusation but a reason to look at primary scores: the share of «3» exceeds
  the district's by more than `spike.excess_pp` (20 п. п.) beyond chance while the school has almost
  no «2» (≤ `spike.max_mark2_pct`) and the district has some (≥ `spike.min_district_mark2_pct`).
  Marks alone cannot show a peak of primary scores just above the boundary of «3».

Multiple comparisons: a school's works of one year make one family; its p-values (every work ×
sign) are kept by Benjamini–Hochberg at `objectivity.fdr` (5 %). Size: a work with fewer than
`min_participants` (20) pupils is never flagged (ФИОКО: under 20 the results are of limited value);
from `indicative_min` (10) to 19 a share past a threshold is shown as «мало работ — ориентир».
Persistence: a sign in ≥ `persist_years` (2) of the last `persist_window` (3) years gates the strong
wording («признаки повторяются»); a single year is «признак в этом году — стоит посмотреть».

Works with a confirmed sign of inflated ВПР marks (`high_raised`, `above_district_vs_oge`, `jump`)
are left out of the district reference of every other measure (`metrics.measures.prepare`). The
signs themselves (`core()`) are computed from the raw rows only, against the other schools of the
district (the school itself left out), so they are the same before and after that exclusion.

Outputs carry an `explanation` (`metrics.explain.Explanation`) for every flagged, noted or indicative
work, and per school in `objectivity_summary()` (with `reasons`, its plain text).
"""
from __future__ import annotations

import json

import numpy as np
import pandas as pd

from metrics.explain import Explanation, Point, Quantity, deferred, many, q, render
from metrics.memo import remember
from metrics.settings import get
from metrics.stats import bh_significant, one_sided_p, share_test_p, wilson
from metrics.vector import code_rank, group_ids, int_array, sort_rank, value_codes

VPR = "ВПР"
ACCUSATIONS = ("low_confirmation", "high_raised", "above_district_vs_oge", "jump")
SIGNS = (*ACCUSATIONS, "cut_spike")
EXCLUDING = ("high_raised", "above_district_vs_oge", "jump")  # signs of inflated ВПР marks
FLAG_TEXT = {
    "low_confirmation": "мало подтвердивших журнальную отметку",
    "high_raised": "много отметок за ВПР выше журнальных",
    "above_district_vs_oge": "ВПР намного выше района при ОГЭ на уровне района или ниже",
    "jump": "резкий рост за год",
    "cut_spike": "много «3» и почти нет «2» — стоит посмотреть первичные баллы",
}
FLAG_SHORT = {  # the same signs in a few words, for table cells
    "low_confirmation": "мало подтвердивших журнальную отметку",
    "high_raised": "много отметок за ВПР выше журнальных",
    "above_district_vs_oge": "ВПР выше района при ОГЭ не выше района",
    "jump": "резкий рост за год",
    "cut_spike": "посмотреть первичные баллы: много «3», почти нет «2»",
}
OUT_COLUMNS = ["school_id", "year", "grade", "subject", "participants", "lowered_pct", "confirmed_pct", "raised_pct",
               "mean", "district_mean", "between_sd", "oge_score", "prev_mean", "jump",
               "mark3_pct", "district_mark3_pct", "mark2_pct", "district_mark2_pct", "small_n",
               *(f"p_{s}" for s in SIGNS), "flags", "status", "flagged", "persistent", "years_flagged",
               "nonobjective", "explanation"]

_MEMO: list = []  # [(weakref to prep, settings key, core)] — the last two


def _settings(settings) -> dict:
    return {
        "min_n": float(get(settings, "objectivity.min_participants", 20)),
        "indicative": float(get(settings, "objectivity.indicative_min", 10)),
        "conf": float(get(settings, "objectivity.min_confirmed_pct", 70.0)),
        "raised": float(get(settings, "objectivity.max_raised_pct", 15.0)),
        "above_sd": float(get(settings, "objectivity.above_district_sd", 1.0)),
        "jump_sd": float(get(settings, "objectivity.jump_sd", 2.0)),
        "excess": float(get(settings, "objectivity.spike.excess_pp", 20.0)),
        "max2": float(get(settings, "objectivity.spike.max_mark2_pct", 2.0)),
        "dmin2": float(get(settings, "objectivity.spike.min_district_mark2_pct", 5.0)),
        "fdr": float(get(settings, "objectivity.fdr", 0.05)),
        "persist": int(get(settings, "objectivity.persist_years", 2)),
        "window": int(get(settings, "objectivity.persist_window", 3)),
        "min_own": float(get(settings, "uncertainty.min_marks_for_own_sd", 10)),
        "mark_sd": float(get(settings, "uncertainty.mark_sd", 0.8)),
        "cmp": list(get(settings, "objectivity.compare_exams", ["ОГЭ"])),
    }


def core(prep: pd.DataFrame, settings: dict | None = None) -> dict:
    """The signs of every ВПР row of `prep` (all years), memoised per prepared table and settings.

    Returns a dict: `rows` (positions of the ВПР rows in `prep`, in output order: year, school, grade, subject),
    per-row arrays aligned with them (numbers, p_<sign>, sig_<sign> after Benjamini–Hochberg, `status`
    "flagged" | "note" | "indicative" | "", `years_flagged`), and `exclude`: a bool array over all rows of `prep`
    (works with a significant sign of inflated marks)."""
    return remember(_MEMO, [prep], json.dumps(settings, sort_keys=True, default=str), lambda: _core(prep, settings), 2)


def clear_cache() -> None:
    _MEMO.clear()


def _core(prep: pd.DataFrame, settings: dict | None) -> dict:
    s = _settings(settings)
    p_exam = prep["exam"].to_numpy()
    rows = np.flatnonzero(p_exam == VPR)
    exclude = np.zeros(len(prep), dtype=bool)
    if len(rows) == 0:
        return {"rows": rows, "exclude": exclude}

    def col(c, r=None):
        return prep[c].to_numpy()[rows if r is None else r]
    sid, sidc, yr, subject, subj_c, grade = (col(c) for c in ("school_id", "_sid", "year", "subject", "_sub", "grade"))
    yr = yr.astype(np.int64)
    order = np.lexsort((code_rank(subj_c, subject), np.where(np.isnan(grade), np.inf, grade), code_rank(sidc, sid), yr))
    rows = rows[order]
    out: dict = {"rows": rows}
    sid, sidc, yr, subject, grade = sid[order], sidc[order], yr[order], subject[order], grade[order]
    gid = col("_gid")
    n, mean = col("participants"), col("mean")
    m2, m3, mn = col("mark2"), col("mark3"), col("marks_n")
    sdm = col("sd_marks")
    lcr = {c: col(c) for c in ("lowered", "confirmed", "raised")}
    ng = int(prep["_gid"].max()) + 1

    # the district without the school: sums per year × subject × grade over the ВПР rows, minus the row itself
    has = ~np.isnan(mean)
    sw = np.bincount(gid, weights=np.where(has, n, 0.0), minlength=ng)
    sm = np.bincount(gid, weights=np.where(has, n * mean, 0.0), minlength=ng)
    with np.errstate(invalid="ignore", divide="ignore"):
        g_mean = sm / sw
        rest_n = sw[gid] - np.where(has, n, 0.0)
        ref = np.where(rest_n > 0, (sm[gid] - np.where(has, n * mean, 0.0)) / rest_n, np.nan)
        ss_b = np.bincount(gid, weights=np.where(has, n * (mean - g_mean[gid]) ** 2, 0.0), minlength=ng)
        bsd = np.sqrt(ss_b / sw)[gid]
    pooled = {c: np.bincount(gid, weights=np.nan_to_num(x), minlength=ng)
              for c, x in (("m2", m2), ("m3", m3), ("mn", mn))}
    marks = np.column_stack([np.bincount(gid, weights=np.nan_to_num(col(c)), minlength=ng)
                             for c in ("mark2", "mark3", "mark4", "mark5")])
    kvec = np.array([2.0, 3.0, 4.0, 5.0])
    with np.errstate(invalid="ignore", divide="ignore"):
        pn = marks.sum(axis=1)
        pm = (marks * kvec).sum(axis=1) / pn
        psd = np.sqrt((marks * (kvec - pm[:, None]) ** 2).sum(axis=1) / (pn - 1))
        d3 = np.where(pooled["mn"] > 0, 100.0 * pooled["m3"] / pooled["mn"], np.nan)[gid]
        d2 = np.where(pooled["mn"] > 0, 100.0 * pooled["m2"] / pooled["mn"], np.nan)[gid]
    g_sd = np.where((pn >= 2) & (psd > 0), psd, s["mark_sd"])[gid]
    own = ~np.isnan(sdm) & (sdm > 0) & (mn >= s["min_own"])
    sd = np.where(own, sdm, g_sd)
    df = np.where(own, n - 1, np.inf)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(n)
        se_ref = g_sd / np.sqrt(rest_n)

    stacked = np.column_stack([lcr["lowered"], lcr["confirmed"], lcr["raised"]])
    any_cmp = ~np.isnan(stacked).all(axis=1)
    cmp_tot = np.where(any_cmp, np.nansum(stacked, axis=1), np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in ("lowered", "confirmed", "raised"):
            out[f"{c}_pct"] = np.where(cmp_tot > 0, 100.0 * lcr[c] / cmp_tot, np.nan)
        out["mark3_pct"] = 100.0 * m3 / mn
        out["mark2_pct"] = 100.0 * m2 / mn
    out.update(school_id=sid, _sid=sidc, year=yr, subject=subject, grade=grade, participants=n, mean=mean,
               district_mean=ref, between_sd=bsd, district_mark3_pct=d3, district_mark2_pct=d2, se=se,
               cmp_total=cmp_tot, lowered=lcr["lowered"], confirmed=lcr["confirmed"], raised=lcr["raised"],
               mark2=m2, mark3=m3, marks_n=mn)

    # the school's standardised ОГЭ score of the same year
    y0 = int(yr.min())
    yi = yr - y0
    ny = int(yr.max()) - y0 + 1
    nsid = int(prep["_sid"].max()) + 1
    og = np.full((nsid, ny), np.nan)
    cmp_rows = np.flatnonzero(np.asarray(pd.Series(p_exam).isin(s["cmp"])))
    if len(cmp_rows):
        from metrics.measures import procedure_groups
        g = procedure_groups(prep, cmp_rows)
        gy = g["year"] - y0
        inside = (gy >= 0) & (gy < ny)
        w = np.where(np.isnan(g["score"]), 0.0, g["participants"])[inside]
        wz = (np.nan_to_num(g["score"]) * g["participants"])[inside]
        key_gid, first = group_ids(g["_sid"][inside], gy[inside])
        ws, wzs = np.bincount(key_gid, weights=w), np.bincount(key_gid, weights=wz)
        with np.errstate(invalid="ignore", divide="ignore"):
            og[g["_sid"][inside][first], gy[inside][first]] = np.where(ws > 0, wzs / ws, np.nan)
    oge = og[sidc, yi]
    # last year's mean of the same school, subject and grade
    kid, _ = group_ids(sidc, value_codes(subject), value_codes(grade))
    shape = (int(kid.max()) + 1, ny + 1)
    prev_mean = np.where(yi > 0, _dense(kid, yi, mean, shape)[kid, np.maximum(yi - 1, 0)], np.nan)
    prev_se = np.where(yi > 0, _dense(kid, yi, se, shape)[kid, np.maximum(yi - 1, 0)], np.nan)
    out["oge_score"], out["prev_mean"], out["jump"] = oge, prev_mean, mean - prev_mean

    big = n >= s["min_n"]
    tested = big & np.isfinite(cmp_tot) & (cmp_tot > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = {
            "low_confirmation": share_test_p(lcr["confirmed"], cmp_tot, s["conf"] / 100, "less"),
            "high_raised": share_test_p(lcr["raised"], cmp_tot, s["raised"] / 100, "greater"),
            "above_district_vs_oge": one_sided_p((mean - ref - s["above_sd"] * bsd) / np.sqrt(se ** 2 + se_ref ** 2),
                                                 df, "greater"),
            "jump": one_sided_p((mean - prev_mean - s["jump_sd"] * bsd) / np.sqrt(se ** 2 + prev_se ** 2), np.inf,
                                "greater"),
            "cut_spike": share_test_p(m3, mn, np.clip((d3 + s["excess"]) / 100, 0, 1), "greater"),
        }
    p["low_confirmation"] = np.where(tested, p["low_confirmation"], np.nan)
    p["high_raised"] = np.where(tested, p["high_raised"], np.nan)
    p["above_district_vs_oge"] = np.where(big & (oge <= 0) & (bsd > 0), p["above_district_vs_oge"], np.nan)
    p["jump"] = np.where(big & (bsd > 0), p["jump"], np.nan)
    with np.errstate(invalid="ignore"):
        spike_ok = big & (out["mark2_pct"] <= s["max2"]) & (d2 >= s["dmin2"])
    p["cut_spike"] = np.where(spike_ok, p["cut_spike"], np.nan)
    # Benjamini–Hochberg over all p-values of one school's works in one year
    fam, _ = group_ids(sidc, yi)
    allp = np.concatenate([p[c] for c in SIGNS])
    sig = bh_significant(allp, np.tile(fam, len(SIGNS)), s["fdr"]).reshape(len(SIGNS), len(rows))
    for i, c in enumerate(SIGNS):
        out[f"p_{c}"] = p[c]
        out[f"sig_{c}"] = sig[i]
    accused = np.any(sig[: len(ACCUSATIONS)], axis=0)
    with np.errstate(invalid="ignore"):
        hint = (n >= s["indicative"]) & ~big & ((out["confirmed_pct"] < s["conf"]) | (out["raised_pct"] > s["raised"]))
    out["status"] = np.where(accused, "flagged", np.where(sig[-1], "note", np.where(hint, "indicative", "")))
    out["small_n"] = ~big
    # in how many of the years y − window + 1 … y the school had a flagged work
    w = s["window"]
    sy = np.zeros((nsid, ny + w), dtype=bool)
    fl = np.flatnonzero(accused)
    sy[sidc[fl], yi[fl] + w - 1] = True
    out["years_flagged"] = sum(sy[sidc, yi + w - 1 - k].astype(np.int64) for k in range(w))
    out["persistent"] = accused & (out["years_flagged"] >= s["persist"])
    excl = np.any([sig[SIGNS.index(c)] for c in EXCLUDING], axis=0)
    exclude[rows[excl]] = True
    out["nonobjective"] = excl
    out["exclude"] = exclude
    out["settings"] = s
    return out


def _dense(rows: np.ndarray, cols: np.ndarray, values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """A dense rows × cols float table with `values` at (rows, cols) (NaN elsewhere); the first of duplicates wins."""
    tab = np.full(shape, np.nan)
    _, first = group_ids(rows, cols)
    tab[rows[first], cols[first]] = np.asarray(values)[first]
    return tab


def objectivity_flags(results: pd.DataFrame, year: int, settings: dict | None = None) -> pd.DataFrame:
    """Return one row per ВПР school × grade × subject × year (years ≤ `year`) with the objectivity signs.

    Columns: school_id, year, grade, subject, participants, lowered_pct, confirmed_pct, raised_pct (% of pupils with
    a comparison), mean (mark 2–5), district_mean (the other schools of the district), between_sd (spread between
    school means), oge_score (the school's standardised ОГЭ score of that year, NaN without ОГЭ), prev_mean, jump
    (mean − prev_mean), mark3_pct, district_mark3_pct, mark2_pct, district_mark2_pct, small_n (fewer works than
    `objectivity.min_participants`), p_<sign> (one-sided p-value per sign; NaN when not tested), flags (list of the
    signs that stay significant after Benjamini–Hochberg over the school's works of that year), status ("flagged":
    an accusation sign; "note": only the look-at-primary-scores sign; "indicative": 10–19 works with a share past a
    threshold; "" otherwise), flagged (status == "flagged"), persistent (flagged and the school had flagged works in
    ≥ `persist_years` of the last `persist_window` years), years_flagged, nonobjective (left out of the district
    reference), explanation (`Explanation` for every row with a status, else None; `metrics.explain.render` gives
    its text).
    Schools without ВПР have no rows. Rows with the same flags share one (read-only) `flags` list.
    """
    from metrics.measures import prepare
    year = int(year)
    prep = prepare(results, settings)
    c = core(prep, settings)
    if len(c["rows"]) == 0:
        return pd.DataFrame(columns=OUT_COLUMNS)
    keep = np.flatnonzero(c["year"] <= year)
    if len(keep) == 0:
        return pd.DataFrame(columns=OUT_COLUMNS)

    def at(name):
        return np.asarray(c[name])[keep]
    combo = np.zeros(len(keep), dtype=np.int64)
    for i, code in enumerate(SIGNS):
        combo |= at(f"sig_{code}").astype(np.int64) << i
    lists = np.empty(1 << len(SIGNS), dtype=object)
    for k in np.unique(combo):
        lists[k] = [code for i, code in enumerate(SIGNS) if k >> i & 1]
    cols = {name: at(name) for name in OUT_COLUMNS if name in c}
    cols["flags"] = lists.take(combo)
    cols["flagged"] = cols["status"] == "flagged"
    cols["grade"] = int_array(at("grade"))
    cols["participants"] = at("participants").astype("int64")
    expl = np.full(len(keep), None, dtype=object)
    said = np.flatnonzero(cols["status"] != "")  # the works with something to say (a few per cent)
    fields = {f: np.asarray(c[f])[keep[said]] for f in ROW_FIELDS}
    consts = _constants(c["settings"])

    def make(j: int) -> Explanation:
        return work_explanation({f: v.item(j) for f, v in fields.items()}, c["settings"], consts)
    with many():
        expl[said] = deferred(make, range(len(said)))
    cols["explanation"] = expl
    return pd.DataFrame({k: cols[k] for k in OUT_COLUMNS}, copy=False)


ROW_FIELDS = ("subject", "grade", "year", "status", "participants", "cmp_total", "confirmed", "raised",
              "confirmed_pct", "raised_pct", "mean", "district_mean", "prev_mean", "jump", "mark3_pct",
              "district_mark3_pct", "mark2_pct", "district_mark2_pct", "marks_n", "persistent", "years_flagged",
              "nonobjective", *(f"sig_{s}" for s in SIGNS))


def _q(x, unit="", n=None) -> Quantity:
    """A Quantity of plain Python numbers (NaN → None); the explanations below build many of them."""
    return Quantity(None if x != x else x, unit, None if n is None or n != n else int(n))


def _constants(s: dict) -> dict:
    """Points and quantities every work of one settings shares."""
    return {"conf": Quantity(s["conf"], "%"), "raised": Quantity(s["raised"], "%"),
            "small": Point("Меньше {0} работ: доли слишком колеблются, признак не ставится (ФИОКО)",
                           (Quantity(s["min_n"], ""),)),
            "talk": Point("Признак — повод для разговора со школой, а не вывод о ней; проверено с поправкой на число "
                          "сравнений по всем работам школы за год"),
            "out": Point("Эта работа не входит в среднее по району, с которым сравниваются другие школы")}


def _work_title(r: dict) -> tuple[str, tuple]:
    grade = r["grade"]
    if grade != grade:
        return "ВПР, {0}, {1} год", (str(r["subject"]), str(int(r["year"])))
    return "ВПР, {0}, {1} класс, {2} год", (str(r["subject"]), str(int(grade)), str(int(r["year"])))


def sign_points(r: dict, s: dict, codes) -> list[Point]:
    """One plain claim per sign of a work (a row of `core()` as a dict): the numbers with their n and bounds."""
    pts = []
    cmp_n = r["cmp_total"]
    for code in codes:
        if code == "low_confirmation":
            lo, hi = wilson(r["confirmed"], cmp_n)
            pts.append(Point("журнальную отметку подтвердили {0} участников (с учётом погрешности не больше {1}); "
                             "ориентир — не меньше {2}",
                             (_q(r["confirmed_pct"], "%", cmp_n), _q(100 * float(hi), "%"), Quantity(s["conf"], "%"))))
        elif code == "high_raised":
            lo, hi = wilson(r["raised"], cmp_n)
            pts.append(Point("отметка за ВПР выше журнальной у {0} участников (с учётом погрешности не меньше {1}); "
                             "ориентир — не больше {2}",
                             (_q(r["raised_pct"], "%", cmp_n), _q(100 * float(lo), "%"), Quantity(s["raised"], "%"))))
        elif code == "above_district_vs_oge":
            pts.append(Point("средняя отметка {0} — намного выше, чем в остальных школах района ({1}), а результат "
                             "ОГЭ школы в том же году не выше районного",
                             (_q(r["mean"], "mark", r["participants"]), _q(r["district_mean"], "mark"))))
        elif code == "jump":
            pts.append(Point("средняя отметка выросла за год с {0} до {1} ({2}) — больше, чем меняются школы "
                             "района от случайности",
                             (_q(r["prev_mean"], "mark"), _q(r["mean"], "mark", r["participants"]),
                              Quantity(r["jump"], "mark", signed=True))))
        elif code == "cut_spike":
            pts.append(Point("отметку «3» получили {0} участников (по району {1}), «2» — {2} (по району {3}): "
                             "стоит посмотреть первичные баллы — не собраны ли они сразу над границей «3»",
                             (_q(r["mark3_pct"], "%", r["marks_n"]), _q(r["district_mark3_pct"], "%"),
                              _q(r["mark2_pct"], "%"), _q(r["district_mark2_pct"], "%"))))
    return pts


def work_explanation(r: dict, s: dict, k: dict | None = None) -> Explanation:
    """The explanation of one work (a row of `core()` as a dict): flagged, noted or indicative. `k`: `_constants(s)`."""
    k = k or _constants(s)
    title, targs = _work_title(r)
    status = r["status"]
    n = int(r["participants"])
    if status == "indicative":
        head = Point(title + ": мало работ ({" + str(len(targs)) + "}) — только ориентир",
                     (*targs, Quantity(n, "works")))
        pts = []
        if r["confirmed_pct"] < s["conf"]:
            pts.append(Point("журнальную отметку подтвердили {0} участников (ориентир — не меньше {1})",
                             (_q(r["confirmed_pct"], "%", r["cmp_total"]), k["conf"])))
        if r["raised_pct"] > s["raised"]:
            pts.append(Point("отметка за ВПР выше журнальной у {0} участников (ориентир — не больше {1})",
                             (_q(r["raised_pct"], "%", r["cmp_total"]), k["raised"])))
        return Explanation(head, tuple(pts), (k["small"],), extra={"status": status, "n": n})
    codes = [code for code in SIGNS if r[f"sig_{code}"]]
    if status == "note":
        head = Point(title + ": стоит посмотреть первичные баллы", targs)
    elif r["persistent"]:
        head = Point(title + ": признаки необъективности повторяются ({" + str(len(targs)) + "} из {"
                     + str(len(targs) + 1) + "} последних лет)",
                     (*targs, Quantity(int(r["years_flagged"]), "years"), str(s["window"])))
    else:
        head = Point(title + ": признак необъективности в этом году — стоит посмотреть", targs)
    caveats = (k["talk"], k["out"]) if r["nonobjective"] else (k["talk"],)
    return Explanation(head, tuple(sign_points(r, s, codes)), caveats,
                       extra={"status": status, "signs": codes, "n": n, "year": int(r["year"]),
                              "persistent": bool(r["persistent"])})


def objectivity_summary(flags_df: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per school with ВПР in `year`: school_id, n_rows (works), n_flagged_rows, n_indicative_rows, years_flagged
    (of the last 3), persistent, flags (sorted list of the signs met in flagged works), explanation (per school, or
    None without flagged works) and reasons (its text) — most flagged first."""
    cols = ["school_id", "n_rows", "n_flagged_rows", "n_indicative_rows", "years_flagged", "persistent", "flags",
            "explanation", "reasons"]
    at_year = np.flatnonzero(flags_df["year"].to_numpy() == int(year))
    if len(at_year) == 0:
        return pd.DataFrame(columns=cols)
    d = flags_df.iloc[at_year]
    sid = d["school_id"].to_numpy()
    code, schools = pd.factorize(sid)
    ns = len(schools)
    flagged = d["flagged"].to_numpy().astype(bool)
    indicative = (d["status"].to_numpy() == "indicative")
    n_rows = np.bincount(code, minlength=ns).astype(np.int64)
    n_flagged = np.bincount(code, weights=flagged, minlength=ns).astype(np.int64)
    n_ind = np.bincount(code, weights=indicative, minlength=ns).astype(np.int64)
    years = np.zeros(ns, dtype=np.int64)
    np.maximum.at(years, code, d["years_flagged"].to_numpy().astype(np.int64))
    persistent = np.zeros(ns, dtype=bool)
    np.logical_or.at(persistent, code, d["persistent"].to_numpy().astype(bool))
    flags = np.empty(ns, dtype=object)
    flags[:] = [[] for _ in range(ns)]
    expl = np.full(ns, None, dtype=object)
    fr = np.flatnonzero(flagged)
    if len(fr):
        fl = pd.DataFrame({"s": code[fr], "flags": d["flags"].to_numpy()[fr]})
        pairs = fl.explode("flags").dropna()
        pairs = pairs[pairs["flags"].isin(ACCUSATIONS)].drop_duplicates().sort_values(["s", "flags"])
        per = pairs.groupby("s", sort=False)["flags"].agg(list)
        flags[per.index.to_numpy()] = per.to_numpy()
        counts = fl.explode("flags").dropna().groupby(["s", "flags"]).size()
        # per school: its (sign, works) pairs in sign order, looked up once (not a MultiIndex .loc per school)
        per_school: dict[int, list[tuple[str, int]]] = {}
        for (k, code_), n in zip(counts.index.tolist(), counts.to_numpy().tolist()):
            per_school.setdefault(k, []).append((code_, n))
        for k in np.unique(code[fr]):  # the flagged schools
            expl[k] = _school_explanation(int(year), int(n_flagged[k]), int(n_rows[k]), int(years[k]),
                                          bool(persistent[k]), per_school.get(int(k), []))
    out = pd.DataFrame({"school_id": np.asarray(schools, dtype=object), "n_rows": n_rows, "n_flagged_rows": n_flagged,
                        "n_indicative_rows": n_ind, "years_flagged": years, "persistent": persistent, "flags": flags,
                        "explanation": expl,
                        "reasons": [render(e) if e is not None else "" for e in expl]})
    order = np.lexsort((sort_rank(out["school_id"].to_numpy()), -n_flagged, -years, -persistent.astype(int)))
    return out.take(order).reset_index(drop=True)[cols]


def _school_explanation(year: int, n_flagged: int, n_rows: int, years: int, persistent: bool,
                        counts: list[tuple[str, int]]) -> Explanation:
    """`counts`: (sign code, flagged works with it) in sign-code order."""
    if persistent:
        head = Point("Признаки необъективности ВПР повторяются: {0} из {1} в {2} году; признаки были {3} из "
                     "последних 3", (q(n_flagged, "works"), str(n_rows), str(year), q(years, "years")))
    else:
        head = Point("Признак необъективности ВПР в этом году: {0} из {1} — стоит посмотреть",
                     (q(n_flagged, "works"), str(n_rows)))
    pts = tuple(Point("{0}: {1}", (FLAG_TEXT[code], q(int(k), "works")))
                for code, k in counts if code in FLAG_TEXT)
    return Explanation(head, pts, (Point("Признак — повод для разговора со школой, а не вывод о ней"),),
                       extra={"persistent": persistent, "years_flagged": years, "n_flagged": n_flagged})
