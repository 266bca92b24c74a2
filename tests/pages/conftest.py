"""Shared fixtures for the page tests (AppTest on the sample district).

One store is seeded from `sample_data/` once per session (seeding takes time);
`sample_store` copies that file per test, `shared_store` points every
read-only test at one copy (so metric caches are shared and the suite stays
fast), `empty_store` is a store seeded from an empty folder. Each fixture sets
the environment the app reads: DASHBOARD_STORE (store file),
DASHBOARD_SEED_FOLDER (seed folder), DASHBOARD_TODAY (2026-11-22) and
DASHBOARD_STRICT=1 (a failing section raises instead of showing a warning).
`run_page(page, **query)` builds an AppTest of app.py, sets the query
parameters, runs it and switches to the page.

For development before `sample_data/` exists, env PAGES_TEST_STORE may name a
ready seeded store file to copy instead of seeding.
"""
from __future__ import annotations

import os
import re
import shutil
import sqlite3
import warnings
from pathlib import Path
from typing import Any, Callable

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as _app_test

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data"
TODAY = "2026-11-22"
TIMEOUT = 60
SPREADSHEETS = ("*.xlsx", "*.xls", "*.ods", "*.csv")

PAGES = {
    "overview": "pages/overview.py",
    "indicators": "pages/indicators.py",
    "events": "pages/events.py",
    "data": "pages/data.py",
    "ranking": "pages/ranking.py",
    "school": "pages/school.py",
    "risk": "pages/risk.py",
    "objectivity": "pages/objectivity.py",
    "commitments": "pages/commitments.py",
}


class _NavigationPagesManager(PagesManager):
    """AppTest resets `uses_pages_directory` before every run, so with a `pages/` folder each
    rerun after a widget change runs the page file alone (Streamlit's v1 multipage mode) without
    app.py. A real server turns that mode off for good once app.py calls st.navigation; do the same."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        PagesManager.uses_pages_directory = False


@pytest.fixture(autouse=True)
def _navigation_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_app_test, "PagesManager", _NavigationPagesManager)


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so a plain file copy holds all the data."""
    con = sqlite3.connect(path)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def _copy_store(src: Path, dst: Path) -> Path:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture(scope="session")
def empty_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("empty_seed")


def seed_sample_store(out: Path) -> Path:
    """Seed a store file from sample_data/ (or copy PAGES_TEST_STORE); skip when there is no sample data."""
    ready = os.environ.get("PAGES_TEST_STORE")
    if ready:
        src = Path(ready)
        _checkpoint(src)
        return _copy_store(src, out)
    if not any(any(SAMPLE.glob(p)) for p in SPREADSHEETS):
        pytest.skip("sample_data/ has no spreadsheets yet: run `python sample_data/generate.py`")
    from store import open_store

    store = open_store(path=out, seed_folder=SAMPLE)
    errors = [p for p in store.seed_problems if getattr(p, "severity", "") == "error"]
    loaded = {name: len(df) for name, df in store.read_all().items()}
    assert any(loaded.values()), "seeding sample_data stored nothing: " + "; ".join(p.text() for p in errors[:5])
    if errors:  # the loaders' own tests own this; the pages are tested on what did load
        warnings.warn(f"sample_data seeded with {len(errors)} errors, e.g. {errors[0].text()}", stacklevel=1)
    _checkpoint(out)
    return out


@pytest.fixture(scope="session")
def seeded_store_file(tmp_path_factory: pytest.TempPathFactory, empty_folder: Path) -> Path:
    """A store seeded once from sample_data/ (read-only master copy)."""
    return seed_sample_store(tmp_path_factory.mktemp("seeded") / "store.sqlite")


def _env(monkeypatch: pytest.MonkeyPatch, store: Path, seed: Path) -> None:
    monkeypatch.setenv("DASHBOARD_STORE", str(store))
    monkeypatch.setenv("DASHBOARD_SEED_FOLDER", str(seed))
    monkeypatch.setenv("DASHBOARD_TODAY", TODAY)
    monkeypatch.setenv("DASHBOARD_STRICT", "1")


