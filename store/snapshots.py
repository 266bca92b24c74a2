"""Where is a fast copy of a tidy table kept, and when may it be trusted?

Reading a tidy table from SQLite builds a Python object per cell: the region's 420,000 result rows take 2.6 s, paid
by the first page after every server start and every upload. So `Store.read` keeps, beside the store file, an
Arrow copy of each table it has read (`<store>.snapshots/<table>-<key>.arrow`), and reads that instead next time
(0.1–0.2 s). SQLite stays the one durable copy; a snapshot is only a cache of one read:

- its key is the store's identity and data version together with its whole upload history (which files, when,
  what was undone: `key`), read in the same transaction as the rows: any accepted upload or undo changes it, and
  so does a store file restored from a backup that then went another way;
- it is written only after reading it back gave exactly the frame SQLite gave (values, dtypes, columns): a table the
  Arrow format cannot carry as it is (the events' lists of dates) simply gets none;
- it is written to a temporary file and renamed into place, so a reader sees a whole file or none; the table's
  other snapshots are deleted then;
- anything wrong with a snapshot (missing, unreadable, other columns) makes the read fall back to SQLite.
Equal strings share one Python object after loading, as in `store.tables.to_frame`.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import tempfile
from pathlib import Path

import pandas as pd

from store.tables import shared_objects

log = logging.getLogger(__name__)

COMPRESSION = "lz4"


def folder(store_path: Path) -> Path:
    return store_path.with_name(store_path.name + ".snapshots")


def key(con: sqlite3.Connection) -> str:
    """What the data of the store is now, as a short hex string (call inside the read's transaction)."""
    meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('store_id', 'version')").fetchall())
    h = hashlib.sha256(repr((meta.get("store_id"), meta.get("version"))).encode())
    # the whole upload history (a few hundred rows): which files, when, what was undone
    for row in con.execute("SELECT upload_id, at, sha256, undone_at FROM uploads ORDER BY upload_id"):
        h.update(repr(row).encode())
    return h.hexdigest()[:16]


def _path(store_path: Path, table: str, k: str) -> Path:
    return folder(store_path) / f"{table}-{k}.arrow"


def _shared_strings(df: pd.DataFrame) -> pd.DataFrame:
    """Equal strings of every object column as one Python object, as `store.tables.to_frame` gives them."""
    for c in df.columns:
        if df[c].dtype == object:
            df[c] = shared_objects(df[c].to_numpy())
    return df


def _read(path: Path) -> pd.DataFrame:
    import pyarrow.feather as feather

    return _shared_strings(feather.read_table(path, memory_map=False).to_pandas())


def load(store_path: Path, table: str, k: str, columns: list[str]) -> pd.DataFrame | None:
    """The snapshot of `table` under key `k`, or None (none kept, unreadable, other columns)."""
    path = _path(store_path, table, k)
    try:
        df = _read(path)
    except FileNotFoundError:
        return None
    except Exception:
        log.warning("snapshot %s unreadable: read from the store", path.name, exc_info=True)
        return None
    return df if list(df.columns) == columns else None


def save(store_path: Path, table: str, k: str, df: pd.DataFrame) -> bool:
    """Keep `df` as the snapshot of `table` under key `k` if it reads back exactly; drop the table's others.
    Never raises: a snapshot that cannot be written is only a slower next read."""
    import pyarrow as pa
    import pyarrow.feather as feather

    target = _path(store_path, table, k)
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{table}-", suffix=".tmp", dir=target.parent)
        os.close(fd)
        feather.write_feather(pa.Table.from_pandas(df, preserve_index=False), tmp, compression=COMPRESSION)
        back = _read(Path(tmp))
        if not (list(back.columns) == list(df.columns) and back.dtypes.equals(df.dtypes) and back.equals(df)):
            return False  # Arrow would change this table (lists of dates become arrays): no snapshot
        os.replace(tmp, target)
        tmp = None
        for other in target.parent.glob(f"{table}-*.arrow"):
            if other != target:
                other.unlink(missing_ok=True)
        return True
    except Exception:
        log.warning("snapshot of %s not written", table, exc_info=True)
        return False
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
