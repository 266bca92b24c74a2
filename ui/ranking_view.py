"""How is a school ranking shown: the table, the bar chart, the funnel plot and the 5×5 grid?

Display helpers for «Рейтинг школ». They take the outputs of
`metrics.rank_schools`, `metrics.funnel` and `metrics.level_change_grid` as they
are and only format them: rank-change arrows (▲▼), small-n marks, Russian
numbers, Plotly figures with Russian labels, the district line and control
limits. Nothing here computes a statistic.
"""
from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import format as fmt
from ui.charts import base_layout, label_positions

LEVEL_LABELS = {1: "очень низкий", 2: "низкий", 3: "средний", 4: "высокий", 5: "очень высокий"}
CHANGE_LABELS = {1: "значительное ухудшение", 2: "ухудшение", 3: "без изменений", 4: "улучшение",
                 5: "значительное улучшение"}

MAX_BARS = 60      # more schools than this: the bar chart shows the 30 best and the 30 worst
MAX_LABELS = 40    # more points than this: only the notable ones carry a name
MAX_STYLED = 200   # a pandas Styler over more rows costs seconds per rerun: plain table beyond this

RANK_COLUMNS = {
    "rank": "Место",
    "interval_text": st.column_config.TextColumn(
        "Интервал места", width=110,
        help="В каких пределах может быть место при таком числе участников (95 %, параметрический бутстреп)"),
    "arrow": st.column_config.TextColumn(
        "Изменение места", help="Стрелка — только когда интервалы мест этого и прошлого года не пересекаются"),
    "school": "Школа",
    "value_text": "Значение",
    "participants_text": "Участников",
    "reliability": st.column_config.TextColumn("Надёжность", width=140,
                                               help="⚠ — меньше участников, чем нужно для надёжного места"),
    "avg3_text": st.column_config.TextColumn("Среднее за 3 года", help="Веса лет 3:2:1, последний год — самый весомый"),
}
# In the Excel file only: the table fits 1366 px without sideways scrolling (the change arrow says how the place moved).
RANK_DOWNLOAD_ONLY = {"prev_rank_text": "Место год назад", "n_years": "Лет в среднем за 3 года"}


def table_height(n_rows: int, cap: int = 740) -> int:
    """Height in pixels that shows `n_rows` rows of an st.dataframe without scrolling (up to `cap`)."""
    return int(min(cap, 38 + 35 * max(1, n_rows)))


def subject_order(subjects: list[str]) -> list[str]:
    """Compulsory subjects first (Русский язык, Математика …), then the rest alphabetically."""
    first = [s for s in subjects if s.startswith("Русский")] + [s for s in subjects if s.startswith("Математика")]
    return first + sorted(s for s in subjects if s not in first)


def arrow(change: Any, prev_rank: Any, moved: Any = None) -> str:
    """«▲ 2» / «▼ 1» only when the place moved beyond chance (`rank_moved` ±1); «≈ в пределах колебаний» when the
    number changed within the intervals; «= на месте»; «новая в рейтинге» (not ranked last year)."""
    if fmt.is_missing(prev_rank):
        return "новая в рейтинге"
    if fmt.is_missing(change) or int(change) == 0:
        return "= на месте"
    c = int(change)
    if fmt.is_missing(moved) or int(moved) == 0:
        return "≈ в пределах колебаний"
    return f"▲ {c}" if c > 0 else f"▼ {abs(c)}"


def interval_text(lo: Any, hi: Any) -> str:
    """«2–7» (the rank's 95 % interval), the single place when it is certain, «—» when unknown."""
    if fmt.is_missing(lo) or fmt.is_missing(hi):
        return "—"
    return f"{int(lo)}" if int(lo) == int(hi) else f"{int(lo)}–{int(hi)}"


def value_formatter(kind: str, exam: str | None = None, unit: str | None = None) -> Callable[[Any], str]:
    """How a ranked value is written: percentile, ЕГЭ score, mark 2–5, % below the minimum, z-score, indicator unit."""
    if kind == "composite":
        return lambda v: fmt.value(v, None, 1)
    if kind == "score":
        return lambda v: fmt.change(v, None, 2) if not fmt.is_missing(v) else "—"
    if kind == "below_share":
        return lambda v: fmt.value(v, "%", 1)
    if kind == "mean":
        digits = 1 if exam in ("ЕГЭ", "Пробный ЕГЭ") else 2
        return lambda v: fmt.value(v, None, digits)
    return lambda v: fmt.value(v, unit)


