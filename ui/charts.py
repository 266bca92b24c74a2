"""How are the dashboard's Plotly figures built?

Figure builders with Russian labels, sensible axes (percentages from 0, marks
on 2–5, ЕГЭ scores 0–100), hover details and Russian number format
(`separators=", "`: decimal comma, space for thousands). They take metric
outputs as they are and compute nothing new.

Public: `base_layout(fig, ...)`, `value_axis(unit, values)`,
`indicator_chart(rows, glide, forecast, baseline, unit, title)`,
`roadmap_timeline(progress, on_date, window=...)` (a page of `TIMELINE_PAGE` events), `state_bars(summary, by_label)`,
`status_bar(counts)`.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from metrics.roadmap import responsible_text
from ui import format as fmt
from ui.reasons import full_text
from ui.safe import html

FONT = "Inter, Arial, sans-serif"


def base_layout(fig: go.Figure, title: str | None = None, height: int = 420, legend: bool = True) -> go.Figure:
    """Common layout: Russian number separators, white background, legend below, compact margins."""
    fig.update_layout(
        title=dict(text=title, x=0, xanchor="left") if title else None,
        separators=", ",
        template="plotly_white",
        height=height,
        margin=dict(l=10, r=10, t=50 if title else 20, b=10),
        font=dict(family=FONT, size=13),
        showlegend=legend,
        legend=dict(orientation="h", yanchor="top", y=-0.15, xanchor="left", x=0),
        hoverlabel=dict(namelength=-1),
    )
    return fig


def value_axis(unit: str | None, values: Iterable[Any] = ()) -> dict[str, Any]:
    """y-axis settings for a unit: % from 0 (to 100 when values are large), marks 2–5, scores 0–100."""
    u = (unit or "").strip().lower()
    vals = pd.to_numeric(pd.Series(list(values), dtype="object"), errors="coerce").dropna()
    top = float(vals.max()) if len(vals) else None
    if u == "%":
        # 0–100, or tighter for small shares; a value above 100 (e.g. a trend forecast) stays in view
        rng = [0, 100] if top is None else [0, max(100.0, top * 1.05)] if top > 50 else [0, top * 1.25 or 1]
        return dict(range=rng, ticksuffix=" %", title=None)
    if u in ("отметка", "балл (2–5)") or (u.startswith("балл") and top is not None and top <= 5):
        return dict(range=[2, 5], title="отметка", dtick=0.5)
    if u.startswith("балл"):
        return dict(range=[0, 100], title="балл")
    lo = min(0.0, float(vals.min())) if len(vals) else 0
    return dict(range=[lo, top * 1.2 if top and top > 0 else 1], title=unit or None)


def _num_year(s: pd.Series) -> pd.Series:
    return pd.to_numeric(s, errors="coerce")


def indicator_chart(
    rows: pd.DataFrame,
    *,
    glide: pd.DataFrame | None = None,
    forecast: pd.Series | dict | None = None,
    baseline: tuple[int, float] | None = None,
    unit: str | None = None,
    title: str | None = None,
) -> go.Figure:
    """Plan line (or range band), fact bars coloured by status, baseline, target and forecast.

    `rows`: plan_vs_fact rows of one indicator × school, all years.
    `glide`: glide_path rows (year, plan) of the same indicator × school, drawn dashed where no plan.
    `forecast`: one forecast_to_target row (final_year, target, last_fact_year, last_fact, forecast, forecast_low,
    forecast_high, will_reach, verdict); the forecast is drawn with its 80 % prediction interval.
    """
    fig = go.Figure()
    r = rows.copy()
    r["year"] = _num_year(r["year"])
    r = r.sort_values("year")
    all_values: list[float] = []

    has_range = r["plan_low"].notna() | r["plan_high"].notna() if "plan_low" in r else pd.Series(False, index=r.index)
    rng = r[has_range]
    if len(rng):
        all_values += rng["plan_high"].dropna().tolist()
        fig.add_trace(go.Scatter(
            x=rng["year"], y=rng["plan_low"], mode="lines", line=dict(width=0, color="#1565c0"),
            name="План: нижняя граница", showlegend=False, hoverinfo="skip"))
        fig.add_trace(go.Scatter(
            x=rng["year"], y=rng["plan_high"], mode="lines", line=dict(width=0, color="#1565c0"),
            fill="tonexty", fillcolor="rgba(21,101,192,0.15)", name="План (диапазон)",
            customdata=np.stack([rng["plan_low"].map(lambda v: fmt.value(v, unit)),
                                 rng["plan_high"].map(lambda v: fmt.value(v, unit))], axis=-1),
            hovertemplate="%{x}: план %{customdata[0]} – %{customdata[1]}<extra></extra>"))
    plan = r[~has_range & r["plan"].notna()]
    if len(plan):
        all_values += plan["plan"].tolist()
        src = plan["plan_source"].fillna("plan") if "plan_source" in plan else pd.Series("plan", index=plan.index)
        fig.add_trace(go.Scatter(
            x=plan["year"], y=plan["plan"], mode="lines+markers", name="План",
            line=dict(color="#1565c0", width=2), marker=dict(size=7),
            customdata=np.stack([plan["plan"].map(lambda v: fmt.value(v, unit)),
                                 src.map({"plan": "по программе", "glide": "по прямой от базового к целевому"}).fillna("")], axis=-1),
            hovertemplate="%{x}: план %{customdata[0]} (%{customdata[1]})<extra></extra>"))
    elif glide is not None and len(glide):
        g = glide.assign(year=_num_year(glide["year"])).sort_values("year")
        all_values += g["plan"].dropna().tolist()
        fig.add_trace(go.Scatter(
            x=g["year"], y=g["plan"], mode="lines", name="План (по прямой к цели)",
            line=dict(color="#1565c0", width=2, dash="dot"),
            hovertemplate="%{x}: %{y}<extra>по прямой</extra>"))

    fact = r[r["fact"].notna()]
    if len(fact):
        all_values += fact["fact"].tolist()
        fig.add_trace(go.Bar(
            x=fact["year"], y=fact["fact"], name="Факт",
            marker=dict(color=fact["status"].map(fmt.status_color).tolist(), opacity=0.85),
            customdata=np.stack([fact["fact"].map(lambda v: fmt.value(v, unit)),
                                 fact["status"].map(fmt.status_label),
                                 [full_text(e) for e in fact.get("explanation", pd.Series(None, index=fact.index))]],
                                axis=-1),
            hovertemplate="%{x}: факт %{customdata[0]} — %{customdata[1]}<br>%{customdata[2]}<extra></extra>",
            width=0.5))

    if baseline is not None and not fmt.is_missing(baseline[1]):
        all_values.append(float(baseline[1]))
        fig.add_trace(go.Scatter(
            x=[baseline[0]], y=[baseline[1]], mode="markers", name="Базовое значение",
            marker=dict(symbol="diamond", size=11, color="#616161"),
            hovertemplate=f"%{{x}}: базовое значение {fmt.value(baseline[1], unit)}<extra></extra>"))

    if forecast is not None:
        f = dict(forecast)
        fy, tgt = f.get("final_year"), f.get("target")
        if not fmt.is_missing(tgt) and not fmt.is_missing(fy):
            all_values.append(float(tgt))
            fig.add_trace(go.Scatter(
                x=[fy], y=[tgt], mode="markers", name="Целевое значение",
                marker=dict(symbol="star", size=16, color="#ef6c00", line=dict(width=1, color="#5d4037")),
                hovertemplate=f"%{{x}}: цель {fmt.value(tgt, unit)}<extra></extra>"))
        lfy, lf, fc = f.get("last_fact_year"), f.get("last_fact"), f.get("forecast")
        if not any(fmt.is_missing(v) for v in (lfy, lf, fc, fy)) and float(fy) > float(lfy):
            all_values.append(float(fc))
            reach = f.get("will_reach")
            verdict = forecast_verdict(f, unit)
            color = fmt.GOOD if reach is True else (fmt.BAD if reach is False else fmt.NEUTRAL)
            lo, hi = f.get("forecast_low"), f.get("forecast_high")
            has_pi = not fmt.is_missing(lo) and not fmt.is_missing(hi)
            if has_pi:
                all_values += [float(lo), float(hi)]
            pi = f" (80 % — от {fmt.value(lo, unit)} до {fmt.value(hi, unit)})" if has_pi else ""
            fig.add_trace(go.Scatter(
                x=[lfy, fy], y=[lf, fc], mode="lines+markers", name="Прогноз по тренду (80 % интервал)",
                line=dict(color=color, dash="dash", width=2), marker=dict(size=[0, 9], color=color),
                error_y=dict(type="data", symmetric=False, array=[0, float(hi) - float(fc)] if has_pi else None,
                             arrayminus=[0, float(fc) - float(lo)] if has_pi else None, color=color, thickness=1.5,
                             width=8, visible=has_pi),
                hovertemplate=f"%{{x}}: прогноз {fmt.value(fc, unit)}{pi} — {verdict}<extra></extra>"))

    years = sorted(set(r["year"].dropna().astype(int)) | ({int(baseline[0])} if baseline else set())
                   | ({int(forecast["final_year"])} if forecast is not None and not fmt.is_missing(dict(forecast).get("final_year")) else set()))
    base_layout(fig, title)
    fig.update_layout(bargap=0.4, xaxis=dict(tickmode="array", tickvals=years, ticktext=[str(y) for y in years], title=None),
                      yaxis=value_axis(unit, all_values))
    return fig


def forecast_verdict(f: Any, unit: str | None = None) -> str:
    """The forecast's verdict from one forecast_to_target row: «достигнет» / «не достигнет» / «нельзя сказать» /
    «достигнута» / «не достигнута» / «нет прогноза» (the metric's own word; nothing is recomputed here)."""
    v = dict(f).get("verdict")
    return "нет прогноза" if fmt.is_missing(v) else str(v)


def _dates(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return []
    if isinstance(v, str):
        v = [p for p in v.replace(";", ",").split(",") if p.strip()]
    return [str(pd.Timestamp(x).date()) for x in v if x is not None and str(x) != ""]


TIMELINE_PAGE = 30  # events per timeline page: 30 rows are ~900 px, never a 49,000 px chart


def roadmap_timeline(progress: pd.DataFrame, on_date: date, height: int | None = None,
                     window: tuple[Any, Any] | None = None) -> go.Figure:
    """Gantt-like timeline: one row per event, a line from its first to its last control date,
    a marker at each control date coloured by state, the completion date, and a «сегодня» line.

    Draw at most a page of events (`TIMELINE_PAGE`): the page slices the plan. With `window` (start, end) only
    the control dates inside it are drawn (the `year_dates` of `metrics.roadmap_year` when given), the x axis
    spans it, and «сегодня» is drawn only when it falls inside."""
    fig = go.Figure()
    p = progress.copy()
    src = "year_dates" if window is not None and "year_dates" in p else "control_dates"
    p["_dates"] = p[src].map(_dates) if src in p else [[] for _ in range(len(p))]
    if window is not None:
        lo, hi = (str(pd.Timestamp(w).date()) for w in window)
        p["_dates"] = p["_dates"].map(lambda ds: [d for d in ds if lo <= d <= hi])
    p = p[p["_dates"].map(len) > 0]
    if p.empty:
        return base_layout(fig, "Нет мероприятий с контрольными датами", height=200)
    title = p["title"].fillna("").astype(str)
    p["_label"] = (p["number"].fillna("").astype(str) + " " + title.str.slice(0, 60).where(
        title.str.len() <= 60, title.str.slice(0, 58) + "…")).map(html)
    p["_resp"] = p["responsible"].map(responsible_text) if "responsible" in p else ""
    long = p[["_label", "state", "title", "deadline_text", "_resp", "_dates"]].explode("_dates")
    long["date"] = pd.to_datetime(long["_dates"])
    spans = long.groupby("_label", sort=False)["date"].agg(["min", "max"])
    order = list(dict.fromkeys(p["_label"]))
    for state, grp in long.groupby("state", sort=False):
        color = fmt.STATE_COLORS.get(str(state), fmt.NEUTRAL)
        label = fmt.state_label(state)
        sp = spans.loc[grp["_label"].unique()]
        n = len(sp)
        xs = np.empty(3 * n, dtype=object)
        ys = np.empty(3 * n, dtype=object)
        xs[0::3], xs[1::3], xs[2::3] = sp["min"].to_numpy(), sp["max"].to_numpy(), None
        ys[0::3], ys[1::3], ys[2::3] = sp.index.to_numpy(), sp.index.to_numpy(), None
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", line=dict(color=color, width=6), opacity=0.35,
                                 showlegend=False, hoverinfo="skip", legendgroup=label))
        fig.add_trace(go.Scatter(
            x=grp["date"], y=grp["_label"], mode="markers", name=label, legendgroup=label,
            marker=dict(color=color, size=10, symbol="circle"),
            customdata=np.stack([grp["title"].fillna("").astype(str).map(html),
                                 grp["deadline_text"].fillna("").astype(str).map(html),
                                 grp["_resp"].astype(str).map(html), [label] * len(grp)], axis=-1),
            hovertemplate="<b>%{customdata[0]}</b><br>Контрольная дата: %{x|%d.%m.%Y}<br>Срок: %{customdata[1]}"
                          "<br>Ответственные: %{customdata[2]}<br>Состояние: %{customdata[3]}<extra></extra>"))
    if "completion_date" in p:
        comp = pd.to_datetime(p["completion_date"], errors="coerce")
        keep = comp.notna()
        if window is not None:
            keep &= (comp >= pd.Timestamp(window[0])) & (comp <= pd.Timestamp(window[1]))
        done = p[keep]
        if len(done):
            fig.add_trace(go.Scatter(
                x=comp[keep], y=done["_label"], mode="markers", name="Дата выполнения",
                marker=dict(symbol="x", size=9, color="#1b5e20"),
                hovertemplate="Выполнено %{x|%d.%m.%Y}<extra></extra>"))
    today = pd.Timestamp(on_date)
    if window is None or pd.Timestamp(window[0]) <= today <= pd.Timestamp(window[1]):
        fig.add_vline(x=today.timestamp() * 1000, line=dict(color="#c62828", dash="dot", width=1.5))
        fig.add_annotation(x=today, y=1, yref="paper", text=f"сегодня, {on_date:%d.%m.%Y}",
                           showarrow=False, yanchor="bottom", font=dict(color="#c62828", size=11))
    h = height or max(320, 26 * len(order) + 120)
    base_layout(fig, None, height=h)
    xaxis = dict(type="date", tickformat="%m.%Y", title=None)
    if window is not None:
        xaxis["range"] = [pd.Timestamp(window[0]) - pd.Timedelta(days=7), pd.Timestamp(window[1]) + pd.Timedelta(days=7)]
        xaxis["dtick"] = "M1"
    fig.update_layout(yaxis=dict(categoryorder="array", categoryarray=order[::-1], title=None, automargin=True),
                      xaxis=xaxis, legend=dict(y=1.02, yanchor="bottom"))
    return fig


