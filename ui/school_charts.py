"""How does one school's result history look against the district?

`results_history(iv, exam, school_name)`: small multiples (one panel per subject,
and grade for ВПР/ОГЭ when several) of the school's mean per year with its 95 %
interval as error bars, the district mean as a line, small groups drawn hollow,
results significantly below / above the district in red / green. The numbers are
`metrics.intervals()` rows, shown as they are.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from ui import format as fmt
from ui.charts import base_layout
from ui.ranking_view import subject_order

EGE_LIKE = ("ЕГЭ", "Пробный ЕГЭ")


def panel_label(subject: str, grade) -> str:
    return subject if fmt.is_missing(grade) else f"{subject}, {int(grade)} кл."


def results_history(iv: pd.DataFrame, exam: str, cols: int = 3) -> go.Figure:
    """Panels per subject (× grade) for one exam: school mean ± 95 % interval per year, district line."""
    d = iv[iv["exam"] == exam].copy()
    d["year"] = pd.to_numeric(d["year"], errors="coerce").astype(int)
    d["panel"] = [panel_label(s, g) for s, g in zip(d["subject"].astype(str), d["grade"])]
    subjects = subject_order(list(dict.fromkeys(d["subject"].astype(str))))
    d["_s"] = d["subject"].astype(str).map({s: i for i, s in enumerate(subjects)})
    d = d.sort_values(["grade", "_s", "year"], na_position="first")
    panels = list(dict.fromkeys(d["panel"]))
    n = max(1, len(panels))
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=panels, shared_xaxes=False,
                        vertical_spacing=min(0.12, 0.5 / rows), horizontal_spacing=0.06)
    ege = exam in EGE_LIKE
    years = sorted(d["year"].unique())
    seen: set[str] = set()
    for i, panel in enumerate(panels):  # a dozen panels at most
        p = d[d["panel"] == panel]
        r, c = i // cols + 1, i % cols + 1
        top = pd.concat([p["mean_high"], p["mean"], p["district_mean"]]).max()
        marks = not ege or (not fmt.is_missing(top) and float(top) <= 5.5)  # e.g. base maths, marked 2–5
        fig.update_yaxes(range=[2, 5] if marks else [0, 100], row=r, col=c)
        digits = 2 if marks else 1
        fig.add_trace(go.Scatter(
            x=p["year"], y=p["district_mean"], mode="lines+markers", name="среднее по району",
            legendgroup="district", showlegend="district" not in seen,
            line=dict(color="#90a4ae", width=2, dash="dash"), marker=dict(size=5),
            hovertemplate="%{x}: район %{y:." + str(digits) + "f}<extra></extra>"),
            row=r, col=c)
        seen.add("district")
        below = p["significantly_below"].fillna(False).astype(bool).to_numpy()
        above = p["significantly_above"].fillna(False).astype(bool).to_numpy()
        small = p["small_n"].fillna(False).astype(bool).to_numpy()
        color = np.where(below, fmt.BAD, np.where(above, fmt.GOOD, fmt.INFO))
        verdict = np.where(small, "мало участников — интервал широкий",
                           np.where(below, "значимо ниже района", np.where(above, "значимо выше района",
                                                                           "не отличается от района")))
        has_mean = p["mean"].notna().to_numpy()
        if not has_mean.any():
            continue
        p = p[has_mean]
        color, verdict, small = color[has_mean], verdict[has_mean], small[has_mean]
        err_hi = (p["mean_high"] - p["mean"]).to_numpy()
        err_lo = (p["mean"] - p["mean_low"]).to_numpy()
        fig.add_trace(go.Scatter(
            x=p["year"], y=p["mean"], mode="lines+markers", name="школа (95 % интервал)",
            legendgroup="school", showlegend=False,
            line=dict(color=fmt.INFO, width=1.5),
            marker=dict(size=10, color=np.where(small, "white", color).tolist(),
                        line=dict(width=2, color=color.tolist()), symbol="circle"),
            error_y=dict(type="data", symmetric=False, array=err_hi, arrayminus=err_lo, color="#546e7a", thickness=1.2),
            customdata=np.stack([p["participants"].map(lambda v: fmt.num(int(v))),
                                 p["mean"].map(lambda v: fmt.num(float(v), digits)),
                                 p["mean_low"].map(lambda v: fmt.num(float(v), digits)),
                                 p["mean_high"].map(lambda v: fmt.num(float(v), digits)),
                                 p["district_mean"].map(lambda v: fmt.num(float(v), digits)), verdict], axis=-1),
            hovertemplate="<b>%{x}</b>: %{customdata[1]} (95 %: %{customdata[2]} – %{customdata[3]})"
                          "<br>район: %{customdata[4]}<br>участников: %{customdata[0]}<br>%{customdata[5]}<extra></extra>"),
            row=r, col=c)
        seen.add("school")
        seen.update(k for k, m in (("below", below[has_mean] & ~small), ("above", above[has_mean] & ~small)) if m.any())
        if small.any():
            fig.add_trace(go.Scatter(
                x=p["year"][small], y=p["mean"][small], mode="markers", name="мало участников (полый маркер)",
                legendgroup="small", showlegend="small" not in seen,
                marker=dict(size=10, color="white", line=dict(width=2, color="#ef6c00")), hoverinfo="skip"),
                row=r, col=c)
            seen.add("small")
    # the legend explains the colours (a legend marker would otherwise take the first point's colour)
    for key, name, colour in (("school", "школа (95 % интервал)", fmt.INFO), ("below", "значимо ниже района", fmt.BAD),
                              ("above", "значимо выше района", fmt.GOOD)):
        if key in seen:
            fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines+markers" if key == "school" else "markers",
                                     name=name, legendgroup=key, line=dict(color=fmt.INFO, width=1.5),
                                     marker=dict(size=10, color=colour), hoverinfo="skip"), row=1, col=1)
    fig.update_yaxes(title=None)
    fig.update_xaxes(tickmode="array", tickvals=years, ticktext=[str(y) for y in years])
    base_layout(fig, None, height=max(300, 260 * rows + 60))
    fig.update_layout(legend=dict(y=-0.08 if rows > 1 else -0.2))
    fig.update_annotations(font_size=12)
    return fig