def rank_display(ranked: pd.DataFrame, names: dict[str, str], fmt_value: Callable[[Any], str],
                 min_participants: int = 10) -> pd.DataFrame:
    """`rank_schools()` rows with display columns: arrow, interval_text, school, value_text, participants_text,
    reliability, avg3_text, prev_rank_text (raw columns kept for charts and colouring)."""
    d = ranked.copy()
    d["school"] = d["school_id"].map(lambda s: names.get(str(s), str(s)))
    d["arrow"] = [arrow(c, p, m) for c, p, m in zip(d["rank_change"], d["prev_rank"], d["rank_moved"])]
    d["interval_text"] = [interval_text(lo, hi) for lo, hi in zip(d["rank_low"], d["rank_high"])]
    d["value_text"] = d["value"].map(fmt_value)
    d["avg3_text"] = d["avg3"].map(fmt_value)
    d["participants_text"] = d["participants"].map(lambda n: "—" if fmt.is_missing(n) else fmt.num(int(n)))
    low = d["low_reliability"].fillna(False).astype(bool)
    d["reliability"] = np.where(low, "⚠ мало участников", "")
    d["prev_rank_text"] = d["prev_rank"].map(lambda r: "—" if fmt.is_missing(r) else str(int(r)))
    d["rank"] = d["rank"].astype("Int64")
    return d


def place_text(row: dict[str, Any], name: str, fmt_value: Callable[[Any], str]) -> str:
    """One sentence on where the chosen school stands: «Сосновская СОШ № 3» — место 5 из 12 в списке «Средние
    школы» (с учётом погрешности — от 3 до 8), значение 54,3; год назад — место 7. (names from files: escaped)."""
    from ui.safe import md

    rank, n = int(row["rank"]), int(row["n_in_group"])
    text = f"«{md(name)}» — место {rank} из {n} в списке «{md(row['type_group'])}»"
    lo, hi = row.get("rank_low"), row.get("rank_high")
    if not (fmt.is_missing(lo) or fmt.is_missing(hi)) and int(lo) != int(hi):
        text += f" (с учётом погрешности — от {int(lo)} до {int(hi)})"
    text += f", значение {fmt_value(row.get('value'))}"
    if not fmt.is_missing(row.get("prev_rank")):
        text += f"; год назад — место {int(row['prev_rank'])}"
    text += "."
    if bool(row.get("low_reliability")) and not fmt.is_missing(row.get("low_reliability")):
        text += " Мало участников: место может сильно меняться от года к году случайно."
    return text


def highlight_styler(base: Callable[[pd.DataFrame], Any] | None, position: int | None) -> Callable[[pd.DataFrame], Any]:
    """`base` (e.g. `arrow_styler`) plus a tinted, bold row at `position` (the chosen school's row in the table)."""
    def style(view: pd.DataFrame) -> Any:
        sty = base(view) if base is not None else view.style
        if position is None or not 0 <= position < len(view):
            return sty
        mark = "background-color: #fff8e1; font-weight: 700"
        return sty.apply(lambda r: [mark if r.name == position else "" for _ in r], axis=1)
    return style


def arrow_styler(view: pd.DataFrame) -> Any:
    """Green for moving up, red for moving down, amber background for small-n rows."""
    def colour(v: Any) -> str:
        s = str(v)
        if s.startswith("▲"):
            return f"color: {fmt.GOOD}; font-weight: 600"
        if s.startswith("▼"):
            return f"color: {fmt.BAD}; font-weight: 600"
        return "color: #757575"

    sty = view.style
    if "arrow" in view:
        sty = sty.map(colour, subset=["arrow"])
    if "reliability" in view:
        sty = sty.map(lambda v: "background-color: #fff3e0" if v else "", subset=["reliability"])
    return sty


CHOSEN = "#ef6c00"  # the sidebar's school, wherever it is drawn


