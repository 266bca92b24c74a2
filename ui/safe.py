"""How is a string that came from a file shown? As text: never as markdown, never as HTML.

School, indicator, event, file and user names, and cells quoted in error messages, come from files
that anyone may have written. Streamlit renders markdown (links, images, `:red[…]` and
`:material/…:` directives, LaTeX) in `st.markdown`, captions, alerts, titles and widget labels, and
Plotly renders a little HTML (links among it) in chart texts. So:

- `md(s)`  — for any markdown context: every ASCII punctuation mark is backslash-escaped (CommonMark
  shows it literally), line breaks become spaces, and an invisible word joiner (U+2060) is put into
  «://», «www.» and «@», which GitHub-flavoured markdown would otherwise turn into links by itself;
- `html(s)` — for Plotly labels and hover texts, and the rare unsafe-HTML context: `<`, `>`, `&`, quotes
  become entities.

Tables (`st.dataframe`) and Excel exports show values as text already and need neither.
"""
from __future__ import annotations

import html as _html
import re
from typing import Any

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&=\"'/^%@])")
_AUTOLINK = re.compile(r"(?i)(://|www(?=\.)|@)")
_JOINER = "\u2060"


def md(value: Any) -> str:
    """`value` as literal text inside markdown."""
    text = "" if value is None else str(value)
    text = text.replace("\x00", "").replace("\r", " ").replace("\n", " ")
    text = _AUTOLINK.sub(lambda m: _JOINER + m.group(1) + _JOINER, text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def html(value: Any) -> str:
    """`value` as literal text inside HTML (Plotly texts and hover labels included)."""
    text = "" if value is None else str(value)
    return _html.escape(text.replace("\x00", ""), quote=True)


def frame(df: Any) -> Any:
    """A copy of a table for `st.table` (which renders markdown in its cells) with every text cell escaped."""
    out = df.copy()
    for c in out.columns:
        if out[c].dtype == object:
            out[c] = out[c].map(lambda v: md(v) if isinstance(v, str) else v)
    return out
