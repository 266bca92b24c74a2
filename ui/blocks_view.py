"""How does a document of `reports/` look on screen?

`show(doc)` renders the blocks of `reports.blocks` with Streamlit: the school
card's print view shows exactly the handout the PDF holds (same texts, tables,
charts, page break). Texts from files are escaped before they reach markdown.
"""
from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from reports import blocks as B

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!<>|~:$])")
TONE_BOX = {"bad": st.error, "near": st.warning, "good": st.success, "info": st.info}


def md(text: str) -> str:
    """Plain text made literal for st.markdown (every markdown punctuation escaped)."""
    return _MD_SPECIAL.sub(r"\\\1", str(text)).replace("\n", "  \n")


def _table(t: B.Table) -> None:
    rows = [list(r) for r in t.rows]
    for i in t.span_rows:
        rows[i] = [rows[i][0]] + [""] * (len(t.columns) - 1)
    st.table(pd.DataFrame(rows, columns=[c.label for c in t.columns]), hide_index=True)
    if t.note:
        st.caption(md(t.note))


def show(blocks: list[B.Block] | tuple[B.Block, ...]) -> None:
    for b in blocks:
        if isinstance(b, B.Heading):
            st.markdown(("### " if b.level == 1 else "#### ") + md(b.text))
        elif isinstance(b, B.Para):
            text = (f"**{md(b.bold_prefix.strip())}** " if b.bold_prefix else "") + md(b.text)
            box = TONE_BOX.get(b.tone or "")
            if box:
                box(text)
            elif b.style == "note":
                st.caption(text)
            else:
                st.markdown(text)
        elif isinstance(b, B.Bullets):
            st.markdown("\n".join(f"- {md(x)}" for x in b.items))
        elif isinstance(b, B.Table):
            _table(b)
        elif isinstance(b, B.Image):
            st.image(b.png, width=int(b.width_mm * 3.78))
            if b.caption:
                st.caption(md(b.caption))
        elif isinstance(b, B.Columns):
            right_mm = max(1.0, B.Doc(title="").text_width_mm - b.left_mm - b.gap_mm)
            left, right = st.columns([b.left_mm, right_mm], gap="medium")
            with left:
                show(b.left)
            with right:
                show(b.right)
        elif isinstance(b, B.Lines):
            st.html("".join('<div style="height: 1.9rem; border-bottom: 1px solid #b8c2cc"></div>'
                            for _ in range(b.count)))
        elif isinstance(b, B.PageBreak):
            st.html('<div style="break-after: page; page-break-after: always"></div>')
            st.divider()
        elif isinstance(b, B.Spacer):
            continue
