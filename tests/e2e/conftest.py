"""How do the browser tests start the dashboard?

`streamlit_server(store, tmp)` runs the dashboard as `dev.py run` does (`serve.py`) on a free port
against the given store file (never seeding from elsewhere), waits for
`/_stcore/health`, yields the base URL and stops the server afterwards.
The module-scoped fixtures `server` (a dashboard on a freshly seeded sample
store: {"url", "store"}) and `browser` (Debian's chromium through Playwright)
serve every test module that needs no store of its own.
"""
from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.pages.conftest import ROOT, TODAY, seed_sample_store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)  # polling the health endpoint, not waiting for the app
    raise TimeoutError("streamlit did not become healthy")


@contextlib.contextmanager
def streamlit_server(store: Path, tmp: Path, *extra: str) -> Iterator[str]:
    """A fresh dashboard process on `store` (extra command-line options appended); yields its base URL."""
    empty = tmp / "empty_seed"
    empty.mkdir(exist_ok=True)
    port = free_port()
    env = {**os.environ, "DASHBOARD_STORE": str(store), "DASHBOARD_SEED_FOLDER": str(empty), "DASHBOARD_TODAY": TODAY}
    for var in ("GOOGLE_SERVICE_ACCOUNT_JSON", "GOOGLE_APPLICATION_CREDENTIALS"):
        env.pop(var, None)
    url = f"http://127.0.0.1:{port}"
    with open(tmp / "streamlit.log", "w") as log:
        proc = subprocess.Popen(
            [sys.executable, str(ROOT / "serve.py"), "--server.port", str(port),
             "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
             *extra],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_healthy(url, proc)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A dashboard on a store seeded from sample_data/, one per test module: {"url": base URL, "store": path}."""
    tmp = tmp_path_factory.mktemp("e2e")
    store = seed_sample_store(tmp / "store.sqlite")
    with streamlit_server(store, tmp) as url:
        yield {"url": url, "store": store}


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, one per test module."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium (python3 dev.py test installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-test.txt)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()
