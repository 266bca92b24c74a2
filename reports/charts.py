"""Which static charts go on paper, and how are they drawn?

Small matplotlib figures (Agg, no pyplot state: safe in Streamlit's threads),
written as PNG at print resolution and sized in millimetres, so a chart is
exactly as wide on paper as the layout says and its 7–8 pt text stays readable.
DejaVu Sans (matplotlib's own font) draws Cyrillic; numbers use a decimal comma
and a true minus sign.

- `indicator_chart`: one programme indicator over the years — fact, plan, target.
- `results_chart`: a school's mean on each procedure and subject with its 95 %
  interval beside the district mean.
- `status_strip`: one bar split by plan status (how many indicators achieved…).
"""
from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from metrics.format import num

DPI = 220
MM = 1 / 25.4
INK = "#1f2933"
MUTED = "#6b7785"
FACT = "#1f4e79"
PLAN = "#8a97a6"
TARGET = "#2e7d32"
BAD = "#c62828"
GOOD = "#2e7d32"
STATUS_COLOURS = {"achieved": "#66a86b", "near": "#e5b33f", "missed": "#d9534f", "no data": "#c4cad1"}


def _figure(width_mm: float, height_mm: float) -> Figure:
    fig = Figure(figsize=(width_mm * MM, height_mm * MM), dpi=DPI)
    FigureCanvasAgg(fig)
    fig.patch.set_facecolor("white")
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white")
    return buf.getvalue()


def _ru(digits: int) -> FuncFormatter:
    return FuncFormatter(lambda v, _pos: num(float(v), digits).replace("-", "\u2212"))


def _style_axes(ax, size: float = 7) -> None:
    ax.tick_params(labelsize=size, colors=INK, length=2.5, width=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_linewidth(0.6)
        ax.spines[side].set_color(MUTED)
    ax.grid(axis="y", color="#e3e7ec", linewidth=0.5)
    ax.set_axisbelow(True)


def _digits(values: Sequence[float]) -> int:
    finite = [abs(v) for v in values if v is not None and math.isfinite(v)]
    top = max(finite) if finite else 0
    return 0 if top >= 20 else 1 if top >= 5 else 2


def indicator_chart(years: Sequence[int], facts: Sequence[float | None], plans: Sequence[float | None],
                    target: float | None, final_year: int | None, title: str, unit: str,
                    width_mm: float = 86, height_mm: float = 50) -> bytes:
    """Fact (solid, dots) and plan (dashed) by year, the target as a green ring at the final year."""
    fig = _figure(width_mm, height_mm)
    title_mm, legend_mm = 8.5, 5.0
    top = 1 - (title_mm + legend_mm) / height_mm
    ax = fig.add_axes((0.13, 0.12, 0.84, top - 0.12))
    _style_axes(ax)
    fx = [(y, v) for y, v in zip(years, facts) if v is not None and math.isfinite(v)]
    px = [(y, v) for y, v in zip(years, plans) if v is not None and math.isfinite(v)]
    values = [v for _, v in fx + px] + ([target] if target is not None else [])
    digits = 1 if unit.strip() == "%" else _digits(values)
    if px:
        ax.plot(*zip(*px), color=PLAN, linestyle=(0, (3, 2)), linewidth=1.1, marker="o", markersize=2.5,
                label="план")
    if fx:
        ax.plot(*zip(*fx), color=FACT, linewidth=1.6, marker="o", markersize=3.6, label="факт")
        ly, lv = fx[-1]
        ax.annotate(num(lv, digits).replace("-", "\u2212"), (ly, lv), textcoords="offset points",
                    xytext=(7, 0), ha="left", va="center", fontsize=6.8, color=FACT, fontweight="bold")
    if target is not None and math.isfinite(target) and final_year is not None:
        ax.plot([final_year], [target], marker="o", markersize=6, markerfacecolor="white",
                markeredgecolor=TARGET, markeredgewidth=1.4, linestyle="none", label="цель")
    all_years = sorted({int(y) for y in years} | ({int(final_year)} if final_year else set()))
    ax.set_xticks(all_years)
    ax.set_xticklabels([str(y) for y in all_years])
    if all_years:
        ax.set_xlim(all_years[0] - 0.4, all_years[-1] + 0.6)
    ax.yaxis.set_major_formatter(_ru(digits))
    ax.yaxis.set_major_locator(MaxNLocator(4))
    if unit:
        ax.set_ylabel(unit, fontsize=6.5, color=MUTED, labelpad=2)
    fig.text(0.01, 1 - 0.8 / height_mm, _wrap(title, int(width_mm / 1.75)), fontsize=6.8, color=INK, va="top",
             ha="left", fontweight="bold", linespacing=1.15)
    fig.legend(*ax.get_legend_handles_labels(), fontsize=6.2, frameon=False, loc="lower left",
               bbox_to_anchor=(0.11, top + 0.3 / height_mm), ncol=3, handlelength=1.6, columnspacing=1.0,
               borderaxespad=0)
    return _png(fig)


def _wrap(text: str, width: int, lines: int = 2) -> str:
    """At most `lines` lines of about `width` characters («…» when cut)."""
    words, out, cur = str(text).split(), [], ""
    for w in words:
        if len(cur) + len(w) + 1 > width and cur:
            out.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}".strip()
    if cur:
        out.append(cur)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: width - 1].rstrip(" ,") + "…"
    return "\n".join(out)