def ranking_bars(disp: pd.DataFrame, *, value_title: str, district: float | None = None,
                 district_label: str = "район", axis: dict | None = None,
                 title: str | None = None, highlight: str | None = None) -> go.Figure:
    """Horizontal bars of the ranked value (best at the top), small-n bars pale and hatched,
    a vertical district line; the school `highlight` (an id) in orange, kept even in a long list."""
    d = disp.sort_values("rank", ascending=False)
    if len(d) > MAX_BARS:  # a region: the best and the worst ends, the full list is the table
        half = MAX_BARS // 2
        chosen = d[d["school_id"].astype(str) == str(highlight)] if highlight else d.iloc[:0]
        d = pd.concat([d.head(half), chosen, d.tail(half)]).drop_duplicates("school_id")
        d = d.sort_values("rank", ascending=False)
    low = d["low_reliability"].fillna(False).astype(bool).to_numpy()
    colors = np.where(low, "#b0bec5", "#1565c0")
    if highlight:
        colors = np.where(d["school_id"].astype(str).to_numpy() == str(highlight), CHOSEN, colors)
    fig = go.Figure(go.Bar(
        y=d["school"], x=d["value"], orientation="h", name=value_title,
        marker=dict(color=colors, pattern=dict(shape=np.where(low, "/", "").tolist())),
        text=d["value_text"], textposition="outside", cliponaxis=False,
        customdata=np.stack([d["rank"].astype(str), d["arrow"], d["participants_text"], d["avg3_text"],
                             np.where(low, "мало участников — результат ненадёжен", "")], axis=-1),
        hovertemplate="<b>%{y}</b><br>Место %{customdata[0]} (%{customdata[1]})<br>" + value_title
                      + ": %{text}<br>Участников: %{customdata[2]}<br>Среднее за 3 года: %{customdata[3]}"
                      "<br>%{customdata[4]}<extra></extra>",
    ))
    if district is not None and not fmt.is_missing(district):
        fig.add_vline(x=float(district), line=dict(color=fmt.BAD, dash="dash", width=2))
        fig.add_annotation(x=float(district), y=1, yref="paper", yanchor="bottom", showarrow=False,
                           text=f"{district_label}: {fmt.num(float(district), 2 if abs(float(district)) < 10 else 1)}",
                           font=dict(color=fmt.BAD, size=12))
    base_layout(fig, title, height=max(320, 26 * len(d) + 110), legend=False)
    xaxis = dict(title=value_title, rangemode="tozero")
    if axis:
        xaxis.update(axis)
    fig.update_layout(xaxis=xaxis, yaxis=dict(title=None, automargin=True), margin=dict(r=60))
    return fig


def funnel_chart(points: pd.DataFrame, limits: pd.DataFrame, names: dict[str, str], *, measure: str,
                 value_title: str, title: str | None = None, axis: dict | None = None) -> go.Figure:
    """Funnel plot: each school's value against its participants, the district line and the 95 % / 99,8 %
    control limits widened by the spread between schools (overdispersion); a school is coloured only when its
    difference survives the correction for the number of schools on the chart, never under the minimum n
    (hollow); schools labelled; `customdata[0]` is the school id (used to open its card on click)."""
    fig = go.Figure()
    if len(limits):
        for lo, hi, label, dash in (("lo95", "hi95", "границы 95 %", "dash"), ("lo998", "hi998", "границы 99,8 %", "dot")):
            for col, show in ((lo, True), (hi, False)):
                fig.add_trace(go.Scatter(
                    x=limits["n"], y=limits[col], mode="lines", name=label, legendgroup=label, showlegend=show,
                    line=dict(color="#757575", dash=dash, width=1.5), hoverinfo="skip"))
    if len(points):
        district = float(points["district_value"].iloc[0])
        nmax = float(max(points["participants"].max(), limits["n"].max() if len(limits) else 1))
        fig.add_trace(go.Scatter(x=[1, nmax], y=[district, district], mode="lines", name="среднее по району",
                                 line=dict(color=fmt.INFO, width=2), hoverinfo="skip"))
        bad_side = "below" if measure == "mean" else "above"
        side = points["side"].fillna("")
        small = points["small_n"].fillna(False).astype(bool).to_numpy() if "small_n" in points else np.zeros(
            len(points), dtype=bool)
        status = np.where(small, "small", np.where(side == bad_side, "bad", np.where(side != "", "good", "inside")))
        labels = {"bad": "хуже района сверх обычного разброса", "good": "лучше района сверх обычного разброса",
                  "inside": "в пределах обычного разброса", "small": "мало участников — не оценивается"}
        colors = {"bad": fmt.BAD, "good": fmt.GOOD, "inside": "#546e7a", "small": "#b0bec5"}
        digits = 1 if measure == "below_share" or district > 10 else 2
        # zoom on the schools (the limits fan out beyond): labels need the room; stay inside the scale
        vals = pd.to_numeric(points["value"], errors="coerce")
        lo_v, hi_v = float(min(vals.min(), district)), float(max(vals.max(), district))
        pad = 0.3 * (hi_v - lo_v) or 1.0
        y_lo, y_hi = lo_v - pad, hi_v + pad
        scale = (axis or {}).get("range")
        if scale:
            y_lo, y_hi = max(y_lo, float(scale[0])), min(y_hi, float(scale[1]))
        zoom = [y_lo, y_hi]
        x_hi = nmax * 1.05
        all_names = points["school_id"].astype(str).map(lambda s: names.get(s, s))
        short = all_names.map(lambda s: s if len(s) <= 22 else s[:21] + "…")
        if len(points) > MAX_LABELS:
            short = short.where(status != "inside", "")
        # flagged schools get their labels placed first, then the rest from the extremes inwards
        priority = np.argsort(np.where(status != "inside", -1e9, 0) - (vals - district).abs().to_numpy())
        positions = pd.Series(label_positions(points["participants"], vals, short, x_range=(0, x_hi),
                                              y_range=(y_lo, y_hi), width_px=780, height_px=380,
                                              order=priority), index=points.index)
        for key in ("small", "inside", "bad", "good"):
            p = points[status == key]
            if p.empty:
                continue
            out998 = p["outside998"].fillna(False).astype(bool).to_numpy()
            school = all_names[p.index]
            label = short[p.index].where(positions[p.index] != "", "")
            vtext = p["value"].map(lambda v: fmt.num(float(v), digits) + (" %" if measure == "below_share" else ""))
            fig.add_trace(go.Scatter(
                x=p["participants"], y=p["value"], mode="markers+text", name=labels[key],
                text=label, textposition=positions[p.index].replace("", "top center").tolist(),
                textfont=dict(size=10, color="#37474f"),
                marker=dict(color="white" if key == "small" else colors[key], size=np.where(out998, 14, 10).tolist(),
                            symbol=np.where(out998, "diamond", "circle").tolist(),
                            line=dict(width=1.5 if key == "small" else 1,
                                      color=colors[key] if key == "small" else "white")),
                customdata=np.stack([p["school_id"].astype(str), school, vtext,
                                     np.where(out998, "за границей 99,8 %", "")], axis=-1),
                hovertemplate="<b>%{customdata[1]}</b><br>" + value_title + ": %{customdata[2]}<br>Участников: %{x}"
                              "<br>%{customdata[3]}<br><i>щёлкните точку, чтобы открыть карточку</i><extra></extra>"))
    base_layout(fig, title, height=520)
    yaxis = dict(title=value_title)
    if axis:
        yaxis.update(axis)
    xaxis = dict(title="участников", rangemode="tozero")
    if len(points):
        yaxis["range"] = zoom
        xaxis["range"] = [0, x_hi]
    fig.update_layout(xaxis=xaxis, yaxis=yaxis, clickmode="event+select", dragmode="pan")
    return fig


