"""What are the overview's key numbers for a year, and how did they change since last year?

`key_figures` gives one row per key figure: district ЕГЭ means in Russian and
profile maths, the share of ЕГЭ results below the minimum, ОГЭ mean marks in
Russian and maths, the share of ОГЭ «2», programme indicators achieved / near /
missed, and overdue events — each with last year's value and the change.
Missing data gives a row with a NaN value, never an error.
`school_key_figures` gives the school card's three counts «k из n» (results significantly
below the district, ВПР works with signs of inflated marks, indicators below plan).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from metrics.measures import prepare
from metrics.forecast import text_clean
from metrics.plan_fact import plan_vs_fact
from metrics.roadmap import _progress
from metrics.settings import get

COLUMNS = ["metric_id", "label", "value", "prev_value", "change", "unit", "good_direction", "participants"]


def _exam_figures(results: pd.DataFrame | None, year: int, settings: dict[str, Any] | None) -> list[dict[str, Any]]:
    rus = str(get(settings, "key_figures.russian", "^рус"))
    prof = str(get(settings, "key_figures.math_profile", "матем.*проф|проф.*матем"))
    math = str(get(settings, "key_figures.math", "^матем"))
    specs = [
        ("ege_russian_mean", "Средний балл ЕГЭ по русскому языку", "ЕГЭ", rus, "mean", "балл", "higher"),
        ("ege_math_profile_mean", "Средний балл ЕГЭ по профильной математике", "ЕГЭ", prof, "mean", "балл", "higher"),
        ("ege_below_min_share", "Доля результатов ЕГЭ ниже минимального порога", "ЕГЭ", None, "below", "%", "lower"),
        ("oge_russian_mean", "Средняя отметка ОГЭ по русскому языку", "ОГЭ", rus, "mean", "отметка", "higher"),
        ("oge_math_mean", "Средняя отметка ОГЭ по математике", "ОГЭ", math, "mean", "отметка", "higher"),
        ("oge_mark2_share", "Доля отметок «2» на ОГЭ", "ОГЭ", None, "below", "%", "lower"),
    ]
    prep, rows_at = None, np.zeros(0, dtype=np.int64)
    if results is not None and len(results) and {"year", "exam", "participants"} <= set(results.columns):
        prep = prepare(results, settings)  # the shared memoised table; only this year's and last year's rows are read
        p_year = prep["year"].to_numpy()
        rows_at = np.flatnonzero((p_year == year) | (p_year == year - 1))
    exam_at = prep["exam"].to_numpy()[rows_at] if prep is not None else np.zeros(0, dtype=object)
    subject_at = prep["subject"].to_numpy()[rows_at] if prep is not None else np.zeros(0, dtype=object)
    sub_codes, sub_uniq = pd.factorize(subject_at)
    sub_uniq = pd.Series(np.asarray(sub_uniq, dtype=object))
    rows = []
    for metric_id, label, exam, subject_re, what, unit, good in specs:
        vals = {year: (np.nan, np.nan), year - 1: (np.nan, np.nan)}
        if len(rows_at):
            mask = exam_at == exam
            if subject_re is not None:  # the regular expression runs once per distinct subject
                hit = sub_uniq.str.contains(subject_re, case=False, regex=True, na=False).to_numpy(dtype=bool)
                mask &= hit.take(sub_codes) if len(hit) else np.zeros(len(mask), dtype=bool)
            r = rows_at[mask]
            col = "mean" if what == "mean" else "below"
            x = prep[col].to_numpy()[r]
            part = prep["participants"].to_numpy()[r]
            yr = prep["year"].to_numpy()[r]
            ok = ~np.isnan(x)
            s_ = np.where(ok, x * part if what == "mean" else x, 0.0)
            n_ = np.where(ok, part, 0.0)
            for y in vals:
                at = yr == y
                if at.any() and n_[at].sum() > 0:
                    v = s_[at].sum() / n_[at].sum()
                    vals[y] = (v * 100 if what == "below" else v, n_[at].sum())
        rows.append(dict(metric_id=metric_id, label=label, value=vals[year][0], prev_value=vals[year - 1][0],
                         unit=unit, good_direction=good, participants=vals[year][1]))
    return rows


def _indicator_figures(indicators, values, year: int, settings) -> list[dict[str, Any]]:
    specs = [("indicators_achieved", "Показатели программы: достигнуто", "achieved", "higher"),
             ("indicators_near", "Показатели программы: близко к плану", "near", None),
             ("indicators_missed", "Показатели программы: не достигнуто", "missed", "lower"),
             ("indicators_no_data", "Показатели программы: нет данных", "no data", "lower")]
    counts: dict[int, pd.Series | None] = {year: None, year - 1: None}
    if values is not None and len(values) and indicators is not None:
        sid = values["school_id"] if "school_id" in values else pd.Series(None, index=values.index, dtype=object)
        district_values = values[text_clean(sid) == ""]
        pvf = plan_vs_fact(indicators, district_values, None, settings)  # every year at once; rows as per year
        pvf = pvf[pvf["year"].isin([year, year - 1])]
        district = pvf[pvf["school_id"].isna()]
        for y in counts:
            d = district[district["year"] == y]
            counts[y] = d["status"].value_counts() if len(d) else None
    rows = []
    for metric_id, label, status, good in specs:
        v = {y: (float(c.get(status, 0)) if c is not None else np.nan) for y, c in counts.items()}
        rows.append(dict(metric_id=metric_id, label=label, value=v[year], prev_value=v[year - 1], unit="шт.",
                         good_direction=good, participants=np.nan))
    return rows


def _event_figures(events, on_date, settings) -> list[dict[str, Any]]:
    now = prev = (np.nan, np.nan)
    if events is not None and len(events) and on_date is not None:
        on = pd.Timestamp(on_date).normalize()

        def figures(day: pd.Timestamp) -> tuple[float, float]:
            p = _progress(events, day, with_reason=False)  # states only
            judged = p["done_on_time"].notna() | (p["state"] == "overdue")
            share = p["done_on_time"].eq(True).sum() / judged.sum() * 100 if judged.sum() else np.nan
            return float((p["state"] == "overdue").sum()), float(share)

        now, prev = figures(on), figures(on - pd.DateOffset(years=1))
    return [
        # the whole plan as known on on_date (not one school year: that is the events page's view)
        dict(metric_id="events_overdue", label="Просрочено на сегодня (весь план)", value=now[0], prev_value=prev[0],
             unit="шт.", good_direction="lower", participants=np.nan),
        dict(metric_id="events_done_on_time_share", label="Выполнено в срок на сегодня (весь план)", value=now[1],
             prev_value=prev[1], unit="%", good_direction="higher", participants=np.nan),
    ]


def key_figures(results: pd.DataFrame | None, values: pd.DataFrame | None, indicators: pd.DataFrame | None,
                events: pd.DataFrame | None, year: int, on_date: date | str | None,
                settings: dict[str, Any] | None = None) -> pd.DataFrame:
    """The overview's key figures for `year`, with last year's value and the change.

    Columns: metric_id, label (Russian), value, prev_value (year − 1; for events: the same
    date a year earlier), change (value − prev_value), unit ("балл", "отметка", "%", "шт."),
    good_direction ("higher" | "lower" | None), participants (the results rows' participants
    behind an exam figure). metric_id, in order: ege_russian_mean, ege_math_profile_mean,
    ege_below_min_share (% of ЕГЭ subject results below the minimum), oge_russian_mean,
    oge_math_mean, oge_mark2_share (% of ОГЭ marks «2»; below_min when «2» is not given),
    indicators_achieved, indicators_near, indicators_missed, indicators_no_data (district-level
    programme indicators for the year, by plan_vs_fact status), events_overdue,
    events_done_on_time_share (% of events due by on_date that were done on time).
    Exam figures are participant-weighted district values; subjects are matched by the
    regular expressions in settings `key_figures.*`. Missing data → NaN value.
    """
    year = int(year)
    rows = (_exam_figures(results, year, settings) + _indicator_figures(indicators, values, year, settings)
            + _event_figures(events, on_date, settings))
    out = pd.DataFrame(rows)
    out["value"] = out["value"].astype(float)
    out["prev_value"] = out["prev_value"].astype(float)
    out["change"] = out["value"] - out["prev_value"]
    out["participants"] = out["participants"].astype(float)
    return out[COLUMNS]


def _flag(s: pd.Series) -> pd.Series:
    return s.eq(True)  # missing counts as False


def school_key_figures(intervals: pd.DataFrame | None, objectivity: pd.DataFrame | None,
                       plan_fact: pd.DataFrame | None) -> dict[str, tuple[int, int] | None]:
    """One school's counts for a year as (k, n), None where the data are missing.

    - below: results significantly below the district, of those judged (a mean, not a small group,
      no signs of inflated marks) — from its `intervals` rows of the year;
    - objectivity: ВПР works with signs of inflated marks, of all its works — its `objectivity_summary` row;
    - missed: its programme indicators that missed the plan, of those with a fact — its `plan_vs_fact` rows."""
    out: dict[str, tuple[int, int] | None] = {"below": None, "objectivity": None, "missed": None}
    if intervals is not None and len(intervals):
        judged = intervals[intervals["mean"].notna() & ~_flag(intervals["small_n"]) & ~_flag(intervals["nonobjective"])]
        out["below"] = (int(_flag(judged["significantly_below"]).sum()), len(judged))
    if objectivity is not None and len(objectivity):
        r = objectivity.iloc[0]
        out["objectivity"] = (int(r["n_flagged_rows"]), int(r["n_rows"]))
    if plan_fact is not None and len(plan_fact):
        status = plan_fact["status"].astype(str)
        known = status != "no data"
        out["missed"] = (int((status[known] == "missed").sum()), int(known.sum()))
    return out
