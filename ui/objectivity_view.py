"""How are ВПР objectivity results shown: lowered / confirmed / raised bars and the flagged rows?

`comparison_bars(rows, label_col)` draws 100 % stacked horizontal bars of the
shares that confirmed, lowered and raised the journal mark (confirmed first, so the
70 % confirmation line and the 85 % line — 15 % raised — can be read directly),
flagged rows marked. `objectivity_display(rows, names)` adds Russian display
columns. Numbers are `metrics.objectivity_flags` rows, shown as they are.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from metrics.objectivity import FLAG_SHORT
from ui import format as fmt
from ui.charts import base_layout
from ui.reasons import full_text

STATUS_TEXT = {"flagged": "признак", "note": "посмотреть первичные баллы", "indicative": "мало работ — ориентир",
               "": ""}
SEGMENTS = (("confirmed_pct", "ВПР = журнал", "#90a4ae"), ("lowered_pct", "ВПР ниже журнала", "#1e88e5"),
            ("raised_pct", "ВПР выше журнала", "#e53935"))


def objectivity_display(rows: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """Display columns for objectivity_flags rows: school, grade, percentages, means, flag names."""
    d = rows.copy()
    d["school"] = d["school_id"].astype(str).map(lambda s: names.get(s, s))
    d["grade_text"] = fmt.per_value(d["grade"], lambda g: "—" if fmt.is_missing(g) else str(int(g)))
    d["n_text"] = fmt.per_value(d["participants"], lambda n: fmt.num(int(n)) if not fmt.is_missing(n) else "—")
    for c in ("lowered_pct", "confirmed_pct", "raised_pct"):
        d[c.replace("_pct", "_text")] = fmt.per_value(d[c], lambda v: fmt.value(v, "%", 1))
    d["mean_text"] = fmt.per_value(d["mean"], lambda v: fmt.value(v, None, 2))
    d["district_text"] = fmt.per_value(d["district_mean"], lambda v: fmt.value(v, None, 2))
    d["flags_text"] = d["flags"].map(lambda fl: ", ".join(FLAG_SHORT.get(f, f) for f in fl)
                                     if isinstance(fl, (list, tuple, np.ndarray)) else "")
    d["years_text"] = d["years_flagged"].map(lambda v: "—" if fmt.is_missing(v) else f"{int(v)} из 3")
    d["status_text"] = d["status"].map(STATUS_TEXT).fillna("") if "status" in d else ""
    d["reason"] = [full_text(e) for e in d["explanation"]] if "explanation" in d else ""
    return d


OBJ_COLUMNS = {
    "school": "Школа", "grade_text": "Класс", "subject": "Предмет", "n_text": "Участников",
    "confirmed_text": st.column_config.TextColumn("ВПР = журнал", help="Отметка за ВПР совпала с журнальной"),
    "lowered_text": st.column_config.TextColumn("ВПР ниже", help="Отметка за ВПР ниже журнальной"),
    "raised_text": st.column_config.TextColumn("ВПР выше", help="Отметка за ВПР выше журнальной"),
    "status_text": st.column_config.TextColumn("Оценка", width=150),
    "flags_text": st.column_config.TextColumn("Признаки", width=210, help="Полный список — при наведении на ячейку"),
}
# per school (in its card above) and the numbers of each work in words: for the Excel file
OBJ_MORE = {  # under «Все столбцы»: the marks behind the shares
    "mean_text": st.column_config.TextColumn("Ср. отметка", help="Средняя отметка за ВПР"),
    "district_text": st.column_config.TextColumn("Район", help="Средняя отметка по району"),
}
OBJ_DOWNLOAD = {"years_text": "Лет с признаками", "reason": "Пояснение"}


def comparison_bars(rows: pd.DataFrame, label_col: str, *, title: str | None = None,
                    min_confirmed: float = 70.0, max_raised: float = 15.0) -> go.Figure:
    """100 % stacked bars per row (`label_col` on the y axis): confirmed, lowered, raised; flagged rows get «⚠»."""
    d = rows.copy()
    flagged = d["flagged"].fillna(False).astype(bool).to_numpy()
    d["_y"] = np.where(flagged, "⚠ ", "") + d[label_col].astype(str)
    fig = go.Figure()
    for col, label, color in SEGMENTS:
        v = pd.to_numeric(d[col], errors="coerce")
        fig.add_trace(go.Bar(
            y=d["_y"], x=v, orientation="h", name=label, marker=dict(color=color),
            text=v.map(lambda x: fmt.num(float(x), 0) if not fmt.is_missing(x) and x >= 6 else ""),
            textposition="inside", insidetextanchor="middle", textangle=0,
            customdata=np.stack([v.map(lambda x: fmt.value(x, "%", 1)), d["participants"].map(
                lambda n: fmt.num(int(n)) if not fmt.is_missing(n) else "—"),
                [full_text(e) for e in d["explanation"]]], axis=-1),
            hovertemplate="%{y}<br>" + label + ": %{customdata[0]} (участников: %{customdata[1]})"
                          "<br>%{customdata[2]}<extra></extra>"))
    fig.add_vline(x=min_confirmed, line=dict(color="#37474f", dash="dash", width=1.5))
    fig.add_vline(x=100 - max_raised, line=dict(color=fmt.BAD, dash="dot", width=1.5))
    fig.add_annotation(x=min_confirmed, y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=f"совпали ≥ {fmt.num(min_confirmed, 0)} %", font=dict(size=11, color="#37474f"))
    fig.add_annotation(x=100 - max_raised, y=1.06, yref="paper", yanchor="bottom", showarrow=False,
                       text=f"выше журнальной > {fmt.num(max_raised, 0)} %", font=dict(size=11, color=fmt.BAD))
    base_layout(fig, title, height=max(300, 26 * len(d) + 150))
    ticks = [0, 20, 40, 60, 70, 80, 100]
    fig.update_layout(barmode="stack", xaxis=dict(range=[0, 102], tickvals=ticks,
                                                  ticktext=[f"{t}{fmt.NBSP}%" for t in ticks], title="доля участников"),
                      yaxis=dict(title=None, autorange="reversed", automargin=True), margin=dict(t=60),
                      legend=dict(traceorder="normal"))
    return fig
