"""Which Plotly figures (and display tables) were already built for this data, so a rerun does not build them again?

Building a Plotly figure validates every trace and axis (a school's 15-panel
history takes far longer than computing its numbers). `figure(key, build)`
keeps each built figure per (store file, store version, key) in a `st.cache_resource`
dict, so a rerun after a widget change reuses it; a new upload changes the
version and the figures are rebuilt. Figures are never mutated after
building (`st.plotly_chart` serialises a copy), so sharing them is safe.
`memo(key, build)` does the same for a formatted display table (thousands of
rows formatted the Russian way); callers must not modify what it returns.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Callable, Hashable

import plotly.graph_objects as go
import streamlit as st

from ui import data

MAX_FIGURES = 256


@st.cache_resource(show_spinner=False)
def _figures() -> OrderedDict:
    return OrderedDict()


def memo(key: tuple[Hashable, ...], build: Callable[[], Any]) -> Any:
    """The object for `key` under the current store version, built by `build()` on first use (shared: do not mutate)."""
    return figure(key, build)


def figure(key: tuple[Hashable, ...], build: Callable[[], go.Figure]) -> go.Figure:
    """The figure for `key` under the current store version, built by `build()` on first use."""
    cache = _figures()
    k: tuple[Any, ...] = (data.store_path(), data.version(), *key)
    fig = cache.get(k)
    if fig is None:
        fig = build()
        cache[k] = fig
        while len(cache) > MAX_FIGURES:
            cache.popitem(last=False)
    else:
        cache.move_to_end(k)
    return fig
