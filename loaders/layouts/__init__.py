"""Which layouts can the loader recognise?

`LAYOUTS` is the registry the pipeline asks, in order; `register(layout)` adds
one (a module registers its layout object when imported). `get(name)` finds a
layout by its name for a user override (`--layout NAME`).

L2 adds: from loaders.layouts import forma1, years_rows, event_plan, protocol, open_data
(each of those modules calls `register(...)` at import time). During the
transition their imports are guarded so a missing module does not break the
loader; remove the guard once all of them exist.
"""
from __future__ import annotations

import importlib

from loaders.layouts.base import Context, Layout, Parsed

LAYOUTS: list[Layout] = []


def register(layout: Layout) -> Layout:
    """Add a layout to the registry (once per name) and return it."""
    if not any(existing.name == layout.name for existing in LAYOUTS):
        LAYOUTS.append(layout)
    return layout


def get(name: str) -> Layout | None:
    for layout in LAYOUTS:
        if layout.name == name:
            return layout
    return None


from loaders.layouts import tabular  # noqa: E402,F401  (registers the generic layout)

# TRANSITION: guarded imports of L2's layouts; replace by a plain import line once they all exist.
for _module in ("forma1", "years_rows", "event_plan", "protocol", "open_data"):
    try:
        importlib.import_module(f"loaders.layouts.{_module}")
    except ImportError as _exc:  # only a module that does not exist yet is tolerated
        if getattr(_exc, "name", None) != f"loaders.layouts.{_module}":
            raise

from loaders.layouts import forma1  # noqa: E402,F401  (L2: «Форма 1» indicator tables)
from loaders.layouts import years_rows  # noqa: E402,F401  (L2: years as rows)
from loaders.layouts import event_plan  # noqa: E402,F401  (L2: event plans)
from loaders.layouts import protocol  # noqa: E402,F401  (L2: per-participant protocols)
from loaders.layouts import open_data  # noqa: E402,F401  (L2: open-data tables)

__all__ = ["LAYOUTS", "Context", "Layout", "Parsed", "register", "get"]
