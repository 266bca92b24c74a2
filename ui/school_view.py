"""How is one school's picture laid out for the interview (the school card)?

Display helpers for «Школа (карточка)»: the registry profile of the year beside
the district median, the year's results with their 95 % intervals and a plain
verdict, the school's events (by `school_id` or by its name among the
responsible parties), and the flag boxes. They take metric outputs and the
registry as they are and only select, label and format; the one aggregate made
here is the district median of each registry column, shown for context.
"""
from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from loaders.model import TABLES
from metrics.profile import school_profile
from ui import format as fmt
from ui.reasons import explanation_block

# Registry columns shown in the profile, with their units ("" = a count).
PROFILE_COLUMNS = {
    "students": "",
    "low_income_pct": "%",
    "single_parent_pct": "%",
    "large_family_pct": "%",
    "risk_group_pct": "%",
    "disability_pct": "%",
    "non_native_pct": "%",
    "staffing_pct": "%",
    "qualified_teachers_pct": "%",
    "teacher_turnover_pct": "%",
}
HEADERS = {c.name: c.header for c in TABLES["schools"]}
SEVERITY_ORDER = {"flag": 0, "warning": 1, "info": 2, "good": 3}


def rnum(x: Any, digits: int = 2) -> str:
    """A number the Russian way with a true minus sign: −0,68 (not -0,68); «—» when missing."""
    if fmt.is_missing(x):
        return "—"
    return fmt.num(float(x), digits).replace("-", "−")


def profile_frame(schools: pd.DataFrame, school_id: str, year: int) -> pd.DataFrame:
    """Rows «показатель | школа | медиана по району» (`metrics.profile.school_profile`, formatted)."""
    prof = school_profile(schools, school_id, year)

    def text(c: str, v: float) -> str:
        if pd.isna(v):
            return "—"
        unit = PROFILE_COLUMNS[c]
        return fmt.value(v, unit, 1) if unit else fmt.num(int(round(v)))

    return pd.DataFrame({"column": prof["column"], "label": [HEADERS.get(c, c) for c in prof["column"]],
                         "school_text": [text(c, v) for c, v in zip(prof["column"], prof["value"])],
                         "median_text": [text(c, v) for c, v in zip(prof["column"], prof["district_median"])]},
                        columns=["column", "label", "school_text", "median_text"])


def verdict(r: pd.Series) -> str:
    """A plain Russian verdict for one `intervals()` row (the card's one rule: significant after the correction for
    the card's many comparisons; no verdict for a small group or a result with signs of inflated marks)."""
    if fmt.is_missing(r.get("mean")):
        return "нет среднего балла"
    if bool(r.get("nonobjective")):
        return "признаки необъективности — не сравнивается"
    if bool(r.get("small_n")):
        return "мало участников — не оценивается"
    if bool(r.get("significantly_below")):
        return "значимо ниже района"
    if bool(r.get("significantly_above")):
        return "значимо выше района"
    if bool(r.get("below_significantly_above")):
        return "больше ниже минимума, чем по району"
    return "не отличается от района"


def mean_digits(exam: str) -> int:
    return 1 if exam in ("ЕГЭ", "Пробный ЕГЭ") else 2


def results_frame(iv: pd.DataFrame) -> pd.DataFrame:
    """`intervals()` rows of one school and year with display columns (mean with its interval, verdict)."""
    d = iv.copy()
    if d.empty:
        return d.assign(subject_text=[], grade_text=[], n_text=[], mean_text=[], interval_text=[],
                        district_text=[], below_text=[], district_below_text=[], verdict=[])
    digits = d["exam"].map(mean_digits)
    d["subject_text"] = d["subject"].astype(str)
    d["grade_text"] = d["grade"].map(lambda g: "—" if fmt.is_missing(g) else f"{int(g)}")
    d["n_text"] = d["participants"].map(lambda n: fmt.num(int(n)) if not fmt.is_missing(n) else "—")
    d["mean_text"] = [fmt.value(m, None, k) for m, k in zip(d["mean"], digits)]
    d["interval_text"] = [("—" if fmt.is_missing(lo) else f"{fmt.num(float(lo), k)} – {fmt.num(float(hi), k)}")
                          for lo, hi, k in zip(d["mean_low"], d["mean_high"], digits)]
    d["district_text"] = [fmt.value(m, None, k) for m, k in zip(d["district_mean"], digits)]
    d["below_text"] = d["below_share"].map(lambda v: fmt.value(v, "%", 1))
    d["district_below_text"] = d["district_below_share"].map(lambda v: fmt.value(v, "%", 1))
    d["verdict"] = d.apply(verdict, axis=1)
    return d