STATE_ORDER = ["done", "in_progress", "continuous", "not_yet_due", "overdue", "unscheduled"]


def state_bars(summary: pd.DataFrame, by: str, by_label: str, states: Iterable[str] = STATE_ORDER) -> go.Figure:
    """Horizontal stacked bars: events per state for each group (section / responsible)."""
    fig = go.Figure()
    s = summary.copy()
    s[by] = s[by].fillna("(не указано)").astype(str)
    for state in states:
        if state not in s:
            continue
        fig.add_trace(go.Bar(
            y=s[by], x=s[state], orientation="h", name=fmt.state_label(state),
            marker=dict(color=fmt.STATE_COLORS.get(state, fmt.NEUTRAL)),
            hovertemplate="%{y}<br>" + fmt.state_label(state) + ": %{x}<extra></extra>"))
    base_layout(fig, None, height=max(260, 34 * len(s) + 120))
    fig.update_layout(barmode="stack", xaxis=dict(title="мероприятий", rangemode="tozero", dtick=None),
                      yaxis=dict(title=None, autorange="reversed", automargin=True),
                      legend=dict(y=1.02, yanchor="bottom", traceorder="normal"))
    return fig


def status_bar(counts: dict[str, int], title: str | None = None) -> go.Figure:
    """One stacked bar of indicator statuses (достигнут / близко / не достигнут / нет данных)."""
    fig = go.Figure()
    for status in ("achieved", "near", "missed", "no data"):
        n = int(counts.get(status, 0))
        if n:
            fig.add_trace(go.Bar(x=[n], y=[""], orientation="h", name=fmt.status_label(status),
                                 marker=dict(color=fmt.status_color(status)), text=[n], textposition="inside",
                                 hovertemplate=f"{fmt.status_label(status)}: {n}<extra></extra>"))
    base_layout(fig, title, height=110)
    # legend in the bars' order (Plotly reverses a stacked bar's legend by default)
    fig.update_layout(barmode="stack", xaxis=dict(visible=False), yaxis=dict(visible=False),
                      legend=dict(y=-0.1, traceorder="normal"), margin=dict(l=0, r=0, t=30 if title else 0, b=0))
    return fig


