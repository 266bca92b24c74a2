"""How does an empty store get its first data, and how does a store start over?

On first start (no upload ever accepted) the store is filled from a folder —
`sample_data/` by default, or the district's own folder — through the same
loaders as any upload. It counts as upload #1 by user «система» (source
"seed"), so it appears in the history and can be undone like any other.

Nothing here may crash the app: a missing folder, a loader failure or a file
with errors becomes a list of `Problem`s (kept as `store.seed_problems`). Files
with errors are left out and the rest of the folder is still loaded (with a
warning naming the files left out); if that is impossible the store stays empty. The original files are kept as one zip (fixed
timestamps, so the same files give the same SHA-256), except files read as
per-participant protocols: those hold names and codes and are never kept.

`reseed(store, folder, user)` (`python -m store reseed`) starts over while the app
runs: the folder is loaded first, and only a load without errors replaces the
store's data, in one transaction (`audit.clear_for_reseed`); otherwise nothing
changes and StoreError says why.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from loaders.report import LoadResult, Problem
from store.db import StoreError

if TYPE_CHECKING:
    from store import Store

SEED_USER = "система"
SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods", ".csv"}


def seed_files(folder: Path) -> list[Path]:
    """Spreadsheet files directly in the folder, sorted by name (hidden and Excel lock files skipped)."""
    return sorted(
        p for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in SUFFIXES and not p.name.startswith((".", "~$"))
    )


def _load(files: list[Path], aliases: dict[str, str]) -> LoadResult:
    try:
        from loaders import load_files  # type: ignore[attr-defined]
    except ImportError:
        from loaders.pipeline import load_files  # type: ignore[no-redef]
    return load_files(files, aliases=aliases or None)


def _protocol_files(result: LoadResult) -> set[str]:
    return {Path(str(d.get("file"))).name for d in result.detected
            if str(d.get("layout") or "").startswith("protocol") and d.get("file")}


def bundle(files: list[Path], skip: set[str] = frozenset()) -> bytes:
    """The seed files as one deterministic zip (same files → same bytes → same SHA-256)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for p in files:
            if p.name in skip:
                continue
            info = zipfile.ZipInfo(p.name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, p.read_bytes())
    return buf.getvalue()


def seed(store: "Store", folder: Path) -> list[Problem]:
    """Fill an empty store from `folder`; return the problems met (warnings of a successful load included)."""
    if not store.history().empty:
        return []
    folder = Path(folder)
    if not folder.is_dir():
        return [Problem("warning", f"Папка с исходными данными «{folder}» не найдена — хранилище пока пусто.")]
    files = seed_files(folder)
    if not files:
        return [Problem("warning", f"В папке «{folder}» нет таблиц (xlsx, xls, ods, csv) — хранилище пока пусто.")]
    try:
        result = _load(files, store.aliases())
    except Exception as exc:  # a loader bug must not stop the dashboard from starting
        return [Problem("error", f"Не удалось прочитать папку «{folder}»: {type(exc).__name__}: {exc}. "
                                 "Хранилище пока пусто.")]
    problems: list[Problem] = []
    if result.errors:
        # One broken file must not keep the whole district out: load the others without it, and say so.
        bad = {Path(str(p.file)).name for p in result.errors if p.file}
        good = [f for f in files if f.name not in bad]
        unattributed = any(not p.file for p in result.errors)
        problems = [*result.errors]
        if unattributed or not good:
            return [*problems, Problem("error", f"Начальные данные из папки «{folder}» не загружены, "
                                                "пока в файлах есть ошибки.")]
        try:
            result = _load(good, store.aliases())
        except Exception as exc:
            return [*problems, Problem("error", f"Не удалось прочитать папку «{folder}»: {type(exc).__name__}: {exc}.")]
        if result.errors:
            return [*problems, *result.problems,
                    Problem("error", f"Начальные данные из папки «{folder}» не загружены, пока в файлах есть ошибки.")]
        problems.append(Problem("warning", "Не загружены файлы с ошибками: " + ", ".join(sorted(bad))
                                + " — исправьте их и загрузите через боковую панель."))
        files = good
    content, note = _bundle_for(result, files)
    try:
        # The kept zip leaves protocol files out, so it may be kept even when the load had protocols.
        store._accept(result, file_name=f"{folder.name}.zip", file_bytes=content,
                      user=SEED_USER, source="seed", only_if_empty=True, bytes_are_safe=True, note=note)
    except StoreError as exc:
        return [*problems, *result.problems, Problem("error", f"Начальные данные из папки «{folder}» не сохранены: {exc}")]
    return [*problems, *result.problems]


def _bundle_for(result: LoadResult, files: list[Path]) -> tuple[bytes, str | None]:
    protocols = _protocol_files(result)
    note = ("не хранятся исходные файлы с персональными данными: " + ", ".join(sorted(protocols))) if protocols else None
    return bundle(files, protocols), note


def reseed(store: "Store", folder: Path, user: str) -> list[Problem]:
    """Replace the store's data with the folder's, or change nothing (StoreError); return the load's warnings."""
    from store.audit import clear_for_reseed

    folder = Path(folder)
    if not folder.is_dir():
        raise StoreError(f"Папка «{folder}» не найдена — хранилище не изменено.")
    files = seed_files(folder)
    if not files:
        raise StoreError(f"В папке «{folder}» нет таблиц (xlsx, xls, ods, csv) — хранилище не изменено.")
    try:
        result = _load(files, store.aliases())
    except Exception as exc:
        raise StoreError(f"Не удалось прочитать папку «{folder}» ({type(exc).__name__}) — хранилище не изменено.") from exc
    if result.errors:
        shown = "; ".join(p.text() for p in result.errors[:5])
        raise StoreError(f"Повторное заполнение отменено: в файлах папки «{folder}» ошибок {len(result.errors)} "
                         f"({shown}). Исправьте их; хранилище не изменено.")
    content, note = _bundle_for(result, files)
    store._accept(result, file_name=f"{folder.name}.zip", file_bytes=content, user=user, source="seed",
                  bytes_are_safe=True, note=note,
                  before=lambda con: clear_for_reseed(con, user, f"из папки «{folder}»"))
    return list(result.problems)
