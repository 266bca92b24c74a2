"""Which model field does a foreign column header mean, as the user told us once?

A user maps headers the loader could not place — on the command line
(`--map "EDU_NAME=school,PASSED_NUMBER_FULL=participants"`), in a mapping file,
or in the upload preview. The mapping is saved under the table's header
signature (`loaders.headers.header_signature`) in a JSON file (default
`data/mappings.json`, or the file named by DASHBOARD_MAPPINGS) and applied the
next time a table of the same shape arrives. The upload dialog keeps them in
the store instead and passes the store's lookup to the loaders (`mappings=`);
the JSON file is what the command line reads and `--save-map` writes.

Targets are model columns (`participants`, `mean`, `year`…), `school_name`
(`school`, `школа`, `ОО` are accepted for it), `skip` to ignore a column, or
any other text, which open-data layouts read as the name of a school-level
indicator.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATH = ROOT / "data" / "mappings.json"

# Friendly target words → field names the layouts understand.
TARGET_ALIASES = {
    "school": "school_name", "школа": "school_name", "оо": "school_name", "name": "school_name",
    "school_name": "school_name", "наименование оо": "school_name",
    "short_name": "short_name", "краткое наименование": "short_name",
    "code": "school_id", "school_id": "school_id", "код оо": "school_id",
    "year": "year", "год": "year",
    "exam": "exam", "процедура": "exam",
    "subject": "subject", "предмет": "subject",
    "grade": "grade", "класс": "grade",
    "participants": "participants", "участников": "participants",
    "mean": "mean", "средний балл": "mean",
    "below_min": "below_min", "не преодолели порог": "below_min",
    "high_scorers": "high_scorers", "высокобалльников": "high_scorers",
    "mark2": "mark2", "mark3": "mark3", "mark4": "mark4", "mark5": "mark5",
    "skip": "skip", "пропустить": "skip", "-": "skip", "": "skip",
}


class MappingError(ValueError):
    """A mapping text or file that cannot be read; the message is Russian."""


def canonical_target(target: str) -> str:
    """`school` → `school_name`, `Год` → `year`; anything else is kept as written (trimmed)."""
    t = " ".join(str(target).split())
    return TARGET_ALIASES.get(t.lower().replace("ё", "е"), t)


_QUOTES = {'"': '"', "'": "'", "«": "»"}


def _parts(text: str) -> list[str]:
    """Split `A=x, B=y; C=z` at `,`, `;` and new lines outside quotes. A comma splits only when a `KEY=` follows
    it, so a target may hold commas (`X=Набравших 220+, чел.`); a header with a comma is written in quotes
    (`"Доля детей, %"=low_income_pct`)."""
    parts, cur, quote = [], "", None
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == _QUOTES[quote]:
                quote = None
            cur += ch
        elif ch in _QUOTES and not cur.strip():
            quote = ch
            cur += ch
        elif ch in ";\n" or (ch == "," and _key_follows(text[i + 1:])):
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    parts.append(cur)
    return parts


def _key_follows(rest: str) -> bool:
    """Does a `KEY=` (or a quoted `"KEY"=`) start the rest of the text?"""
    rest = rest.lstrip()
    if rest[:1] in _QUOTES:
        end = rest.find(_QUOTES[rest[0]], 1)
        return end > 0 and rest[end + 1:].lstrip().startswith("=")
    return bool(re.match(r"[^,;=\n]+=", rest))


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] == _QUOTES[text[0]]:
        return text[1:-1].strip()
    return text.strip("\"'«»")


def parse_map_arg(text: str) -> dict[str, str]:
    """`"EDU_NAME=school,PASSED_NUMBER_FULL=participants"` → {"EDU_NAME": "school_name", "PASSED_NUMBER_FULL": "participants"}.

    Pairs are separated by `,`, `;` or new lines; a comma inside a target that is not
    followed by `KEY=` stays part of it (`X=Набравших 220+, чел.`). A header that holds a comma is quoted
    (`"Доля детей, %"=low_income_pct`); quotes around parts are dropped.
    """
    out: dict[str, str] = {}
    for part in _parts(text or ""):
        part = part.strip()
        if not part:
            continue
        src, sep, dst = _split_pair(part)
        if not sep:
            raise MappingError(f"в сопоставлении «{part}» нет знака «=»; пишите «ЗАГОЛОВОК=поле»")
        src, dst = _unquote(src), _unquote(dst)
        if not src:
            raise MappingError(f"в сопоставлении «{part}» не указан заголовок столбца")
        out[src] = canonical_target(dst)
    return out


def _split_pair(part: str) -> tuple[str, str, str]:
    """KEY=VALUE, the `=` outside the quotes of a quoted KEY."""
    if part[:1] in _QUOTES:
        end = part.find(_QUOTES[part[0]], 1)
        if end > 0:
            head, sep, tail = part[end + 1:].partition("=")
            return part[:end + 1] + head, sep, tail
    return part.partition("=")


def read_mapping_file(path: str | Path) -> dict[str, str]:
    """A mapping file: JSON object {header: target}, or lines / csv rows `header=target` or `header;target`."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise MappingError(f"файл сопоставления «{p.name}» не читается (нужен текст в UTF-8)") from None
    stripped = text.strip()
    if stripped.startswith("{"):
        try:
            data = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise MappingError(f"файл сопоставления «{p.name}»: ошибка JSON в строке {exc.lineno}") from None
        if not isinstance(data, dict):
            raise MappingError(f"файл сопоставления «{p.name}»: ожидается объект {{\"ЗАГОЛОВОК\": \"поле\"}}")
        return {str(k).strip(): canonical_target(str(v)) for k, v in data.items()}
    if "=" in stripped:
        return parse_map_arg("\n".join(line for line in stripped.splitlines() if not line.lstrip().startswith("#")))
    out = {}
    for n, row in enumerate(csv.reader(io.StringIO(stripped), delimiter=";" if ";" in stripped else ","), 1):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise MappingError(f"файл сопоставления «{p.name}», строка {n}: нужны два столбца — заголовок и поле")
        out[row[0].strip()] = canonical_target(row[1])
    return out


def _store_path(path: str | Path | None) -> Path:
    return Path(path) if path else Path(os.environ.get("DASHBOARD_MAPPINGS", DEFAULT_PATH))


def _read_all(path: Path) -> dict[str, dict[str, str]]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def load_all(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Every saved mapping, signature → {header: target} (empty when the file is missing or unreadable)."""
    return {sig: dict(m) for sig, m in _read_all(_store_path(path)).items() if isinstance(m, dict)}


def load_mapping(signature: str, path: str | Path | None = None) -> dict[str, str] | None:
    """The mapping saved for a header signature, or None."""
    m = _read_all(_store_path(path)).get(signature)
    return dict(m) if isinstance(m, dict) else None


def save_mapping(signature: str, mapping: dict[str, str], path: str | Path | None = None) -> None:
    """Save (replace) the mapping of a header signature; the file is written atomically."""
    p = _store_path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = _read_all(p)
    data[signature] = {str(k): canonical_target(v) for k, v in mapping.items()}
    fd, tmp = tempfile.mkstemp(dir=p.parent, prefix=".mappings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, p)