def grid_heatmap(grid: pd.DataFrame, names: dict[str, str], title: str | None = None) -> go.Figure:
    """5×5 heatmap: rows = level (5 = очень высокий at the top), columns = change band; each cell lists the
    schools in it (small groups are not placed); the colour says how good the cell is (level + change), counts in
    the hover."""
    g = grid[grid["change_band"].notna() & grid["level"].notna() & ~grid.get("small_n", False)].copy()
    g["school"] = g["school_id"].astype(str).map(lambda s: names.get(s, s))
    levels, bands = [1, 2, 3, 4, 5], [1, 2, 3, 4, 5]
    text = [["" for _ in bands] for _ in levels]
    counts = [[0 for _ in bands] for _ in levels]
    if len(g):
        cells = g.groupby(["level", "change_band"])["school"].agg(list)
        for (lv, bd), schools in cells.items():  # at most 25 cells
            counts[int(lv) - 1][int(bd) - 1] = len(schools)
            shown = [s if len(s) <= 24 else s[:23] + "…" for s in schools[:6]]
            more = f"<br>и ещё {len(schools) - 6}" if len(schools) > 6 else ""
            text[int(lv) - 1][int(bd) - 1] = "<br>".join(shown) + more
    goodness = [[(lv - 3) + (bd - 3) * 0.8 for bd in bands] for lv in levels]
    fig = go.Figure(go.Heatmap(
        z=goodness, x=[CHANGE_LABELS[b] for b in bands], y=[f"{LEVEL_LABELS[lv]} уровень" for lv in levels],
        text=text, texttemplate="%{text}", textfont=dict(size=11),
        customdata=counts, colorscale=[[0, "#ef9a9a"], [0.5, "#fff9c4"], [1, "#a5d6a7"]], showscale=False,
        xgap=3, ygap=3,
        hovertemplate="%{y}, %{x}<br>школ: %{customdata}<extra></extra>"))
    base_layout(fig, title, height=560, legend=False)
    fig.update_layout(xaxis=dict(title="изменение за год (с учётом погрешности)", side="bottom"),
                      yaxis=dict(title="уровень (пятая часть школ района)"))
    return fig
