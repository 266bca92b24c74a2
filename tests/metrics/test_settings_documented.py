"""Is every key of the metrics' sections of config/settings.toml documented in docs/settings.md under its section?"""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# tables whose keys are data (one entry per share, type, band, pattern): documented as a whole
MAPPINGS = {"risk.social.weights", "ranking.type_groups", "exams.high_indicators", "reconciliation.patterns"}
OTHERS = ("store", "upload")  # the store's and the upload's own sections (documented with them)


def _leaves(node, path=()):
    for k, v in node.items():
        if isinstance(v, dict):
            yield from _leaves(v, path + (k,))
        else:
            yield ".".join(path), k


def test_every_setting_is_documented():
    settings = tomllib.loads((ROOT / "config" / "settings.toml").read_text(encoding="utf-8"))
    doc = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    missing = []
    for section, key in _leaves(settings):
        if section.split(".")[0] in OTHERS:
            continue
        if f"[{section}]" not in doc:
            missing.append(f"[{section}]")
        elif section not in MAPPINGS and f"`{key}`" not in doc and f"`{key}," not in doc and \
                f".{key}`" not in doc:
            missing.append(f"{section}.{key}")
    assert sorted(set(missing)) == []
