"""Is every hostile file refused quickly, in Russian, naming the file and the limit, without the server's memory —
while another session keeps reading the store?

Runs in CI (no browser). Each file is a few KB, built by `tests/security/hostile.py`. Limits asserted: under
5 s per file, and the test process's peak resident memory grows by under 100 MB (the whole budget the issue
allows is 500 MB); a reader thread on the store keeps answering meanwhile, every read under 2 s.
"""
from __future__ import annotations

import threading
import time

import pytest

from loaders import limits, load_bytes, sandbox
from loaders.grid import read_sheets
from loaders.report import LoadError
from tests.security.hostile import HOSTILE, far_cell, ods_libreoffice_tail

MB = 1024 * 1024


def _rss() -> tuple[int, int]:
    """(current, peak) resident memory of this process in bytes (Linux /proc)."""
    now = peak = 0
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                now = int(line.split()[1]) * 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) * 1024
    return now, peak


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # resets VmHWM to the current resident size


class Reader(threading.Thread):
    """Another session: reads the whole store again and again, timing each read."""

    def __init__(self, store):
        super().__init__(daemon=True)
        self.store, self.times, self.stop = store, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            t = time.monotonic()
            self.store.read_all()
            self.times.append(time.monotonic() - t)


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    from store import open_store
    from tests.upload.conftest import seed_district

    tmp = tmp_path_factory.mktemp("hostile")
    return open_store(seed_district(tmp / "store.sqlite"), seed_folder=tmp / "none")


@pytest.fixture
def reader(district):
    store = district
    r = Reader(store)
    r.start()
    yield r
    r.stop.set()
    r.join(10)


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_file_is_refused_fast_small_and_in_russian(name, reader):
    build, words = HOSTILE[name]
    data = build()
    assert len(data) < 2 * MB
    before = len(reader.times)
    _reset_peak()
    base, _ = _rss()
    started = time.monotonic()
    result = load_bytes(name, data)
    elapsed = time.monotonic() - started
    _, peak = _rss()
    assert elapsed < 5, f"{name}: {elapsed:.1f} s"
    assert peak - base < 100 * MB, f"{name}: +{(peak - base) // MB} MB"
    assert not result.ok and len(result.errors) == 1
    text = result.errors[0].text()
    assert text.startswith(f"Файл «{name}»") and "отклонён" in text, text
    for w in words:
        assert w in text, text
    assert all(len(t) == 0 for t in result.tables.values())
    time.sleep(0.05)
    assert len(reader.times) > before and max(reader.times[before:] or [0]) < 2, "the other session stalled"


def test_the_parse_process_alone_stops_a_memory_bomb(monkeypatch, reader):
    """Even with the pre-parse scan switched off, calamine asking for 524 GB only kills its own process."""
    monkeypatch.setattr(limits, "check", lambda *a, **k: None)
    _reset_peak()
    base, _ = _rss()
    started = time.monotonic()
    with pytest.raises(LoadError) as err:
        read_sheets("XFD999999.xlsx", far_cell("XFD999999"), {"upload": {"parse_memory_mb": 400}})
    assert time.monotonic() - started < 5
    assert _rss()[1] - base < 100 * MB
    assert "не хватило 400 МБ памяти" in str(err.value) and "XFD999999.xlsx" in str(err.value)
    # and the next file is read as usual by a fresh process
    [sheet] = read_sheets("обычный.xlsx", far_cell("D5"))
    assert len(sheet.rows) == 5 and 0 < sandbox.last_peak_rss < 500 * MB  # the parse process's own peak


def test_the_parse_process_has_a_time_limit(monkeypatch):
    monkeypatch.setattr(sandbox, "_settings", lambda settings: (True, 512 * MB, 1.0))
    started = time.monotonic()
    with pytest.raises(LoadError, match="не уложился в 1 с"):
        sandbox.run("медленный.xlsx", time.sleep, 30)
    assert time.monotonic() - started < 5


def test_what_libreoffice_writes_is_not_mistaken_for_a_bomb():
    [sheet] = read_sheets("реестр.ods", ods_libreoffice_tail())
    assert sheet.rows[:2] == [["Код ОО", "Наименование ОО"], ["sos1", "СОШ"]]


def test_a_district_may_lower_the_cell_limit():
    data = far_cell("Z400")  # 400 rows × 26 columns
    read_sheets("ok.xlsx", data)
    with pytest.raises(LoadError, match="10 400 ячеек.*не более 10 000"):
        read_sheets("ok.xlsx", data, {"upload": {"max_cells": 10_000}})
