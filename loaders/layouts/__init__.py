"""Which layouts can the loader recognise?

`LAYOUTS` is the registry the pipeline asks, in order; `register(layout)` adds
one (a module registers its layout object when imported). `get(name)` finds a
layout by its name for a user override (`--layout NAME`).

Each layout module calls `register(...)` when imported; the generic reader
comes first, the specialised real-world layouts after it.
"""
from __future__ import annotations

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

from loaders.layouts import forma1  # noqa: E402,F401  («Форма 1» indicator tables)
from loaders.layouts import years_rows  # noqa: E402,F401  (years as rows)
from loaders.layouts import event_plan  # noqa: E402,F401  (event plans)
from loaders.layouts import protocol  # noqa: E402,F401  (per-participant protocols)
from loaders.layouts import open_data  # noqa: E402,F401  (open-data tables)

__all__ = ["LAYOUTS", "Context", "Layout", "Parsed", "register", "get"]
