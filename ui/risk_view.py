"""How are at-risk schools shown: the flag lists with links to the cards, and results against social context?

`school_flag_list(flags, names, ...)` renders one bordered block per school with
its flags, badges (устойчиво низкие, вышли из ШНОР) and the reasons, with a link to
the card. `context_scatter(ca, names)` draws `metrics.context_adjusted` rows:
result against the social index, the weighted regression line (slope, intercept
from the metric), resilient schools as green stars, below-expectation ones in red;
`customdata[0]` is the school id so a click opens the card.
"""
from __future__ import annotations


import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from ui import filters, safe
from ui import format as fmt
from ui.charts import base_layout, label_positions
from metrics.explain import arg_text, q
from metrics.weights import weight
from ui.reasons import explanation_block, headline, plain_explanation, years_text
from ui.school_view import rnum
from ui.tables import BORDER_PAD, FULL

MAX_CARDS = 12   # schools listed as cards per flag; the rest are in the table of all flags
MAX_LABELS = 40  # more schools than this: only the notable points carry a name

FLAG_ICONS = {"flag": ":material/error:", "warning": ":material/warning:", "good": ":material/thumb_up:"}


def flags_table(flags: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """All flags with display columns (school, flag label, severity label, years text, the explanation's headline in
    plain words), heaviest first (`metrics.weights`)."""
    d = flags.copy()
    d["school"] = d["school_id"].astype(str).map(lambda s: names.get(s, s))
    d["flag_text"] = [lbl if not fmt.is_missing(lbl) else fmt.flag_label(f) for lbl, f in zip(d.get("label", d["flag"]),
                                                                                              d["flag"])]
    d["severity_text"] = d["severity"].map(lambda s: fmt.SEVERITY_LABELS.get(str(s), str(s)))
    d["years_text"] = d["years"].map(years_text)
    d["lead"] = [headline(plain_explanation(f, e, det)) for f, e, det in zip(d["flag"], d["explanation"],
                                                                              d.get("details", [None] * len(d)))]
    d["_weight"] = d["flag"].map(weight)
    return d.sort_values(["_weight", "school"], ascending=[False, True], kind="stable").drop(columns="_weight")


FLAGS_COLUMNS = {"school": "Школа", "flag_text": st.column_config.TextColumn("Флаг", width=300),
                 "severity_text": "Вид", "years_text": "Годы",
                 "lead": st.column_config.TextColumn("Причина (главное)", width=420)}
FLAGS_DOWNLOAD = {"reason": "Причина полностью"}  # the explanation as plain text


def school_flag_list(flags: pd.DataFrame, names: dict[str, str], main_flag: str, *,
                     badges: dict[str, str] | None = None, year: int, budget: int = FULL) -> None:
    """One block per school that has `main_flag`: the school name linking to its card, badges for the
    other flags it has (e.g. stable_low → «устойчиво низкие»), and each of those flags as its headline
    with the points as bullets; the numbers sit in an expander."""
    badges = badges or {}
    main = flags[flags["flag"] == main_flag]
    ids = list(main["school_id"].astype(str).unique())
    for sid in ids[:MAX_CARDS]:  # the flagged schools (a handful in a district)
        own = flags[flags["school_id"].astype(str) == sid]
        tags = [txt for flag, txt in badges.items() if (own["flag"] == flag).any()]
        with st.container(border=True):
            filters.page_link_with_filters("pages/school.py", names.get(sid, sid), icon=":material/apartment:",
                                           school=sid, year=year)
            if tags:
                st.markdown(" ".join(f":{_BADGE_COLOURS.get(t, 'gray')}-badge[{t}]" for t in tags))
            shown = own[own["flag"].isin([main_flag, *badges])]
            for i, r in enumerate(shown.to_dict("records")):  # at most a few flags per school
                label = r.get("label") if not fmt.is_missing(r.get("label")) else fmt.flag_label(r["flag"])
                explanation_block(str(label), plain_explanation(r["flag"], r.get("explanation"), r.get("details")),
                                  severity=r.get("severity"), years=r.get("years"),
                                  key=f"risk_{main_flag}_{sid}_{i}", box=False, budget=budget - BORDER_PAD)
    if len(ids) > MAX_CARDS:
        st.caption(f"И ещё {len(ids) - MAX_CARDS} школ — см. таблицу «Все флаги» ниже.")


_BADGE_COLOURS = {"устойчиво низкие": "red", "есть выпускники ниже минимума": "orange",
                  "резильентная": "green", "ниже ожидаемого": "red"}


def flagged_schools(flagged: pd.DataFrame) -> pd.DataFrame:
    """Flag rows grouped per school, most flags first: school_id (index), labels (list of the short Russian
    flag names), explanation (the first flag's), n (number of flags)."""
    label_col = flagged["flag"].map(fmt.flag_short)
    return (flagged.assign(_label=label_col, _n=1)
            .groupby("school_id", sort=False)
            .agg(labels=("_label", lambda s: list(dict.fromkeys(s))),
                 explanation=("explanation", "first"), n=("_n", "sum"))
            .sort_values("n", ascending=False))


def school_cards(per_school: pd.DataFrame, names: dict[str, str], per_row: int = 2) -> None:
    """Compact bordered cards, `per_row` to a row: the school's name linking to its card, its flags
    as small red badges (short names: ШНОР, ШНСУ …), and the headline of the first flag."""
    records = list(per_school.iterrows())
    for start in range(0, len(records), per_row):
        cols = st.columns(per_row)
        for col, (sid, r) in zip(cols, records[start:start + per_row]):
            with col, st.container(border=True):
                filters.page_link_with_filters("pages/school.py", names.get(sid, sid), icon=":material/apartment:",
                                               school=sid)
                st.markdown(" ".join(f":red-badge[{lbl}]" for lbl in r["labels"]))
                st.caption(safe.md(headline(r["explanation"])))


def threshold_text(threshold: float) -> str:
    """The ШНСУ boundary as the social flag's cards write it («+0,99»: `metrics.risk._social`'s «граница четверти»)."""
    return arg_text(q(threshold, "index", signed=True))


def context_scatter(ca: pd.DataFrame, names: dict[str, str], *, value_title: str, highlight: str | None = None,
                    title: str | None = None, threshold: float | None = None) -> go.Figure:
    """Result against the social index with the regression line; resilient schools as green stars,
    schools below expectation in red; marker size follows participants. `threshold` — the ШНСУ boundary
    (`metrics.social.social_index`'s q3, the one the cards state): the band from it to the right edge, its
    label inside the frame."""
    fig = go.Figure()
    d = ca.copy()
    d["name"] = d["school_id"].astype(str).map(lambda s: names.get(s, s))
    res = d["resilient"].fillna(False).astype(bool)
    below = d["below_expectation"].fillna(False).astype(bool)
    n = pd.to_numeric(d["participants"], errors="coerce").fillna(1.0)
    size = (8 + 22 * np.sqrt(n / max(float(n.max()), 1.0))).round(1)
    if len(d) and d["slope"].notna().any():
        x0, x1 = float(d["index"].min()), float(d["index"].max())
        pad = 0.05 * (x1 - x0 or 1)
        xs = np.array([x0 - pad, x1 + pad])
        slope, intercept = float(d["slope"].dropna().iloc[0]), float(d["intercept"].dropna().iloc[0])
        fig.add_trace(go.Scatter(x=xs, y=intercept + slope * xs, mode="lines", name="ожидаемый результат с учётом контекста",
                                 line=dict(color="#78909c", width=2, dash="dash"), hoverinfo="skip"))
    # labels that do not overlap: the notable schools first, then the others from the regression line outwards
    short = d["name"].map(lambda s: s if len(s) <= 22 else s[:21] + "…")
    if len(d) > MAX_LABELS:
        short = short.where(res | below | (d["school_id"].astype(str) == str(highlight)), "")
    xv, yv = pd.to_numeric(d["index"], errors="coerce"), pd.to_numeric(d["value"], errors="coerce")
    x_lo, x_hi = float(xv.min()) - 0.25, float(xv.max()) + 0.35
    if threshold is not None and np.isfinite(threshold):
        x_hi = max(x_hi, float(threshold) + 0.3)
        fig.add_vrect(x0=float(threshold), x1=x_hi, fillcolor="#ffe0b2", opacity=0.35, line_width=0, layer="below")
        # inside the frame: anchored at the plot's top right corner, the text runs leftwards
        fig.add_annotation(x=1, xref="paper", y=1, yref="paper", xanchor="right", yanchor="top", showarrow=False,
                           text=f"ШНСУ: индекс от {threshold_text(float(threshold))}", bgcolor="rgba(255,255,255,0.7)",
                           font=dict(size=11, color="#e65100"))
    y_lo, y_hi = float(yv.min()) - 0.25, float(yv.max()) + 0.3
    notable = (res | below).to_numpy()
    resid = pd.to_numeric(d.get("residual", pd.Series(0.0, index=d.index)), errors="coerce").abs().fillna(0)
    priority = np.argsort(np.where(notable, -1e9, 0) - resid.to_numpy())
    positions = pd.Series(label_positions(xv, yv, short, x_range=(x_lo, x_hi), y_range=(y_lo, y_hi),
                                          width_px=760, height_px=400, marker_px=18, order=priority),
                          index=d.index)
    groups = [("прочие школы", ~res & ~below, "#546e7a", "circle"),
              ("ниже ожидаемого с учётом контекста", below & ~res, fmt.BAD, "circle"),
              ("резильентные: неблагоприятные условия, результат выше ожидаемого", res, fmt.GOOD, "star")]
    for label, mask, color, symbol in groups:
        p = d[mask]
        if p.empty:
            continue
        hl = (p["school_id"].astype(str) == str(highlight)).to_numpy() if highlight else np.zeros(len(p), bool)
        text = short[p.index].where(positions[p.index] != "", "")
        fig.add_trace(go.Scatter(
            x=p["index"], y=p["value"], mode="markers+text", name=label,
            text=text, textposition=positions[p.index].replace("", "top center").tolist(),
            textfont=dict(size=10, color="#37474f"),
            marker=dict(color=color, size=(size[mask] * np.where(hl, 1.4, 1.0)).tolist(), symbol=symbol,
                        line=dict(width=np.where(hl, 3, 1).tolist(), color=np.where(hl, "#000000", "white").tolist())),
            customdata=np.stack([p["school_id"].astype(str), p["name"],
                                 p["value"].map(lambda v: rnum(v, 2)),
                                 p["predicted"].map(lambda v: rnum(v, 2)),
                                 p["residual"].map(lambda v: fmt.signed(float(v), 2) if not fmt.is_missing(v) else "—"),
                                 p["index"].map(lambda v: rnum(v, 2)),
                                 pd.to_numeric(p["participants"], errors="coerce").map(
                                     lambda v: fmt.num(int(v)) if not fmt.is_missing(v) else "—")], axis=-1),
            hovertemplate="<b>%{customdata[1]}</b><br>Индекс неблагополучия: %{customdata[5]}<br>" + value_title
                          + ": %{customdata[2]} (ожидалось %{customdata[3]}, разница %{customdata[4]})"
                          "<br>Участников: %{customdata[6]}<br><i>щёлкните, чтобы открыть карточку</i><extra></extra>"))
    base_layout(fig, title, height=540)
    fig.update_layout(xaxis=dict(title="индекс социального неблагополучия (0 — средний по району, больше — хуже)",
                                 zeroline=True, range=[x_lo, x_hi]),
                      yaxis=dict(title=value_title, zeroline=True, range=[y_lo, y_hi]), clickmode="event+select",
                      dragmode="pan")
    return fig
