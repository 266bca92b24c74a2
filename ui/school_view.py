"""How is one school's picture laid out for the interview (the school card)?

Display helpers for «Школа (карточка)»: the registry profile of the year beside
the district median, the year's results with their 95 % intervals and a plain
verdict, the school's events (by `school_id` or by its name among the
responsible parties), the first screen's summary (one line per serious finding, heaviest first by
`metrics.weights`, and four key figures) and the flag boxes. They take metric outputs and the
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
from metrics.explain import Explanation
from metrics.key_figures import school_key_figures
from metrics.weights import school_findings
from ui import safe
from ui.reasons import explanation_block, plain_explanation, point_markdown

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
        return "не сравнивается: необъективность"
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


RESULTS_COLUMNS = {  # the verdict next to the numbers it is about; the details under «Все столбцы»
    "exam": "Процедура",
    "subject_text": "Предмет",
    "grade_text": "Класс",
    "n_text": "Участников",
    "mean_text": "Средний балл",
    "district_text": "Район",
    "verdict": "Вывод",
}
RESULTS_MORE = {
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


SUMMARY_BOX = {"flag": ("error", ":material/error:"), "warning": ("warning", ":material/warning:")}
BADGE = {"info": "blue", "good": "green"}


def summary_lines(findings: pd.DataFrame, year: int) -> None:
    """The card's first screen: one line per serious finding (red risk, amber warning), heaviest first
    (`metrics.weights`): its label and headline; conditions and good news as badges after them."""
    if findings is None or findings.empty:
        st.success(f"За {fmt.year_label(year)} флагов риска и признаков необъективности ВПР нет.",
                   icon=":material/check_circle:")
        return
    serious = findings[findings["severity"].isin(list(SUMMARY_BOX))]
    if serious.empty:
        st.success(f"За {fmt.year_label(year)} флагов риска и признаков необъективности ВПР нет.",
                   icon=":material/check_circle:")
    for r in serious.to_dict("records"):  # a handful
        kind, icon = SUMMARY_BOX[str(r["severity"])]
        e = plain_explanation(r["flag"], r["explanation"], r.get("details"))
        label = r.get("label") if not fmt.is_missing(r.get("label")) else fmt.flag_label(r["flag"])
        lead = point_markdown(e.headline) if isinstance(e, Explanation) else ""
        getattr(st, kind)(f"**{safe.md(label)}.** {lead}".rstrip() + ("" if lead.endswith(".") or not lead else "."),
                          icon=icon)
    rest = findings[~findings["severity"].isin(list(SUMMARY_BOX))]
    if len(rest):
        badges = " ".join(f":{BADGE.get(str(sv), 'gray')}-badge[{safe.md(lbl)}]"
                          for lbl, sv in zip(rest["label"], rest["severity"]))
        st.markdown(badges)
    st.caption("Причины и числа — на вкладке «Флаги и причины» ниже.")


def _figure(col: Any, label: str, value: str, help_text: str) -> None:
    with col:
        st.metric(label, value, help=help_text, border=True)


def key_figures(reg: Any, iv_year: pd.DataFrame, obj: pd.DataFrame, pvf: pd.DataFrame) -> None:
    """Four key figures under the summary: pupils, results significantly below the district, ВПР works with signs
    of inflated marks, programme indicators that missed the plan («—» where the data are missing)."""
    cols = st.columns(4)
    students = reg.get("students") if reg is not None else None
    _figure(cols[0], "Обучающихся", "—" if fmt.is_missing(students) else fmt.num(int(students)),
            "По реестру школ.")
    counts = school_key_figures(iv_year, obj, pvf)

    def of(key: str) -> str:
        return "—" if counts[key] is None else "{} из {}".format(*counts[key])

    _figure(cols[1], "Значимо ниже района", of("below"),
            "Предметы и классы, где средний балл школы ниже районного с учётом погрешности "
            "(из всех оценённых; группы меньше 10 участников и работы с признаками необъективности не оцениваются).")
    _figure(cols[2], "ВПР: работ с признаками", of("objectivity"),
            "Работы ВПР (класс × предмет) с признаками необъективности: отметки расходятся с журналом или с ОГЭ так, "
            "что стоит обсудить.")
    _figure(cols[3], "Показатели ниже плана", of("missed"),
            "Школьные показатели программы, факт которых не достиг плана с учётом допуска (из показателей с фактом).")


def flag_boxes(findings: pd.DataFrame, school_id: str = "") -> None:
    """One coloured box per finding, heaviest first (`metrics.weights.school_findings`; red for risk, amber for a
    warning, blue for conditions, green for good news): the label, the headline and the points as bullets;
    caveats under it; the numbers in an expander (`ui.reasons.explanation_block`)."""
    f = findings
    if "weight" not in f:  # plain risk_flags rows: order them the same way
        f = school_findings(findings)
    for i, r in enumerate(f.to_dict("records")):  # a handful of flags per school
        label = r.get("label") if not fmt.is_missing(r.get("label")) else fmt.flag_label(r["flag"])
        e = plain_explanation(r["flag"], r.get("explanation"), r.get("details"))
        explanation_block(str(label), e, severity=r.get("severity"), years=r.get("years"),
                          key=f"flag_{school_id}_{i}")