@pytest.fixture(scope="session")
def shared_store_file(seeded_store_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _copy_store(seeded_store_file, tmp_path_factory.mktemp("shared") / "store.sqlite")


@pytest.fixture
def shared_store(monkeypatch: pytest.MonkeyPatch, shared_store_file: Path, empty_folder: Path) -> Path:
    """The sample district, one copy shared by read-only tests (caches stay warm)."""
    _env(monkeypatch, shared_store_file, empty_folder)
    return shared_store_file


@pytest.fixture
def sample_store(monkeypatch: pytest.MonkeyPatch, seeded_store_file: Path, tmp_path: Path, empty_folder: Path) -> Path:
    """The sample district, a fresh copy for this test (safe to write to)."""
    path = _copy_store(seeded_store_file, tmp_path / "store.sqlite")
    _env(monkeypatch, path, empty_folder)
    return path


@pytest.fixture
def empty_store(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, empty_folder: Path) -> Path:
    """A store seeded from an empty folder: nothing loaded."""
    path = tmp_path / "empty.sqlite"
    _env(monkeypatch, path, empty_folder)
    return path


PROGRAMME_ONLY = ("programme_forma1.xlsx", "roadmap.xlsx", "school_indicators.xlsx")


@pytest.fixture(scope="session")
def programme_only_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store seeded from the sample district's programme, roadmap and school indicators only
    (no registry, no results): a district that keeps only its programme."""
    folder = tmp_path_factory.mktemp("programme_only_seed")
    for name in PROGRAMME_ONLY:
        if not (SAMPLE / name).exists():
            pytest.skip(f"sample_data/{name} is missing")
        shutil.copyfile(SAMPLE / name, folder / name)
    from store import open_store

    out = tmp_path_factory.mktemp("programme_only") / "store.sqlite"
    open_store(path=out, seed_folder=folder)
    _checkpoint(out)
    return out


@pytest.fixture
def programme_only_store(monkeypatch: pytest.MonkeyPatch, programme_only_file: Path, tmp_path: Path,
                         empty_folder: Path) -> Path:
    path = _copy_store(programme_only_file, tmp_path / "store.sqlite")
    _env(monkeypatch, path, empty_folder)
    return path


@pytest.fixture(scope="session")
def sample_tables(seeded_store_file: Path) -> dict[str, Any]:
    """The tidy tables of the seeded sample district (for expected values computed with metrics/)."""
    from store import open_store

    return open_store(path=seeded_store_file, seed_folder=seeded_store_file.parent / "_none").read_all()


def make_app() -> AppTest:
    return AppTest.from_file("../../app.py", default_timeout=TIMEOUT)


@pytest.fixture
def run_page() -> Callable[..., AppTest]:
    """run_page("indicators", school="sos1", year=2025) -> AppTest after the page has rendered."""

    def _run(page: str = "overview", **query: Any) -> AppTest:
        at = make_app()
        for k, v in query.items():
            if v is not None:
                at.query_params[k] = str(v)
        at.run()
        if page != "overview":
            at.switch_page(PAGES.get(page, page))
            at.run()
        return at

    return _run


def unescaped(markdown: Any) -> str:
    """What a markdown source shows as text: escapes of `ui.safe.md` (backslashes, word joiners) removed."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", str(markdown)).replace("\u2060", "")


def texts(at: AppTest) -> str:
    """All visible text of markdown, captions, info/warning/error/success boxes and titles, joined."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        parts += [unescaped(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def page_links(at: AppTest) -> list[Any]:
    """The page_link protos on the page (label, page, query_string)."""
    return [e.proto for e in at.get("page_link")]


def no_exception(at: AppTest) -> None:
    assert not at.exception, "\n".join(str(e.value) + "\n" + "".join(getattr(e, "stack_trace", []) or []) for e in at.exception)


def metric_bodies(at: AppTest) -> dict[str, str]:
    """label -> shown value of every st.metric on the page."""
    return {m.proto.label: m.proto.body for m in at.metric}


def metric_deltas(at: AppTest) -> dict[str, str]:
    return {m.proto.label: m.proto.delta for m in at.metric}


def table_with(at: AppTest, *columns: str) -> Any:
    """The first st.dataframe (or st.table) whose data has all these (raw) columns."""
    for df in [*at.dataframe, *at.table]:
        value = df.value
        if all(c in value.columns for c in columns):
            return value
    raise AssertionError(f"no table with columns {columns}")


def download_labels(at: AppTest) -> list[str]:
    return [e.proto.label for e in at.get("download_button")]


def plotly_values(v: Any) -> list[Any]:
    """Plotly ≥ 6 writes numeric arrays as {"dtype", "bdata"} (base64); give them back as a list."""
    if isinstance(v, dict) and "bdata" in v:
        import base64

        import numpy as np

        arr = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        if "shape" in v:
            arr = arr.reshape([int(s) for s in str(v["shape"]).split(",")])
        return arr.tolist()
    return list(v) if v is not None else []
