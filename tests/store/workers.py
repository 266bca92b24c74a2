"""What do the writer processes of the concurrency and crash tests do?

Top-level functions so `multiprocessing` (spawn) can import them in a child.
"""
from __future__ import annotations

import os
import time

from store import Store
from store.writes import PAUSE_ENV, PAUSE_FLAG_ENV
from tests.store.helpers import RESULTS, SCHOOLS, res, result


def payload(name: str):
    if name == "vpr":  # ВПР math sos1, grades 5–7, and the rest of RESULTS
        return result(results=RESULTS)
    if name == "vpr_fix":  # the same slice, only grade 5 with a new mean: grades 6 and 7 would be replaced
        return result(results=[res(2024, "ВПР", "Математика", "sos1", 60, 3.8, 5)])
    if name == "registry":
        return result(schools=SCHOOLS)
    raise ValueError(name)


def accept(path: str, name: str, barrier=None, pause: float | None = None, flag: str | None = None, queue=None,
           wait_for: str | None = None) -> None:
    """Accept payload `name`; optionally pause inside the transaction (touching `flag`), or start only once
    `wait_for` exists (i.e. while another writer holds the lock)."""
    if pause:
        os.environ[PAUSE_ENV] = str(pause)
        if flag:
            os.environ[PAUSE_FLAG_ENV] = flag
    store = Store(path)
    lr = payload(name)
    if barrier is not None:
        barrier.wait(timeout=30)
    if wait_for is not None:
        deadline = time.monotonic() + 30
        while not os.path.exists(wait_for) and time.monotonic() < deadline:
            time.sleep(0.01)
    uid = store.accept(lr, f"{name}.xlsx", name.encode())
    if queue is not None:
        queue.put((name, uid))


def undo(path: str, upload_id: int, pause: float, flag: str) -> None:
    os.environ[PAUSE_ENV] = str(pause)
    os.environ[PAUSE_FLAG_ENV] = flag
    Store(path).undo(upload_id)


def open_and_seed(path: str, folder: str, barrier) -> None:
    from store import open_store
    barrier.wait(timeout=30)
    s = open_store(path, seed_folder=folder)
    assert not [p for p in s.seed_problems if p.severity == "error"], s.seed_problems
