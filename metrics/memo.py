"""How does a metric avoid recomputing a table for the same input objects?

`remember(store, objs, key, compute, size)`: the result of `compute()` for these input objects (by identity,
through weak references, so a freed input frees its entry) and a key (settings, year…), kept in `store` (a list,
newest first, at most `size` entries). Inputs are treated as read-only: a caller that changes a frame in place
must pass a key that changes with it.
"""
from __future__ import annotations

import weakref
from typing import Any, Callable


def remember(store: list, objs: list, key: Any, compute: Callable[[], Any], size: int) -> Any:
    for refs, k, out in store:
        if k == key and len(refs) == len(objs) and all(r() is o for r, o in zip(refs, objs)):
            return out
    out = compute()
    try:
        store.insert(0, ([weakref.ref(o) for o in objs], key, out))
        del store[size:]
    except TypeError:  # an input that cannot be weakly referenced: not remembered
        pass
    return out