RESULTS_COLUMNS = {  # the verdict next to the numbers it is about, before the details
    "exam": "Процедура",
    "subject_text": "Предмет",
    "grade_text": "Класс",
    "n_text": "Участников",
    "mean_text": "Средний балл",
    "district_text": "Район",
    "verdict": st.column_config.TextColumn("Вывод", width=230),
    "interval_text": "95 % интервал",
    "below_text": "Ниже минимума",
    "district_below_text": "Ниже мин. (район)",
}


def verdict_styler(view: pd.DataFrame) -> Any:
    colours = {"значимо ниже района": "background-color: #ffcdd2", "значимо выше района": "background-color: #c8e6c9",
               "больше ниже минимума, чем по району": "background-color: #ffcdd2"}
    return view.style.map(lambda v: colours.get(v, ""), subset=["verdict"]) if "verdict" in view else view.style


MARKS_COLUMNS = {"exam": "Процедура", "subject": "Предмет", "grade_text": "Класс", "n_text": "Участников",
                 "success_text": "Успеваемость", "quality_text": "Качество знаний", "sou_text": "СОУ"}
HIGH_COLUMNS = {"band": "Порог", "count_text": "Человек / результатов", "share_text": "Доля", "source_text": "Откуда"}


def marks_frame(mm: pd.DataFrame) -> pd.DataFrame:
    """`metrics.mark_measures` rows of one school with display columns (shares with their 95 % interval)."""
    def share(v, lo, hi):
        return "—" if fmt.is_missing(v) else f"{fmt.value(v, '%', 1)} ({fmt.num(float(lo), 1)}–{fmt.num(float(hi), 1)})"
    return mm.sort_values(["exam", "grade", "subject"]).assign(
        grade_text=mm["grade"].map(lambda g: "—" if fmt.is_missing(g) else str(int(g))),
        n_text=mm["participants"].map(lambda n: fmt.num(int(n))),
        success_text=[share(v, lo, hi) for v, lo, hi in zip(mm["success"], mm["success_low"], mm["success_high"])],
        quality_text=[share(v, lo, hi) for v, lo, hi in zip(mm["quality"], mm["quality_low"], mm["quality_high"])],
        sou_text=mm["sou"].map(lambda v: fmt.value(v, "%", 1)))


def high_frame(hs: pd.DataFrame) -> pd.DataFrame:
    """`metrics.high_scorers` rows of one school with display columns; a band nothing reports says so."""
    return hs.assign(
        count_text=hs["count"].map(lambda v: "нет данных" if fmt.is_missing(v) else fmt.num(int(v))),
        share_text=hs["share"].map(lambda v: "—" if fmt.is_missing(v) else fmt.value(v, "%", 1)),
        source_text=hs["source"].map({"results": "результаты ЕГЭ (результатов, не человек)",
                                      "indicator": "показатель программы"}).fillna("нужны баллы участников"))


def flag_boxes(flags: pd.DataFrame) -> None:
    """One coloured box per flag (red for risk, amber for a warning, blue for conditions, green for good news): the
    label, the headline and the points as bullets; caveats under it; the numbers in an expander
    (`ui.reasons.explanation_block`)."""
    f = flags.assign(_o=flags["severity"].map(SEVERITY_ORDER).fillna(3)).sort_values("_o")
    for i, r in enumerate(f.to_dict("records")):  # a handful of flags per school
        label = r.get("label") if not fmt.is_missing(r.get("label")) else fmt.flag_label(r["flag"])
        explanation_block(str(label), r.get("explanation"), severity=r.get("severity"), years=r.get("years"),
                          key=f"flag_{r.get('school_id')}_{i}")
