"""How is one key figure shown?

`figure_card(label, value, delta, delta_color, help)` renders a bordered card
whose label wraps over two lines instead of being cut off (long Russian labels
such as «Средний балл ЕГЭ по профильной математике»), then the value and its
coloured change. `figure_grid(rows, per_row)` lays out `metrics.key_figures`
rows; `count_grid(summary)` the number of schools per risk flag (`metrics.risk_summary`).
"""
from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import format as fmt


def figure_card(label: str, value: str, delta: str | None = None, delta_color: str = "normal",
                help: str | None = None) -> None:
    with st.container(border=True):
        st.markdown(f"<div style='min-height:2.6em;font-size:0.9rem;color:#555;line-height:1.3'>{label}</div>",
                    unsafe_allow_html=True)
        st.metric(label, value, delta=delta, delta_color=delta_color, help=help, label_visibility="collapsed")


def figure_grid(kf: pd.DataFrame, year: int, per_row: int = 4) -> None:
    """Cards for key_figures rows (label, value, prev_value, change, unit, good_direction)."""
    records = kf.to_dict("records")
    for start in range(0, len(records), per_row):
        cols = st.columns(per_row)
        for col, r in zip(cols, records[start:start + per_row]):
            unit = r.get("unit")
            prev = r.get("prev_value")
            with col:
                figure_card(
                    str(r["label"]),
                    fmt.value(r["value"], unit),
                    delta=fmt.metric_delta(r.get("change"), unit, fmt.digits_for(unit, r["value"])),
                    delta_color=fmt.delta_color(r.get("good_direction")),
                    help=(f"{year - 1} г.: {fmt.value(prev, unit)}" if not fmt.is_missing(prev)
                          else "Нет данных за прошлый год"),
                )


def count_grid(summary: pd.DataFrame, per_row: int = 4) -> None:
    """One card per risk flag kind (`risk_summary` rows: flag, label, severity, count): the flag's
    Russian label in full (wrapped) and the number of schools."""
    records = summary.to_dict("records")
    for start in range(0, len(records), per_row):
        cols = st.columns(per_row)
        for col, r in zip(cols, records[start:start + per_row]):
            with col:
                figure_card(fmt.flag_label(r["flag"]), fmt.num(int(r["count"])))
