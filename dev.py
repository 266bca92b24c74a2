"""The two set-up commands: `python3 dev.py run` and `python3 dev.py test`.

Works on a fresh machine that has only Python 3.11+ and pip: everything is
installed into a local virtual environment `.venv/` beside this file.
`test` also makes sure Debian's chromium is present for the browser tests
(a browser download by Playwright is impossible here, so it is never tried).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
CHROMIUM = Path("/usr/bin/chromium")


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def sh(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT)


def install(requirements: str) -> Path:
    if not venv_python().exists():
        sh(sys.executable, "-m", "venv", VENV)
    py = venv_python()
    sh(py, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", ROOT / requirements)
    return py


def ensure_chromium() -> None:
    """Install Debian's chromium for the end-to-end tests when it is missing."""
    if CHROMIUM.exists():
        return
    apt = shutil.which("apt-get")
    if apt is None:
        print("Chromium not found and apt-get is unavailable: browser tests will be skipped.")
        return
    prefix: list[str] = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*prefix, apt, "update", "-qq"], check=True, env=env)
    subprocess.run([*prefix, apt, "install", "-y", "-qq", "chromium", "fonts-dejavu-core"], check=True, env=env)


def run() -> None:
    py = install("requirements.txt")
    os.execv(str(py), [str(py), str(ROOT / "serve.py")])  # `streamlit run app.py`, warmed up (serve.py)


def test() -> None:
    py = install("requirements-test.txt")
    ensure_chromium()
    result = subprocess.run([str(py), "-m", "pytest", *sys.argv[2:]], cwd=ROOT)
    sys.exit(result.returncode)


if __name__ == "__main__":
    commands = {"run": run, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit("usage: python3 dev.py run | test [pytest args]")
    commands[sys.argv[1]]()
