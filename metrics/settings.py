"""Where do the dashboard's rules and thresholds come from?

From one TOML file, `config/settings.toml` (or the file named by the
DASHBOARD_SETTINGS environment variable). Metric functions take the parsed
settings as a plain nested dict and read values with `get(settings, "a.b.c")`,
so a test can pass a small dict and the defaults stay in the file.
Documented in docs/settings.md.
"""
from __future__ import annotations

import os
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "config" / "settings.toml"


def settings_path() -> Path:
    return Path(os.environ.get("DASHBOARD_SETTINGS", DEFAULT_PATH))


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def load_settings(path: str | Path | None = None) -> dict[str, Any]:
    """Parse the settings file (cached until the file changes)."""
    p = Path(path) if path else settings_path()
    return _load(str(p), p.stat().st_mtime)


def get(settings: dict[str, Any] | None, dotted: str, default: Any = None) -> Any:
    """Value at a dotted path such as "risk.low_results.share_below_min".

    Missing keys fall back to the settings file, then to `default`.
    """
    for source in (settings, None):
        node: Any = source if source is not None else load_settings()
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                node = None
                break
            node = node[part]
        if node is not None:
            return node
    return default