# --- point labels that do not overlap ----------------------------------------------------------------

_CANDIDATES = (  # Plotly textposition, (dx, dy) of the label box centre in label-box units from the point
    ("top center", (0.0, 1.0)), ("bottom center", (0.0, -1.0)), ("middle right", (0.5, 0.0)),
    ("middle left", (-0.5, 0.0)), ("top right", (0.5, 1.0)), ("top left", (-0.5, 1.0)),
    ("bottom right", (0.5, -1.0)), ("bottom left", (-0.5, -1.0)),
)


def label_positions(x: Iterable[Any], y: Iterable[Any], labels: Iterable[str], *, x_range: tuple[float, float],
                    y_range: tuple[float, float], width_px: float = 800, height_px: float = 400,
                    font_px: float = 10, marker_px: float = 10, order: Iterable[int] | None = None) -> list[str]:
    """A Plotly `textposition` for each point's label so that labels overlap neither each other nor the
    markers; "" where no place is free (that label is left off — the name stays in the hover).

    Greedy over `order` (default: as given): each label takes the first free place of top, bottom, right,
    left and the corners. Sizes are estimated in pixels from the axis ranges and the plot area."""
    xs = np.asarray(pd.to_numeric(pd.Series(list(x)), errors="coerce"), dtype=float)
    ys = np.asarray(pd.to_numeric(pd.Series(list(y)), errors="coerce"), dtype=float)
    texts = [str(t or "") for t in labels]
    n = len(texts)
    sx = width_px / ((x_range[1] - x_range[0]) or 1.0)
    sy = height_px / ((y_range[1] - y_range[0]) or 1.0)
    px, py = (xs - x_range[0]) * sx, (ys - y_range[0]) * sy
    r = marker_px / 2 + 1
    taken: list[tuple[float, float, float, float]] = [(a - r, b - r, a + r, b + r) for a, b in zip(px, py)
                                                      if np.isfinite(a) and np.isfinite(b)]
    out = [""] * n
    for i in (list(order) if order is not None else range(n)):
        if not texts[i] or not (np.isfinite(px[i]) and np.isfinite(py[i])):
            continue
        w, h = 0.56 * font_px * len(texts[i]) + 2, 1.3 * font_px
        for pos, (dx, dy) in _CANDIDATES:
            cx = px[i] + dx * (w + marker_px)
            cy = py[i] + dy * (h / 2 + marker_px / 2 + 1)
            box = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            if box[0] < 0 or box[2] > width_px or box[1] < 0 or box[3] > height_px + 10:
                continue
            own = (px[i] - r, py[i] - r, px[i] + r, py[i] + r)
            if any(b != own and box[0] < b[2] and box[2] > b[0] and box[1] < b[3] and box[3] > b[1] for b in taken):
                continue
            taken.append(box)
            out[i] = pos
            break
    return out