@dataclass(frozen=True)
class ResultDot:
    label: str
    mean: float
    low: float | None
    high: float | None
    district: float | None
    verdict: str          # "below" | "above" | "same" | "small"


def results_chart(panels: Sequence[tuple[str, Sequence[ResultDot]]], width_mm: float = 80,
                  row_mm: float = 5.2) -> tuple[bytes, float]:
    """One panel per scale (ЕГЭ scores, marks 2–5): a dot with its interval per row, a grey tick for the
    district. Returns (png, height in mm)."""
    panels = [(t, list(rows)) for t, rows in panels if rows]
    head_mm, axis_mm = 5.5, 6.5
    height_mm = sum(head_mm + axis_mm + row_mm * len(r) for _, r in panels) + 6
    fig = _figure(width_mm, height_mm)
    top = 1.0
    for title, rows in panels:
        h = (head_mm + axis_mm + row_mm * len(rows)) / height_mm
        ax = fig.add_axes((0.47, top - h + axis_mm / height_mm, 0.50, (row_mm * len(rows)) / height_mm))
        _style_axes(ax, 6.5)
        ax.grid(axis="x", color="#e3e7ec", linewidth=0.5)
        ax.grid(axis="y", visible=False)
        ys = list(range(len(rows)))[::-1]
        for y, r in zip(ys, rows):
            colour = BAD if r.verdict == "below" else GOOD if r.verdict == "above" else FACT
            if r.low is not None and r.high is not None and math.isfinite(r.low) and math.isfinite(r.high):
                ax.plot([r.low, r.high], [y, y], color=colour, linewidth=1.3, solid_capstyle="butt", alpha=0.85)
            face = "white" if r.verdict == "small" else colour
            ax.plot([r.mean], [y], marker="o", markersize=4, color=colour, markerfacecolor=face,
                    markeredgewidth=1.1, linestyle="none")
            if r.district is not None and math.isfinite(r.district):
                ax.plot([r.district], [y], marker="|", markersize=8, color="#555f6b", markeredgewidth=1.4,
                        linestyle="none")
        ax.set_yticks(ys)
        ax.set_yticklabels([_wrap(r.label, 24, 1) for r in rows], fontsize=5.9)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        values = [v for r in rows for v in (r.low, r.high, r.mean, r.district) if v is not None and math.isfinite(v)]
        lo, hi = min(values), max(values)
        pad = (hi - lo) * 0.08 or 0.5
        ax.set_xlim(lo - pad, hi + pad)
        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_formatter(_ru(0 if hi > 20 else 1))
        fig.text(0.01, top - 1.2 / height_mm, title, fontsize=6.8, fontweight="bold", color=INK, va="top")
        top -= h
    fig.text(0.01, 0.004, "точка — школа, отрезок — 95 % интервал, штрих — район;\n"
             "красным — значимо ниже района, зелёным — выше", fontsize=5.4, color=MUTED, va="bottom",
             linespacing=1.1)
    return _png(fig), height_mm


def status_strip(counts: dict[str, int], labels: dict[str, str], width_mm: float = 180,
                 height_mm: float = 9) -> bytes:
    """A single bar split by status, each part labelled «достигнут — 7»."""
    fig = _figure(width_mm, height_mm)
    ax = fig.add_axes((0, 0.05, 1, 0.9))
    ax.set_axis_off()
    total = sum(counts.values()) or 1
    left = 0.0
    for status in ("achieved", "near", "missed", "no data"):
        n = int(counts.get(status, 0))
        if not n:
            continue
        w = n / total
        ax.barh([0], [w], left=left, color=STATUS_COLOURS[status], height=1, edgecolor="white", linewidth=1.2)
        text = f"{labels.get(status, status)} — {n}" if w > 0.1 else str(n)
        ax.text(left + w / 2, 0, text, ha="center", va="center", fontsize=7, color=INK)
        left += w
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.5, 0.5)
    return _png(fig)
