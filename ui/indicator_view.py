"""How is a plan-vs-fact table shown to a person?

`plan_fact_display(pvf)` turns `metrics.plan_vs_fact` rows into display columns
(plan as `45,0 %` or a range `3,80 – 4,00`, fact, signed deviation, Russian
status) keeping the raw status for colouring; `status_styler(view)` colours
the status cells (green / amber / red / grey, respecting direction because the
status already does). `PLAN_FACT_COLUMNS` are the Russian labels. Used by
«Обзор», «Показатели программы» and the school card.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ui import format as fmt
from ui.reasons import full_text

PLAN_FACT_COLUMNS = {
    "name": "Показатель",
    "school": "Школа",
    "year": "Год",
    "unit": "Ед.",
    "direction_label": "Лучше, когда",
    "plan_text": "План",
    "fact_text": "Факт",
    "deviation_text": "Отклонение",
    "rel_text": "Отклонение, %",
    "status_label": "Статус",
    "progress_text": "Пройдено к цели",
    "reason": "Пояснение",
}


def plan_fact_display(pvf: pd.DataFrame, school_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Display columns for plan_vs_fact rows (keeps `status` for the styler)."""
    d = pvf.copy()
    units = d["unit"].where(d["unit"].notna(), None).tolist()
    d["plan_text"] = [fmt.plan_text(p, lo, hi, u) + (" (по прямой)" if src == "glide" else "")
                      for p, lo, hi, u, src in zip(d["plan"], d["plan_low"], d["plan_high"], units,
                                                   d.get("plan_source", pd.Series(None, index=d.index)))]
    d["fact_text"] = [fmt.value(f, u) for f, u in zip(d["fact"], units)]
    d["deviation_text"] = [fmt.change(x, u) for x, u in zip(d["deviation"], units)]  # п. п. for %
    d["rel_text"] = [f"{fmt.signed(100 * x)}{fmt.NBSP}%" if not fmt.is_missing(x) else "—" for x in d["rel_deviation"]]
    d["status_label"] = d["status"].map(fmt.status_label)
    d["direction_label"] = d["direction"].map({"higher": "больше", "lower": "меньше"}).fillna("")
    d["progress_text"] = [fmt.pct(100 * x, 0) if not fmt.is_missing(x) else "—" for x in d["progress"]]
    names = school_names or {}
    d["school"] = d["school_id"].map(lambda s: "Весь район" if fmt.is_missing(s) or s == "" else names.get(s, s))
    d["year"] = pd.to_numeric(d["year"], errors="coerce").astype("Int64").astype(str)
    d["reason"] = [full_text(e) for e in d["explanation"]] if "explanation" in d else ""
    return d


def status_styler(status: pd.Series | list[Any]) -> Any:
    """A function view -> Styler colouring the «Статус» column (`status_label`, or «Статус» in a table whose
    columns carry their Russian labels: `show_table(static=True)`) by the raw statuses `status`, aligned by
    position with the rows of the view."""
    colours = [fmt.STATUS_BG.get(str(s), "#eeeeee") for s in list(status)]

    def _col(col: pd.Series) -> list[str]:
        if col.name not in ("status_label", PLAN_FACT_COLUMNS["status_label"]):
            return [""] * len(col)
        return [f"background-color: {c}; color: #212121" for c in colours[: len(col)]]

    return lambda view: view.style.apply(_col, axis=0)
